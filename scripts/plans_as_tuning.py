#!/usr/bin/env python3
"""Writes a tuning file (mlpjit-tuning-1) that pins the plans of an
`mlpjit-dump --stage=kernels --json` listing at chosen token counts, so that
`mlpjit-bench --validate DIR --tuning-file OUT` times one planner's plans (the
dump's, e.g. an older build's) against the current heuristic in one process.

  /usr/bin/python3 scripts/plans_as_tuning.py --tokens 256,300 OUT.json DUMP.json...

Each entry stands for the planner range of its token count (TunedPlans.cpp);
"us" is 0: nothing was timed. --roles keeps only gate_up or down kernels and
--set KEY=VALUE changes a plan field and --where KEY=VALUE keeps only the plans
whose field has that value (before --set), so a variant of the heuristic's own plans
can be forced (e.g. --tokens 1,8,16 --roles gate_up --set splitK=0: its
M <= 16 gate-up kernels as stream-K; --set template=sm90_tma_ws: a ping-pong
plan as its cooperative twin; --where swapAB=1 --where splitK=1 --set clusterM=2:
its whole-K swapAB plans in 2x1 clusters). Integer fields take integers, swapAB 0 or 1,
template one of TEMPLATES.
"""
import argparse, json

PLAN_KEYS = ["clusterM", "clusterN", "mMax", "mMin", "splitK", "stages", "swapAB",
             "template", "tileK", "tileM", "tileN"]
SHAPE_KEYS = ["arch", "dtype", "epilogue", "interleaveRows", "k", "n"]
# The kernel families a plan can name (runtime/lib/TemplateFamily.cpp).
TEMPLATES = ["sm90_tma_ws", "sm90_tma_ws_pingpong", "sm80_mma"]


def parse_field(ap, option, text):
    """KEY=VALUE as a plan field and its typed value."""
    key, _, value = text.partition("=")
    if key == "template":
        if value not in TEMPLATES:
            ap.error("%s %s: not a template (%s)" % (option, text, ", ".join(TEMPLATES)))
        return key, value
    if key == "swapAB":
        if value not in ("0", "1"):
            ap.error("%s %s: swapAB is 0 or 1" % (option, text))
        return key, value == "1"
    if key in PLAN_KEYS and value.lstrip("-").isdigit():
        return key, int(value)
    ap.error("%s %s: not a plan field and value" % (option, text))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokens", required=True)
    ap.add_argument("--roles", default="gate_up,down",
                    help="kernel roles to pin (default both)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="set a plan field of every pinned plan")
    ap.add_argument("--where", action="append", default=[], metavar="KEY=VALUE",
                    help="keep only plans whose field has this value")
    ap.add_argument("out")
    ap.add_argument("dumps", nargs="+")
    args = ap.parse_args()
    tokens = [int(t) for t in args.tokens.split(",")]
    roles = args.roles.split(",")
    changes = {key: value for key, value in
               (parse_field(ap, "--set", change) for change in args.set)}
    wanted = {key: value for key, value in
              (parse_field(ap, "--where", cond) for cond in args.where)}
    plans = []
    for path in args.dumps:
        for k in json.load(open(path)):
            if k["role"] not in roles or any(k[key] != v for key, v in wanted.items()):
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
