import { describe, expect, it } from 'vitest';
import { programmerKey } from '../../../main/jobs/programmer-key';
import { RateMeter } from '../../../main/util/rate-meter';
import { toFtsQuery } from '../../../main/store/document-list';
import { binOf, HISTOGRAM_EDGES, ruleKeysOf } from '../../../main/workspace/stats';
import { auditPath } from '../../../main/workspace/export';
import { defaultDatabasePath, refineryHome } from '../../../main/workspace/paths';

describe('toFtsQuery', () => {
  it('quotes every term so FTS syntax in user text is plain text', () => {
    expect(toFtsQuery('  cookie   policy ')).toBe('"cookie" "policy"');
    expect(toFtsQuery('a"b OR NOT')).toBe('"a""b" "OR" "NOT"');
    expect(toFtsQuery('priv*')).toBe('"priv"*');
    expect(toFtsQuery('   ')).toBeNull();
  });
});

describe('ruleKeysOf', () => {
  it('strips measurements so one rule counts under one name', () => {
    expect(ruleKeysOf('gopher: words 12 < 50')).toEqual(['gopher: words < 50']);
    expect(ruleKeysOf('c4: words 2 < 3; lines 5-7: c4: words 1 < 3')).toEqual(['c4: words < 3']);
    expect(ruleKeysOf('c4: words 2 < 3; gopher: words 2 < 50')).toEqual(['c4: words < 3', 'gopher: words < 50']);
    expect(ruleKeysOf('gopher_rep: top 2-gram characters 0.31 > 0.2')).toEqual(['gopher_rep: top #-gram characters > 0.2']);
    expect(ruleKeysOf("gopher: symbol/word ('#') 0.11 > 0.10")).toEqual(["gopher: symbol/word ('#') > 0.10"]);
  });
});

describe('histogram bins', () => {
  it('puts a length in the bin whose lower edge it reaches', () => {
    expect(binOf(0)).toBe(0);
    expect(binOf(31)).toBe(0);
    expect(binOf(32)).toBe(1);
    expect(binOf(10 ** 9)).toBe(HISTOGRAM_EDGES.length - 1);
  });
});

describe('programmerKey', () => {
  const info = { id: 'rules:x@1', kind: 'rules' as const, label: 'x', parameters: { a: 1, b: true } };
  it('is stable under parameter order and changes with anything that changes output', () => {
    expect(programmerKey(info)).toBe(programmerKey({ ...info, parameters: { b: true, a: 1 } }));
    expect(programmerKey(info)).not.toBe(programmerKey({ ...info, parameters: { a: 2, b: true } }));
    expect(programmerKey(info)).not.toBe(programmerKey({ ...info, modelHash: 'abc' }));
    expect(programmerKey(info)).not.toBe(programmerKey({ ...info, promptVersion: '2' }));
  });
});

describe('RateMeter', () => {
  it('measures items per second over its window', () => {
    const meter = new RateMeter(10_000);
    const t0 = performance.now();
    meter.add(10, t0 + 1000);
    meter.add(10, t0 + 2000);
    const rate = meter.perSecond(t0 + 2000);
    expect(rate).toBeGreaterThan(5);
    expect(rate).toBeLessThanOrEqual(20);
  });
});

describe('paths', () => {
  it('puts databases under REFINERY_HOME, one per folder', () => {
    const env = { REFINERY_HOME: '/tmp/rh' };
    expect(refineryHome(env)).toBe('/tmp/rh');
    const a = defaultDatabasePath('/data/a', env);
    expect(a).toMatch(/^\/tmp\/rh\/workspaces\/[0-9a-f]{16}\.sqlite$/);
    expect(defaultDatabasePath('/data/b', env)).not.toBe(a);
  });
  it('names audit files after the output', () => {
    expect(auditPath('/o/clean.jsonl.gz', 'dropped', 'gzip')).toBe('/o/clean.dropped.jsonl.gz');
    expect(auditPath('/o/clean.jsonl', 'removed-lines', 'none')).toBe('/o/clean.removed-lines.jsonl');
  });
});
