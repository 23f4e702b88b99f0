#!/usr/bin/env python3
"""Sums ONNX Runtime's per-node profile (OrtProfile's JSON) per op type: ms per forward and share.
Usage: ort_profile.py profile.json forwards"""
import json, sys
from collections import defaultdict

events = json.load(open(sys.argv[1]))
forwards = int(sys.argv[2])
per_op, total = defaultdict(float), 0.0
for e in events:
    if e.get("cat") == "Node" and e.get("name", "").endswith("_kernel_time"):
        op = e.get("args", {}).get("op_name", "?")
        per_op[op] += e["dur"]
        total += e["dur"]
print(f"{'op type':<28} {'ms/forward':>10} {'share':>7}")
for op, us in sorted(per_op.items(), key=lambda x: -x[1]):
    print(f"{op:<28} {us / 1e3 / forwards:10.3f} {100 * us / total:6.1f}%")
print(f"{'(all nodes)':<28} {total / 1e3 / forwards:10.3f}")
