"""Merges one run.sh run into report.json and report.md: Kuaxin's times next to PyTorch's at the same shapes
(ratio = Kuaxin ms / PyTorch ms, above 1 is slower), memory-bound ops as a share of the device-to-device copy
bandwidth each side measured in the same run, the matmul round trip of `kuaxin bench matmul`, and the decoder
demo's fallback count and tokens/s.

    python3 report.py OUT_DIR      (reads kernelcheck.json, torch.json, bench/matmul-f32.json, demo.txt there)
"""
import json
import os
import re
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "gpu-out"


def load(name):
    try:
        with open(os.path.join(out, name)) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"report: {name}: {e}", file=sys.stderr)
        return None


kx_doc, torch_doc = load("kernelcheck.json"), load("torch.json")
kx = {t["name"]: t for t in (kx_doc or {}).get("timings", [])}
pt = {t["name"]: t for t in (torch_doc or {}).get("timings", [])}

bench = load("bench/matmul-f32.json")
if bench:
    for dev, points in bench.get("results", {}).items():
        for p in points:
            n = int(p["size"])
            kx[f"matmul_f32_n{n}_round_trip"] = {"name": f"matmul_f32_n{n}_round_trip", "ms": p["millis"],
                                                 "rate": 2.0 * n ** 3 / p["millis"] / 1e9, "unit": "TFLOP/s",
                                                 "kernel": "kuaxin bench matmul on " + dev}


def copy_rate(table, name):
    m = re.match(r"(softmax|layer_norm|rms_norm|add|silu)_(\w+?)_(\d+x\d+)$", name)
    if not m:
        return None
    c = table.get(f"copy_d2d_{m.group(2)}_{m.group(3)}")
    return c["rate"] if c else None


rows = []
for name in list(kx) + [n for n in pt if n not in kx]:
    k, p = kx.get(name), pt.get(name)
    row = {"name": name, "kuaxin_ms": k and k["ms"], "torch_ms": p and p["ms"],
           "unit": (k or p)["unit"], "kuaxin_rate": k and k["rate"], "torch_rate": p and p["rate"],
           "kuaxin_kernel": k and k["kernel"]}
    if k and p and p["ms"] > 0:
        row["ratio_kuaxin_over_torch"] = k["ms"] / p["ms"]
    kc, pc = copy_rate(kx, name), copy_rate(pt, name)
    if k and kc:
        row["kuaxin_pct_of_copy"] = 100.0 * k["rate"] / kc
    if p and pc:
        row["torch_pct_of_copy"] = 100.0 * p["rate"] / pc
    rows.append(row)

demo = {}
try:
    with open(os.path.join(out, "demo.txt")) as f:
        text = f.read()
    prov = re.findall(r"^(\S+)\s+\S+\s+.*\s(yes|no)\s*$", text, re.M)
    demo["ops"] = len(prov)
    demo["fallbacks"] = sum(1 for _, fb in prov if fb == "yes")
    demo["fallback_ops"] = [op for op, fb in prov if fb == "yes"]
    m = re.search(r"^Decode\s+(\d+) tokens in ([\d.]+) ms: ([\d.]+) tokens/s", text, re.M)
    if m:
        demo["decode_tokens_per_s"] = float(m.group(3))
    m = re.search(r"^Prefill\s+(\d+) tokens in ([\d.]+) ms: ([\d.]+) tokens/s", text, re.M)
    if m:
        demo["prefill_tokens_per_s"] = float(m.group(3))
    m = re.search(r"max \|logit - fp64 oracle\| = (\S+)", text)
    if m:
        demo["max_logit_error"] = float(m.group(1))
except OSError as e:
    print(f"report: demo.txt: {e}", file=sys.stderr)

doc = {"device": (torch_doc or {}).get("device"), "torch": (torch_doc or {}).get("torch"),
       "kernel_check_failures": (kx_doc or {}).get("correctness_failures"), "rows": rows, "decoder_demo": demo}
with open(os.path.join(out, "report.json"), "w") as f:
    json.dump(doc, f, indent=1)


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


lines = [f"# Device kernels vs PyTorch on {doc['device']} (torch {doc['torch']})", "",
         f"KernelCheck correctness failures: {doc['kernel_check_failures']}", "",
         "| case | Kuaxin ms | PyTorch ms | Kuaxin / PyTorch | Kuaxin rate | PyTorch rate | Kuaxin % of copy"
         " | PyTorch % of copy | Kuaxin kernel |",
         "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
for r in rows:
    lines.append(f"| {r['name']} | {fmt(r['kuaxin_ms'], '.4f')} | {fmt(r['torch_ms'], '.4f')} | "
                 f"{fmt(r.get('ratio_kuaxin_over_torch'), '.2f')} | {fmt(r['kuaxin_rate'], '.2f')} {r['unit']} | "
                 f"{fmt(r['torch_rate'], '.2f')} | {fmt(r.get('kuaxin_pct_of_copy'), '.0f')} | "
                 f"{fmt(r.get('torch_pct_of_copy'), '.0f')} | {r['kuaxin_kernel'] or '-'} |")
lines += ["", f"Decoder demo: {demo.get('ops', '-')} ops, {demo.get('fallbacks', '-')} on the fallback "
          f"{demo.get('fallback_ops', '')}, decode {demo.get('decode_tokens_per_s', '-')} tokens/s, prefill "
          f"{demo.get('prefill_tokens_per_s', '-')} tokens/s, max |logit - oracle| {demo.get('max_logit_error', '-')}"]
with open(os.path.join(out, "report.md"), "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
