#!/usr/bin/env python3
"""scripts/fit_cost_model.py mirrors estimateMicros() of KernelHeuristic.cpp
by hand; this holds them together. Every row of the tuner logs given (all
plan shapes the tuner has timed: swapAB, split-K, stream-K excluded, 2x1
clusters) is priced by both, with the script's committed constants, and
any estimate that differs by more than 1e-6 fails the check.

  check_cost_model_sync.py ESTIMATE_ROWS_BINARY LOG.jsonl...
"""
import json, os, subprocess, sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
import fit_cost_model as model  # noqa: E402


def main():
    binary, logs = sys.argv[1], sys.argv[2:]
    rows = []
    for path in logs:
        for line in open(path):
            try:
                r = json.loads(line)
            except ValueError:
                continue  # a log cut short
            if r.get("splitK") != 0:  # the script does not model stream-K
                rows.append(r)
    if not rows:
        sys.exit("check_cost_model_sync: no rows in " + " ".join(logs))
    out = subprocess.run([binary], input="\n".join(json.dumps(r) for r in rows),
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("check_cost_model_sync: %s failed: %s" % (binary, out.stderr))
    cpp = [float(x) for x in out.stdout.split()]
    assert len(cpp) == len(rows), (len(cpp), len(rows))
    bad = [(r, c, model.estimate(r, model.COMMITTED)) for r, c in zip(rows, cpp)
           if abs(model.estimate(r, model.COMMITTED) - c) > 1e-6 * c]
    for r, c, py in bad[:10]:
        print("differs: %s m=%d %s%dx%d split%d stages%d cluster%d: C++ %.6f, script %.6f" % (
            r["shape"], r["m"], "swap " if r["swapAB"] else "", r["tileM"], r["tileN"],
            r["splitK"], r["stages"], r.get("clusterM", 1), c, py))
    print("%d of %d rows agree" % (len(rows) - len(bad), len(rows)))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
