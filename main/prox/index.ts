/**
 * The pure ProX core in one import: program model, parsers, executor, chunker, prompts,
 * grammar, metrics, tokens. Everything here is free of I/O and Node built-ins.
 */
export * from './program';
export * from './programmer';
export * from './parse';
export { parseStrictProgram, parseStrictLine } from './parse-strict';
export { parseReferenceProgram, pythonInt } from './parse-reference';
export * from './executor';
export * from './replacement-map';
export * from './words';
export * from './chunker';
export * from './prompts';
export * from './grammar';
export * from './metrics';
export * from './tokens';
export * from './versions';
