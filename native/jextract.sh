#!/usr/bin/env bash
# jextract.sh [family...] - regenerates Java FFM bindings from our header subsets.
#
# The header subsets in native/include are the single source of truth for what
# Kuaxin binds; this script feeds them to jextract (https://jdk.java.net/jextract/,
# not on Maven Central or in Debian, so it is not run by the build). Because the
# subsets contain only what we bind, no --include-* filtering is needed.
#
# families: cuda hip musa supa (default: all). Env:
#   JEXTRACT  path to the jextract launcher (default: jextract on PATH)
#   OUT_DIR   output source root (default: native/target/jextract)
#   PACKAGE   package prefix (default: io.kuaxin.native_.<family>)
# Each family is generated into its own package with one header class.
# Note (MUSA): the compute-type mublasGemmEx is declared with an asm label
# (mublasGemmEx_computeType -> mangled name); bind that symbol by its mangled
# name (MUBLAS_GEMMEX_COMPUTE_SYMBOL) rather than trusting the generated lookup.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
jextract="${JEXTRACT:-jextract}"
out="${OUT_DIR:-$here/target/jextract}"
prefix="${PACKAGE:-io.kuaxin.native_}"
families=("$@")
[[ ${#families[@]} -eq 0 ]] && families=(cuda hip musa supa)

if ! command -v "$jextract" >/dev/null 2>&1; then
    echo "jextract not found (set JEXTRACT=/path/to/jextract/bin/jextract)" >&2
    exit 2
fi

for fam in "${families[@]}"; do
    case "$fam" in
    cuda) headers=(cuda_runtime_api.h cuda.h cublas_v2.h); libs=(cudart cublas cuda); cls=CudaApi ;;
    hip)  headers=(hip_runtime_api.h hipblas.h); libs=(amdhip64 hipblas); cls=HipApi ;;
    musa) headers=(musa_runtime_api.h musa.h mublas.h); libs=(musart musa mublas); cls=MusaApi ;;
    supa) headers=(supa_runtime_api.h sublas.h); libs=(supart sublas); cls=SupaApi ;;
    *) echo "unknown family $fam" >&2; exit 2 ;;
    esac
    # One umbrella header per family, so jextract produces one header class.
    umbrella="$(mktemp --suffix=.h)"
    for h in "${headers[@]}"; do echo "#include \"$here/include/$fam/$h\""; done >"$umbrella"
    args=(--output "$out" --target-package "$prefix$fam" --header-class-name "$cls" -I "$here/include")
    # Libraries are only hints: the Dialect code loads the vendor library or the emulator explicitly.
    for l in "${libs[@]}"; do args+=(--library "$l"); done
    echo "== $fam -> $out ($prefix$fam.$cls)"
    "$jextract" "${args[@]}" "$umbrella"
    rm -f "$umbrella"
done
