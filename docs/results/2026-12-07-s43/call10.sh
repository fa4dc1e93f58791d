#!/usr/bin/env bash
# Session 43, call 10 (the session's last 267 s): the tuner's rows with the
# new tuner-only ping-pong swapAB candidates (129-320 tokens, where the rule
# does not plan them) on llama-3-8b at 200 and 300 tokens, gemma-7b and
# qwen2.5-7b at 300, 12 candidates a GEMM: rows for the model to price them.
set -u
source "$(dirname "$0")/../../../scripts/device-session.sh" call10
tune_config .device/fit/llama-3-8b.json 200,300 75 tune43 12
tune_config .device/fit/gemma-7b.json 300 50 tune43 12
tune_config .device/fit/qwen2.5-7b.json 300 50 tune43 12
device_session_end
/usr/bin/env python3 - "$L"/tune43-*.jsonl <<'PY'
import json, sys, collections
rows = collections.defaultdict(list)
for f in sys.argv[1:]:
    for line in open(f):
        try: r = json.loads(line)
        except ValueError: continue
        rows[(r["shape"], r["role"], r["m"])].append(r)
for key, rs in sorted(rows.items()):
    best = min(rs, key=lambda r: r["us"])
    pp = [r for r in rs if r.get("swapAB") and r.get("template") == "sm90_tma_ws_pingpong"]
    desc = lambda r: f'{r["tileM"]}x{r["tileN"]} s{r["stages"]} split{r["splitK"]}{" swap" if r.get("swapAB") else ""} {r.get("template", "")[10:]}'
    print(key, "fastest", desc(best), f'{best["us"]:.1f} us',
          "| ping-pong swapAB:", ", ".join(f'{desc(r)} {r["us"]:.1f} us ({r["us"] / best["us"]:.3f})' for r in pp) or "none")
PY
cat "$L/clocks.txt"
tar czf "$OUT/call10.tgz" -C "$L" .
