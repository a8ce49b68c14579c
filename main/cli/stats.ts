/** `refinery stats <folder>`: the corpus before and after refining, toggles in force. */
import type { Command } from 'commander';
import type { ProgrammerRetention, Stats } from '../../contract/api';
import { CliError } from './errors';
import { addDbOption, openWorkspace, type DbOptions } from './workspace-options';

interface StatsOptions extends DbOptions {
  json?: boolean;
  programmers?: boolean;
}

export function register(program: Command): void {
  addDbOption(
    program
      .command('stats')
      .description('documents, words and tokens before/after, retention, operations applied, pages and lines each rule took, length histograms')
      .argument('<folder>', 'the indexed folder')
      .option('--json', 'print the statistics as one JSON object')
      .option('--programmers', "also the retention per programmer: every stored programmer's programs executed over the corpus (documents, words and tokens kept by each)"),
  ).action(async (folder: string, options: StatsOptions) => {
    const ws = openWorkspace(folder, options);
    try {
      if (ws.summary().documents === 0) throw new CliError(`${ws.folder} has no indexed documents; run "refinery index ${folder}" first`);
      const stats = ws.stats();
      // Nothing else runs in this process: the whole pass in one call.
      const programmers = options.programmers ? ws.programmerRetention({ resume: false, budgetMs: Number.POSITIVE_INFINITY }).programmers : null;
      if (options.json) process.stdout.write(`${JSON.stringify(programmers ? { ...stats, programmers } : stats)}\n`);
      else process.stdout.write(formatStats(stats) + (programmers ? formatProgrammers(programmers) : ''));
    } finally {
      await ws.dispose();
    }
  });
}

function pct(after: number, before: number): string {
  return before > 0 ? `${((100 * after) / before).toFixed(1)}%` : '-';
}

export function formatStats(s: Stats): string {
  const lines: string[] = [];
  const row = (name: string, before: number, after: number) => lines.push(`${name.padEnd(10)} ${String(before).padStart(12)} ${String(after).padStart(12)} ${pct(after, before).padStart(8)}`);
  lines.push(`${''.padEnd(10)} ${'before'.padStart(12)} ${'after'.padStart(12)} ${'kept'.padStart(8)}`);
  row('documents', s.documents.before, s.documents.after);
  row('words', s.words.before, s.words.after);
  row(s.tokens.estimated ? 'tokens~' : 'tokens', s.tokens.before, s.tokens.after);
  lines.push(`refined: ${s.refined.doc} doc programs, ${s.refined.chunk} chunk programs${s.refined.ultrax > 0 ? `, ${s.refined.ultrax} UltraX programs` : ''}`);
  if (s.failed.documents > 0) {
    const stages = (['doc', 'chunk', 'ultrax'] as const).filter((k) => s.failed[k] > 0).map((k) => `${s.failed[k]} ${k}`);
    lines.push(`failed: ${s.failed.documents} documents (${stages.join(', ')}): the programmer failed on them; the next refine retries them`);
  }
  lines.push('', 'operations applied:');
  for (const [kind, n] of Object.entries(s.operations).sort((a, b) => b[1] - a[1])) lines.push(`  ${kind.padEnd(14)} ${n}`);
  // The same three figures as the Stats screen: a page a rule dropped is not also counted as changed.
  lines.push('', 'what each rule took:', `  ${'pages dropped'.padStart(15)} ${'pages changed'.padStart(15)} ${'lines removed'.padStart(15)}  rule`);
  const rules = Object.entries(s.rules).sort((a, b) => b[1].dropped - a[1].dropped || b[1].lines - a[1].lines || b[1].pages - a[1].pages || a[0].localeCompare(b[0]));
  for (const [rule, r] of rules) {
    lines.push(`  ${String(r.dropped).padStart(15)} ${String(r.pages - r.dropped).padStart(15)} ${String(r.lines).padStart(15)}  ${rule}${r.description ? ` (${r.description})` : ''}`);
  }
  if (rules.length === 0) lines.push('  none yet');
  lines.push('', 'document length (tokens~): before | after');
  const { edges, before, after } = s.lengthHistogram;
  const peak = Math.max(1, ...before, ...after);
  edges.forEach((edge, i) => {
    const range = i + 1 < edges.length ? `${edge}-${edges[i + 1]! - 1}` : `${edge}+`;
    const bar = (n: number) => '#'.repeat(Math.round((20 * n) / peak)).padEnd(20);
    lines.push(`  ${range.padStart(12)} ${String(before[i]).padStart(7)} ${bar(before[i]!)} | ${String(after[i]).padStart(7)} ${bar(after[i]!)}`);
  });
  return `${lines.join('\n')}\n`;
}

/** The retention per programmer, one row each (the Stats screen's table). */
export function formatProgrammers(programmers: readonly ProgrammerRetention[]): string {
  const lines = ['', 'retention per programmer (its own programs, every operation on, kind switches in force; tokens~ estimated):'];
  if (programmers.length === 0) return `${[...lines, '  no programmer has refined this corpus yet'].join('\n')}\n`;
  const cell = (kept: number, of: number) => `${pct(kept, of)} (${kept}/${of})`.padStart(24);
  lines.push(`  ${'documents kept'.padStart(24)} ${'words kept'.padStart(24)} ${'tokens~ kept'.padStart(24)}  programmer`);
  for (const p of [...programmers].sort((a, b) => a.label.localeCompare(b.label))) {
    lines.push(`  ${cell(p.keptDocuments, p.documents)} ${cell(p.keptWords, p.originalWords)} ${cell(p.keptTokens, p.originalTokens)}  ${p.label}${p.dialect === 'ultrax' ? ' (UltraX)' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
