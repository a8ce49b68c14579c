/**
 * ipull can leave its JSON resume record after the bytes of a finished download (a race in its
 * writer, seen as a tokenizer.model that failed to parse at the byte after its end on a busy CI
 * machine). settleDownloadedFile must give back exactly the announced bytes, including when the
 * record lands late, and refuse short files and foreign surplus.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IncompleteDownloadError, settleDownloadedFile } from '../../../native/llama/settle-download';

const dir = mkdtempSync(join(tmpdir(), 'settle-download-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bytes = Buffer.from(Array.from({ length: 16491 }, (_, i) => (i * 7919) % 251));
const record = JSON.stringify({ part: { partURLs: ['http://x/tokenizer.model'] }, chunks: [2], chunkSize: 5242880 });

function file(name: string, content: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('settleDownloadedFile', () => {
  it('leaves a complete file untouched', async () => {
    const path = file('complete', bytes);
    expect(await settleDownloadedFile(path, bytes.length)).toBe(0);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it("cuts ipull's resume record off the end of a finished file", async () => {
    const path = file('with-record', Buffer.concat([bytes, Buffer.from(record)]));
    expect(await settleDownloadedFile(path, bytes.length)).toBe(record.length);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('also cuts a record that lands while it waits for the file to settle', async () => {
    const path = file('late-record', bytes);
    setTimeout(() => appendFileSync(path, record), 10);
    expect(await settleDownloadedFile(path, bytes.length)).toBe(record.length);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('refuses a file shorter than announced, saying how far it got', async () => {
    const path = file('short', bytes.subarray(0, 1000));
    await expect(settleDownloadedFile(path, bytes.length)).rejects.toThrow(IncompleteDownloadError);
    await expect(settleDownloadedFile(path, bytes.length)).rejects.toThrow(`${path}: the download stopped at 1000 of 16491 bytes; run the command again to resume it`);
  });

  it('does not cut surplus that is not a resume record', async () => {
    const path = file('foreign', Buffer.concat([bytes, Buffer.from('GGUF')]));
    await expect(settleDownloadedFile(path, bytes.length)).rejects.toThrow(/16495 bytes arrived where the server announced 16491/);
    expect(readFileSync(path).length).toBe(16495);
  });

  it('leaves a file of unknown size alone', async () => {
    const path = file('unknown', bytes);
    expect(await settleDownloadedFile(path, 0)).toBe(0);
  });
});
