#!/usr/bin/env python3
"""Conformance vectors for Refinery's UltraX dialect, computed by the reference itself.

Runs the functions of openbmb/UltraX stage 2 (post_processing/post_process_and_execute.py and
inference/inference.py) on the hand-written cases of test/fixtures/ultrax/cases.json plus
seeded random cases, and writes inputs with the reference's outputs to
test/fixtures/ultrax/vectors.json. The reference files are read from a local copy of the
UltraX repository (never copied into this one); only their function and class definitions
are executed, so pandas, pyarrow, torch and vLLM are not needed.

    python3 scripts/ultrax/reference-vectors.py /path/to/UltraX > test/fixtures/ultrax/vectors.json

Python 3.10 is what UltraX names; 3.11 gives the same results on these cases (they avoid
characters assigned after Unicode 13, where the two differ).
"""
import __future__
import ast
import collections
import dataclasses
import difflib
import json
import random
import re
import sys
import typing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_definitions(path):
    """Executes only the defs and classes of a reference file, in a namespace of its own."""
    tree = ast.parse(path.read_text(encoding='utf-8'))
    body = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    namespace = {
        're': re, 'difflib': difflib, 'defaultdict': collections.defaultdict,
        'dataclass': dataclasses.dataclass, 'field': dataclasses.field,
        **{name: getattr(typing, name) for name in ('List', 'Dict', 'Optional', 'Tuple')},
    }
    # Annotations stay unevaluated: they name modules (mp, torch) that are not loaded.
    code = compile(ast.Module(body=body, type_ignores=[]), str(path), 'exec', flags=__future__.annotations.compiler_flag)
    exec(code, namespace)
    return namespace


def document_model_output(inf, content, max_chars, responses):
    """The per-document part of the inference worker: windows' replies -> model_output."""
    if not content or not content.strip():
        return ''
    segments = inf['split_by_sliding_window'](content, max_chars, 0.2)
    if not segments:
        return ''
    failed = {i for i, r in enumerate(responses) if r is None}
    if len(failed) == len(segments):
        return '# all segments failed'
    replies = [('keep_all()' if r is None else r) for r in responses]
    while len(replies) < len(segments):
        replies.append('keep_all()')
    window_results = [(seg, inf['parse_function_list'](inf['extract_prediction'](reply))) for seg, reply in zip(segments, replies)]
    total_lines = len(inf['normalize_newlines'](content).split('\n'))
    merged, keep, remove = inf['merge_window_functions'](window_results, total_lines)
    out = 'keep_all()' if keep else 'remove_all()' if remove else inf['functions_to_string'](merged)
    if failed:
        out += f"\n# Failed segments: {sorted(failed)}"
    return out


# ---------------------------------------------------------------- random cases

PIECES = ['Home', 'About us', 'Share', 'Subscribe now', 'the', 'cat', 'sat', 'on', 'mat', '&amp;', '&nbsp;',
          'Copyright 2024', 'price: $10', "it's", 'say "hi"', 'a\\b', 'x', 'xx', 'café', '中文', '😀', '١٢',
          '\t', '\xa0', '  ', '#tag', '---', ',', '(', ')', "'", '"']
ODD_BREAKS = ['\r\n', '\r', '\x0b', '\x0c', '\x1c', '\x85', '\u2028']


def random_line(rng):
    return ' '.join(rng.choice(PIECES) for _ in range(rng.randint(0, 7)))


def random_doc(rng):
    lines = [random_line(rng) for _ in range(rng.randint(1, 14))]
    text = ''
    for i, line in enumerate(lines):
        text += line
        if i + 1 < len(lines):
            text += rng.choice(ODD_BREAKS) if rng.random() < 0.08 else '\n'
    if rng.random() < 0.1:
        text += '\n'
    return text


def quote(rng, s):
    """Writes s as the model might: either quote, escapes for what needs them, sometimes sloppy."""
    q = rng.choice(["'", '"'])
    out = ''
    for ch in s:
        if ch == q:
            out += '\\' + ch
        elif ch == '\\':
            out += rng.choice(['\\\\', '\\'])
        elif ch == '\n':
            out += '\\n'
        elif ch == '\t':
            out += rng.choice(['\\t', '\t'])
        else:
            out += ch
    return q + out + q


def random_call(rng, lines):
    n = max(1, len(lines))
    line = rng.randint(0, n + 1)
    kind = rng.random()
    if kind < 0.08:
        return rng.choice(['keep_all()', 'remove_all()', 'keep_all() ', '# comment', '---', 'nonsense'])
    if kind < 0.3:
        a = rng.randint(0, n + 1)
        b = rng.randint(a - 1, n + 2)
        return rng.choice([f'remove_lines({a}, {b})', f'remove_lines({a},{b})', f'remove_lines({a},  {b}) trailing', f'remove_lines( {a}, {b})'])
    target = lines[line - 1] if 1 <= line <= len(lines) else random_line(rng)
    if kind < 0.75:
        if target and rng.random() < 0.85:
            i = rng.randint(0, len(target) - 1)
            j = rng.randint(i, min(len(target), i + 12))
            old = target[i:j]
        else:
            old = rng.choice(PIECES)
        new = rng.choice(['', ' ', old.upper(), old + '!', rng.choice(PIECES), old[::-1], 'a\nb'])
        sep = rng.choice([', ', ',', ' , '])
        return f'replace_str({line}, {quote(rng, old)}{sep}{quote(rng, new)})' + rng.choice(['', '', ' ', ')'])
    base = rng.randint(-1, n + 1)
    sub = rng.choice([0, 1, 1, 2, 5, 9999, 10000, -1])
    return f'add_line({base}, {sub}, {quote(rng, random_line(rng))})' + rng.choice(['', '', ' '])


