#!/usr/bin/env bash
# Refinery GPU kit runner (made by scripts/gpu-kit.sh; README, "Measuring on a GPU machine").
# On a machine with no Node.js and no network: unpacks the kit's Node, bench and llama.cpp
# source, builds node-llama-cpp's llama.cpp backend for this machine only (CUDA for one GPU
# architecture, or the CPU), runs bench:model, and prints the bench's JSON line last.
#
#   bash .gpu-kit/run.sh            CUDA build for KIT_CUDA_ARCH (default 90 = H100/H200), bench --gpu --quick
#   bash .gpu-kit/run.sh --cpu      CPU build, bench --quick (the offline proof on a machine without a GPU)
#   bash .gpu-kit/run.sh --full     the full bench instead of --quick
#   bash .gpu-kit/run.sh -- ARGS    extra bench:model arguments, e.g. -- --seqs 16,64
# Environment: KIT_WORK (work folder, default /tmp/refinery-gpu-kit), KIT_CUDA_ARCH,
# KIT_DEADLINE (seconds the whole run may take, default 570: the device tool kills a command at
# 600 s, and a run stopped by this script still prints its logs and copies them to OUT),
# KIT_BENCH_RESERVE (seconds of the deadline kept for the bench, default 120: the build stops
# when only this much is left), KIT_BUILD_TIMEOUT and KIT_BENCH_TIMEOUT (tighter caps, optional),
# KIT_REUSE=1 (keep the unpacked kit and the finished build of an earlier run in KIT_WORK: only
# the bench runs again), OUT (if set, bench.json, run.log, build.log and bench.log are copied there).
set -uo pipefail

KIT_DIR=$(cd "$(dirname "$0")" && pwd)
WORK=${KIT_WORK:-/tmp/refinery-gpu-kit}
ARCH=${KIT_CUDA_ARCH:-90}
DEADLINE=${KIT_DEADLINE:-570}
BENCH_RESERVE=${KIT_BENCH_RESERVE:-120}
MODE=gpu
QUICK=--quick
EXTRA=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --cpu) MODE=cpu ;;
    --full) QUICK= ;;
    --) shift; EXTRA=("$@"); break ;;
    *) echo "run.sh: unknown argument $1 (see the header of this file)" >&2; exit 64 ;;
  esac
  shift
done

mkdir -p "$WORK"
LOG=$WORK/run.log
: > "$LOG"
T0=$(date +%s)
declare -A SECONDS_OF
say() { echo "[kit $(date +%T) +$(( $(date +%s) - T0 ))s] $*" | tee -a "$LOG"; }
copy_out() {
  [ -n "${OUT:-}" ] || return 0
  mkdir -p "$OUT"
  for f in run.log build.log prepare.log bench.log bench.json; do [ -f "$WORK/$f" ] && cp "$WORK/$f" "$OUT/$f"; done
  return 0
}
fail() {
  local code=$1 what=$2 log=${3:-}
  say "FAILED: $what"
  if [ -n "$log" ] && [ -f "$log" ]; then
    echo "----- error lines in $(basename "$log") -----"
    grep -nE "error|Error|ERROR|CMake Warning \(dev\)|not found|No such file" "$log" | grep -v "^.*-Werror" | tail -n 30 | cut -c1-300
    echo "----- last 60 lines of $(basename "$log") -----"
    tail -n 60 "$log" | cut -c1-300
  fi
  say "FAILED: $what (exit $code)"
  [ -n "${PREPARE:-}" ] && kill "$PREPARE" 2>/dev/null
  copy_out
  exit "$code"
}
left() { echo $(( DEADLINE - ($(date +%s) - T0) )); }
# A step's time limit: what is left of the deadline less what later steps need, capped by $2.
limit() {
  local keep=$1 cap=${2:-} n
  n=$(( $(left) - keep ))
  [ -n "$cap" ] && [ "$cap" -lt "$n" ] && n=$cap
  echo "$n"
}
stage() {
  local name=$1 started=$2
  SECONDS_OF[$name]=$(( $(date +%s) - started ))
  say "=== $name done in ${SECONDS_OF[$name]} s ==="
}

