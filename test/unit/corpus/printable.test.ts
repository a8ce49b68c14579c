/** Issue 16.5: names from outside print as one line, with control characters as escapes. */
import { describe, expect, it } from 'vitest';
import { printable } from '../../../main/cli/printable';
import { formatIssue } from '../../../main/cli/workspace-options';

describe('printable', () => {
  it('escapes newlines, ANSI escapes, C1 and bidi controls, and doubles backslashes', () => {
    expect(printable('a\nb\r\tc.jsonl')).toBe('a\\nb\\r\\tc.jsonl');
    expect(printable('\u001b[2Jevil.jsonl')).toBe('\\e[2Jevil.jsonl');
    expect(printable('bell\u0007\u009b\u202etxt.jsonl')).toBe('bell\\x07\\x9b\\u{202e}txt.jsonl');
    expect(printable('dir\\n.jsonl')).toBe('dir\\\\n.jsonl');
    expect(printable('plain ünïcode 文件.jsonl')).toBe('plain ünïcode 文件.jsonl');
  });

  it('keeps a scan error on one line whatever the file is called', () => {
    const line = formatIssue({ file: 'x\n\u001b[31mfake.jsonl', line: 2, field: 'te\nxt', message: 'line 2 is not valid JSON' });
    expect(line).toBe('x\\n\\e[31mfake.jsonl:2: field "te\\nxt": line 2 is not valid JSON');
    expect(line.includes('\n') || line.includes('\u001b')).toBe(false);
  });
});
