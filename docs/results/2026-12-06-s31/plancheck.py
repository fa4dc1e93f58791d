"""The tuner logs' timings of both plans of every range whose plan changed
between two planners: plancheck.py OLD_DIR NEW_DIR LOG.jsonl... (the dirs as
plandiff.py reads them; run from the repository root)."""
import os, sys, re, subprocess, collections
sys.path.insert(0, "scripts"); import fit_cost_model as F
here = os.path.dirname(os.path.abspath(__file__))
diff = subprocess.run([sys.executable, os.path.join(here, "plandiff.py"), sys.argv[1], sys.argv[2]],
                      capture_output=True, text=True).stdout
def parse(p):
    t, tile, rest = p.split()
    tm, tn, _ = map(int, tile.split("x")); st, cl, sk, sw = rest.split("/")
    return (t == F.PINGPONG, tm, tn, int(st), int(sk), sw == "yes")
cfg = None; changes = []
for line in diff.splitlines():
    if not line.startswith(" "): cfg = line.split()[0]; continue
    m = re.match(r"\s+(\S+)\s+from\s+(\d+) to (\d+): (.*) -> (.*)", line)
    changes.append((cfg, m.group(1), int(m.group(2)), int(m.group(3)), parse(m.group(4)), parse(m.group(5))))
# config names in logs
alias = {"llama-3-70b-tp8-shard": ("llama-3-70b-tp8-shard", "llama-3-70b/tp8")}
logs = sys.argv[3:]
key = lambda r: (F.pingpong(r), r["tileM"], r["tileN"], r["stages"], r["splitK"], r["swapAB"])
found = 0
rows_by = collections.defaultdict(list)
for path in logs:
    for r in F.read_rows([path]):
        rows_by[(r["shape"], r["role"], r["m"], F.gpu_of(r)[1])].append((key(r), r["us"], path.split("/")[-1]))
for c, role, lo, hi, old, new in changes:
    names = alias.get(c, (c,))
    for (shape, rl, m, gpu), v in rows_by.items():
        if shape in names and rl == role and lo <= m <= hi:
            o = [x for x in v if x[0] == old]; n = [x for x in v if x[0] == new]
            if o and n:
                found += 1
                print("%s %s m=%d gpu=%d: old %.1f new %.1f ratio new/old %.3f (%s)" % (c, role, m, gpu, min(x[1] for x in o), min(x[1] for x in n), min(x[1] for x in n)/min(x[1] for x in o), o[0][2]))
            elif o or n:
                print("%s %s m=%d gpu=%d: only %s" % (c, role, m, gpu, "old" if o else "new"))
print("pairs", found)
