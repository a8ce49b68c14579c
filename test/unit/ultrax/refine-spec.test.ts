/** How `refinery refine` names an UltraX programmer, and which stages a spec runs. */
import { describe, expect, it } from 'vitest';
import { specFromFlags } from '../../../main/cli/refine';
import { stagesFor } from '../../../main/stage-programmers/resolve';

describe('UltraX programmer specs', () => {
  it('--ultrax-model and --profile ultrax carry fidelity and window options; other programmers refuse them', () => {
    expect(specFromFlags({ ultraxModel: './UltraX.Q8_0.gguf', fidelity: 'reference', maxChars: '1000' })).toEqual({
      type: 'stages',
      ultrax: './UltraX.Q8_0.gguf',
      fidelity: 'reference',
      ultraxOptions: { maxChars: 1000 },
    });
    expect(specFromFlags({ profile: 'ultrax' })).toEqual({ type: 'profile', name: 'ultrax' });
    expect(() => specFromFlags({ ultraxModel: 'x.gguf', docModel: 'y.gguf' })).toThrow(/give only one of/);
    expect(() => specFromFlags({ docModel: 'y.gguf', maxChars: '10' })).toThrow(/apply to UltraX models/);
    expect(() => specFromFlags({ programmer: 'rules', fidelity: 'reference' })).toThrow(/--fidelity applies to models \(--profile, --doc-model\/--chunk-model or --ultrax-model\); the rules have no reference pipeline/);
    expect(() => specFromFlags({ ultraxModel: 'x.gguf', fidelity: 'exact' })).toThrow(/--fidelity must be improved or reference, not "exact"/);
    expect(() => specFromFlags({ ultraxModel: 'x.gguf', maxNewTokens: '0' })).toThrow(/--max-new-tokens must be a whole number of at least 1/);
  });

  it('an UltraX programmer runs its one stage; ProX stages are refused for it and it for them', () => {
    expect(stagesFor({ type: 'profile', name: 'ultrax' }, 'both')).toEqual(['ultrax']);
    expect(stagesFor({ type: 'stages', ultrax: 'x.gguf' }, 'ultrax')).toEqual(['ultrax']);
    expect(() => stagesFor({ type: 'stages', ultrax: 'x.gguf' }, 'doc')).toThrow(/UltraX writes one program per document/);
    expect(() => stagesFor({ type: 'rules', preset: 'web' }, 'ultrax')).toThrow(/the ultrax stage needs an UltraX programmer/);
    expect(() => stagesFor({ type: 'stages', ultrax: 'x.gguf', doc: 'rules' }, 'both')).toThrow(/one dialect at a time/);
    expect(stagesFor({ type: 'profile', name: 'prox-web' }, 'both')).toEqual(['doc', 'chunk']);
  });
});
