/**
 * Run by writer.test.ts in a child process whose file-size limit (ulimit -f) is small, so
 * the export hits a real EFBIG from the kernel partway through: the same path as a full disk.
 * Prints one JSON line describing what the writer reported and what is left on disk.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { openJsonlWriter } from '../../../main/export/writer';

const target = process.argv[2]!;
const writer = await openJsonlWriter(target);
let error: unknown = null;
try {
  for (let i = 0; i < 2000; i++) await writer.write({ id: i, text: 'x'.repeat(10_000) });
  await writer.commit();
} catch (caught) {
  error = caught;
  await writer.abort();
}
process.stdout.write(
  `${JSON.stringify({
    name: error instanceof Error ? error.name : null,
    message: error instanceof Error ? error.message : null,
    finalExists: existsSync(target),
    leftovers: readdirSync(path.dirname(target)),
  })}\n`,
);
