/**
 * A small random generator for GBNF grammars (the llama.cpp subset our grammars use: rules,
 * alternatives, sequences, "literals", [classes] with ^/ranges/escapes, ( groups ), and the
 * postfix operators ? * + {m} {m,} {m,n}). Tests expand a grammar into random strings and check
 * that every one of them is accepted by llama.cpp and parses without errors.
 */
export { seededRandom } from './seeded-random';

type Node =
  | { type: 'literal'; text: string }
  | { type: 'class'; negated: boolean; ranges: [number, number][] }
  | { type: 'ref'; name: string }
  | { type: 'alt'; options: Node[][] }
  | { type: 'repeat'; node: Node; min: number; max: number | null };

export type Grammar = Map<string, Node>;

class Reader {
  pos = 0;
  constructor(readonly src: string) {}
  peek(): string {
    return this.src[this.pos] ?? '';
  }
  fail(message: string): never {
    const line = this.src.slice(0, this.pos).split('\n').length;
    throw new Error(`GBNF line ${line}: ${message} at ${JSON.stringify(this.src.slice(this.pos, this.pos + 20))}`);
  }
  /** Skips spaces and comments; newlines too when `newlines` (inside groups). */
  space(newlines: boolean): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || (newlines && (c === '\n' || c === '\r'))) this.pos++;
      else if (c === '#') while (this.pos < this.src.length && this.peek() !== '\n') this.pos++;
      else return;
    }
  }
  expect(text: string): void {
    if (!this.src.startsWith(text, this.pos)) this.fail(`expected ${JSON.stringify(text)}`);
    this.pos += text.length;
  }
  name(): string {
    const m = /^[A-Za-z0-9-]+/.exec(this.src.slice(this.pos));
    if (!m) this.fail('expected a rule name');
    this.pos += m[0].length;
    return m[0];
  }
  /** One (possibly escaped) code point inside a literal or class. */
  char(): number {
    const c = this.src.codePointAt(this.pos);
    if (c === undefined) this.fail('unexpected end');
    if (c !== 0x5c) {
      this.pos += c > 0xffff ? 2 : 1;
      return c;
    }
    const e = this.src[this.pos + 1];
    this.pos += 2;
    const simple: Record<string, number> = { n: 10, r: 13, t: 9, '\\': 92, '"': 34, '[': 91, ']': 93 };
    if (e !== undefined && e in simple) return simple[e]!;
    const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (width === 0) this.fail(`unknown escape \\${e}`);
    const hex = this.src.slice(this.pos, this.pos + width);
    if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) this.fail('bad hex escape');
    this.pos += width;
    return parseInt(hex, 16);
  }
}

function parseAlternatives(r: Reader, nested: boolean): Node {
  const options: Node[][] = [parseSequence(r, nested)];
  while (r.peek() === '|') {
    r.pos++;
    r.space(true);
    options.push(parseSequence(r, nested));
  }
  return { type: 'alt', options };
}

function parseSequence(r: Reader, nested: boolean): Node[] {
  const seq: Node[] = [];
  for (;;) {
    r.space(nested);
    const c = r.peek();
    let node: Node;
    if (c === '"') {
      r.pos++;
      let text = '';
      while (r.peek() !== '"') text += String.fromCodePoint(r.char());
      r.pos++;
      node = { type: 'literal', text };
    } else if (c === '[') {
      r.pos++;
      const negated = r.peek() === '^';
      if (negated) r.pos++;
      const ranges: [number, number][] = [];
      while (r.peek() !== ']') {
        const lo = r.char();
        let hi = lo;
        if (r.peek() === '-' && r.src[r.pos + 1] !== ']') {
          r.pos++;
          hi = r.char();
        }
        ranges.push([lo, hi]);
      }
      r.pos++;
      node = { type: 'class', negated, ranges };
    } else if (c === '(') {
      r.pos++;
      r.space(true);
      node = parseAlternatives(r, true);
      r.space(true);
      r.expect(')');
    } else if (/[A-Za-z0-9-]/.test(c) && !r.src.slice(r.pos).match(/^[A-Za-z0-9-]+\s*::=/)) {
      node = { type: 'ref', name: r.name() };
    } else {
      return seq;
    }
    node = parsePostfix(r, node);
    seq.push(node);
  }
}

