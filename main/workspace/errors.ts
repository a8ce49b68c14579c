/** An error the API can pass on as data: `code` is one of contract/api.ts ApiErrorBody codes. */
export type WorkspaceErrorCode = 'invalid_input' | 'not_found' | 'no_workspace' | 'busy' | 'failed';

export class WorkspaceError extends Error {
  constructor(
    readonly code: WorkspaceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WorkspaceError';
  }
}
