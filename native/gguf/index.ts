/** GGUF file format: streaming writer, header reader, tensor number formats. Pure TypeScript over node:fs. */
export * from './types';
export * from './quantize';
export { GgufWriter } from './writer';
export { rewriteGgufMetadata, type GgufMetadataChanges } from './rewrite';
export { readGguf, readTensorBytes, readTensorF32, metadataScalar, metadataArray, GgufFormatError, type GgufFile } from './reader';
