// Lint config. The import restrictions enforce the layering (see README "Architecture"):
//   contract/ (the API, zod only) is the shared base; renderer/ imports only contract/ and itself;
//   native/ adapts native addons and imports nothing of Refinery;
//   main/ is layered (LAYERS below), the shells main/cli, main/server.ts, main/electron on top.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'zlib', 'stream', 'http', 'net'];

/**
 * The layers of main/, bottom up: a folder imports only folders of a lower rank (and
 * native/, contract/). Shells (main/cli, main/server.ts, main/electron) sit above all of them.
 */
const LAYERS = {
  prox: 0, util: 0,
  ultrax: 1, rules: 1, corpus: 1, convert: 1, store: 1, workers: 1, shards: 1, 'llama-server': 1,
  export: 2, models: 2, execution: 2, indexing: 2,
  // The remote programmer runs the models' stage runner against servers, for stage-programmers/.
  remote: 2.5,
  'stage-programmers': 3,
  jobs: 4,
  workspace: 5,
  api: 6,
};
/** Pure: no I/O, no native addon, nothing above. */
const PURE = new Set(['prox', 'ultrax']);
const HEADLESS = [
  { group: ['electron', '**/electron/**'], message: 'Only main/electron may use Electron; everything else runs headless.' },
  { group: ['**/renderer/**'], message: 'The Node side never imports the renderer.' },
  { group: ['**/test/**', '**/bench/**'], message: 'Product code never imports tests, test support or benchmarks.' },
];
function restrictionsOf(folder, rank) {
  const above = Object.entries(LAYERS).filter(([other, r]) => other !== folder && r >= rank).map(([other]) => other);
  // `../jobs/refine-job`, `../../jobs`, `../cli`, `../server`: a folder of main/ reached from another one.
  const regex = `^(\\.\\./)+(${[...above, 'cli', 'server', 'electron'].join('|')})(/|$)`;
  const restrictions = [{ regex, message: `main/${folder} imports only the layers below it (LAYERS in eslint.config.js, README "Architecture").` }];
  if (PURE.has(folder)) {
    restrictions.push({ group: nodeBuiltins, message: `main/${folder} is pure: no I/O, no Node built-ins.` });
    restrictions.push({ group: ['**/native/**', 'better-sqlite3', 'node-llama-cpp'], message: `main/${folder} is pure: no native addons.` });
  }
  return restrictions;
}

export default tseslint.config(
  { ignores: ['**/*.tmp.ts', 'node_modules', 'out', 'dist', 'release', 'test-results', 'playwright-report', 'test/.generated', 'bench/.data'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['../*', '!./*', ...nodeBuiltins, 'electron', 'better-sqlite3', 'node-llama-cpp'], message: 'contract/ is the shared base of every side: it imports only zod and itself.' }],
      }],
    },
  },
  {
    // Every folder of main/ (those not in LAYERS, the shells), then each layer's own block.
    files: ['main/**/*.ts'],
    ignores: ['main/electron/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: HEADLESS }] },
  },
  // A later block replaces an earlier one's rule, so each layer's carries HEADLESS too.
  ...Object.entries(LAYERS).map(([folder, rank]) => ({
    files: [`main/${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns: [...HEADLESS, ...restrictionsOf(folder, rank)] }] },
  })),
  {
    files: ['native/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...HEADLESS, { group: ['**/main/**', '**/contract/**'], message: 'native/ holds thin adapters over native addons: it imports nothing of Refinery.' }] }] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/main/**', '**/native/**', 'electron', 'better-sqlite3', 'node-llama-cpp', ...nodeBuiltins], message: 'The renderer talks only to the API contract (contract/).' },
        ],
      }],
    },
  },
);
