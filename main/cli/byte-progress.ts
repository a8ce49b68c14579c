/**
 * Progress of a command that streams a JSONL file: a cli-progress bar over input bytes on a
 * terminal (documents, docs/s, MB/s, ETA), a plain line every 5 s otherwise (logs, pipes, CI).
 * `log` prints a line without tearing the bar.
 */
import { SingleBar } from 'cli-progress';

export interface StreamProgress {
  readonly documents: number;
  readonly bytesRead: number;
}

export interface ByteProgress {
  update(progress: StreamProgress): void;
  log(line: string): void;
  stop(): void;
}

const PLAIN_INTERVAL_MS = 5000;

export function createByteProgress(label: string, totalBytes: number, stream: NodeJS.WriteStream = process.stderr): ByteProgress {
  const started = performance.now();
  const rates = (p: StreamProgress): { docs: number; mbps: number; eta: number | null } => {
    const seconds = (performance.now() - started) / 1000;
    const bytesPerSecond = seconds > 0 ? p.bytesRead / seconds : 0;
    return {
      docs: seconds > 0 ? p.documents / seconds : 0,
      mbps: bytesPerSecond / 1e6,
      eta: totalBytes > 0 && bytesPerSecond > 0 ? Math.max(0, (totalBytes - p.bytesRead) / bytesPerSecond) : null,
    };
  };
  if (stream.isTTY && totalBytes > 0) {
    const bar = new SingleBar({
      stream,
      format: `${label} [{bar}] {percentage}% | {docs} docs | {rate} docs/s | {mbps} MB/s | ETA {eta}s`,
      hideCursor: true,
      clearOnComplete: true,
    });
    bar.start(totalBytes, 0, { docs: 0, rate: 0, mbps: '0.0' });
    return {
      update: (p) => {
        const r = rates(p);
        bar.update(p.bytesRead, { docs: p.documents, rate: Math.round(r.docs), mbps: r.mbps.toFixed(1) });
      },
      log: (line) => {
        stream.write(`\r\x1b[K${line}\n`);
      },
      stop: () => bar.stop(),
    };
  }
  let lastLine = performance.now();
  return {
    update: (p) => {
      const now = performance.now();
      if (now - lastLine < PLAIN_INTERVAL_MS) return;
      lastLine = now;
      const r = rates(p);
      const done = totalBytes > 0 ? `${((100 * p.bytesRead) / totalBytes).toFixed(0)}% ` : '';
      stream.write(`${label}: ${done}${p.documents} docs, ${Math.round(r.docs)} docs/s, ${r.mbps.toFixed(1)} MB/s${r.eta === null ? '' : `, ETA ${Math.round(r.eta)} s`}\n`);
    },
    log: (line) => {
      stream.write(`${line}\n`);
    },
    stop: () => undefined,
  };
}