# Where the CUDA pieces are: nvcc, cuBLAS (in the toolkit, or from the nvidia-cublas Python
# package that PyTorch images carry, whose libraries have no unversioned .so names), the driver.
# CMake, the linker and node-llama-cpp's GPU detection are pointed at them.
cuda_env() {
  local py_nvidia=() d lib dir
  mapfile -t py_nvidia < <(python3 -c 'import nvidia, os; [print(os.path.join(p, c)) for p in nvidia.__path__ for c in ("cu13", "cu12")]' 2>/dev/null || true)
  if ! command -v nvcc >/dev/null; then
    for d in /usr/local/cuda/bin /usr/local/cuda-*/bin "${py_nvidia[@]/%//bin}"; do [ -x "$d/nvcc" ] && export PATH="$d:$PATH" && break; done
  fi
  command -v nvcc >/dev/null || return 0
  local toolkit
  # nvcc may be a wrapper script; it names its own installation in a dry run.
  echo > "$WORK/empty.cu"
  toolkit=$(nvcc --dryrun -c "$WORK/empty.cu" -o "$WORK/empty.o" 2>&1 | sed -n 's/^#\$ TOP=//p' | head -n 1)
  [ -n "$toolkit" ] && toolkit=$(readlink -f "$toolkit") || toolkit=$(dirname "$(dirname "$(readlink -f "$(command -v nvcc)")")")
  local roots=(${KIT_CUBLAS_DIR:-} "$toolkit" /usr/local/cuda /usr/local/cuda-* "${py_nvidia[@]}")
  CUBLAS_INC= CUBLAS_LIB=
  for d in "${roots[@]}"; do
    [ -z "$CUBLAS_INC" ] && [ -f "$d/include/cublas_v2.h" ] && CUBLAS_INC=$d/include
    for lib in lib64 lib targets/x86_64-linux/lib; do
      [ -z "$CUBLAS_LIB" ] && compgen -G "$d/$lib/libcublas.so*" >/dev/null && CUBLAS_LIB=$d/$lib
    done
  done
  local links=$WORK/cuda-links
  mkdir -p "$links"
  local libdirs=()
  for dir in "$CUBLAS_LIB" "$toolkit/lib64" "$toolkit/lib" "$toolkit/targets/x86_64-linux/lib"; do [ -n "$dir" ] && [ -d "$dir" ] && libdirs+=("$dir"); done
  for lib in cublas cublasLt cudart; do
    for dir in "${libdirs[@]}"; do
      if [ -e "$dir/lib$lib.so" ]; then break; fi
      local versioned
      versioned=$(compgen -G "$dir/lib$lib.so.[0-9]*" | sort | head -n 1 || true)
      if [ -n "$versioned" ]; then ln -sf "$versioned" "$links/lib$lib.so"; break; fi
    done
  done
  # The driver's libraries: node-llama-cpp looks for them before it uses CUDA, and ggml's
  # memory pools link libcuda.so (the driver API); without it, build with GGML_CUDA_NO_VMM.
  local driver=
  for lib in libcuda.so.1 libnvidia-ml.so.1; do
    local found
    found=$(ldconfig -p 2>/dev/null | awk -v l="$lib" '$1 == l { print $NF; exit }')
    [ -z "$found" ] && for dir in /usr/local/nvidia/lib64 /usr/lib/x86_64-linux-gnu /usr/lib64; do [ -e "$dir/$lib" ] && found=$dir/$lib && break; done
    [ -n "$found" ] && libdirs+=("$(dirname "$found")")
    [ "$lib" = libcuda.so.1 ] && driver=$found
  done
  [ -z "$driver" ] && for stub in "$toolkit/lib64/stubs/libcuda.so" "$toolkit/targets/x86_64-linux/lib/stubs/libcuda.so"; do [ -e "$stub" ] && driver=$stub && break; done
  if [ -n "$driver" ]; then
    ln -sf "$driver" "$links/libcuda.so"
  else
    export NODE_LLAMA_CPP_CMAKE_OPTION_GGML_CUDA_NO_VMM=ON
    echo "no libcuda.so.1 (the NVIDIA driver) found: building with GGML_CUDA_NO_VMM=ON"
  fi
  local joined
  joined=$(IFS=:; echo "${libdirs[*]}")
  export CMAKE_LIBRARY_PATH="$links:$joined${CMAKE_LIBRARY_PATH:+:$CMAKE_LIBRARY_PATH}"
  export LIBRARY_PATH="$links:$joined${LIBRARY_PATH:+:$LIBRARY_PATH}"
  export LD_LIBRARY_PATH="$joined${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  [ -n "$CUBLAS_INC" ] && export CPATH="$CUBLAS_INC${CPATH:+:$CPATH}"
  echo "CUDA toolkit: $toolkit; cuBLAS headers: ${CUBLAS_INC:-NOT FOUND}; cuBLAS libraries: ${CUBLAS_LIB:-NOT FOUND}; linked: $(ls "$links" | tr '\n' ' ')"
  echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
}

