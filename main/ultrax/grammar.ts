/**
 * GBNF (llama.cpp syntax) of the UltraX function space, so that every line a constrained
 * model writes is a call the reference parser reads:
 *
 *   keep_all()   remove_all()   remove_lines(N, M)   replace_str(N, 'old', 'new')
 *   add_line(N, S, 'content')   and `# comment` lines
 *
 * in the spelling UltraX stores programs in (`functions_to_string`: ", " between arguments,
 * strings as Python repr, either quote). Strings hold no raw control characters (repr writes
 * them as escapes) and any backslash escape, which the parser reads as the reference does.
 * Nothing is capped: not the number of calls, not the length of a string; the generation's
 * token budget is the only stop, as in the reference. The reference fidelity setting runs
 * without this grammar.
 */

/** Bump when the grammar changes in a way that can change what a model writes. */
export const ULTRAX_GRAMMAR_VERSION = 'ultrax-gbnf-1';

export function ultraxGrammar(): string {
  return [
    'root ::= line ("\\n" line)* "\\n"?',
    'line ::= "keep_all()" | "remove_all()" | remove-lines | replace-str | add-line | comment',
    'remove-lines ::= "remove_lines(" number ", " number ")"',
    'replace-str ::= "replace_str(" number ", " string ", " string ")"',
    'add-line ::= "add_line(" number ", " "-"? number ", " string ")"',
    'number ::= [0-9] | [1-9] [0-9]+',
    'string ::= "\'" single* "\'" | "\\"" double* "\\""',
    "single ::= [^'\\\\\\x00-\\x1f\\x7f] | escape",
    'double ::= [^"\\\\\\x00-\\x1f\\x7f] | escape',
    'escape ::= "\\\\" [^\\x00-\\x1f\\x7f]',
    'comment ::= "#" [^\\n]*',
    '',
  ].join('\n');
}
