#!/usr/bin/env bash
# Device-kernel check on a GPU machine with CUDA and PyTorch but no Java, in about 6 minutes at most. From the
# folder make-bundle.sh filled:
#   bash run.sh        (SPEC=cuda:0 by default; OUT defaults to ./gpu-out; CONFORMANCE=1 adds the conformance suite)
# Order: what is quick and decisive first (doctor lists the kernels, KernelCheck compares every kernel op with
# cpu:0 and times them), then `kuaxin bench matmul`, the decoder demo (fallbacks allowed, so they are counted),
# PyTorch at the same shapes, and report.py, which writes $OUT/report.json and $OUT/report.md.
set -u
B=$(cd "$(dirname "$0")" && pwd); W=${TMPDIR:-/tmp}/kx; OUT=${OUT:-$B/gpu-out}; mkdir -p "$W" "$OUT"; cd "$W"
[ -x "$W/jre25/bin/java" ] || { tar xzf "$B/jre25.tgz"; tar xzf "$B/kxapp.tgz"; }
J="$W/jre25/bin/java"
F="--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
CP=$(ls "$W"/kxapp/lib/*.jar | tr '\n' ':')
K="$J $F -jar $W/kxapp/kuaxin-cli.jar"
SPEC=${SPEC:-cuda:0}
start=$(date +%s)
exec > >(tee "$OUT/log.txt") 2>&1
echo "== machine"; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv; nproc
echo "== doctor"; timeout 30 $K doctor --no-gemm-check | grep -E "device kernels|module API|^cuda"
echo "== kernel check"; timeout 150 $J $F -Xmx24g -cp "$B/probe:$CP" KernelCheck "$SPEC" --json "$OUT/kernelcheck.json"
echo "rc=$?"
echo "== bench matmul"; timeout 45 $K bench matmul --device "$SPEC" --sizes 1024,2048 --out "$OUT/bench"; echo "rc=$?"
echo "== decoder demo, fallback allowed and counted"
timeout 45 $K demo --decoder --device "$SPEC" --fallback ALLOW > "$OUT/demo.txt" 2>&1; echo "rc=$?"; cat "$OUT/demo.txt"
echo "== torch"; PYTHONUNBUFFERED=1 timeout 80 python3 "$B/torch_kernels.py" --json "$OUT/torch.json"; echo "rc=$?"
if [ "${CONFORMANCE:-0}" = 1 ]; then
  echo "== conformance"; timeout 180 $K conformance --device "$SPEC" --out "$W/out/conf"; echo "rc=$?"
  tar czf "$OUT/out.tgz" -C "$W" out 2>/dev/null
fi
echo "== report"; python3 "$B/report.py" "$OUT"
echo "== done in $(( $(date +%s) - start )) s"
