"""Ping-pong against its cooperative 64-row twin (same tile, whole K, one
log): the ratio of their times by GPU, GEMM kind and whether every CTA takes
at most one tile. pairs.py LOG.jsonl... (from the repository root)."""
import sys, collections, statistics
sys.path.insert(0, "scripts"); import fit_cost_model as F
out = collections.defaultdict(list)
for path in sys.argv[1:]:
    rs = F.read_rows([path])
    idx = {}
    for r in rs:
        if r["swapAB"] or r["splitK"] != 1 or r["tileM"] != 64 or r.get("clusterM",1) != 1: continue
        key = (r["shape"], r["role"], r["m"], r["tileN"], F.gpu_of(r))
        idx.setdefault(key, {}).setdefault(F.pingpong(r), []).append(r)
    for key, d in idx.items():
        if True in d and False in d:
            pp = min(x["us"] for x in d[True]); co = min(x["us"] for x in d[False])
            r = d[True][0]
            units = F.cdiv(r["m"], 64) * F.cdiv(r["n"], r["tileN"])
            slots = F.gpu_sms(r) * F.ctas_per_sm(r)
            out[(F.gpu_of(r)[1] > 4000, r["gated"], units <= slots)].append((pp / co, path.split("/")[-1], key[:4], units, slots))
for k, v in sorted(out.items()):
    rat = [x[0] for x in v]
    print("H200" if k[0] else "H100", "gated" if k[1] else "plain", "units<=slots" if k[2] else "units>slots", len(v), "median %.3f" % statistics.median(rat), "min %.3f max %.3f" % (min(rat), max(rat)))
    if not k[1] and k[2]:
        for x in sorted(v): print("   %.3f %s %s units %d slots %d" % x)
