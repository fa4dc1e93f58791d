"""The tuner logs' timings of both plans of every range whose plan changed
between two planners: plancheck.py OLD_DIR NEW_DIR LOG.jsonl... (the dirs as
plandiff.py reads them; run from the repository root)."""
import os, sys, collections
sys.path.insert(0, "scripts"); import fit_cost_model as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); import plandiff
# config names in logs
alias = {"llama-3-70b-tp8-shard": ("llama-3-70b-tp8-shard", "llama-3-70b/tp8")}
rows_by = collections.defaultdict(list)
for path in sys.argv[3:]:
    for r in F.read_rows([path]):
        rows_by[(r["shape"], r["role"], r["m"], F.gpu_of(r)[1])].append(
            (plandiff.row_key(r), r["us"], path.split("/")[-1]))
found = 0
for c, _, changed in plandiff.changes(sys.argv[1], sys.argv[2]):
    names = alias.get(c, (c,))
    for role, lo, hi, old, new in changed:
        old, new = plandiff.plan_key(old), plandiff.plan_key(new)
        for (shape, rl, m, gpu), v in rows_by.items():
            if shape in names and rl == role and lo <= m <= hi:
                o = [x for x in v if x[0] == old]; n = [x for x in v if x[0] == new]
                if o and n:
                    found += 1
                    print("%s %s m=%d gpu=%d: old %.1f new %.1f ratio new/old %.3f (%s)" % (c, role, m, gpu, min(x[1] for x in o), min(x[1] for x in n), min(x[1] for x in n)/min(x[1] for x in o), o[0][2]))
                elif o or n:
                    print("%s %s m=%d gpu=%d: only %s" % (c, role, m, gpu, "old" if o else "new"))
print("pairs", found)