say "=== preflight: mode $MODE$([ "$MODE" = gpu ] && echo ", CUDA architecture $ARCH"), work folder $WORK ==="
mkdir -p "$WORK"
if [ "$MODE" = gpu ]; then cuda_env > "$WORK/cuda.txt" 2>&1; tee -a "$LOG" < "$WORK/cuda.txt"; fi
missing=()
for tool in cmake ninja c++ cc xz tar; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[ "$MODE" = gpu ] && { command -v nvcc >/dev/null || missing+=(nvcc); [ -n "$CUBLAS_INC" ] && [ -n "$CUBLAS_LIB" ] || missing+=("cuBLAS (cublas_v2.h, libcublas.so; KIT_CUBLAS_DIR=<folder with include/ and lib/> names it)"); }
[ "${#missing[@]}" -eq 0 ] || fail 10 "missing tools: ${missing[*]}"
{
  echo "cmake: $(cmake --version | head -n 1)"; echo "ninja: $(ninja --version)"; echo "c++: $(c++ --version | head -n 1)"
  echo "cores: $(nproc)"
  [ "$MODE" = gpu ] && { echo "nvcc: $(nvcc --version | tail -n 2 | tr '\n' ' ')"; command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; }
} 2>&1 | tee -a "$LOG"

NLC=$WORK/app/node_modules/node-llama-cpp
REUSED=
if [ "${KIT_REUSE:-}" = 1 ] && [ -n "$(find "$NLC/llama/localBuilds" -name buildDone.status 2>/dev/null | head -n 1)" ]; then
  REUSED=1
  say "=== unpack and build: reusing $(dirname "$(find "$NLC/llama/localBuilds" -name buildDone.status | head -n 1)") (KIT_REUSE=1) ==="
  export PATH="$WORK/bin:$PATH" KIT_NLC="$NLC" NODE_LLAMA_CPP_SKIP_DOWNLOAD=true
  SECONDS_OF[unpack]=0 SECONDS_OF[build]=0
  [ "$MODE" = gpu ] && export NODE_LLAMA_CPP_CMAKE_OPTION_CMAKE_CUDA_ARCHITECTURES="$ARCH"
fi

if [ -z "$REUSED" ]; then
t=$(date +%s)
say "=== unpack ==="
rm -rf "$WORK/bin" "$WORK/app" "$WORK/test"
mkdir -p "$WORK/bin"
xz -dc "$KIT_DIR/node.xz" > "$WORK/bin/node" && chmod +x "$WORK/bin/node" || fail 11 "unpacking node.xz"
cp "$KIT_DIR/npm" "$WORK/bin/npm" && chmod +x "$WORK/bin/npm" || fail 11 "installing the npm stand-in"
tar -xJf "$KIT_DIR/app.tar.xz" -C "$WORK" || fail 11 "unpacking app.tar.xz"
tar -xJf "$KIT_DIR/llama.cpp.tar.xz" -C "$NLC/llama" || fail 11 "unpacking llama.cpp.tar.xz"
# node-llama-cpp builds only from a "cloned" source folder; the build reads no git data.
mkdir -p "$NLC/llama/llama.cpp/.git"
export PATH="$WORK/bin:$PATH" KIT_NLC="$NLC" NODE_LLAMA_CPP_SKIP_DOWNLOAD=true
say "node $(node --version), llama.cpp $(cat "$KIT_DIR/llama.cpp.version" 2>/dev/null)"
stage unpack "$t"
fi

# The bench's synthetic 0.3B-shape model takes a core for half a minute or more to write: do it
# while llama.cpp builds, so the bench's share of the deadline goes to the bench.
say "=== model files: bench:model --prepare, in the background (log: $WORK/prepare.log) ==="
(cd "$WORK/app" && node bench/model.mjs ${QUICK:+"$QUICK"} --prepare "${EXTRA[@]}") > "$WORK/prepare.log" 2>&1 &
PREPARE=$!

if [ -z "$REUSED" ]; then

t=$(date +%s)
if [ "$MODE" = gpu ]; then
  # Read by node-llama-cpp both when building and when loading, so the bench finds this build.
  export NODE_LLAMA_CPP_CMAKE_OPTION_CMAKE_CUDA_ARCHITECTURES="$ARCH"
  # One GPU: NCCL (multi-GPU collectives) is of no use, and the nvidia-nccl Python package some
  # images carry could be half-found (a header without a linkable library).
  export NODE_LLAMA_CPP_CMAKE_OPTION_GGML_CUDA_NCCL=OFF
  GPU_FLAG=cuda
else
  GPU_FLAG=false
fi
BUILD_TIMEOUT=$(limit "$BENCH_RESERVE" "${KIT_BUILD_TIMEOUT:-}")
[ "$BUILD_TIMEOUT" -gt 30 ] || fail 12 "no time left to build (KIT_DEADLINE=$DEADLINE s, KIT_BENCH_RESERVE=$BENCH_RESERVE s)"
say "=== build: node-llama-cpp source build --gpu $GPU_FLAG on $(nproc) cores, time limit $BUILD_TIMEOUT s (log: $WORK/build.log) ==="
: > "$WORK/build.log"
# Ninja's [done/total] every 30 s, so a build stopped from outside still shows how far it got.
( while sleep 30; do
    p=$(grep -aoE '^\[[0-9]+/[0-9]+\]' "$WORK/build.log" | tail -n 1)
    say "build: ${p:-configuring}"
  done ) &
