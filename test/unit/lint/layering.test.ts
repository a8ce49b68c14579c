/**
 * The layering is enforced by eslint.config.js (no-restricted-imports): here each rule is shown
 * to fire on an import that breaks it and to stay quiet on one that follows it, so a config
 * edit that silently disables a rule (a later block replacing an earlier one's) fails a test.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function restricted(file: string, code: string): Promise<boolean> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath: file });
  return result!.messages.some((m) => m.ruleId === 'no-restricted-imports');
}

describe('lint layering', () => {
  it.each([
    ['main/prox/x.ts', "import 'node:fs';"],
    ['main/prox/x.ts', "import '../../native/sqlite/database';"],
    ['main/prox/x.ts', "import '../rules/config';"],
    ['main/ultrax/x.ts', "import '../store';"],
    ['main/corpus/x.ts', "import '../store/documents';"],
    ['main/corpus/x.ts', "import '../workspace/service';"],
    ['main/models/x.ts', "import '../jobs/refine-job';"],
    ['main/models/x.ts', "import '../stage-programmers/resolve';"],
    ['main/store/x.ts', "import '../execution/document';"],
    ['main/execution/x.ts', "import '../jobs/refine-runner';"],
    ['main/jobs/x.ts', "import '../workspace/service';"],
    ['main/jobs/x.ts', "import type { Workspace } from '../workspace/service';"],
    ['main/workspace/x.ts', "import '../api/handlers';"],
    ['main/workspace/x.ts', "import '../cli/refine';"],
    ['main/api/transport/x.ts', "import '../../server';"],
    ['main/workspace/x.ts', "import 'electron';"],
    ['main/convert/x.ts', "import '../../test/support/synthetic-llama';"],
    ['native/gguf/x.ts', "import '../../bench/model';"],
    ['native/sqlite/x.ts', "import '../../main/prox/program';"],
    ['native/llama/x.ts', "import '../../contract/api';"],
    ['contract/x.ts', "import '../main/prox/program';"],
    ['renderer/src/x.ts', "import '../../main/workspace/service';"],
  ])('%s may not %s', async (file, code) => {
    expect(await restricted(file, code)).toBe(true);
  });

  it.each([
    ['main/prox/x.ts', "import './words';"],
    ['main/ultrax/x.ts', "import '../prox/words';"],
    ['main/store/x.ts', "import './jobs'; import '../../native/sqlite/database'; import '../../contract/api';"],
    ['main/execution/x.ts', "import '../store'; import '../prox/executor'; import '../corpus/text-facts';"],
    ['main/jobs/x.ts', "import '../execution/document'; import '../stage-programmers/resolve'; import '../store';"],
    ['main/workspace/x.ts', "import '../jobs/job-controller'; import '../export/writer';"],
    ['main/api/x.ts', "import '../workspace/service'; import '../models/registry';"],
    ['main/cli/x.ts', "import '../workspace/service'; import '../api/handlers'; import '../server';"],
    ['renderer/src/x.ts', "import '../../contract/api';"],
  ])('%s may %s', async (file, code) => {
    expect(await restricted(file, code)).toBe(false);
  });
});
