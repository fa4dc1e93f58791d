"""The whole planner's plan (token ranges, carries) against the tuner logs:
for every logged (shape, GEMM, M, GPU) where the plan the planner gives M
was timed, its time over the fastest timed candidate, beside the regret of
the cost model's pick at M alone (fit_cost_model.py's). Points where the
first is worse are carries (or range-wide picks) that lose.
  planregret.py PLANS_DIR LOG.jsonl...   (PLANS_DIR as plandiff.py reads it;
  run from the repository root)"""
import math, os, sys
sys.path.insert(0, "scripts"); import fit_cost_model as F
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here); import plandiff
ALIAS = {"llama-3-70b/tp8": "llama-3-70b-tp8-shard"}
plans = {name[:-4]: plandiff.read(os.path.join(sys.argv[1], name)) for name in os.listdir(sys.argv[1])}
_, groups = F.load(sys.argv[2:])
P = F.COMMITTED
rows = []
for (shape, role, m, gpu), v in groups.items():
    cfg = plans.get(ALIAS.get(shape, shape))
    if not cfg: continue
    at = [r for r in cfg if r[0] == role and r[1] <= m <= r[2]]
    if not at: continue
    want = plandiff.plan_key(at[0][3:])
    timed = [r for r in v if plandiff.row_key(r) == want]
    if not timed: continue
    best = min(r["us"] for r in v)
    pick = min(v, key=lambda r: F.rank(r, P))
    rows.append((timed[0]["us"] / best, pick["us"] / best, shape, role, m, gpu[1], want))
rows.sort(key=lambda x: x[0] / x[1], reverse=True)
for pr, mr, shape, role, m, gpu, want in rows[:25]:
    print("planner %.3f  pick-at-M %.3f  %s %s M=%d gpu=%d plan=%s" % (pr, mr, shape, role, m, gpu, want))
g = lambda i: math.exp(sum(math.log(x[i]) for x in rows) / len(rows))
print("%d points: planner regret %.4f, the model's pick at M alone %.4f" % (len(rows), g(0), g(1)))
