/**
 * Versions recorded with every run, so a stored program can be traced to the exact prompt
 * and output grammar that produced it. Bump when a template (prompts.ts) or a grammar
 * (grammar.ts) changes in a way that can change what a model writes; cached programs keyed
 * by an older version are then not reused.
 */

/** Llama-2 chat wrapper of the released ProX models (prompts.ts), doc + chunk templates, one BOS. */
export const PROMPT_VERSION = 'prox-llama2-chat-1';

/**
 * GBNF of the doc and chunk program languages (untouch_doc, start=/end= spelling).
 * 2: no caps on calls, line numbers or strings; `#` comment lines and a final newline allowed.
 */
export const GRAMMAR_VERSION = 'prox-gbnf-2';
