import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonlDecoder, type DecodedEvent } from '../../../main/corpus/jsonl';
import { JsonArraySplitter } from '../../../main/corpus/json';
import { firstInvalidUtf8, isUtf8 } from '../../../main/corpus/utf8';

const fields = { textField: 'text', idField: 'id' };

function decode(chunks: Buffer[]): DecodedEvent[] {
  const decoder = new JsonlDecoder(fields);
  const out: DecodedEvent[] = [];
  for (const chunk of chunks) decoder.push(chunk, out);
  decoder.end(out);
  return out;
}

/** Cuts bytes at the given (sorted, deduplicated) positions. */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let previous = 0;
  for (const point of points) {
    parts.push(bytes.subarray(previous, point));
    previous = point;
  }
  parts.push(bytes.subarray(previous));
  return parts;
}

describe('JsonlDecoder', () => {
  it('reads ids (string or number), dotted text fields, byte offsets; skips blank lines; strips BOM and CR', () => {
    const input = Buffer.from('\uFEFF{"id": 7, "text": "é one"}\r\n\n   \n{"id": "x", "text": "two"}\n{"text": "no id"}');
    const events = decode([input]);
    expect(events).toEqual([
      { kind: 'doc', doc: { externalId: '7', text: 'é one', locator: 1, byteOffset: 3 } },
      { kind: 'doc', doc: { externalId: 'x', text: 'two', locator: 4, byteOffset: 37 } },
      { kind: 'doc', doc: { externalId: null, text: 'no id', locator: 5, byteOffset: 64 } },
    ]);
    // byteOffset points at the record's first byte in the stream (after the BOM).
    for (const event of events) {
      const offset = event.kind === 'doc' ? (event.doc.byteOffset ?? -1) : -1;
      expect(input.subarray(offset, offset + 2).toString()).toBe('{"');
    }
    const nested = new JsonlDecoder({ textField: 'meta.body', idField: 'meta.key' });
    const out: DecodedEvent[] = [];
    nested.push(Buffer.from('{"meta": {"body": "deep", "key": 3}}\n{"meta.body": "literal key wins"}\n'), out);
    nested.end(out);
    expect(out.map((event) => (event.kind === 'doc' ? event.doc.text : event.issue.message))).toEqual(['deep', 'literal key wins']);
  });

  it('gives the same events however the stream is cut into chunks (multi-byte characters split included)', () => {
    const record = fc.record({
      id: fc.oneof(fc.string(), fc.integer()),
      text: fc.string({ unit: 'grapheme' }),
    });
    const line = fc.oneof(
      record.map((value) => JSON.stringify(value)),
      fc.constant('{broken'),
      fc.constant(''),
      fc.constant('{"id": 1}'),
      fc.constant('"just a string"'),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), (lines, cuts, crlf) => {
        const bytes = Buffer.from(lines.join(crlf ? '\r\n' : '\n'));
        expect(decode(split(bytes, cuts))).toEqual(decode([bytes]));
      }),
      { numRuns: 300 },
    );
  });

  it('reports a bad UTF-8 byte at its offset even when the line spans chunks', () => {
    const bytes = Buffer.concat([Buffer.from('{"text": "ok"}\n{"text": "caf'), Buffer.from([0xe9]), Buffer.from('"}\n{"text": "fine"}\n')]);
    for (const cuts of [[], [20], [5, 27, 28]]) {
      const events = decode(split(bytes, cuts));
      expect(events.map((event) => event.kind)).toEqual(['doc', 'issue', 'doc']);
      expect(events[1]).toMatchObject({ issue: { line: 2, message: expect.stringContaining('bad byte 0xe9 at byte offset 28') } });
    }
  });
});

describe('JsonArraySplitter', () => {
  function elements(chunks: Buffer[]): string[] {
    const splitter = new JsonArraySplitter();
    const out: Parameters<JsonArraySplitter['push']>[1] = [];
    for (const chunk of chunks) splitter.push(chunk, out);
    splitter.end(out);
    return out.map((event) => (event.kind === 'element' ? event.bytes.toString().trim() : `ISSUE ${event.issue.message}`));
  }

  it('cuts exactly the elements JSON.parse sees, however the bytes are chunked', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), fc.boolean(), (values, cuts, pretty) => {
        const bytes = Buffer.from(pretty ? JSON.stringify(values, null, 2) : JSON.stringify(values));
        const cutOut = elements(split(bytes, cuts));
        expect(cutOut.map((element) => JSON.parse(element))).toEqual(JSON.parse(bytes.toString()));
      }),
      { numRuns: 300 },
    );
  });

  it('stops with one issue on damage between elements', () => {
    expect(elements([Buffer.from('[{"a": 1}, , {"b": 2}]')])).toEqual(['{"a": 1}', 'ISSUE unexpected comma on line 1 (an empty element). Fix the file; elements before it were read.']);
    expect(elements([Buffer.from('[1, 2]\n x')])).toEqual(['1', '2', 'ISSUE unexpected text after the end of the top-level array, on line 2. Fix the file; all elements before it were read.']);
    expect(elements([Buffer.from('  ')])).toEqual(['ISSUE the file is empty; there is nothing to read.']);
  });
});

describe('firstInvalidUtf8', () => {
  it('agrees with the native validator on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const at = firstInvalidUtf8(bytes);
        expect(at === -1).toBe(isUtf8(bytes));
        if (at !== -1) expect(isUtf8(bytes.subarray(0, at))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
