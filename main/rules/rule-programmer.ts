/**
 * The rule programmer behind the Programmer interface: no model, programs from the rules.
 */
import type { DocumentInput, Programmer, ProgramRequestOptions, StageProgram } from '../prox/programmer';
import type { Stage } from '../prox/program';
import { describeConfig, parseRuleSpec, RULESET_VERSION, type RuleConfig } from './config';
import { writeRulePrograms } from './write-programs';

/** `spec` is a preset spec ('fineweb', 'all', 'c4+prox-lines', 'fineweb,c4.policy=off') or a config. */
export function createRuleProgrammer(spec: string | RuleConfig): Programmer {
  const config = typeof spec === 'string' ? parseRuleSpec(spec) : spec;
  const name = describeConfig(config);
  const parameters: Record<string, string | number | boolean> = { filters: config.filters.join('+') };
  for (const [key, value] of Object.entries(config.rules)) parameters[key] = value;
  return {
    info: {
      id: `rules:${name}@${RULESET_VERSION}`,
      kind: 'rules',
      label: `Rules (${name})`,
      parameters,
    },
    stages: ['doc', 'chunk'],
    async writePrograms(stage: Stage, docs: readonly DocumentInput[], options?: ProgramRequestOptions): Promise<StageProgram[]> {
      const results: StageProgram[] = [];
      for (const doc of docs) {
        if (options?.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
        try {
          const programs = writeRulePrograms(doc.text, config);
          const written = stage === 'doc' ? programs.doc : programs.chunk;
          results.push({ id: doc.id, stage, program: written.program, notes: written.notes, promptTokens: 0, generatedTokens: 0 });
        } catch (err) {
          results.push({ id: doc.id, stage, program: '', notes: [], failure: `rules failed: ${err instanceof Error ? err.message : String(err)}`, promptTokens: 0, generatedTokens: 0 });
        }
      }
      return results;
    },
    async dispose(): Promise<void> {},
  };
}
