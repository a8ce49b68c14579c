import { promises as fs } from 'node:fs';
import { firstInvalidUtf8, isUtf8 } from './utf8';
import type { FormatContext, FormatEvent } from './read';

/** A .txt/.md file is one document held in memory whole; larger files are refused, not risked. */
export const MAX_TEXT_FILE_BYTES = 64 * 1024 * 1024;

export async function* readTextFile(context: FormatContext): AsyncGenerator<FormatEvent> {
  const { file } = context;
  const size = (await fs.stat(file.path)).size;
  if (size > MAX_TEXT_FILE_BYTES) {
    context.counter.bytes = size;
    yield issue(
      `file is ${(size / 1024 / 1024).toFixed(0)} MB; a .${file.format} file is read as one document and the limit is ${MAX_TEXT_FILE_BYTES / 1024 / 1024} MB. Split it into smaller files or convert it to JSONL (one document per line).`,
    );
    return;
  }
  const bytes = await fs.readFile(file.path, { signal: context.signal });
  context.counter.bytes = bytes.length;
  if (!isUtf8(bytes)) {
    const bad = firstInvalidUtf8(bytes);
    const at = bad === -1 ? 0 : bad;
    const line = countLines(bytes, at);
    yield {
      kind: 'issue',
      issue: {
        line,
        field: null,
        message: `not valid UTF-8 (bad byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')} on line ${line}, byte offset ${at}); the file was skipped. Re-encode it as UTF-8 (e.g. iconv -f latin1 -t utf-8).`,
      },
    };
    return;
  }
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const text = bytes.toString('utf8', start);
  if (text.trim() === '') {
    yield issue('file is empty (only whitespace); there is nothing to refine.');
    return;
  }
  yield { kind: 'doc', doc: { externalId: null, text, locator: null } };
}

function issue(message: string): FormatEvent {
  return { kind: 'issue', issue: { line: null, field: null, message } };
}

/** 1-based line number of byte offset `at`. */
function countLines(bytes: Buffer, at: number): number {
  let line = 1;
  let pos = bytes.indexOf(0x0a);
  while (pos !== -1 && pos < at) {
    line += 1;
    pos = bytes.indexOf(0x0a, pos + 1);
  }
  return line;
}
