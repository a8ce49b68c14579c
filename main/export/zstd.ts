import { Transform, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';
import { Zstd } from '@hpcc-js/wasm-zstd';

/**
 * Streaming zstd compression. Where node:zlib has zstd (Node >= 22.15, so inside Electron)
 * that native compressor is used (the CLI runs on Node 22 LTS). Older runtimes fall back to wasm, which is
 * correct but slow (measured in bench/export: a few MB/s). The wasm module
 * (@hpcc-js/wasm-zstd) keeps ONE streaming context per process, so streams are leased one
 * at a time: a second export waits until the first has finished. The output is a single
 * zstd frame — unlike concatenating independently compressed blocks — because common
 * readers (python-zstandard's stream_reader by default) stop at the first frame.
 */
let queue: Promise<void> = Promise.resolve();

type NativeZstd = (options: { params: Record<number, number> }) => Transform;

/** node:zlib's zstd compressor, or null on runtimes that predate it. */
function nativeZstd(): NativeZstd | null {
  const create = (zlib as unknown as { createZstdCompress?: NativeZstd }).createZstdCompress;
  return typeof create === 'function' ? create : null;
}

export function zstdImplementation(): 'native' | 'wasm' {
  return nativeZstd() ? 'native' : 'wasm';
}

export async function createZstdCompressor(level: number, implementation = zstdImplementation()): Promise<Transform> {
  const native = nativeZstd();
  if (implementation === 'native' && native) {
    return native({ params: { [zlib.constants.ZSTD_c_compressionLevel]: level } });
  }
  return createWasmZstdCompressor(level);
}

async function createWasmZstdCompressor(level: number): Promise<Transform> {
  let release!: () => void;
  const mine = new Promise<void>((resolve) => {
    release = resolve;
  });
  const previous = queue;
  queue = queue.then(() => mine);
  await previous;
  let zstd: Zstd;
  try {
    zstd = await Zstd.load();
    zstd.reset();
    zstd.setCompressionLevel(level);
  } catch (error) {
    release();
    throw error;
  }
  let released = false;
  const releaseOnce = (): void => {
    if (released) return;
    released = true;
    release();
  };
  const transform = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      try {
        const out = zstd.compressChunk(chunk);
        if (out.length > 0) this.push(out);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback): void {
      try {
        const out = zstd.compressEnd();
        if (out.length > 0) this.push(out);
        callback();
      } catch (error) {
        callback(error as Error);
      } finally {
        releaseOnce();
      }
    },
  });
  transform.once('close', releaseOnce);
  return transform;
}
