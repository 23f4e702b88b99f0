#!/usr/bin/env bash
# gpu-check.sh - the NVIDIA checks the emulator cannot make, for a machine with a GPU, the CUDA toolkit and JDK 25.
# Runs, from the repository root, the conformance suite on cuda:0 through the real cuBLAS: the bf16 matmul cases
# (e.g. 4x2048x9-dense, accumulate-in-place) must pass now that each handle is set to
# CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION.
# Usage: bash cuda-dialect/gpu-check.sh   (JAVA_HOME must point at JDK 25; output under ${OUT:-target/gpu-check})
set -u
cd "$(dirname "$0")/.."
OUT=${OUT:-target/gpu-check}; mkdir -p "$OUT"
exec > >(tee "$OUT/log.txt") 2>&1
nvidia-smi --query-gpu=name,driver_version --format=csv || echo "no nvidia-smi"
# Conformance on the vendor library: -Dkuaxin.test.emulate= empties the emulator setting surefire passes.
timeout 900 ./mvnw -B -ntp -pl backend-nvidia -am verify -Dkuaxin.test.emulate= -Dtest=NvidiaConformanceTest \
    -Dsurefire.failIfNoSpecifiedTests=false -Dkuaxin.native.skipTests=true -DtrimStackTrace=false
echo "conformance rc=$?"
grep -h -A3 "matmul/bf16" backend-nvidia/target/surefire-reports/*.txt 2>/dev/null | head -40
echo "== done (log: $OUT/log.txt)"
