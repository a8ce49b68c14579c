import { promises as fs } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatOf } from '../../../main/corpus/formats';
import { readSource } from '../../../main/corpus/read';
import { isScanIssue, scanFolder } from '../../../main/corpus/scan';
import { openJsonlWriter } from '../../../main/export/writer';
import { readAll, sourceFile, tempDir } from './read-helpers';

const records = Array.from({ length: 2500 }, (_, i) => ({ id: i % 3 === 0 ? i : `doc-${i}`, text: `Line one of ${i}\nSecond line ✓ ${'x'.repeat(i % 97)}`, meta: { lang: 'en' } }));
const jsonl = Buffer.from(records.map((record) => JSON.stringify(record)).join('\n') + '\n');
const expectedDocs = records.map((record, index) => ({ externalId: String(record.id), text: record.text, locator: index + 1 }));

describe('format readers', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('formats');
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('maps file names to formats', () => {
    expect(['a.txt', 'a.md', 'a.markdown', 'a.jsonl', 'a.ndjson', 'a.jsonl.gz', 'a.jsonl.zst', 'a.jsonl.zstd', 'a.json', 'a.parquet', 'a.csv', 'a.gz', '.jsonl'].map(formatOf)).toEqual([
      'txt', 'md', 'md', 'jsonl', 'jsonl', 'jsonl.gz', 'jsonl.zst', 'jsonl.zst', 'json', 'parquet', null, null, null,
    ]);
  });

  it('reads the same documents from .jsonl, .jsonl.gz and .jsonl.zst, reporting compressed progress', async () => {
    await fs.writeFile(path.join(dir, 'c.jsonl'), jsonl);
    await fs.writeFile(path.join(dir, 'c.jsonl.gz'), Buffer.concat([gzipSync(jsonl.subarray(0, 1000)), gzipSync(jsonl.subarray(1000))])); // multi-member gzip
    const zstd = await openJsonlWriter(path.join(dir, 'c.jsonl.zst'));
    for (const record of records) await zstd.write(record);
    await zstd.commit();
    for (const name of ['c.jsonl', 'c.jsonl.gz', 'c.jsonl.zst']) {
      const file = path.join(dir, name);
      const result = await readAll(file);
      expect(result.issues, name).toEqual([]);
      expect(result.docs.map(({ externalId, text, locator }) => ({ externalId, text, locator })), name).toEqual(expectedDocs);
      const size = (await fs.stat(file)).size;
      expect(result.progress.at(-1), name).toBe(size);
      expect([...result.progress].sort((a, b) => a - b), name).toEqual(result.progress);
    }
  });

  it('reads .txt and .md as one document per file, BOM removed, empty file reported', async () => {
    await fs.writeFile(path.join(dir, 'page.md'), '\uFEFF# Title\n\nBody ✓\n');
    await fs.writeFile(path.join(dir, 'empty.txt'), ' \n');
    expect(await readAll(path.join(dir, 'page.md'))).toMatchObject({ docs: [{ externalId: null, text: '# Title\n\nBody ✓\n', locator: null }], issues: [] });
    expect((await readAll(path.join(dir, 'empty.txt'))).issues).toEqual([
      { file: 'empty.txt', line: null, field: null, message: 'file is empty (only whitespace); there is nothing to refine.' },
    ]);
  });

  it('reads a .json array streamed with 0-based locators, and the common top-level object shapes', async () => {
    await fs.writeFile(path.join(dir, 'arr.json'), JSON.stringify(records.slice(0, 50), null, 2));
    const array = await readAll(path.join(dir, 'arr.json'));
    expect(array.issues).toEqual([]);
    expect(array.docs.map((doc) => [doc.externalId, doc.text, doc.locator])).toEqual(records.slice(0, 50).map((record, index) => [String(record.id), record.text, index]));

    await fs.writeFile(path.join(dir, 'one.json'), JSON.stringify({ id: 'solo', text: 'single document' }));
    expect((await readAll(path.join(dir, 'one.json'))).docs).toEqual([{ externalId: 'solo', text: 'single document', locator: 0 }]);

    await fs.writeFile(path.join(dir, 'wrapped.json'), JSON.stringify({ version: 2, data: [{ text: 'a' }, { text: 'b' }] }));
    expect((await readAll(path.join(dir, 'wrapped.json'))).docs.map((doc) => doc.text)).toEqual(['a', 'b']);

    await fs.writeFile(path.join(dir, 'ids.json'), '[{"id": [1], "text": "kept without id"}]');
    expect(await readAll(path.join(dir, 'ids.json'))).toMatchObject({
      docs: [{ externalId: null, text: 'kept without id', locator: 0 }],
      issues: [{ file: 'ids.json', line: 1, field: 'id', message: expect.stringMatching(/^element 0 \(line 1\): "id" is an array, not a string or number; the document was read without an id/) }],
    });

    await fs.writeFile(path.join(dir, 'odd.json'), JSON.stringify({ version: 2, rows: 3 }));
    expect((await readAll(path.join(dir, 'odd.json'))).issues).toEqual([
      {
        file: 'odd.json',
        line: 1,
        field: 'text',
        message: 'the file is one JSON object without a "text" field and no array of records (fields present: version, rows). Set the text field, or give the records as a top-level array or JSONL.',
      },
    ]);
  });

  it('reads a Hugging Face parquet layout: data/train-0000x-of-0000y files, row groups, a struct column, int64 ids', async () => {
    const data = path.join(dir, 'hf', 'data');
    await fs.mkdir(data, { recursive: true });
    const rows = Array.from({ length: 25 }, (_, i) => ({ id: BigInt(1000 + i), text: `row ${i} ✓`, meta: { body: `nested ${i}`, score: i } }));
    for (const [part, slice] of [rows.slice(0, 10), rows.slice(10)].entries()) {
      parquetWriteFile({
        filename: path.join(data, `train-0000${part}-of-00002.parquet`),
        columnData: [
          { name: 'id', data: slice.map((row) => row.id), type: 'INT64' },
          { name: 'text', data: slice.map((row) => row.text), type: 'STRING' },
          { name: 'meta', data: slice.map((row) => row.meta), type: 'JSON' },
          { name: 'url', data: slice.map(() => 'https://example.com'), type: 'STRING' },
        ],
        rowGroupSize: 4,
      });
    }
    const texts: string[] = [];
    const locators: Array<number | null> = [];
    const ids: Array<string | null> = [];
    const extras: unknown[] = [];
    for await (const entry of scanFolder(path.join(dir, 'hf'))) {
      if (isScanIssue(entry)) throw new Error(entry.issue.message);
      for await (const event of readSource(entry)) {
        if (event.kind === 'issue') throw new Error(event.issue.message);
        texts.push(event.doc.text);
        locators.push(event.doc.locator);
        ids.push(event.doc.externalId);
        extras.push(JSON.parse(event.doc.extra ?? 'null'));
      }
    }
    // Every other column travels with its document, for export.
    expect(extras).toEqual(rows.map((row) => ({ meta: row.meta, url: 'https://example.com' })));
    expect(texts).toEqual(rows.map((row) => row.text));
    expect(ids).toEqual(rows.map((row) => String(row.id)));
    expect(locators).toEqual([...Array.from({ length: 10 }, (_, i) => i), ...Array.from({ length: 15 }, (_, i) => i)]);

    const first = path.join(data, 'train-00000-of-00002.parquet');
    const missing = await readAll(first, { textField: 'content' });
    expect(missing.issues).toEqual([
      { file: 'train-00000-of-00002.parquet', line: null, field: 'content', message: 'no "content" column (columns: id, text, meta, url). Set the text field to the column that holds the text.' },
    ]);
  });

  it('reads a nested struct column with a dotted text field', async () => {
    const file = path.join(dir, 'struct.parquet');
    parquetWriteFile({
      filename: file,
      columnData: [{ name: 'meta', data: [{ body: 'deep one', key: 'k1' }, { body: 'deep two', key: 'k2' }] }],
      schema: [
        { name: 'root', num_children: 1 },
        { name: 'meta', repetition_type: 'REQUIRED', num_children: 2 },
        { name: 'body', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
        { name: 'key', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
      ],
    });
    const result = await readAll(file, { textField: 'meta.body', idField: 'meta.key' });
    expect(result).toMatchObject({ issues: [], docs: [{ externalId: 'k1', text: 'deep one', locator: 0 }, { externalId: 'k2', text: 'deep two', locator: 1 }] });
    // The struct held only the text and the id: nothing else is left to keep.
    expect(result.docs.map((doc) => doc.extra)).toEqual([undefined, undefined]);
  });

  it('lists the first 200 problems of a file one by one and counts the rest in one issue', async () => {
    const file = path.join(dir, 'noise.jsonl');
    await fs.writeFile(file, `${Array.from({ length: 250 }, (_, i) => `garbage ${i}`).join('\n')}\n{"text": "survivor"}\n`);
    const result = await readAll(file);
    expect(result.docs.map((doc) => [doc.text, doc.locator])).toEqual([['survivor', 251]]);
    expect(result.issues).toHaveLength(201);
    expect(result.issues[199]).toMatchObject({ line: 200, message: expect.stringMatching(/^line 200 is not valid JSON/) });
    expect(result.issues[200]).toEqual({
      file: 'noise.jsonl',
      line: null,
      field: null,
      message: '50 more problems in this file were not listed one by one (only the first 200 are). Is this file really jsonl?',
    });
  });

  it('reports an empty .jsonl (no bytes, or blank lines only) as empty.json and empty.txt are', async () => {
    for (const [name, content] of [['empty.jsonl', ''], ['blank.jsonl', '\n  \n\n']] as const) {
      await fs.writeFile(path.join(dir, name), content);
      const { docs, issues } = await readAll(path.join(dir, name));
      expect(docs).toEqual([]);
      expect(issues).toEqual([{ file: name, line: null, field: null, message: 'the file is empty (no records); there is nothing to read.' }]);
    }
  });

  it('a file that vanished between scan and read becomes an issue, not a crash', async () => {
    const file = path.join(dir, 'gone.jsonl');
    await fs.writeFile(file, '{"text": "soon gone"}\n');
    const source = await sourceFile(file);
    await fs.rm(file);
    const events = [];
    for await (const event of readSource(source)) events.push(event);
    expect(events).toEqual([
      {
        kind: 'issue',
        bytesRead: 0,
        readStopped: true,
        issue: { file: 'gone.jsonl', line: null, field: null, message: 'reading stopped: it does not exist (it may have been moved or deleted). Documents before this point were read; the file is read again on the next scan.' },
      },
    ]);
  });

  it('stops at once when aborted', async () => {
    const controller = new AbortController();
    const file = await sourceFile(path.join(dir, 'c.jsonl'));
    let seen = 0;
    const reading = (async () => {
      for await (const event of readSource(file, { signal: controller.signal })) {
        if (event.kind === 'doc' && ++seen === 10) controller.abort();
      }
    })();
    await expect(reading).rejects.toThrow(/abort/i);
    expect(seen).toBeLessThan(records.length);
  });
});
