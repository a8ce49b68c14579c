/** Determinate progress with the figures people ask for: done/total, rate, time left. */
import { formatCount, formatDuration } from '../format';

export function ProgressBar({
  done,
  total,
  rate,
  eta,
  label,
  format = formatCount,
}: {
  done: number;
  total: number;
  rate?: string;
  eta?: number | null;
  label?: string;
  /** How done and total are written (default: counts; formatBytes for downloads). */
  format?: (n: number) => string;
}) {
  // The fill and the figures come from the same fraction (no animated width that lags behind).
  const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-label={label ?? 'progress'}>
      <div className="progress-track">
        <div className="progress-fill" style={{ width: `${(fraction * 100).toFixed(2)}%` }} />
      </div>
      <div className="progress-figures">
        <span>
          {label ? `${label} ` : ''}
          {format(done)} / {format(total)} ({(fraction * 100).toFixed(1)}%)
        </span>
        {rate ? <span>{rate}</span> : null}
        {eta !== undefined ? <span>ETA {formatDuration(eta)}</span> : null}
      </div>
    </div>
  );
}
