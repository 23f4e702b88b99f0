#!/usr/bin/env bash
# Dispatch overhead, both sides in one go: the C caller of kuaxin_emu_noop, then the JMH benchmark that reaches the
# same entry point by a raw downcall and through Kuaxin's whole front door (with -prof gc for bytes per op), and
# CpuOpBench: small ops on cpu:0 through the front door against their kernels called directly.
# Usage: benchmarks/run-dispatch.sh [extra JMH args]     (after building: see benchmarks/README.md)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
make -s -C "$here/native" all bench OUT="$here/native/target/native/linux-x86_64" OBJ="$here/native/target/native/obj"
"$here/native/target/native/obj/noop_caller" "$here/native/target/native/linux-x86_64/libkuaxin-emu-cuda.so" 50000000
"$java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -jar "$here/benchmarks/target/benchmarks.jar" 'DispatchBench|CpuOpBench' -prof gc "$@"
