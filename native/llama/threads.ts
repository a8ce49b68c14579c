/**
 * How many CPU threads llama.cpp computes with when nobody says: one per physical core, less
 * one core left to the app, its model worker's JavaScript and the OS, and never fewer than one.
 * Every caller (the app, the CLI, the benchmarks) gets it through createEngine, so there is one
 * default.
 *
 * Why not every core (llama.cpp's own default), let alone node-llama-cpp's max(4, cores): ggml's
 * CPU threads meet at a busy-wait barrier after every operation of the graph, hundreds of times
 * per decode. As soon as the threads outnumber the cores that are free, one of them is
 * preempted and the others spin through their time slices waiting for it. On a 2-core machine
 * shared with other work, node-llama-cpp's default of 4 threads ran the doc stage of the 0.3B
 * ProX shape 18x slower than 1 thread, burning 20x the CPU time for the same tokens (README).
 * Keeping a core free means the rest of the app, a browser, or the OS taking a core costs a
 * little speed instead of collapsing it.
 */
export function defaultLlamaThreads(mathCores: number): number {
  return Math.max(1, Math.floor(mathCores) - 1);
}
