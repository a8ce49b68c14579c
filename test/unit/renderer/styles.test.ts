/**
 * The stylesheet's blocks are all closed: one missing `}` (an edit landing inside another
 * rule's block) makes the browser drop every rule after it silently, as happened once to the
 * Stats and "Refine now" styles. Comments and strings are skipped; @media blocks nest one deep.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Line numbers of blocks left open at the end, and of stray closing braces. */
function unbalancedBlocks(css: string): { open: number[]; stray: number[] } {
  const open: number[] = [];
  const stray: number[] = [];
  let line = 1;
  for (let i = 0; i < css.length; i++) {
    const ch = css[i]!;
    if (ch === '\n') line++;
    else if (ch === '/' && css[i + 1] === '*') {
      const end = css.indexOf('*/', i + 2);
      const stop = end === -1 ? css.length : end + 2;
      for (let j = i; j < stop; j++) if (css[j] === '\n') line++;
      i = stop - 1;
    } else if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < css.length && css[j] !== ch && css[j] !== '\n') j += css[j] === '\\' ? 2 : 1;
      i = j;
    } else if (ch === '{') open.push(line);
    else if (ch === '}') {
      if (open.length === 0) stray.push(line);
      else open.pop();
    }
  }
  return { open, stray };
}

describe('renderer/src/styles.css', () => {
  it('closes every block it opens', () => {
    const css = readFileSync(join(repoRoot, 'renderer', 'src', 'styles.css'), 'utf8');
    expect(unbalancedBlocks(css)).toEqual({ open: [], stray: [] });
  });

  it('finds a rule left open, and a stray brace, by line', () => {
    expect(unbalancedBlocks('.a {\n  color: red;\n\n.b {\n  color: blue;\n}\n')).toEqual({ open: [1], stray: [] });
    expect(unbalancedBlocks('.a { content: "}"; }\n/* } */\n}\n')).toEqual({ open: [], stray: [3] });
    expect(unbalancedBlocks('@media (max-width: 10px) {\n  .a { color: red; }\n}\n')).toEqual({ open: [], stray: [] });
  });
});
