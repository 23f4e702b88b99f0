# Medians per benchmark and parameter set from a JMH text log (JMH itself reports means).
# Usage: python3 benchmarks/medians.py benchmarks/results/minilm.log
import re,sys,statistics
cur=None; data={}
for line in open(sys.argv[1]):
    m=re.match(r'# Benchmark: (\S+)',line)
    if m: bench=m.group(1).split('.')[-2]+'.'+m.group(1).split('.')[-1]; params=''; continue
    m=re.match(r'# Parameters: \((.*)\)',line)
    if m: params=m.group(1); continue
    m=re.match(r'Iteration\s+\d+: ([\d.]+) (\S+)',line)
    if m: data.setdefault((bench,params,m.group(2)),[]).append(float(m.group(1)))
for (b,p,u),v in data.items(): print(f"{b} {p}: median {statistics.median(v):.3f} {u} (n={len(v)})")
