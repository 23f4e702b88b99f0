#!/usr/bin/env python3
"""Per-op-kind table from a JFR recording of MiniLmProfile: each jdk.ExecutionSample is charged to the first
frame (from the top) whose class/method names an op kind; samples with none are 'other'.
Usage: jfr print --stack-depth 64 --events jdk.ExecutionSample rec.jfr | python3 profile.py
(without --stack-depth, jfr prints 5 frames and inlined tile code lands in "other")"""
import re, sys, collections

# first match from the top of the stack wins; order matters (GEMM tile code is called from attention too)
KINDS = [
    ("attention", r"CpuAttention|AttentionKernel"),
    ("gemm: pack B", r"CpuGemm\$Call\.packPanel|CpuGemm\.packPanel|PackedB\.pack"),
    ("gemm: pack A", r"CpuGemm\$Call\.packA"),
    ("gemm: epilogue (bias, GELU)", r"\.epilogue|geluErf"),
    ("gemm: weights streamed in (warm)", r"GemmTiles\.warm|gemmWarm"),
    ("gemm: tile", r"gemmTile|CpuGemm|MatmulKernel|OpenBlas"),
    ("layer norm / rms norm", r"RowKernels\.norm|FastF32\.norm|Rows\.norm|normRow|layerNorm|rmsNorm"),
    ("elementwise (add, mul, div)", r"ElementwiseKernels|FastF32\.binary|binary"),
    ("copy (merge heads, uploads)", r"copyStrided|copyDense|CpuOpTable\.copy|MemorySegment.*copy|ScopedMemoryAccess\.copy"),
    ("reduce / embedding / pooling", r"ReduceKernels"),
    ("stream hand-off / pool wait", r"CpuStream\.work|CpuThreads|LockSupport|onSpinWait|Unsafe\.park"),
    ("front door / dispatch", r"io\.kuaxin\.(OpContext|FrontDoor|Stream|Tensor|Device|InFlight|CachingAllocator|Scope)"),
]
comp = [(k, re.compile(p)) for k, p in KINDS]
counts = collections.Counter()
stack, in_stack, total = [], False, 0

def charge(frames):
    for f in frames:
        for k, rx in comp:
            if rx.search(f):
                return k
    return "other"

for line in sys.stdin:
    s = line.strip()
    if s.startswith("jdk.ExecutionSample"):
        stack, in_stack = [], False
    elif s.startswith("stackTrace = ["):
        in_stack = True
    elif in_stack and s == "]":
        in_stack = False
        counts[charge(stack)] += 1
        total += 1
    elif in_stack and s and not s.startswith("..."):
        stack.append(s)

print(f"| op kind | share of samples |\n|---|---|")
for k, c in counts.most_common():
    print(f"| {k} | {100.0 * c / total:.1f}% |")
print(f"| (samples) | {total} |")