function parsePostfix(r: Reader, node: Node): Node {
  for (;;) {
    const c = r.peek();
    if (c === '?') node = { type: 'repeat', node, min: 0, max: 1 };
    else if (c === '*') node = { type: 'repeat', node, min: 0, max: null };
    else if (c === '+') node = { type: 'repeat', node, min: 1, max: null };
    else if (c === '{') {
      const m = /^\{\s*(\d+)\s*(,\s*(\d*)\s*)?\}/.exec(r.src.slice(r.pos));
      if (!m) r.fail('bad repetition');
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? null : Number(m[3]);
      node = { type: 'repeat', node, min, max };
      r.pos += m[0].length;
      continue;
    } else return node;
    r.pos++;
  }
}

export function parseGbnf(src: string): Grammar {
  const r = new Reader(src);
  const rules: Grammar = new Map();
  for (;;) {
    r.space(true);
    if (r.pos >= src.length) break;
    const name = r.name();
    r.space(false);
    r.expect('::=');
    r.space(true);
    rules.set(name, parseAlternatives(r, false));
  }
  for (const node of rules.values()) checkRefs(node, rules);
  if (!rules.has('root')) throw new Error('GBNF: no root rule');
  return rules;
}

function checkRefs(node: Node, rules: Grammar): void {
  if (node.type === 'ref' && !rules.has(node.name)) throw new Error(`GBNF: undefined rule ${node.name}`);
  if (node.type === 'alt') node.options.forEach((seq) => seq.forEach((n) => checkRefs(n, rules)));
  if (node.type === 'repeat') checkRefs(node.node, rules);
}

/**
 * Characters tried for negated classes: the ones that trip naive parsers (quotes, commas,
 * parentheses, '=', backslash, '#'), plain text, and non-ASCII of every UTF-8 length.
 */
const PROBE_CHARS = [...'aZ09 ,()=\'"\\#_-.:;/?&%[]{}|<>~`!@$^*+\t\n\r\u0000\u001f\u007f', 'é', 'ß', '中', '€', '\u00a0', '\u2028', '😀', '𝔸'];

export interface SampleOptions {
  /** Probability of taking a repetition's maximum count (exercises the bounds). */
  maxBias?: number;
  /** Cap for unbounded repetitions (* and +). */
  unboundedCap?: number;
}

export function sample(grammar: Grammar, random: () => number, options: SampleOptions = {}): string {
  const maxBias = options.maxBias ?? 0.15;
  const cap = options.unboundedCap ?? 4;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const out: string[] = [];
  const expand = (node: Node, depth: number): void => {
    if (depth > 200) throw new Error('GBNF sampler: recursion too deep (is the grammar unbounded?)');
    switch (node.type) {
      case 'literal':
        out.push(node.text);
        return;
      case 'class': {
        const inClass = (cp: number): boolean => node.ranges.some(([lo, hi]) => cp >= lo && cp <= hi);
        if (node.negated) {
          const allowed = PROBE_CHARS.filter((ch) => !inClass(ch.codePointAt(0)!));
          if (allowed.length === 0) throw new Error('GBNF sampler: no probe character fits a negated class');
          out.push(pick(allowed));
        } else {
          const [lo, hi] = pick(node.ranges);
          out.push(String.fromCodePoint(lo + Math.floor(random() * (hi - lo + 1))));
        }
        return;
      }
      case 'ref':
        expand(grammar.get(node.name)!, depth + 1);
        return;
      case 'alt':
        for (const child of pick(node.options)) expand(child, depth + 1);
        return;
      case 'repeat': {
        const max = node.max ?? node.min + cap;
        const count = random() < maxBias ? max : node.min + Math.floor(random() * (max - node.min + 1));
        for (let i = 0; i < count; i++) expand(node.node, depth + 1);
        return;
      }
    }
  };
  expand(grammar.get('root')!, 0);
  return out.join('');
}
