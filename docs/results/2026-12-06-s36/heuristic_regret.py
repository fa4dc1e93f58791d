#!/usr/bin/env python3
"""The heuristic's own plan (as of the session that logged it) against the fastest candidate,
per (log, shape, GEMM, M) of tuner logs: the planner's regret as timed, range effects
included (fit_cost_model.py scores the model's pick at each M instead). H100 rows
(memory_gbs < 4000), weights timed from memory (weight_copies x n x k x 2 >= l2_bytes),
interleaved timings only.

  /usr/bin/python3 heuristic_regret.py [--above 1.05] LOG.jsonl...
"""
import collections, json, sys

def main():
    args = sys.argv[1:]
    above = 1.05
    if args[:1] == ["--above"]:
        above, args = float(args[1]), args[2:]
    groups = collections.defaultdict(list)
    for path in args:
        for line in open(path):
            try:
                r = json.loads(line)
            except ValueError:
                continue
            if r.get("interleaved") is False or r.get("memory_gbs", 0) > 4000:
                continue
            if r.get("weight_copies", 1) * r["n"] * r["k"] * 2 < r.get("l2_bytes", 50 << 20):
                continue
            groups[(path.split("/")[-1], r["shape"], r["role"], r["m"])].append(r)

    def plan(r):
        kind = "swap " if r["swapAB"] else ("pp " if "pingpong" in r.get("template", "") else "")
        return "%s%dx%d s%d split%d c%d" % (kind, r["tileM"], r["tileN"], r["stages"],
                                           r["splitK"], r.get("clusterM", 1))
    out = []
    for key, rows in groups.items():
        heuristic = [r for r in rows if r["heuristic"]]
        if heuristic:
            best = min(rows, key=lambda r: r["us"])
            out.append((heuristic[0]["us"] / best["us"], key, heuristic[0], best))
    for ratio, key, h, best in sorted(out, key=lambda o: -o[0]):
        if ratio > above:
            print("%.3f %s %s %d: %s %.1f us -> %s %.1f" % (ratio, key[1], key[2], key[3], plan(h),
                                                          h["us"], plan(best), best["us"]))
    print("%d of %d (log, shape, GEMM, M) above %.2f" % (sum(o[0] > above for o in out), len(out), above))

main()
