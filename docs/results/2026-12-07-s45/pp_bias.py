# Session 45: timed / model time (the committed cost model) of the planner's
# candidates over 400-1024 tokens, by GPU, weights past the L2, gated, and
# tile kind; training and held-out rows split as fit_cost_model.py splits
# them (../2026-12-06-s31/lists.sh). Run from the repository root.
import collections, math, subprocess, sys
sys.path.insert(0, "scripts")
import fit_cost_model as F

lists = subprocess.run(["bash", "-c", 'source docs/results/2026-12-06-s31/lists.sh; '
                        'echo "$TRAIN"; echo ===; echo "$HELD"'],
                       capture_output=True, text=True, check=True).stdout
train, held = (part.split() for part in lists.split("==="))
rows = {"train": F.load(train, lambda path, r: not F.validation_row(r))[0],
        "held": F.load(held + train, lambda path, r: path in held or F.validation_row(r))[0]}

def kind(r):
    if F.pingpong(r): return "pp%d" % r["tileM"] if not r["swapAB"] else "ppswap"
    if r["swapAB"]: return "swap"
    return "coop%d" % r["tileM"] if r["tileM"] in (64, 128) else "coop"

for name, rs in rows.items():
    agg = collections.defaultdict(list)
    for r in rs:
        if 400 <= r["m"] <= 1024:
            gpu = "h100" if F.gpu_of(r)[1] < 4000 else "h200"
            key = (gpu, F.weights_outgrow_l2(r), r["gated"], kind(r))
            agg[key].append(math.log(r["us"] / F.estimate(r, F.COMMITTED)))
    for key in sorted(agg):
        if len(agg[key]) >= 5:
            v = agg[key]
            print(name, key, "n=%d timed/model geo %.3f" % (len(v), math.exp(sum(v) / len(v))))
