#!/usr/bin/env bash
# Assembles .gpu-kit/ (git-ignored): what `npm run bench:model -- --gpu` needs on a machine that
# has a GPU, CUDA, cmake, ninja and a C++ compiler but no Node.js and no network, in under
# 64 MiB together with the repository's tracked files:
#   node.xz            this machine's Node binary (KIT_NODE=path picks another), xz-compressed
#   app.tar.xz         bench:model and the model worker bundled to plain JS (esbuild), the
#                      node_modules node-llama-cpp needs to run and to build itself (no prebuilt
#                      llama.cpp binaries, no source bundle), and the Llama-2 vocabulary GGUF
#   llama.cpp.tar.xz   the llama.cpp release node-llama-cpp bundles (llama/gitRelease.bundle),
#                      build files only, with node-llama-cpp's own patches applied
#   npm                the stand-in for npm that node-llama-cpp's source build calls
#   run.sh             unpacks, builds for the GPU (or --cpu), runs the bench, prints its JSON line
# Usage: bash scripts/gpu-kit.sh    (after npm ci; README, "Measuring on a GPU machine")
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
KIT=$ROOT/.gpu-kit
NLC=$ROOT/node_modules/node-llama-cpp
BUNDLE=$NLC/llama/gitRelease.bundle
LIMIT=$((64 * 1024 * 1024))
NODE_BIN=${KIT_NODE:-$(command -v node)}
for need in "$BUNDLE" "$ROOT/node_modules/.bin/esbuild" "$NODE_BIN"; do
  [ -e "$need" ] || { echo "gpu-kit: $need is missing; run npm ci first" >&2; exit 1; }
done
for tool in git xz tar; do command -v "$tool" >/dev/null || { echo "gpu-kit: $tool is needed" >&2; exit 1; }; done

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
rm -rf "$KIT"
mkdir -p "$KIT"
step() { echo "[gpu-kit $(date +%T)] $*"; }

step "node: $NODE_BIN $("$NODE_BIN" --version)"
xz -T0 -6 -c "$NODE_BIN" > "$KIT/node.xz"

step "bench and model worker, bundled"
APP=$STAGE/app
mkdir -p "$APP/bench"
# The bundles find bench/.data beside themselves and the vocabulary in ../test/.generated (from
# test/support/tiny-model.ts's REPO_ROOT: two folders above the bundle); the model worker is
# model-worker.js beside its host, as in the built app (main/models/worker-host.ts).
esbuild_common=(--bundle --platform=node --format=esm --target=node20 --external:node-llama-cpp --log-level=warning
  "--banner:js=import { createRequire as __kitCreateRequire } from 'node:module'; const require = __kitCreateRequire(import.meta.url);")
"$ROOT/node_modules/.bin/esbuild" "$ROOT/bench/model.ts" "${esbuild_common[@]}" --outfile="$APP/bench/model.mjs"
"$ROOT/node_modules/.bin/esbuild" "$ROOT/main/models/worker-entry.ts" "${esbuild_common[@]}" --outfile="$APP/bench/model-worker.js"
echo '{ "type": "module", "private": true }' > "$APP/package.json"

step "node_modules for node-llama-cpp (run time and source build)"
"$NODE_BIN" "$ROOT/scripts/gpu-kit/deps.mjs" "$ROOT" > "$STAGE/deps.txt"
(cd "$ROOT" && tar -cf - \
  --exclude='node_modules/node-llama-cpp/llama/gitRelease.bundle' \
  --exclude='node_modules/node-llama-cpp/llama/localBuilds' \
  --exclude='node_modules/node-llama-cpp/llama/llama.cpp' \
  --exclude='*.map' --exclude='*.d.ts' --exclude='*.d.mts' --exclude='*.d.cts' \
  -T "$STAGE/deps.txt") | tar -xf - -C "$APP"
step "  $(wc -l < "$STAGE/deps.txt") packages, $(du -sh "$APP/node_modules" | cut -f1)"

step "llama.cpp source from $BUNDLE"
GIT=$STAGE/llama.git
git init -q --bare "$GIT"
git --git-dir "$GIT" fetch -q "$BUNDLE" HEAD
RELEASE=$(cat "$NLC/llama/llama.cpp.info.json" | tr -d '\n ' )
echo "$RELEASE (commit $(git --git-dir "$GIT" rev-parse --short FETCH_HEAD))" > "$KIT/llama.cpp.version"
mkdir -p "$STAGE/llama.cpp"
# What node-llama-cpp's CMakeLists builds from: the libraries, not models, docs, tools, examples or tests.
git --git-dir "$GIT" archive FETCH_HEAD CMakeLists.txt LICENSE cmake common ggml include licenses src vendor | tar -xf - -C "$STAGE/llama.cpp"
mkdir -p "$STAGE/test/.generated"
git --git-dir "$GIT" cat-file blob FETCH_HEAD:models/ggml-vocab-llama-spm.gguf > "$STAGE/test/.generated/ggml-vocab-llama-spm.gguf"
# node-llama-cpp applies these when it clones llama.cpp itself; the prebuilt binaries have them.
for patch in "$NLC"/llama/patches/*.diff; do
  [ -e "$patch" ] || continue
  if (cd "$STAGE/llama.cpp" && git apply --check --ignore-whitespace "$patch" 2>/dev/null); then
    (cd "$STAGE/llama.cpp" && git apply --ignore-whitespace "$patch")
    step "  applied $(basename "$patch")"
  else
    step "  $(basename "$patch") does not apply (already in this release?)"
  fi
done
tar -C "$STAGE" -cf - llama.cpp | xz -T0 -6 > "$KIT/llama.cpp.tar.xz"

step "compressing the app"
tar -C "$STAGE" -cf - app test | xz -T0 -6 > "$KIT/app.tar.xz"
cp "$ROOT/scripts/gpu-kit/run.sh" "$ROOT/scripts/gpu-kit/npm" "$KIT/"
chmod +x "$KIT/run.sh" "$KIT/npm"

kit_bytes=$(du -cb "$KIT"/* | tail -n 1 | cut -f1)
repo_bytes=$(cd "$ROOT" && git ls-files -z | xargs -0 du -cb 2>/dev/null | awk '/\ttotal$/ { sum += $1 } END { print sum + 0 }')
ls -l "$KIT"
step "kit $((kit_bytes / 1024 / 1024)) MiB + tracked files $((repo_bytes / 1024 / 1024)) MiB = $(((kit_bytes + repo_bytes) / 1024 / 1024)) MiB of the 64 MiB that may travel"
if [ $((kit_bytes + repo_bytes)) -ge "$LIMIT" ]; then
  echo "gpu-kit: too big to travel (limit 64 MiB with the tracked files)" >&2
  exit 1
fi
