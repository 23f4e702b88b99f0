#!/usr/bin/env bash
# Device-kernel check on a GPU machine with CUDA and PyTorch but no Java. From the folder make-bundle.sh filled:
#   bash run.sh        (SPEC=cuda:0 by default; the log is $OUT/log.txt, OUT defaults to ./gpu-out)
# Order: what is quick and decisive first (doctor lists the kernels, KernelCheck compares every kernel op with cpu:0),
# then timings, then the conformance suite and the decoder demo with fallback FAIL, then PyTorch's figures.
set -u
B=$(cd "$(dirname "$0")" && pwd); W=${TMPDIR:-/tmp}/kx; OUT=${OUT:-$B/gpu-out}; mkdir -p "$W" "$OUT"; cd "$W"
[ -x "$W/jre25/bin/java" ] || { tar xzf "$B/jre25.tgz"; tar xzf "$B/kxapp.tgz"; }
J="$W/jre25/bin/java"
F="--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
CP=$(ls "$W"/kxapp/lib/*.jar | tr '\n' ':')
K="$J $F -jar $W/kxapp/kuaxin-cli.jar"
SPEC=${SPEC:-cuda:0}
exec > >(tee "$OUT/log.txt") 2>&1
echo "== machine"; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv; nproc
echo "== doctor"; timeout 60 $K doctor --no-gemm-check | grep -E "device kernels|module API|^cuda"
echo "== kernel check"; timeout 240 $J $F -cp "$B/probe:$CP" KernelCheck "$SPEC"; echo "rc=$?"
echo "== conformance"; timeout 180 $K conformance --device "$SPEC" --out "$W/out/conf"; echo "rc=$?"
echo "== decoder demo, fallback fail"; timeout 120 $K demo --decoder --device "$SPEC" --fallback fail; echo "rc=$?"
echo "== torch"; PYTHONUNBUFFERED=1 timeout 120 python3 "$B/torch_kernels.py"
tar czf "$OUT/out.tgz" -C "$W" out 2>/dev/null
echo "== done"
