/**
 * `refinery refine --fidelity` with ProX models, end to end: the real CLI, resolve, model worker
 * process and workspace, with scripted models (test/support/scripted-llama.ts) so the answers
 * are known. Reference fidelity stores the free-form answers as they are and switches the
 * workspace to the reference parser; improved writes under the grammar again (the programs of
 * one fidelity are not reused for the other) and switches back to the strict parser.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../../main/workspace/service';
import { repoRoot, tempHome } from '../workspace/helpers';
import { scriptedModelPath } from '../../support/scripted-llama';

const home = tempHome('refinery-cli-fidelity-');
afterAll(() => home.cleanup());
const cli = [join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(repoRoot, 'main', 'cli.ts')];
const db = join(home.home, 'ws.sqlite');

function refinery(args: string[]) {
  return spawnSync(process.execPath, [...cli, ...args, '--db', db], { env: { ...home.env, REFINERY_LLAMA_THREADS: '1' }, encoding: 'utf8', timeout: 240_000 });
}

const FILLER = 'Paragraph about the weather in town and the river near the school.';

describe('refine --fidelity with ProX models', () => {
  it('reference keeps the free answers and reads them with the reference parser; improved asks again under the grammar', { timeout: 300_000 }, async () => {
    const docs = [
      { id: 'a', text: ['Home | About | Contact', FILLER, FILLER].join('\n') },
      { id: 'b', text: ['Menu | Search', FILLER, `${FILLER} ${FILLER}`].join('\n') },
    ];
    writeFileSync(join(home.folder, 'docs.jsonl'), docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
    const doc = scriptedModelPath({ text: 'Looks like a fine page to me.', end: 'eos' }).path;
    const chunk = scriptedModelPath({ text: '# the menu line\nremove_lines(start=0, end=0)', end: 'eos' }).path;
    const refine = (fidelity: string) => refinery(['refine', home.folder, '--doc-model', doc, '--chunk-model', chunk, '--fidelity', fidelity, '--quiet']);

    const reference = refine('reference');
    expect(reference.status, reference.stderr + reference.stdout).toBe(0);
    expect(reference.stderr).toMatch(/--fidelity reference: this workspace now reads programs with the reference parser/);
    expect(reference.stdout).toMatch(/^refine done .*doc 2\/2, chunk 2\/2; 0 documents failed$/m);
    let ws = Workspace.open(home.folder, { dbPath: db, env: home.env });
    try {
      expect(ws.settings().mode).toBe('reference');
      for (const d of docs) {
        const detail = ws.getDoc(d.id);
        // Free generation: the doc answer is stored as written, and (no `drop` in it) keeps the document.
        expect(detail.doc?.text).toBe('Looks like a fine page to me.');
        expect(detail.doc?.programmer).toMatch(/reference fidelity/);
        expect(detail.chunk?.text).toBe('# the menu line\nremove_lines(start=0, end=0)');
        expect(detail.row.status).toBe('modified');
        expect(detail.execution.refined).toBe(d.text.split('\n').slice(1).join('\n'));
      }
    } finally {
      await ws.dispose();
    }

    const improved = refine('improved');
    expect(improved.status, improved.stderr + improved.stdout).toBe(0);
    expect(improved.stderr).toMatch(/--fidelity improved: this workspace now reads programs with the strict parser/);
    ws = Workspace.open(home.folder, { dbPath: db, env: home.env });
    try {
      expect(ws.settings().mode).toBe('strict');
      for (const d of docs) {
        const detail = ws.getDoc(d.id);
        // Not reused from the reference run: the grammar admits only the two calls.
        expect(detail.doc?.text).toMatch(/^(keep|drop)_doc\(\)$/);
        expect(detail.doc?.programmer).not.toMatch(/reference fidelity/);
      }
    } finally {
      await ws.dispose();
    }

    const rules = refinery(['refine', home.folder, '--programmer', 'rules', '--fidelity', 'reference', '--quiet']);
    expect(rules.status).toBe(1);
    expect(rules.stderr).toMatch(/--fidelity applies to models/);
  });
});
