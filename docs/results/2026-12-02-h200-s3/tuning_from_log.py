#!/usr/bin/env python3
"""The tuning file the tuner would have written from a --tune-log: per
(shape, GEMM, M) the fastest timed candidate. Used for the validation sweep's
"tuned" column (call 2's tuner run timed out before it saved its file).

  tuning_from_log.py val-calib.jsonl > val-tuning.json
"""
import json, sys

# The validation configs: gemma-2 is GeGLU (tanh), the rest SwiGLU; llama-2-7b
# is float16 (its torch_dtype), the rest bf16 (as the front end maps them).
F16 = {"llama-2-7b"}
best = {}
for line in open(sys.argv[1]):
    try: r = json.loads(line)
    except ValueError: continue
    key = (r["shape"], r["role"], r["m"])
    if key not in best or r["us"] < best[key]["us"]: best[key] = r
plans = []
for (shape, role, m), r in sorted(best.items()):
    gated = role == "gate_up"
    epi = ("geglu_tanh" if shape.startswith("gemma") else "swiglu") if gated else "none"
    dtype = "f16" if shape in F16 else "bf16"
    plans.append({"arch": "sm_90a", "epilogue": epi, "dtype": dtype, "n": r["n"], "k": r["k"],
                  "m": m, "us": r["us"], "device": "NVIDIA H200 (call 2 tune log)",
                  "plan": {"template": "sm90_tma_ws", "tileM": r["tileM"], "tileN": r["tileN"],
                           "tileK": 64, "stages": r["stages"], "clusterM": r.get("clusterM", 1),
                           "clusterN": 1, "splitK": r["splitK"], "swapAB": r["swapAB"]}})
json.dump({"format": "mlpjit-tuning-1", "plans": plans}, sys.stdout, indent=1)
print()
