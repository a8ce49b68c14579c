// Prints the package folders (relative to the repository root) that node-llama-cpp needs at
// run time and to build its native addon from source: its dependencies, transitively, as Node
// would resolve them from where each package sits. The prebuilt binaries (its optional
// @node-llama-cpp/* packages) are left out: the kit builds the addon on the target machine.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = process.argv[2];
const start = join(root, 'node_modules', 'node-llama-cpp');
const found = new Set();

/** Node's lookup: node_modules/<name> in the package's own folder, then in each folder above it. */
function locate(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dirname(dir) === dir) return null;
  }
}

function visit(dir, includeOptional) {
  if (found.has(dir)) return;
  found.add(dir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const names = Object.keys(pkg.dependencies ?? {});
  if (includeOptional) names.push(...Object.keys(pkg.optionalDependencies ?? {}));
  for (const name of names) {
    const at = locate(name, dir);
    if (at) visit(at, true);
    else if (!(pkg.optionalDependencies ?? {})[name]) throw new Error(`${relative(root, dir)} needs ${name}, which is not installed: run npm ci`);
  }
}

visit(start, false);
for (const dir of [...found].sort()) console.log(relative(root, dir));