def random_program(rng, doc):
    lines = doc.replace('\r\n', '\n').replace('\r', '\n').splitlines()
    calls = [random_call(rng, lines) for _ in range(rng.randint(0, 8))]
    if rng.random() < 0.1 and calls:
        calls = calls + [calls[-1]] * rng.randint(2, 5)  # a loop
    if rng.random() < 0.1:
        calls = [rng.choice(['keep_all()', 'remove_all()'])]
    return '\n'.join(calls) + rng.choice(['', '\n', '\n\n'])


def main():
    ultrax = Path(sys.argv[1])
    post = load_definitions(ultrax / 'stage2_large_scale_execution/post_processing/post_process_and_execute.py')
    inf = load_definitions(ultrax / 'stage2_large_scale_execution/inference/inference.py')
    cases = json.loads((ROOT / 'test/fixtures/ultrax/cases.json').read_text(encoding='utf-8'))

    out = {'rows': [], 'windows': [], 'documents': [], 'repr': [], 'difflib': []}

    def row(original, program, note):
        _, cleaned, processed = post['process_row'](original, program)
        out['rows'].append({'note': note, 'original': original, 'program': program, 'cleaned': cleaned, 'processed': processed})

    for c in cases['rows']:
        row(c['original'], c['program'], c['note'])
    rng = random.Random(14)
    for k in range(700):
        doc = random_doc(rng)
        row(doc, random_program(rng, doc), f'random {k}')

    for c in cases['windows']:
        segs = inf['split_by_sliding_window'](c['content'], c['max_chars'], 0.2)
        out['windows'].append({'note': c['note'], 'content': c['content'], 'max_chars': c['max_chars'],
                               'windows': [{'text': s.content, 'start_line': s.start_line, 'end_line': s.end_line, 'overlap_start': s.overlap_start} for s in segs]})
    for k in range(200):
        content = '\n'.join(random_line(rng) * rng.randint(1, 3) for _ in range(rng.randint(1, 40)))
        max_chars = rng.randint(20, 400)
        segs = inf['split_by_sliding_window'](content, max_chars, 0.2)
        out['windows'].append({'note': f'random {k}', 'content': content, 'max_chars': max_chars,
                               'windows': [{'text': s.content, 'start_line': s.start_line, 'end_line': s.end_line, 'overlap_start': s.overlap_start} for s in segs]})

    def document(content, max_chars, responses, note):
        model_output = document_model_output(inf, content, max_chars, responses)
        _, cleaned, _ = post['process_row'](content, model_output)
        out['documents'].append({'note': note, 'content': content, 'max_chars': max_chars, 'responses': responses, 'model_output': model_output, 'cleaned': cleaned})

    for c in cases['documents']:
        responses = c.get('responses')
        if responses is None:
            # A reply per window from patterns (cycled), {start} {end} {owned} filled in; null = failed.
            segs = inf['split_by_sliding_window'](c['content'], c['max_chars'], 0.2)
            patterns = c['per_window']
            responses = []
            for i, s in enumerate(segs):
                p = patterns[i % len(patterns)]
                responses.append(None if p is None else p.format(start=s.start_line, end=s.end_line, owned=s.overlap_start))
        document(c['content'], c['max_chars'], responses, c['note'])
    for k in range(200):
        content = random_doc(rng)
        max_chars = rng.randint(30, 300)
        segs = inf['split_by_sliding_window'](content, max_chars, 0.2) if content.strip() else []
        responses = [None if rng.random() < 0.05 else random_program(rng, content) for _ in segs]
        document(content, max_chars, responses, f'random {k}')

    for s in cases['repr'] + [random_line(rng) for _ in range(100)]:
        out['repr'].append({'text': s, 'repr': repr(s)})

    letters = 'abcde \n'
    for k in range(100):
        a = ''.join(rng.choice(letters) for _ in range(rng.randint(0, 300)))
        b = ''.join(rng.choice(letters) for _ in range(rng.randint(0, 300)))
        m = difflib.SequenceMatcher(None, a, b)
        out['difflib'].append({'a': a, 'b': b, 'ratio': m.ratio(), 'opcodes': [list(op) for op in m.get_opcodes()]})

    # One vector per line, so a diff of a regenerated file shows which vectors changed.
    sys.stdout.write('{\n')
    for i, (key, vectors) in enumerate(out.items()):
        sys.stdout.write(f' "{key}": [\n')
        sys.stdout.write(',\n'.join('  ' + json.dumps(v, ensure_ascii=False) for v in vectors))
        sys.stdout.write('\n ]' + (',' if i + 1 < len(out) else '') + '\n')
    sys.stdout.write('}\n')


if __name__ == '__main__':
    main()
