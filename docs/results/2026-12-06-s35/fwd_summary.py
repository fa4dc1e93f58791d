"""Per GEMM of `mlpjit-bench --tune --tune-timing forward` logs: the forward of the plan
the GEMM's own time picks over the fastest forward, and the heuristic's forward over it.

  /usr/bin/python3 fwd_summary.py LOG.jsonl...
"""
import collections, json, math, sys

rows = collections.defaultdict(list)
for path in sys.argv[1:]:
    for line in open(path):
        r = json.loads(line)
        if "forward_us" in r:
            rows[(r["shape"], r["m"], r["role"])].append(r)
agree, loss = 0, []
for key, rs in sorted(rows.items()):
    by_gemm = min(rs, key=lambda r: r["us"])
    by_forward = min(rs, key=lambda r: r["forward_us"])
    heuristic = next(r for r in rs if r["heuristic"])
    agree += by_gemm is by_forward
    loss.append(by_gemm["forward_us"] / by_forward["forward_us"])
    print(f"{key[0]:18} {key[1]:5} {key[2]:8} GEMM's pick / forward's pick {loss[-1]:.3f}"
          f"  heuristic / forward's pick {heuristic['forward_us'] / by_forward['forward_us']:.3f}"
          f"  (GEMM alone {heuristic['us'] / by_gemm['us']:.3f})")
print(f"{agree}/{len(rows)} the same pick; the GEMM's pick in the forward: geometric mean "
      f"{math.exp(sum(map(math.log, loss)) / len(loss)):.4f}, max {max(loss):.3f}")
