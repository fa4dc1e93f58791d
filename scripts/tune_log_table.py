#!/usr/bin/env python3
"""Prints `mlpjit-bench --tune --tune-log FILE` rows as a table, one GEMM
(shape, M, role) at a time, fastest first:

  /usr/bin/python3 scripts/tune_log_table.py [--top N] [--best] LOG.jsonl...

Each row: shape, M, role, "pp" (ping-pong), "W" (swapAB), tile, split-K,
stages, "H" (the heuristic's plan), the median us and the cost model's
estimate. --top N keeps the N fastest rows of each GEMM (and always the
heuristic's). --best prints one line per GEMM instead: the fastest timed
plan, the heuristic's, and their ratio (the target is within 5%).
--timing compares the two timings of `mlpjit-bench --tune --tune-timing
both` logs, one line per GEMM: the fastest plan timed interleaved and timed
alone, and each plan's alone / interleaved time (a plan that holds a higher
clock by itself under the power cap reads below the others).
--forward compares the GEMM's time with the whole forward's in `--tune-timing
forward` logs, one line per GEMM: the fastest plan by each, and each plan's
forward minus the heuristic's forward against its GEMM time minus the
heuristic's GEMM time (what the GEMM alone misses of the forward).
"""
import argparse

from fit_cost_model import read_rows  # this folder is on sys.path


def plan(r):
    return "%s%s%dx%d s%d" % ("pp " if "pingpong" in r["template"] else "",
                              "W" if r["swapAB"] else "", r["tileM"],
                              r["tileN"], r["splitK"])


def groups(paths):
    out = {}
    for r in read_rows(paths):
        out.setdefault((r["shape"], r["m"], r["role"]), []).append(r)
    for rows in out.values():
        rows.sort(key=lambda r: r["us"])
    return sorted(out.items())


def timing_pairs(paths):
    """Per GEMM, each plan's interleaved and alone medians (plans timed both ways)."""
    out = {}
    for r in read_rows(paths, every_kernel=True):
        if "interleaved" not in r:
            continue
        key = (r["shape"], r["m"], r["role"])
        p = (plan(r), r["stages"])
        out.setdefault(key, {}).setdefault(p, {})[r["interleaved"]] = r["us"]
    return {k: {p: t for p, t in v.items() if len(t) == 2} for k, v in sorted(out.items())}


def print_timing(paths):
    for (shape, m, role), plans in timing_pairs(paths).items():
        if not plans:
            continue
        fastest = lambda interleaved: min(plans, key=lambda p: plans[p][interleaved])
        i, a = fastest(True), fastest(False)
        print("%-16s %5d %-7s interleaved %-18s %7.1f | alone %-18s %7.1f | %s" % (
            shape, m, role, i[0], plans[i][True], a[0], plans[a][False],
            " ".join("%s %.3f" % (p[0], t[False] / t[True]) for p, t in sorted(plans.items()))))


def print_forward(paths):
    for (shape, m, role), rows in groups(paths):
        rows = [r for r in rows if "forward_us" in r]
        heur = next((r for r in rows if r.get("heuristic")), None)
        if not heur:
            continue
        g = min(rows, key=lambda r: r["us"])
        f = min(rows, key=lambda r: r["forward_us"])
        print("%-16s %5d %-7s GEMM %-18s %7.1f | forward %-18s %7.1f | %s" % (
            shape, m, role, plan(g), g["us"], plan(f), f["forward_us"],
            " ".join("%s %+.1f/%+.1f" % (plan(r), r["forward_us"] - heur["forward_us"],
                                         r["us"] - heur["us"]) for r in rows)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--top", type=int, default=0)
    ap.add_argument("--best", action="store_true")
    ap.add_argument("--timing", action="store_true")
    ap.add_argument("--forward", action="store_true")
    ap.add_argument("logs", nargs="+")
    args = ap.parse_args()
    if args.timing:
        return print_timing(args.logs)
    if args.forward:
        return print_forward(args.logs)
    for (shape, m, role), rows in groups(args.logs):
        heur = next((r for r in rows if r.get("heuristic")), None)
        if args.best:
            line = "%-16s %5d %-7s best %-18s %7.1f" % (shape, m, role, plan(rows[0]),
                                                        rows[0]["us"])
            if heur:
                line += " | heuristic %-18s %7.1f | heuristic/best %.3f" % (
                    plan(heur), heur["us"], heur["us"] / rows[0]["us"])
            print(line)
            continue
        for i, r in enumerate(rows):
            if args.top and i >= args.top and r is not heur:
                continue
            print("%-16s %5d %-7s %-18s st%d %s %7.1f us  model %7.1f" % (
                shape, m, role, plan(r), r["stages"], "H" if r.get("heuristic") else " ",
                r["us"], r["estimate_us"]))


if __name__ == "__main__":
    main()
