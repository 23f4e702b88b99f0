#!/usr/bin/env bash
# Packs the device-kernel check for a GPU machine without Java: a jlink'd JDK 25, the CLI's jars (with the
# kuaxin-cuda-kernels jar holding the nvcc-built fatbin), KernelCheck compiled against them, and the scripts.
# From the project root, after `./mvnw -DskipTests package` on a machine with nvcc:
#   cuda-kernels/src/gpu/make-bundle.sh <an ignored folder, e.g. target/gpu-bundle>
set -euo pipefail
dest=${1:?dest dir}; mkdir -p "$dest"
here=$(cd "$(dirname "$0")" && pwd)
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
unzip -l cli/target/lib/kuaxin-cuda-kernels-*.jar | grep -q nvidia.fatbin \
  || { echo "the kuaxin-cuda-kernels jar has no nvidia.fatbin (was nvcc on the PATH at build time?)"; exit 1; }
tmp=$(mktemp -d)
"$J/bin/jlink" --add-modules java.base,java.desktop,java.logging,java.management,jdk.jfr,jdk.incubator.vector,java.naming,java.sql,jdk.unsupported,java.xml,jdk.management,jdk.zipfs \
  --strip-debug --no-man-pages --no-header-files --compress=zip-9 --output "$tmp/jre25"
tar czf "$dest/jre25.tgz" -C "$tmp" jre25
mkdir -p "$tmp/kxapp/lib" && cp cli/target/kuaxin-cli.jar "$tmp/kxapp/"
for f in cli/target/lib/*.jar; do case $(basename "$f") in onnxruntime*|langchain4j*|openblas-*-linux*) ;; *) cp "$f" "$tmp/kxapp/lib/";; esac; done
tar czf "$dest/kxapp.tgz" -C "$tmp" kxapp
CP=$(ls "$tmp"/kxapp/lib/*.jar | tr '\n' ':')
mkdir -p "$dest/probe" && "$J/bin/javac" -d "$dest/probe" -cp "$CP" "$here/KernelCheck.java"
cp "$here/run.sh" "$here/torch_kernels.py" "$here/report.py" "$dest/"
rm -rf "$tmp"; du -sh "$dest"
