"""PyTorch figures for the shapes KernelCheck times, on the same GPU, timed the same way (events around N ops),
plus the matmul round trip `kuaxin bench matmul` measures (one op, then wait for the device; median of runs).

    python3 torch_kernels.py [--json FILE]
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

dev = torch.device("cuda:0")
print("torch", torch.__version__, torch.cuda.get_device_name(0), flush=True)
results = []


def record(name, ms, rate, unit):
    results.append({"name": name, "ms": ms, "rate": rate, "unit": unit, "kernel": "torch " + torch.__version__})


def per_op(fn, reps=50):
    for _ in range(3):
        fn()
    times = []
    for _ in range(5):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        for _ in range(reps):
            fn()
        e.record()
        torch.cuda.synchronize()
        times.append(s.elapsed_time(e) / reps)
    return sorted(times)[2]


def round_trip(fn, runs=21):
    """Wall-clock milliseconds of one op and a device wait, median after a warm-up (kuaxin bench's timing)."""
    for _ in range(3):
        fn()
        torch.cuda.synchronize()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - t0) * 1e3)
    return sorted(times)[runs // 2]


rows, cols = 8192, 4096
for dt, name in ((torch.bfloat16, "bf16"), (torch.float32, "f32")):
    x = torch.randn(rows, cols, device=dev, dtype=dt)
    y = torch.randn(rows, cols, device=dev, dtype=dt)
    out = torch.empty_like(x)
    b2 = 2.0 * x.numel() * x.element_size()
    for op, fn, b in (("copy_d2d", lambda: out.copy_(x), b2),
                      ("softmax", lambda: torch.softmax(x, -1), b2),
                      ("layer_norm", lambda: F.layer_norm(x, (cols,), eps=1e-5), b2),
                      ("rms_norm", lambda: F.rms_norm(x, (cols,), eps=1e-6), b2),
                      ("add", lambda: x + y, 1.5 * b2),
                      ("silu", lambda: F.silu(x), b2)):
        ms = per_op(fn)
        print(f"torch {op:10s} {name:5s} {rows}x{cols}: {ms * 1e3:.1f} us = {b / ms / 1e9:.2f} TB/s", flush=True)
        record(f"{op}_{name}_{rows}x{cols}", ms, b / ms / 1e9, "TB/s")
    del x, y, out

for b, h, s, d in ((1, 32, 4096, 128), (8, 16, 1024, 64)):
    q, k, v = (torch.randn(b, h, s, d, device=dev, dtype=torch.bfloat16) for _ in range(3))
    ms = per_op(lambda: F.scaled_dot_product_attention(q, k, v, is_causal=True), 5)
    fl = 2.0 * b * h * s * s * d
    name = f"attention_causal_bf16_B{b}_H{h}_S{s}_D{d}"
    print(f"torch {name}: {ms:.3f} ms = {fl / ms / 1e9:.1f} TFLOP/s", flush=True)
    record(name, ms, fl / ms / 1e9, "TFLOP/s")

for b in (1, 8):
    for kv in (4096, 8192, 16384, 32768):
        q = torch.randn(b, 32, 1, 128, device=dev, dtype=torch.bfloat16)
        k, v = (torch.randn(b, 8, kv, 128, device=dev, dtype=torch.bfloat16) for _ in range(2))
        ms = per_op(lambda: F.scaled_dot_product_attention(q, k, v, enable_gqa=True), 20)
        by = 2.0 * b * 8 * kv * 128 * 2
        name = f"attention_decode_bf16_B{b}_Hq32_Hkv8_KV{kv}_D128"
        print(f"torch {name}: {ms * 1e3:.1f} us, KV read {by / ms / 1e9:.2f} TB/s", flush=True)
        record(name, ms, by / ms / 1e9, "TB/s")
        del q, k, v

for n in (1024, 2048):
    a, bm = (torch.randn(n, n, device=dev, dtype=torch.float32) for _ in range(2))
    for tf32 in (False, True):
        torch.backends.cuda.matmul.allow_tf32 = tf32
        ms = round_trip(lambda: torch.matmul(a, bm))
        name = f"matmul_f32_n{n}_round_trip" + ("_tf32" if tf32 else "")
        print(f"torch {name}: {ms:.3f} ms = {2.0 * n ** 3 / ms / 1e9:.1f} TFLOP/s", flush=True)
        record(name, ms, 2.0 * n ** 3 / ms / 1e9, "TFLOP/s")
    torch.backends.cuda.matmul.allow_tf32 = False

if "--json" in sys.argv:
    with open(sys.argv[sys.argv.index("--json") + 1], "w") as f:
        json.dump({"torch": torch.__version__, "device": torch.cuda.get_device_name(0), "timings": results}, f, indent=1)
