#!/usr/bin/env python3
"""Writes a tuning file (mlpjit-tuning-1) that pins the plans of an
`mlpjit-dump --stage=kernels --json` listing at chosen token counts, so that
`mlpjit-bench --validate DIR --tuning-file OUT` times one planner's plans (the
dump's, e.g. an older build's) against the current heuristic in one process.

  /usr/bin/python3 scripts/plans_as_tuning.py --tokens 256,300 OUT.json DUMP.json...

Each entry stands for the planner range of its token count (TunedPlans.cpp);
"us" is 0: nothing was timed. --roles keeps only gate_up or down kernels and
--set KEY=VALUE changes a plan field, so a variant of the heuristic's own plans
can be forced (e.g. --tokens 1,8,16 --roles gate_up --set splitK=0: its
M <= 16 gate-up kernels as stream-K; --set template=sm90_tma_ws: a ping-pong
plan as its cooperative twin). Integer fields take integers, swapAB 0 or 1,
template one of TEMPLATES.
"""
import argparse, json

PLAN_KEYS = ["clusterM", "clusterN", "mMax", "mMin", "splitK", "stages", "swapAB",
             "template", "tileK", "tileM", "tileN"]
SHAPE_KEYS = ["arch", "dtype", "epilogue", "interleaveRows", "k", "n"]
# The kernel families a plan can name (runtime/lib/TemplateFamily.cpp).
TEMPLATES = ["sm90_tma_ws", "sm90_tma_ws_pingpong", "sm80_mma"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokens", required=True)
    ap.add_argument("--roles", default="gate_up,down",
                    help="kernel roles to pin (default both)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="set a plan field of every pinned plan")
    ap.add_argument("out")
    ap.add_argument("dumps", nargs="+")
    args = ap.parse_args()
    tokens = [int(t) for t in args.tokens.split(",")]
    roles = args.roles.split(",")
    changes = {}
    for change in args.set:
        key, _, value = change.partition("=")
        if key == "template":
            if value not in TEMPLATES:
                ap.error("--set %s: not a template (%s)" % (change, ", ".join(TEMPLATES)))
            changes[key] = value
        elif key == "swapAB":
            if value not in ("0", "1"):
                ap.error("--set %s: swapAB is 0 or 1" % change)
            changes[key] = value == "1"
        elif key in PLAN_KEYS and value.lstrip("-").isdigit():
            changes[key] = int(value)
        else:
            ap.error("--set %s: not a plan field and value" % change)
    plans = []
    for path in args.dumps:
        for k in json.load(open(path)):
            if k["role"] not in roles:
                continue
            for m in tokens:
                if k["mMin"] <= m <= k["mMax"]:
                    entry = {key: k[key] for key in SHAPE_KEYS}
                    plan = {key: k[key] for key in PLAN_KEYS}
                    plan.update(changes)
                    entry.update(m=m, us=0.0, plan=plan)
                    plans.append(entry)
    with open(args.out, "w") as f:
        json.dump({"format": "mlpjit-tuning-1", "plans": plans}, f, indent=2)
    print("%d plans" % len(plans))


if __name__ == "__main__":
    main()
