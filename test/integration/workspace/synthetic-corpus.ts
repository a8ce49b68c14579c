/**
 * A deterministic web-like corpus for tests that need many documents of their own: menus,
 * body paragraphs, link lines and footers, some documents too short or too repetitive, so
 * the rule programmer keeps, drops and edits a realistic mix.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const WORDS = 'the of and to in is was for that with as on by it from at are this be which an or has had not but were they their have been one all also its more can new first other some time would these two may then into only about most like after when over such used many where between through well known part'.split(' ');

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function syntheticDocument(index: number): string {
  const r = rng(index + 1);
  const pick = () => WORDS[Math.floor(r() * WORDS.length)]!;
  const sentence = () => {
    const n = 6 + Math.floor(r() * 14);
    const words = Array.from({ length: n }, pick);
    words[0] = words[0]!.charAt(0).toUpperCase() + words[0]!.slice(1);
    return `${words.join(' ')}.`;
  };
  const lines: string[] = [];
  if (r() < 0.6) lines.push('Home | About | Contact | Login');
  const paragraphs = r() < 0.15 ? 1 : 3 + Math.floor(r() * 8);
  for (let p = 0; p < paragraphs; p++) {
    lines.push(Array.from({ length: 2 + Math.floor(r() * 4) }, sentence).join(' '));
    if (r() < 0.2) lines.push(`https://example.com/page/${index}/${p}`);
    if (r() < 0.1) lines.push('Share');
  }
  if (r() < 0.5) lines.push(`Copyright ${2000 + (index % 24)} Example Inc. All rights reserved`);
  if (r() < 0.05) for (let i = 0; i < 6; i++) lines.push('Click here to subscribe');
  return lines.join('\n');
}

/** Writes `count` documents split over a plain and a gzip JSONL file; returns the file names. */
export function writeSyntheticCorpus(folder: string, count: number): string[] {
  const half = Math.floor(count / 2);
  const line = (i: number) => JSON.stringify({ id: `doc-${i}`, text: syntheticDocument(i) });
  const first = Array.from({ length: half }, (_, i) => line(i)).join('\n') + '\n';
  const second = Array.from({ length: count - half }, (_, i) => line(half + i)).join('\n') + '\n';
  writeFileSync(`${folder}/part-1.jsonl`, first);
  writeFileSync(`${folder}/part-2.jsonl.gz`, gzipSync(second));
  return ['part-1.jsonl', 'part-2.jsonl.gz'];
}
