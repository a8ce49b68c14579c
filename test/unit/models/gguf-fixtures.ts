/** Variants of a valid tiny GGUF with one defect each, for the pre-load check tests. */
import { GgufWriter, readGguf, readTensorBytes, type GgmlTypeName } from '../../../native/gguf';

export interface Rewrite {
  dropMetadata?: string;
  setString?: [key: string, value: string];
  dropTensor?: string;
}

/** Copies `source` to `target` with the rewrite applied (everything else byte-identical in meaning). */
export function rewriteGguf(source: string, target: string, rewrite: Rewrite): void {
  const file = readGguf(source);
  const writer = new GgufWriter(target, file.alignment);
  for (const [key, value] of file.metadata) {
    if (key === rewrite.dropMetadata || key === 'general.alignment') continue;
    if (rewrite.setString && key === rewrite.setString[0]) writer.set(key, 'string', rewrite.setString[1]);
    else if (value.type === 'array') writer.setArray(key, value.itemType, value.values);
    else writer.set(key, value.type, value.value);
  }
  const tensors = file.tensors.filter((t) => t.name !== rewrite.dropTensor);
  for (const t of tensors) writer.addTensor(t.name, t.shape, t.typeName as GgmlTypeName);
  writer.begin();
  for (const t of tensors) writer.writeTensorData(t.name, readTensorBytes(file, t.name));
  writer.finish();
}
