/**
 * Refinery's workers by name: where each one's source is, and whether it runs as a worker
 * thread or a child process. The build (electron.vite.config.ts) writes each to
 * out/main/<name>.js from this same table.
 */
export const WORKERS = {
  /** A refine job, on its own database connection (main/jobs). */
  'refine-worker': { source: 'jobs/refine-worker.ts', runs: 'thread' },
  /**
   * The indexer's file parser (main/indexing). Under tsx it starts from an esbuild bundle of its
   * modules: registering tsx in a thread costs ~0.8 s of CPU, a bundle about half of that.
   */
  'read-worker': { source: 'indexing/read-worker.ts', runs: 'thread', bundleInDevelopment: true },
  /** A checkpoint conversion (main/convert), off the event loop so its progress shows and Cancel stops it. */
  'convert-worker': { source: 'convert/convert-worker.ts', runs: 'thread' },
  /** A model, in a process of its own so that a llama.cpp abort takes down nothing else (main/models). */
  'model-worker': { source: 'models/worker-entry.ts', runs: 'process' },
} as const satisfies Record<string, { source: string; runs: 'thread' | 'process'; bundleInDevelopment?: boolean }>;

export type WorkerName = keyof typeof WORKERS;
export type ThreadWorkerName = { [N in WorkerName]: (typeof WORKERS)[N]['runs'] extends 'thread' ? N : never }[WorkerName];
export type ProcessWorkerName = Exclude<WorkerName, ThreadWorkerName>;
