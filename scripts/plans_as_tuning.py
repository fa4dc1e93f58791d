#!/usr/bin/env python3
"""Writes a tuning file (mlpjit-tuning-1) that pins the plans of an
`mlpjit-dump --stage=kernels --json` listing at chosen token counts, so that
`mlpjit-bench --validate DIR --tuning-file OUT` times one planner's plans (the
dump's, e.g. an older build's) against the current heuristic in one process.

  /usr/bin/python3 scripts/plans_as_tuning.py --tokens 256,300 OUT.json DUMP.json...

Each entry stands for the planner range of its token count (TunedPlans.cpp);
"us" is 0: nothing was timed.
"""
import argparse, json

PLAN_KEYS = ["clusterM", "clusterN", "mMax", "mMin", "splitK", "stages", "swapAB",
             "template", "tileK", "tileM", "tileN"]
SHAPE_KEYS = ["arch", "dtype", "epilogue", "interleaveRows", "k", "n"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokens", required=True)
    ap.add_argument("out")
    ap.add_argument("dumps", nargs="+")
    args = ap.parse_args()
    tokens = [int(t) for t in args.tokens.split(",")]
    plans = []
    for path in args.dumps:
        for k in json.load(open(path)):
            for m in tokens:
                if k["mMin"] <= m <= k["mMax"]:
                    entry = {key: k[key] for key in SHAPE_KEYS}
                    entry.update(m=m, us=0.0, plan={key: k[key] for key in PLAN_KEYS})
                    plans.append(entry)
    with open(args.out, "w") as f:
        json.dump({"format": "mlpjit-tuning-1", "plans": plans}, f, indent=2)
    print("%d plans" % len(plans))


if __name__ == "__main__":
    main()
