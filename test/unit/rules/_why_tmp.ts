import { readFileSync } from 'node:fs';
import { parseRuleSpec } from '../../../main/rules/config';
import { evaluateRules } from '../../../main/rules/write-programs';
const dir = '/work/shared/fixtures/devset/';
const docs = readFileSync(dir + 'docs.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; text: string });
const counts = new Map<string, number>();
for (const spec of process.argv.slice(2)) {
  for (const d of docs) { const v = evaluateRules(d.text, parseRuleSpec(spec)); const r = v.failure?.rule ?? 'kept'; counts.set(r, (counts.get(r) ?? 0) + 1); if (process.env.V) console.log(d.id, v.failure?.reason); }
  console.log(spec, [...counts]); counts.clear();
}
