import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { SourceFile } from '../../../main/corpus/types';
import { BufferPool, readFileBatches, type DocBatch } from '../../../main/indexing/file-batches';
import { contentHash, countWordsFast, titleOf } from '../../../main/corpus/text-facts';

const dir = mkdtempSync(join(tmpdir(), 'refinery-batches-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function jsonlFile(name: string, lines: string[]): SourceFile {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return { path, relPath: name, size: statSync(path).size, mtimeMs: 0, format: 'jsonl' };
}

interface Doc {
  text: string;
  externalId: string | null;
  locator: number | null;
  contentHash: string;
  chars: number;
  words: number;
  title: string;
}

async function collect(file: SourceFile, options: Parameters<typeof readFileBatches>[1]) {
  const docs: Doc[] = [];
  const batches: DocBatch[] = [];
  const issues: string[] = [];
  let fileHash: string | null = null;
  for await (const event of readFileBatches(file, options)) {
    if (event.type === 'end') {
      fileHash = event.fileHash;
      continue;
    }
    const b = event.batch;
    batches.push(b);
    let start = 0;
    b.textEnds.forEach((end, i) => {
      docs.push({
        text: Buffer.from(b.text.buffer, b.text.byteOffset, b.text.byteLength).toString('utf8', start, end),
        externalId: b.externalIds[i]!,
        locator: b.locators[i]!,
        contentHash: b.contentHashes[i]!,
        chars: b.chars[i]!,
        words: b.words[i]!,
        title: b.titles[i]!,
      });
      start = end;
    });
    issues.push(...b.issues.map((issue) => `${issue.file}:${issue.line}`));
  }
  return { docs, batches, issues, fileHash };
}

/** Text and title as stored: UTF-8, so a lone surrogate becomes U+FFFD (as SQLite always stored it). */
const expectedDoc = (text: string, externalId: string | null, locator: number): Doc => ({
  text: Buffer.from(text).toString(),
  externalId,
  locator,
  contentHash: contentHash(text),
  chars: text.length,
  words: countWordsFast(text),
  title: Buffer.from(titleOf(text)).toString(),
});

describe('readFileBatches', () => {
  it('gives every document with the same facts as text-facts, however small the batches (a document larger than a batch included)', async () => {
    const texts = ['plain ascii', 'é and 中文 and 😀 emoji', 'lone surrogate \ud800 here', 'x'.repeat(500), '  \n  title line \nbody', ''];
    const lines = texts.map((text, i) => JSON.stringify({ id: i === 2 ? 7 : `d${i}`, text }));
    lines.splice(3, 0, '{not json', '{"id":"no-text"}');
    const file = jsonlFile('mixed.jsonl', lines);
    const expected = texts.map((text, i) => expectedDoc(text, i === 2 ? '7' : `d${i}`, i < 3 ? i + 1 : i + 3));
    for (const batchBytes of [16, 64, 1 << 20]) {
      const { docs, issues, fileHash } = await collect(file, { batchBytes, batchDocs: 2 });
      expect(docs).toEqual(expected);
      expect(issues).toEqual(['mixed.jsonl:4', 'mixed.jsonl:5']);
      expect(fileHash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('agrees with contentHash on any text (the hash is taken over the UTF-8 bytes it writes)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { minLength: 1, maxLength: 5 }), async (texts) => {
        const file = jsonlFile('prop.jsonl', texts.map((text) => JSON.stringify({ text })));
        const { docs } = await collect(file, { batchBytes: 32 });
        expect(docs.map((d) => [d.text, d.contentHash, d.chars])).toEqual(texts.map((t) => [Buffer.from(t).toString(), contentHash(t), t.length]));
      }),
      { numRuns: 25 },
    );
  });

  it("ends with the sha256 of the file's bytes, hashed while reading or read again (txt)", async () => {
    const content = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ text: `line ${i} é` })).join('\n') + '\n';
    const files: SourceFile[] = [];
    for (const [name, format, bytes] of [
      ['h.jsonl', 'jsonl', Buffer.from(content)],
      ['h.jsonl.gz', 'jsonl.gz', gzipSync(content)],
      ['h.txt', 'txt', Buffer.from('plain text')],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      files.push({ path, relPath: name, size: bytes.length, mtimeMs: 0, format });
    }
    for (const file of files) {
      const { fileHash, docs } = await collect(file, {});
      expect(docs.length).toBeGreaterThan(0);
      expect(fileHash).toBe(createHash('sha256').update(readFileSync(file.path)).digest('hex'));
    }
  });

  it('reuses given-back buffers, and only full-size ones', async () => {
    const file = jsonlFile('pool.jsonl', Array.from({ length: 20 }, (_, i) => JSON.stringify({ text: `document number ${i}` })));
    const pool = new BufferPool(256, 4);
    const first = await collect(file, { pool, batchDocs: 5 });
    expect(first.batches).toHaveLength(4);
    const buffers = first.batches.map((b) => b.text.buffer);
    for (const b of first.batches) pool.give(b.text.buffer);
    pool.give(new ArrayBuffer(100)); // wrong size: ignored
    const second = await collect(file, { pool, batchDocs: 5 });
    expect(second.docs).toEqual(first.docs);
    expect(second.batches.every((b) => buffers.includes(b.text.buffer))).toBe(true);
    expect(pool.take()).toBeUndefined();
  });
});
