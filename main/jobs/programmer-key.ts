/**
 * The cache identity of a programmer: the same key on the same document text means the same
 * program, so it is never asked twice. Everything that can change the output is in it.
 */
import { createHash } from 'node:crypto';
import type { ProgrammerInfo } from '../prox/programmer';

export function programmerKey(info: ProgrammerInfo): string {
  const parameters = Object.keys(info.parameters)
    .sort()
    .map((k) => [k, info.parameters[k]]);
  const identity = JSON.stringify([info.id, info.kind, info.modelHash ?? null, info.promptVersion ?? null, info.grammarVersion ?? null, parameters]);
  return `${info.id}@${createHash('sha256').update(identity).digest('hex').slice(0, 16)}`;
}
