import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { seededRandom } from './seeded-random';

export { seededRandom };

/**
 * A deterministic synthetic corpus of web-page-like documents (menus, breadcrumbs, cookie
 * banners, prose, lists, footers, some spam pages) for benchmarks and tests that need
 * volume. Same seed → same bytes, on every machine.
 */

export interface SyntheticDocument {
  id: string;
  url: string;
  text: string;
}

const WORDS = (
  'the of and to in is was for on that with as by at from this it be are an or which have has not were but ' +
  'river city market history research water energy system model policy school children science village ' +
  'government project community student health report data study council garden museum season weather ' +
  'analysis method result process network language culture design product service customer quality ' +
  'developed announced described increased reported designed included considered published measured ' +
  'important significant local national early modern common different several public natural simple ' +
  'during between through although however because while after before within across around against'
).split(' ');
const MENU = ['Home', 'About', 'Contact', 'Blog', 'Shop', 'News', 'Login', 'Register', 'FAQ', 'Careers', 'Support', 'Privacy'];
const TOPICS = ['Gardening', 'Local History', 'Solar Energy', 'Cooking', 'Cycling', 'Astronomy', 'Bird Watching', 'Mathematics', 'Travel', 'Photography'];
const FOOTERS = [
  '© {year} {site}. All rights reserved.',
  'Privacy Policy | Terms of Use | Cookie Settings',
  'Follow us on Facebook, Twitter and Instagram',
  'Share this: Facebook Twitter Pinterest Email',
  'Subscribe to our newsletter for weekly updates!',
  'Powered by WordPress | Theme by Example Themes',
];
const BANNERS = ['This website uses cookies to improve your experience. Accept | Reject', 'Skip to main content', 'Advertisement', 'Loading...'];
const SPAM = ['BEST PRICE!!! click here', 'buy cheap watches online now', 'free download crack keygen', 'hot deals 100% guaranteed'];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function sentence(random: () => number): string {
  const length = 8 + Math.floor(random() * 18);
  const words: string[] = [];
  for (let i = 0; i < length; i++) words.push(pick(random, WORDS));
  const first = words[0]!;
  words[0] = first[0]!.toUpperCase() + first.slice(1);
  return `${words.join(' ')}${random() < 0.1 ? '?' : '.'}`;
}

/** One page; about 1 in 12 is spam-like (what a quality filter should drop). */
export function syntheticDocument(random: () => number, index: number): SyntheticDocument {
  const site = `site${Math.floor(random() * 5000)}.example.com`;
  const topic = pick(random, TOPICS);
  const lines: string[] = [];
  if (random() < 0.6) lines.push(MENU.filter(() => random() < 0.6).join(' | ') || 'Home');
  if (random() < 0.4) lines.push(pick(random, BANNERS));
  if (random() < 0.5) lines.push(`Home > ${topic} > Article ${index}`);
  if (random() < 1 / 12) {
    for (let i = 0, n = 3 + Math.floor(random() * 10); i < n; i++) lines.push(pick(random, SPAM));
  } else {
    lines.push(`${topic}: ${sentence(random).slice(0, 60)}`);
    const paragraphs = 1 + Math.floor(random() * 6);
    for (let p = 0; p < paragraphs; p++) {
      const sentences = 2 + Math.floor(random() * 7);
      const parts: string[] = [];
      for (let s = 0; s < sentences; s++) parts.push(sentence(random));
      lines.push(parts.join(' '));
      if (random() < 0.2) for (let i = 0, n = 2 + Math.floor(random() * 4); i < n; i++) lines.push(`- ${sentence(random).slice(0, 50)}`);
    }
  }
  const footers = Math.floor(random() * 4);
  for (let i = 0; i < footers; i++) lines.push(pick(random, FOOTERS).replace('{year}', String(2015 + Math.floor(random() * 10))).replace('{site}', site));
  return { id: `doc-${index}`, url: `https://${site}/${topic.toLowerCase().replace(/ /g, '-')}/${index}`, text: lines.join('\n') };
}

export function* syntheticDocuments(seed = 1): Generator<SyntheticDocument> {
  const random = seededRandom(seed);
  for (let index = 0; ; index++) yield syntheticDocument(random, index);
}

/** Writes about `megabytes` MB of JSONL ({id, url, text} per line); returns what it wrote. */
export async function writeSyntheticJsonl(filePath: string, megabytes: number, seed = 1): Promise<{ bytes: number; documents: number }> {
  const limit = megabytes * 1024 * 1024;
  const out = createWriteStream(filePath);
  let bytes = 0;
  let documents = 0;
  let batch: string[] = [];
  let batchBytes = 0;
  for (const doc of syntheticDocuments(seed)) {
    if (bytes >= limit) break;
    const line = `${JSON.stringify(doc)}\n`;
    const size = Buffer.byteLength(line);
    batch.push(line);
    batchBytes += size;
    bytes += size;
    documents += 1;
    if (batchBytes >= 1 << 20) {
      if (!out.write(batch.join(''))) await once(out, 'drain');
      batch = [];
      batchBytes = 0;
    }
  }
  out.end(batch.join(''));
  await once(out, 'finish');
  return { bytes, documents };
}
