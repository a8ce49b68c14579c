import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir, readAll } from './read-helpers';

/**
 * Every kind of bad input the issue lists, each a small committed fixture, with the exact
 * message the user sees. Reading never throws: the good records around the bad one survive.
 */
const cases: Array<{ file: string; docs: number; issues: Array<{ line: number | null; field: string | null; message: string }> }> = [
  {
    file: 'broken-line.jsonl',
    docs: 2,
    issues: [{ line: 2, field: null, message: "line 2 is not valid JSON (Expected ',' or '}' after property value in JSON at position 26). Fix or remove the line; the rest of the file was read." }],
  },
  {
    file: 'non-utf8-line.jsonl',
    docs: 2,
    issues: [{ line: 2, field: null, message: 'line 2 is not valid UTF-8 (bad byte 0xe9 at byte offset 46). Re-encode the file as UTF-8 (e.g. iconv -f latin1 -t utf-8).' }],
  },
  {
    file: 'latin1.txt',
    docs: 0,
    issues: [{ line: 2, field: null, message: 'not valid UTF-8 (bad byte 0xe9 on line 2, byte offset 31); the file was skipped. Re-encode it as UTF-8 (e.g. iconv -f latin1 -t utf-8).' }],
  },
  {
    file: 'missing-text.jsonl',
    docs: 2,
    issues: [
      { line: 2, field: 'text', message: 'line 2: no "text" field (fields present: id, content, url). If the text is in another field, set the text field to its name.' },
      { line: 3, field: 'text', message: 'line 3: "text" is a number, not a string. Point the text field at a string field (fields present: id, text).' },
      { line: 4, field: 'id', message: 'line 4: "id" is an object, not a string or number; the document was read without an id (Refinery assigns one from file and line). Set the id field to a string or number field.' },
      { line: 5, field: null, message: 'line 5: expected a JSON object with a "text" field, found an array. Each record must be an object.' },
    ],
  },
  {
    file: 'truncated.jsonl.gz',
    docs: 137,
    issues: [{ line: null, field: null, message: 'file ends early (truncated gzip); 137 documents before it were read. Re-download or re-create the file to read the rest.' }],
  },
  {
    file: 'truncated.jsonl.zst',
    docs: 684,
    issues: [{ line: null, field: null, message: 'file ends early (truncated zstd); 684 documents before it were read. Re-download or re-create the file to read the rest.' }],
  },
  {
    file: 'not-really.jsonl.gz',
    docs: 0,
    issues: [{ line: null, field: null, message: 'the gzip data is damaged or not gzip at all (incorrect header check); 0 documents before the damage were read. Check that the file really is .gz and re-create it.' }],
  },
  {
    file: 'broken-element.json',
    docs: 2,
    issues: [{ line: 3, field: null, message: 'element 1 (line 3) is not valid JSON (Expected double-quoted property name in JSON at position 10). Fix or remove it; the other elements were read.' }],
  },
  {
    file: 'unclosed.json',
    docs: 1,
    issues: [{ line: 3, field: null, message: 'the file ends before the top-level array is closed (line 3); it may be truncated. Elements before it were read.' }],
  },
  {
    file: 'not-parquet.parquet',
    docs: 0,
    issues: [{ line: null, field: null, message: 'not a readable parquet file (parquet file invalid (footer != PAR1)); it was skipped. It may be truncated or not parquet at all: re-download or re-export it.' }],
  },
];

describe('bad input: recorded with file, line and field; reading goes on', () => {
  for (const testCase of cases) {
    it(testCase.file, async () => {
      const result = await readAll(path.join(fixturesDir, testCase.file));
      expect(result.issues).toEqual(testCase.issues.map((issue) => ({ file: testCase.file, ...issue })));
      expect(result.docs).toHaveLength(testCase.docs);
    });
  }

  it('keeps the good records around a bad one, with their own locators', async () => {
    const result = await readAll(path.join(fixturesDir, 'broken-line.jsonl'));
    expect(result.docs.map((doc) => [doc.externalId, doc.text, doc.locator])).toEqual([
      ['1', 'first', 1],
      ['3', 'third', 3],
    ]);
  });

  it('a truncated archive yields only whole records, in order, none invented', async () => {
    const result = await readAll(path.join(fixturesDir, 'truncated.jsonl.zst'));
    expect(result.docs.map((doc) => doc.externalId)).toEqual(result.docs.map((_, index) => String(index)));
    expect(result.docs.every((doc) => doc.text.split(' ').length === 40)).toBe(true);
  });
});
