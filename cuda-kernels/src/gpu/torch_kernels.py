"""PyTorch figures for the shapes KernelCheck times, on the same GPU, timed the same way (events around N ops)."""
import torch
import torch.nn.functional as F

dev = torch.device("cuda:0")
print("torch", torch.__version__, torch.cuda.get_device_name(0), flush=True)


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


rows, cols = 8192, 4096
for dt, name in ((torch.bfloat16, "bf16"), (torch.float32, "f32")):
    x = torch.randn(rows, cols, device=dev, dtype=dt)
    y = torch.randn(rows, cols, device=dev, dtype=dt)
    b2 = 2.0 * x.numel() * x.element_size()
    for op, fn, b in (("softmax", lambda: torch.softmax(x, -1), b2),
                      ("layer_norm", lambda: F.layer_norm(x, (cols,), eps=1e-5), b2),
                      ("rms_norm", lambda: F.rms_norm(x, (cols,), eps=1e-6), b2),
                      ("add", lambda: x + y, 1.5 * b2),
                      ("silu", lambda: F.silu(x), b2)):
        ms = per_op(fn)
        print(f"torch {op:10s} {name:5s} {rows}x{cols}: {ms * 1e3:.1f} us = {b / ms / 1e9:.2f} TB/s", flush=True)

for b, h, s, d in ((1, 32, 4096, 128), (8, 16, 1024, 64)):
    q, k, v = (torch.randn(b, h, s, d, device=dev, dtype=torch.bfloat16) for _ in range(3))
    ms = per_op(lambda: F.scaled_dot_product_attention(q, k, v, is_causal=True), 5)
    fl = 2.0 * b * h * s * s * d
    print(f"torch attention causal bf16 B={b} H={h} S={s} D={d}: {ms:.3f} ms = {fl / ms / 1e9:.1f} TFLOP/s", flush=True)

for b, kv in ((1, 4096), (1, 8192), (8, 4096), (8, 8192)):
    q = torch.randn(b, 32, 1, 128, device=dev, dtype=torch.bfloat16)
    k, v = (torch.randn(b, 8, kv, 128, device=dev, dtype=torch.bfloat16) for _ in range(2))
    ms = per_op(lambda: F.scaled_dot_product_attention(q, k, v, enable_gqa=True), 20)
    by = 2.0 * b * 8 * kv * 128 * 2
    print(f"torch attention decode bf16 B={b} Hq=32 Hkv=8 KV={kv} D=128: {ms * 1e3:.1f} us, KV read {by / ms / 1e9:.2f} TB/s",
          flush=True)
