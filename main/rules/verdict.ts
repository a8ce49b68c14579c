/** What a rule concluded, with the reason shown to the user ("gopher: symbol/word 0.14 > 0.10"). */
import type { RuleKey } from './config';

export interface DocFailure {
  readonly rule: RuleKey;
  readonly reason: string;
}

export interface LineRemoval {
  /** 0-based document line (over `text.split("\n")`). */
  readonly line: number;
  readonly rule: RuleKey;
  readonly reason: string;
}

export interface Normalization {
  readonly source: string;
  readonly target: string;
  readonly rule: RuleKey;
  readonly reason: string;
}

/**
 * A measured value against its threshold with enough decimals to tell them apart:
 * as many as the threshold has, at least two for fractions, none for whole numbers.
 */
export function formatMeasure(value: number, threshold: number): string {
  if (Number.isInteger(threshold) && Number.isInteger(value)) return String(value);
  const thresholdDecimals = (String(threshold).split('.')[1] ?? '').length;
  return value.toFixed(Math.max(2, thresholdDecimals));
}

export function formatThreshold(threshold: number): string {
  if (Number.isInteger(threshold)) return String(threshold);
  const decimals = (String(threshold).split('.')[1] ?? '').length;
  return threshold.toFixed(Math.max(2, decimals));
}

/** "gopher: symbol/word 0.14 > 0.10" */
export function compareReason(group: string, what: string, value: number, op: '<' | '>', threshold: number): string {
  return `${group}: ${what} ${formatMeasure(value, threshold)} ${op} ${formatThreshold(threshold)}`;
}
