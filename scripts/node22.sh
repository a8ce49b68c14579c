#!/usr/bin/env bash
# Sourced by scripts/test.sh (and usable by hand: `source scripts/node22.sh`): makes sure the
# `node` first on PATH is Node.js 22.14 or newer (22.14 is the first 22.x with Node-API 10, which
# better-sqlite3 13's prebuilt file needs). Where the machine's Node is older, it fetches
# the npm registry's node-<os>-<arch> package (it holds the node binary and its headers), keeps it
# in the user cache folder, puts its bin/ first on PATH and points npm_config_nodedir at it, so
# node-gyp, should anything compile, finds Node's headers there without downloading any.
# npm itself is a script: the machine's npm then runs under this node.
# REFINERY_NODE_VERSION picks another 22.x (default below).

refinery_node22() {
  local want_major=22 want_minor=14
  local version="${REFINERY_NODE_VERSION:-22.23.5}"
  local have major minor
  have="$(node -p 'process.versions.node' 2>/dev/null || echo 0.0.0)"
  major="${have%%.*}"; minor="${have#*.}"; minor="${minor%%.*}"
  if (( major > want_major || (major == want_major && minor >= want_minor) )); then
    echo "setup: Node.js $have"
    return 0
  fi
  local os arch
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) echo "setup: no node package for $(uname -s); install Node.js $want_major"; return 1 ;; esac
  case "$(uname -m)" in x86_64|amd64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) echo "setup: no node package for $(uname -m); install Node.js $want_major"; return 1 ;; esac
  local pkg="node-$os-$arch@$version"
  local home="${XDG_CACHE_HOME:-$HOME/.cache}/refinery/node-v$version-$os-$arch"
  if [[ ! -x "$home/bin/node" ]]; then
    echo "setup: Node.js ${have} is older than $want_major.$want_minor; fetching $pkg from the npm registry into $home"
    local tmp
    tmp="$(mktemp -d)" || return 1
    if ! (cd "$tmp" && npm pack --silent "$pkg" >/dev/null && tar xzf ./*.tgz); then
      rm -rf "$tmp"; echo "setup: could not fetch $pkg"; return 1
    fi
    mkdir -p "$(dirname "$home")" && rm -rf "$home" && mv "$tmp/package" "$home"
    rm -rf "$tmp"
  fi
  export PATH="$home/bin:$PATH"
  export npm_config_nodedir="$home"
  hash -r
  echo "setup: Node.js $(node -p 'process.versions.node') from $home"
}
