#!/usr/bin/env bash
# GPU check of the transcription engine, for ONE call on a lent GPU machine (repo root there):
#
#   bash benchmarks/gpu_check.sh          # carry: .whl (wheels) and .gpucheck (prepared data)
#
# Prepared here first: the wheels (.whl: ctranslate2, faster-whisper, platformdirs; the rest of
# faster-whisper's needs are on the machine) and `benchmarks/gpu_transcription.py prepare`
# (.gpucheck: decoded audio, large-v3 tokenizer). Steps, each under its own timeout and all under
# DEADLINE_S (default 390 s):
#   1. wheels -> /tmp/site (PYTHONPATH), kept if already there (a warm rerun)
#   2. a random-weight large-v3-turbo-shaped model, float16, made on the GPU and converted with
#      CTranslate2 (cached in /tmp/kai-gpucheck/model)
#   3. the engine's start-up WITHOUT the cuBLAS links of docs/gpu.md (expected to fail with its hint)
#   4. docs/gpu.md recipe: libcublas.so.12 / libcublasLt.so.12 -> the CUDA 13 libraries,
#      that folder alone on LD_LIBRARY_PATH; then the benchmark. If start-up still fails, once
#      more with the CUDA 13 library folder on LD_LIBRARY_PATH too (then docs/gpu.md needs that).
# Writes gpu_check.log and the JSON results into $OUT (else /tmp/kai-gpucheck/out).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/kai-gpucheck/out}
mkdir -p "$OUT" /tmp/kai-gpucheck
export OUT PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1  # no network there
DEADLINE_S=${DEADLINE_S:-390}
START=$SECONDS
MODEL=/tmp/kai-gpucheck/model
SITE=${SITE:-/tmp/site}

left() { echo $(( DEADLINE_S - (SECONDS - START) )); }
# step NAME CAP_S CMD...: run CMD under min(CAP_S, time left); prints its status and duration
step() {
    local name=$1 cap=$2; shift 2
    local budget; budget=$(left)
    (( budget < cap )) && cap=$budget
    if (( cap < 5 )); then echo "== $name: SKIPPED (deadline)"; return 124; fi
    echo "== $name (cap ${cap}s) $(date +%T)"
    local t=$SECONDS
    timeout -k 5 "$cap" "$@"
    local rc=$?
    echo "== $name: rc=$rc in $(( SECONDS - t ))s"
    return $rc
}

main() {
    echo "gpu_check.sh $(date -Is) on $(hostname)"
    nvidia-smi --query-gpu=name,driver_version,memory.used,memory.total --format=csv,noheader
    python3 --version; uname -m

    if [[ ! -f $SITE/.installed ]]; then
        step "install wheels" 120 python3 -m pip install -q --no-index --no-deps --no-compile \
            --no-cache-dir --upgrade --target "$SITE" .whl/*.whl || return 1
        touch "$SITE/.installed"
    fi
    export PYTHONPATH=$SITE:$PWD
    python3 - <<'EOF' || return 1
import importlib
for name in ("ctranslate2", "platformdirs", "onnxruntime", "tokenizers",
             "huggingface_hub", "anyio", "tqdm", "numpy"):
    m = importlib.import_module(name)
    print(f"  {name} {getattr(m, '__version__', '?')}  {m.__file__}")
import ctranslate2
print("  ctranslate2 CUDA devices:", ctranslate2.get_cuda_device_count())
EOF

    if [[ ! -f $MODEL/model.bin ]]; then
        step "build random model (cuda)" 240 \
            python3 benchmarks/gpu_transcription.py build --device cuda --model-dir $MODEL \
        || step "build random model (cpu fallback)" 240 \
            python3 benchmarks/gpu_transcription.py build --device cpu --init-dtype float32 \
                --model-dir $MODEL --force \
        || return 1
    fi

    local found libs
    found=$(timeout 60 find / \( -path /proc -o -path /sys -o -path /dev \) -prune -o \
            -name 'libcublas*.so.1[23]*' -print 2>/dev/null | sort)
    libs=$(echo "$found" | grep -E '/libcublas(Lt)?\.so\.13')
    echo "CUDA 13 cuBLAS found:"; echo "$libs" | sed 's/^/  /'
    echo "libcublas*.so.12 before the recipe:"
    echo "$found" | grep -E '\.so\.12' | sed 's/^/  /'
    # The toolkit's copy first (docs/gpu.md says "the CUDA 13 libraries"), else a pip package's.
    local cublas
    cublas=$(echo "$libs" | grep -E '/libcublas\.so\.13$' | grep -E '^/usr/local/cuda' | head -1)
    [[ -z $cublas ]] && cublas=$(echo "$libs" | grep -E '/libcublas\.so\.13$' | head -1)
    [[ -z $cublas ]] && cublas=$(echo "$libs" | grep -E '/libcublas\.so\.13' | head -1)
    if [[ -z $cublas ]]; then echo "no libcublas.so.13 on this machine"; return 1; fi
    local libdir; libdir=$(dirname "$cublas")
    local cublaslt; cublaslt=$(ls "$libdir"/libcublasLt.so.13 2>/dev/null || ls "$libdir"/libcublasLt.so.13* | head -1)
    echo "using $cublas and $cublaslt"
    echo "  ldd libcublas.so.13:"; ldd "$cublas" | sed 's/^/    /'

    step "start-up WITHOUT the cuBLAS links (expect failure with the docs/gpu.md hint)" 120 \
        python3 benchmarks/gpu_transcription.py bench --device cuda --model-dir $MODEL \
            --startup-only
    echo "   (rc 3 = the engine refused to start, as designed without the links)"

    local links=/opt/kai-local/cublas12
    mkdir -p $links 2>/dev/null || links=/tmp/kai-local/cublas12
    mkdir -p $links
    ln -sf "$cublas" $links/libcublas.so.12
    ln -sf "$cublaslt" $links/libcublasLt.so.12
    ls -l $links
    local saved=${LD_LIBRARY_PATH:-}
    export LD_LIBRARY_PATH=$links${saved:+:$saved}
    echo "docs/gpu.md recipe: LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
    step "bench with the docs/gpu.md recipe" 300 \
        python3 benchmarks/gpu_transcription.py bench --device cuda --model-dir $MODEL
    local rc=$?
    # 3: the engine refused to start (its hint); >128: killed by a signal (an abort in a library)
    if (( rc == 3 || (rc > 128 && rc != 137) )); then
        export LD_LIBRARY_PATH=$links:$libdir${saved:+:$saved}
        echo "docs/gpu.md recipe alone did not start the engine; adding $libdir:"
        echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
        step "bench with the recipe + CUDA 13 lib folder" 300 \
            python3 benchmarks/gpu_transcription.py bench --device cuda --model-dir $MODEL
        rc=$?
    fi
    nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv,noheader
    echo "gpu_check.sh done in $(( SECONDS - START ))s, bench rc=$rc"
    return $rc
}

main 2>&1 | tee "$OUT/gpu_check.log"
exit "${PIPESTATUS[0]}"
