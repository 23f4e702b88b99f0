# Medians per benchmark and parameter set from a JMH text log (JMH itself reports means).
# Usage: python3 benchmarks/medians.py benchmarks/results/minilm.log
# A log line printed during an iteration (e.g. the GEMM selector's verdict) pushes the result to a later line.
import re,sys,statistics
data={}; pending=False
for line in open(sys.argv[1]):
    m=re.match(r'# Benchmark: (\S+)',line)
    if m: bench=m.group(1).split('.')[-2]+'.'+m.group(1).split('.')[-1]; params=''; pending=False; continue
    m=re.match(r'# Parameters: \((.*)\)',line)
    if m: params=m.group(1); continue
    if line.startswith('# Warmup Iteration'): pending=False; continue
    m=re.match(r'Iteration\s+\d+: (.*)',line)
    if m: line=m.group(1); pending=True
    m=re.match(r'\s*([\d.]+) (ms/op|us/op|ns/op|s/op)\s*$',line)
    if m and pending:
        data.setdefault((bench,params,m.group(2)),[]).append(float(m.group(1))); pending=False
for (b,p,u),v in data.items(): print(f"{b} {p}: median {statistics.median(v):.3f} {u} (n={len(v)})")
