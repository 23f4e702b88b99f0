#!/usr/bin/env bash
# Builds the NVIDIA kernel fatbin: SASS for sm_80 and sm_90, PTX for compute_90 (JIT-compiled by newer drivers).
#   build-fatbin.sh <nvcc|none> <source dir> <output dir>
# Without nvcc the build goes on: nvidia.absent says why, and the NVIDIA kernels report that reason at run time.
set -euo pipefail
nvcc_cmd=$1 src=$2 out=$3
mkdir -p "$out"
rm -f "$out/nvidia.fatbin" "$out/nvidia.absent" "$out/nvidia.abi"
absent() { echo "$1" > "$out/nvidia.absent"; echo "[cuda-kernels] NVIDIA kernels absent: $1"; }
if [[ "$nvcc_cmd" == none ]]; then
  absent "built with -Dkuaxin.nvcc=none"; exit 0
fi
if ! command -v "$nvcc_cmd" > /dev/null 2>&1; then
  absent "nvcc ($nvcc_cmd) was not found on the build machine's PATH; rebuild with CUDA installed or -Dkuaxin.nvcc=<path>"
  exit 0
fi
version=$("$nvcc_cmd" --version | tail -n 2 | head -n 1)
echo "[cuda-kernels] $version"
# The ABI stamp next to the fatbin: the loader refuses a binary whose parameter layout is not its own.
abi_version=$(sed -n 's/^#define KXK_ABI_VERSION \([0-9]*\).*/\1/p' "$src/kx_kernel_abi.h")
abi_stamp="kxk-abi $abi_version $(sha256sum < "$src/kx_kernel_abi.h" | cut -d' ' -f1)"
# Unchanged sources: keep the previous binary (nvcc takes a minute on small machines).
stamp="$out/../../../../nvidia.fatbin.sha"
cache="$out/../../../../nvidia.fatbin.cache"
sum=$( (cat "$src"/*.cu "$src"/*.h; echo "$version") | sha256sum | cut -d' ' -f1)
if [[ -f "$stamp" && -f "$cache" && "$(cat "$stamp")" == "$sum" ]]; then
  cp "$cache" "$out/nvidia.fatbin"; echo "$abi_stamp" > "$out/nvidia.abi"
  echo "[cuda-kernels] fatbin up to date"; exit 0
fi
"$nvcc_cmd" -fatbin -O3 -std=c++17 -DKXK_NVIDIA \
  -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90 \
  -gencode arch=compute_90,code=compute_90 \
  -I"$src" -o "$out/nvidia.fatbin" "$src/kx_kernels.cu"
cp "$out/nvidia.fatbin" "$cache"; echo "$sum" > "$stamp"; echo "$abi_stamp" > "$out/nvidia.abi"
echo "[cuda-kernels] built $(stat -c %s "$out/nvidia.fatbin") bytes: sm_80, sm_90 SASS + compute_90 PTX"
