/**
 * Electron build (`npm run build`, used by `npm start` and packaging):
 * - main: main/electron/main.ts -> out/main/index.js (ESM). Dependencies stay external: the
 *   native addons are loaded at run time, unpacked from the asar (see electron-builder.yml):
 *   node-llama-cpp and better-sqlite3 from node_modules (better-sqlite3's prebuilt Node-API file,
 *   the same one Node loads, native/sqlite/binding.ts).
 * - preload: bundled into one CommonJS file with nothing external, as a sandboxed preload
 *   cannot require() packages.
 * - renderer: the same build as vite.config.ts (browser shell), into out/renderer.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { fileURLToPath } from 'node:url';
import { WORKERS } from './main/workers/entries';

const path = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: path('./out/main'),
      externalizeDeps: true,
      // Every worker (main/workers/entries.ts) becomes out/main/<name>.js, where spawnWorker looks for it.
      rollupOptions: {
        input: {
          index: path('./main/electron/main.ts'),
          ...Object.fromEntries(Object.entries(WORKERS).map(([name, worker]) => [name, path(`./main/${worker.source}`)])),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: path('./out/preload'),
      externalizeDeps: false,
      rollupOptions: {
        input: { index: path('./main/electron/preload.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: path('./renderer'),
    base: './',
    plugins: [react()],
    build: {
      outDir: path('./out/renderer'),
      target: 'chrome120',
      rollupOptions: { input: { index: path('./renderer/index.html') } },
    },
  },
});
