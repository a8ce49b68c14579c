import type { FormatContext, FormatEvent } from './read';

export async function* readJsonFile(_context: FormatContext): AsyncGenerator<FormatEvent> {
  yield { kind: 'issue', issue: { line: null, field: null, message: 'reading .json files is not available in this build yet; convert the file to JSONL.' } };
}
