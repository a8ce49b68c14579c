/**
 * The llama.cpp runtime (node-llama-cpp), loaded once per process.
 *
 * getLlama() picks the best prebuilt binary for the machine (CUDA, Vulkan, Metal, else CPU).
 * We never build from source (no toolchain on user machines), and we say in words why the
 * GPU is not used when it is not, because "it is slow" is otherwise all a user sees.
 */
import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';
import { defaultLlamaThreads } from './threads';

export type Backend = 'cuda' | 'vulkan' | 'metal' | 'cpu';

export interface RuntimeInfo {
  readonly backend: Backend;
  /** GPU name(s), or null on the CPU. */
  readonly device: string | null;
  readonly vramBytes: number | null;
  readonly vramFreeBytes: number | null;
  readonly gpuAvailable: boolean;
  /** Physical cores llama.cpp counts for math (no SMT siblings, no efficiency cores). */
  readonly mathCores: number;
  /** CPU threads an engine computes with unless told otherwise (threads.ts). */
  readonly defaultThreads: number;
  /** Why the GPU is not used, when it is not; null otherwise. */
  readonly note: string | null;
}

export interface LlamaRuntime {
  readonly llama: Llama;
  readonly info: RuntimeInfo;
}

export type GpuChoice = 'auto' | false;

const runtimes = new Map<string, Promise<LlamaRuntime>>();

/** One runtime per GPU choice per process; node-llama-cpp itself caches the binding too. */
export function loadRuntime(gpu: GpuChoice = 'auto'): Promise<LlamaRuntime> {
  const key = String(gpu);
  let runtime = runtimes.get(key);
  if (!runtime) {
    runtime = createRuntime(gpu);
    runtimes.set(key, runtime);
    runtime.catch(() => runtimes.delete(key));
  }
  return runtime;
}

async function createRuntime(gpu: GpuChoice): Promise<LlamaRuntime> {
  // maxThreads 0: every engine passes its own thread count (threads.ts); node-llama-cpp's
  // splitter would otherwise cap it at its own default, max(4, cores), and make every decode
  // wait for an allocation.
  const common = { build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false, maxThreads: 0 } as const;
  if (gpu === false) {
    const llama = await getLlama({ ...common, gpu: false });
    return { llama, info: await describe(llama, 'GPU disabled by the user (--no-gpu / gpu: false).') };
  }
  let llama: Llama;
  let failure: string | null = null;
  try {
    llama = await getLlama({ ...common, gpu: 'auto' });
  } catch (err) {
    // A broken GPU driver or binary must not keep the user from refining on the CPU.
    failure = `the GPU build could not be loaded (${err instanceof Error ? err.message : String(err)})`;
    llama = await getLlama({ ...common, gpu: false });
  }
  const note = llama.gpu === false
    ? `Running on the CPU: ${failure ?? 'no usable CUDA, Vulkan or Metal device/driver was found'}.`
    : null;
  return { llama, info: await describe(llama, note) };
}

async function describe(llama: Llama, note: string | null): Promise<RuntimeInfo> {
  const backend: Backend = llama.gpu === false ? 'cpu' : llama.gpu;
  if (backend === 'cpu') {
    return { backend, device: null, vramBytes: null, vramFreeBytes: null, gpuAvailable: false, ...threads(llama), note };
  }
  const [names, vram] = await Promise.all([llama.getGpuDeviceNames(), llama.getVramState()]);
  return {
    backend,
    device: names.length > 0 ? names.join(', ') : null,
    vramBytes: vram.total,
    vramFreeBytes: vram.free,
    gpuAvailable: true,
    ...threads(llama),
    note,
  };
}

function threads(llama: Llama): Pick<RuntimeInfo, 'mathCores' | 'defaultThreads'> {
  return { mathCores: llama.cpuMathCores, defaultThreads: defaultLlamaThreads(llama.cpuMathCores) };
}
