/**
 * The UltraX program dialect (openbmb/UltraX) in one import: program model, parser,
 * post-processing, executor, sliding windows. Pure like main/prox: no I/O, no Node built-ins.
 */
export * from './program';
export * from './parse';
export * from './postprocess';
export * from './execute';
export * from './windows';
export * from './grammar';
export { pyRepr, splitlinesKeepends } from './python';
