#!/usr/bin/env python3
"""Turn JMH JSON results (-rf json) into a markdown table: medians over all measured iterations of all forks,
GFLOP/s from the useful FLOPs, % of the FMA peak (118 GFLOP/s per core), and ratios to the peer in the same run."""
import json, statistics, sys

PEAK_PER_CORE = 118.0

def flops(bench, p):
    if bench.endswith("GemmBench.gemm"):
        n = int(p["n"]); return 2.0 * n ** 3
    if bench.endswith("AttentionBench.attention"):
        s, h, d = int(p["s"]), int(p["h"]), int(p["d"])
        return 4.0 * s * d * h if p["mode"] == "decode" else 2.0 * s * s * d * h
    if bench.endswith("PeakProbe.probe"):
        return int(p["threads"]) * 200_000 * 12 * 16 * 2.0
    return None

def main(path):
    rows = []
    for r in json.load(open(path)):
        p = r.get("params", {})
        raw = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
        ms = statistics.median(raw)  # ms/op (AverageTime, ms)
        f = flops(r["benchmark"], p)
        gf = f / (ms * 1e6) if f else float("nan")
        g = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
        alloc = statistics.median([x for fork in g["rawData"] for x in fork]) if g else None
        rows.append((r["benchmark"].split(".")[-2], p, ms, gf, alloc, len(r["primaryMetric"]["rawData"])))
    def key(p, drop):
        return tuple(sorted((k, v) for k, v in p.items() if k != drop))
    by = {(b, key(p, "impl")): (p, gf) for b, p, ms, gf, a, f in rows if "impl" in p}
    print("| benchmark | params | median ms/op | GFLOP/s | % FMA peak | ratio | B/op (median) | forks |")
    print("|---|---|---|---|---|---|---|---|")
    for b, p, ms, gf, alloc, forks in rows:
        t = int(p.get("threads", "1"))
        ratio = ""
        if b == "GemmBench" and p["impl"] != "openblas_f32":
            peer = [g for (bb, k), (pp, g) in by.items() if bb == b and k == key(p, "impl") and pp["impl"] == "openblas_f32"]
            if peer: ratio = f"{gf / peer[0]:.2f}× OpenBLAS"
            if p["impl"] == "kuaxin_bf16":
                own = [g for (bb, k), (pp, g) in by.items() if bb == b and k == key(p, "impl") and pp["impl"] == "kuaxin_f32"]
                if own: ratio += f", {gf / own[0]:.2f}× own fp32"
        if b == "AttentionBench" and p["impl"] == "flash":
            peer = [g for (bb, k), (pp, g) in by.items() if bb == b and k == key(p, "impl") and pp["impl"] == "unfused"]
            if peer: ratio = f"{gf / peer[0]:.2f}× unfused"
            if t == 2:
                one = [g for (bb, k), (pp, g) in by.items() if bb == b and pp["impl"] == "flash" and pp.get("threads") == "1"
                       and key(pp, "threads") == key(p, "threads")]
                if one: ratio += f", {gf / one[0]:.2f}× 1T"
        ps = " ".join(f"{k}={v}" for k, v in p.items())
        a = "" if alloc is None else f"{alloc:.0f}"
        print(f"| {b} | {ps} | {ms:.3f} | {gf:.1f} | {100 * gf / (PEAK_PER_CORE * t):.0f}% | {ratio} | {a} | {forks} |")

if __name__ == "__main__":
    main(sys.argv[1])
