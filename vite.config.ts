/**
 * Renderer build for the browser shell (main/server.ts serves out/renderer). The Electron
 * build (electron.vite.config.ts) builds the same renderer with the same settings.
 */
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./renderer', import.meta.url));

export default defineConfig({
  root,
  // Relative asset URLs: the same build loads from http://127.0.0.1 and from file:// in Electron.
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./out/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: false,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
