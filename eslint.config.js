// Lint config. The import restrictions enforce the layering (see README "Architecture"):
//   main/prox (pure core)  <-  native/, main/* services  <-  main/electron, main/server.ts, main/cli
//   contract/ (API types) is shared; renderer/ imports only contract/ and itself.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'zlib', 'stream', 'http', 'net'];

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
    // The pure core: main/prox and the program dialects beside it (main/ultrax).
    files: ['main/prox/**/*.ts', 'main/ultrax/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: nodeBuiltins, message: 'The pure core (main/prox, main/ultrax): no I/O, no Node built-ins.' },
          { group: ['../*', '!../prox/*', '!../ultrax/*', '**/native/**', '**/workspace/**', '**/electron/**', 'electron', 'better-sqlite3', 'node-llama-cpp'], message: 'The pure core imports nothing above it.' },
        ],
      }],
    },
  },
  {
    files: ['main/**/*.ts', 'native/**/*.ts'],
    ignores: ['main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', '**/electron/**'], message: 'Only main/electron may use Electron; everything else runs headless.' },
          { group: ['**/renderer/**'], message: 'The Node side never imports the renderer.' },
        ],
      }],
    },
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
