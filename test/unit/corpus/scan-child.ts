/**
 * Run by scan.test.ts in a child process that first drops root privileges (root can read any
 * folder, so an unreadable folder can only be tested as an ordinary user). Prints one JSON line.
 */
import { isScanIssue, scanFolder } from '../../../main/corpus/scan';

const uid = Number(process.argv[3]);
if (process.getuid?.() === 0 && Number.isInteger(uid)) process.setuid?.(uid);
const files: string[] = [];
const issues: unknown[] = [];
for await (const entry of scanFolder(process.argv[2]!)) {
  if (isScanIssue(entry)) issues.push(entry.issue);
  else files.push(entry.relPath);
}
process.stdout.write(`${JSON.stringify({ files, issues })}\n`);
