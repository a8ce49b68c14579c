/**
 * Files from the llama.cpp source that node-llama-cpp ships as a git bundle
 * (`llama/gitRelease.bundle`): llama.cpp keeps vocab-only GGUFs with tokenizer test cases and
 * the chat templates of well-known models there, which tests use without any download. Files
 * are extracted once into the git-ignored test/.generated, under their base names.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BUNDLE = join(REPO_ROOT, 'node_modules/node-llama-cpp/llama/gitRelease.bundle');
const GENERATED = join(REPO_ROOT, 'test/.generated');

/** Local paths of the given files of the bundle (in order), extracted on first use; or why they cannot be had. */
export function llamaCppBundleFiles(pathsInBundle: readonly string[]): { paths?: string[]; reason?: string } {
  const targets = pathsInBundle.map((p) => join(GENERATED, basename(p)));
  if (targets.every((t) => existsSync(t))) return { paths: targets };
  if (!existsSync(BUNDLE)) return { reason: `node-llama-cpp's llama.cpp bundle is missing (${BUNDLE})` };
  // The scratch clone lives under the git-ignored test/.generated, even if a run is killed mid-way.
  mkdirSync(GENERATED, { recursive: true });
  const work = mkdtempSync(join(GENERATED, 'bundle-extract-'));
  try {
    const clone = join(work, 'llama.cpp');
    execFileSync('git', ['clone', '-q', '--no-checkout', BUNDLE, clone], { stdio: 'ignore' });
    pathsInBundle.forEach((inBundle, i) => {
      const bytes = execFileSync('git', ['--git-dir', join(clone, '.git'), 'show', `HEAD:${inBundle}`], { maxBuffer: 64 * 1024 * 1024 });
      // Write then rename: parallel test workers may extract at the same time.
      const partial = `${targets[i]}.${process.pid}.partial`;
      writeFileSync(partial, bytes);
      renameSync(partial, targets[i]!);
    });
    return { paths: targets };
  } catch (error) {
    return { reason: `could not extract ${pathsInBundle.join(', ')} from ${BUNDLE}: ${String(error)}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