TICKER=$!
timeout "$BUILD_TIMEOUT" node "$NLC/dist/cli/cli.js" source build --gpu "$GPU_FLAG" --noUsageExample >> "$WORK/build.log" 2>&1
code=$?
kill "$TICKER" 2>/dev/null; wait "$TICKER" 2>/dev/null
[ "$code" -eq 124 ] && fail 12 "build ran past its ${BUILD_TIMEOUT} s ($(grep -aoE '^\[[0-9]+/[0-9]+\]' "$WORK/build.log" | tail -n 1) done)" "$WORK/build.log"
[ "$code" -eq 0 ] || fail 12 "build (exit $code)" "$WORK/build.log"
addon=$(find "$NLC/llama/localBuilds" -name llama-addon.node 2>/dev/null | head -n 1)
[ -n "$addon" ] || fail 12 "build finished but no llama-addon.node was made" "$WORK/build.log"
say "built $(dirname "$addon"): $(ls "$(dirname "$addon")" | tr '\n' ' ')"
stage build "$t"
say "BUILD_SECONDS=${SECONDS_OF[build]}"
fi

if [ "$MODE" = gpu ]; then
  # The bench asks node-llama-cpp for the best backend it detects; make sure that is this build.
  say "=== check: node-llama-cpp loads the CUDA build ==="
  (cd "$WORK/app" && timeout "$(limit 60 120)" node --input-type=module -e "
    const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
    const common = { build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false };
    const auto = await getLlama({ ...common, gpu: 'auto' });
    console.log('gpu auto ->', auto.gpu, (await auto.getGpuDeviceNames()).join(', '));
    if (auto.gpu !== 'cuda') {
      try { const cuda = await getLlama({ ...common, gpu: 'cuda' }); console.log('gpu cuda ->', cuda.gpu, '(so the detection missed a library: see LD_LIBRARY_PATH above)'); }
      catch (err) { console.log('gpu cuda -> fails:', err instanceof Error ? err.message : String(err)); }
      process.exit(1);
    }") 2>&1 | tail -n 20 | tee -a "$LOG"
  [ "${PIPESTATUS[0]}" -eq 0 ] || fail 14 "node-llama-cpp does not pick the CUDA build (see above)"
fi

if [ -n "${PREPARE:-}" ]; then
  t=$(date +%s)
  wait "$PREPARE"
  code=$?
  [ "$code" -eq 0 ] || fail 13 "writing the model files (exit $code)" "$WORK/prepare.log"
  say "model files ready (waited $(( $(date +%s) - t )) s): $(grep -a 'generating' "$WORK/prepare.log" | tr '\n' ' ')"
fi

t=$(date +%s)
BENCH_TIMEOUT=$(limit 5 "${KIT_BENCH_TIMEOUT:-}")
[ "$BENCH_TIMEOUT" -gt 10 ] || fail 13 "no time left for the bench (KIT_DEADLINE=$DEADLINE s)"
BENCH_ARGS=()
[ -n "$QUICK" ] && BENCH_ARGS+=("$QUICK")
[ "$MODE" = gpu ] && BENCH_ARGS+=(--gpu)
BENCH_ARGS+=("${EXTRA[@]}")
say "=== bench: bench:model ${BENCH_ARGS[*]} (timeout ${BENCH_TIMEOUT} s, log: $WORK/bench.log) ==="
(cd "$WORK/app" && timeout "$BENCH_TIMEOUT" node bench/model.mjs "${BENCH_ARGS[@]}") 2>&1 | tee "$WORK/bench.log" | grep -v '^{' | cut -c1-400
code=${PIPESTATUS[0]}
[ "$code" -eq 124 ] && fail 13 "bench ran past ${BENCH_TIMEOUT} s" "$WORK/bench.log"
[ "$code" -eq 0 ] || fail 13 "bench (exit $code)" "$WORK/bench.log"
tail -n 1 "$WORK/bench.log" > "$WORK/bench.json"
grep -q '^{"bench":"model"' "$WORK/bench.json" || fail 13 "the bench's last line is not its JSON line" "$WORK/bench.log"
stage bench "$t"

say "=== summary: unpack ${SECONDS_OF[unpack]} s, build ${SECONDS_OF[build]} s, bench ${SECONDS_OF[bench]} s, total $(( $(date +%s) - T0 )) s ==="
copy_out
cat "$WORK/bench.json"
