import { promises as fs } from 'node:fs';
import path from 'node:path';
import { formatOf } from '../../../main/corpus/formats';
import { readSource } from '../../../main/corpus/read';
import type { CorpusDocument, ReadIssue, ReadOptions, SourceFile } from '../../../main/corpus/types';

export const fixturesDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../fixtures/corpus');

export async function sourceFile(filePath: string, relPath = path.basename(filePath)): Promise<SourceFile> {
  const stat = await fs.stat(filePath);
  const format = formatOf(filePath);
  if (!format) throw new Error(`test setup: ${filePath} has no supported extension`);
  return { path: filePath, relPath, size: stat.size, mtimeMs: stat.mtimeMs, format };
}

export interface ReadResult {
  docs: CorpusDocument[];
  issues: ReadIssue[];
  progress: number[];
}

export async function readAll(filePath: string, options?: ReadOptions): Promise<ReadResult> {
  const result: ReadResult = { docs: [], issues: [], progress: [] };
  for await (const event of readSource(await sourceFile(filePath), options)) {
    if (event.kind === 'doc') result.docs.push(event.doc);
    else result.issues.push(event.issue);
    result.progress.push(event.bytesRead);
  }
  return result;
}

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join((await import('node:os')).tmpdir(), `refinery-${prefix}-`));
}
