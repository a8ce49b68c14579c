/** How `refinery refine` names remote servers for a stage, and what is refused before any work starts. */
import { describe, expect, it } from 'vitest';
import { specFromFlags } from '../../../main/cli/refine';
import { checkProgrammerSpec } from '../../../main/stage-programmers/resolve';

describe('remote programmer specs', () => {
  it('--endpoint adds servers to the openai: stages only', () => {
    expect(specFromFlags({ docModel: 'openai:http://a:8080/v1', chunkModel: 'rules', endpoint: ['http://b:8080@4'] })).toEqual({
      type: 'stages',
      doc: 'openai:http://a:8080/v1,http://b:8080@4',
      chunk: 'rules',
    });
    expect(() => specFromFlags({ docModel: 'x.gguf', endpoint: ['http://b:8080'] })).toThrow(/--endpoint adds servers to an openai: stage/);
  });

  it('checks server addresses by form, and refuses a server for the UltraX stage', () => {
    expect(() => checkProgrammerSpec({ type: 'stages', doc: 'openai:http://a:8080/v1#m@2,http://b:8080' }, ['doc'])).not.toThrow();
    expect(() => checkProgrammerSpec({ type: 'stages', doc: 'openai:ftp://a' }, ['doc'])).toThrow(/only http and https/);
    expect(() => checkProgrammerSpec({ type: 'stages', doc: 'openai:http://user:pw@a:8080' }, ['doc'])).toThrow(/REFINERY_API_KEY/);
    expect(() => checkProgrammerSpec({ type: 'stages', ultrax: 'openai:http://a:8080' }, ['ultrax'])).toThrow(/an UltraX model runs in-process/);
  });
});
