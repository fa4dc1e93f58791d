#!/usr/bin/env python3
"""scripts/fit_cost_model.py mirrors estimateMicros() of KernelHeuristic.cpp
and sm90Candidates() (as `considered`) by hand; this holds them together.
Every row of the tuner logs given (all plan shapes the tuner has timed:
swapAB, split-K, 2x1 clusters, ping-pong; stream-K excluded) is priced by
both with
the script's committed constants, classed candidate or not by both, and
ranked by both (rank: the planner's gated split-K margin); an estimate or
rank that differs by more than 1e-6, or a differing class, fails.

  check_cost_model_sync.py ESTIMATE_ROWS_BINARY LOG.jsonl...
"""
import json, os, subprocess, sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
import fit_cost_model as model  # noqa: E402


def main():
    binary, logs = sys.argv[1], sys.argv[2:]
    # The script does not model stream-K.
    rows = [r for r in model.read_rows(logs, every_kernel=True) if r.get("splitK") != 0]
    if not rows:
        sys.exit("check_cost_model_sync: no rows in " + " ".join(logs))
    # The model scaled to other GPUs (DeviceModel::forGpu), every row again:
    # an H100 SXM's bandwidth at 132 SMs, and an H100 PCIe-like 114 SMs.
    rows += [dict(r, sm_count=sms, memory_gbs=gbs)
             for sms, gbs in ((132, 3352.32), (114, 2039.0)) for r in rows]
    out = subprocess.run([binary], input="\n".join(json.dumps(r) for r in rows),
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("check_cost_model_sync: %s failed: %s" % (binary, out.stderr))
    lines = [line.split() for line in out.stdout.splitlines()]
    assert len(lines) == len(rows), (len(lines), len(rows))
    plan = lambda r: "%s m=%d %s%dx%d split%d stages%d cluster%d %s sms%d" % (
        r["shape"], r["m"], "swap " if r["swapAB"] else "", r["tileM"], r["tileN"],
        r["splitK"], r["stages"], r.get("clusterM", 1), r.get("template", "sm90_tma_ws"),
        r.get("sm_count", 132))
    bad = 0
    for r, (us, candidate, rank) in zip(rows, lines):
        c, py = float(us), model.estimate(r, model.COMMITTED)
        if abs(py - c) > 1e-6 * c:
            bad += 1
            if bad <= 10:
                print("estimate differs: %s: C++ %.6f, script %.6f" % (plan(r), c, py))
        # The planner ranks by rankMicros (the gated split-K margin).
        c, py = float(rank), model.rank(r, model.COMMITTED)
        if abs(py - c) > 1e-6 * c:
            bad += 1
            if bad <= 10:
                print("rank differs: %s: C++ %.6f, script %.6f" % (plan(r), c, py))
        # The script fits the planner's pick among the candidates it keeps.
        if bool(int(candidate)) != model.considered(r):
            bad += 1
            if bad <= 10:
                print("candidate differs: %s: C++ %s, script %s" % (
                    plan(r), bool(int(candidate)), model.considered(r)))
    print("%d rows, %d differences" % (len(rows), bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
