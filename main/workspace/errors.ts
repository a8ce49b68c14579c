import type { ApiErrorCode } from '../../contract/api';

/** An error the API passes on as data, with its contract error code. */
export type WorkspaceErrorCode = Exclude<ApiErrorCode, 'unknown_method'>;

export class WorkspaceError extends Error {
  constructor(
    readonly code: WorkspaceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WorkspaceError';
  }
}
