#!/usr/bin/env bash
# The NCCL binding on a real NVIDIA GPU (not yet run on one).
# Needs the GPU bundle (a jlink'd JDK 25 and the CLI's jars, which include kuaxin-collectives):
#   here:  ./mvnw -DskipTests package && cuda-kernels/src/gpu/make-bundle.sh <dir> && cp collectives/gpu/* <dir>/
#   there: bash nccl-check.sh      (log under $OUT, default ./nccl-out)
# NCCL comes with PyTorch's wheels (nvidia-nccl-cu12/13: site-packages/nvidia/nccl/lib/libnccl.so.2).
set -u
B=$(cd "$(dirname "$0")" && pwd); W=${TMPDIR:-/tmp}/kx; OUT=${OUT:-$B/nccl-out}; mkdir -p "$W" "$OUT"; cd "$W"
[ -x "$W/jre25/bin/java" ] || { tar xzf "$B/jre25.tgz"; tar xzf "$B/kxapp.tgz"; }
J="$W/jre25/bin/java"
F="--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED"
CP="$W/kxapp/kuaxin-cli.jar:$(ls "$W"/kxapp/lib/*.jar | tr '\n' ':')"
exec > >(tee "$OUT/log.txt") 2>&1
if [ -z "${KUAXIN_NCCL_LIBRARY:-}" ]; then
  KUAXIN_NCCL_LIBRARY=$(python3 - <<'PY' 2>/dev/null
import glob, os, site
for d in site.getsitepackages():
    for p in glob.glob(os.path.join(d, "nvidia", "nccl", "lib", "libnccl.so*")) + glob.glob(os.path.join(d, "torch", "lib", "libnccl.so*")):
        print(p); raise SystemExit
PY
)
  export KUAXIN_NCCL_LIBRARY
fi
echo "== libnccl: ${KUAXIN_NCCL_LIBRARY:-not found (looking on the default paths)}"
nvidia-smi --query-gpu=name,driver_version --format=csv
mkdir -p "$W/ncclprobe" && "$W/jre25/bin/java" -version 2>&1 | head -1
# single-file source launch: compiles NcclProbe.java against the bundle's jars
echo "== 1-rank NCCL communicator on cuda:0"
NCCL_DEBUG=WARN timeout 180 "$J" $F -cp "$CP" "$B/NcclProbe.java" cuda:0; echo "rc=$?"
echo "== done"
