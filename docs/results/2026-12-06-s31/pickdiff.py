"""The picks that differ between two copies of fit_cost_model.py over tuner
logs: pickdiff.py OLD.py NEW.py [--pa=CONSTANTS.json] [--pb=...] LOG.jsonl..."""
import sys, json, importlib.util
def mod(path, name):
    spec = importlib.util.spec_from_file_location(name, path); m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); return m
A = mod(sys.argv[1], "a"); B = mod(sys.argv[2], "b")
PA = dict(A.COMMITTED); PB = dict(B.COMMITTED)
for a in sys.argv[3:]:
    if a.startswith("--pa="): PA.update(json.load(open(a[5:])))
    if a.startswith("--pb="): PB.update(json.load(open(a[5:])))
logs = [a for a in sys.argv[3:] if not a.startswith("--")]
_, groups = B.load(logs)
fmt = lambda r: "%s%dx%d s%d st%d%s %.1f" % ("swap " if r["swapAB"] else "", r["tileM"], r["tileN"], r["splitK"], r["stages"], " PP" if A.pingpong(r) else "", r["us"])
better = worse = 0
for key, v in sorted(groups.items(), key=lambda kv: str(kv[0])):
    b = min(r["us"] for r in v)
    pa = min(v, key=lambda r: A.rank(r, PA)); pb = min(v, key=lambda r: B.rank(r, PB))
    if pa is pb: continue
    ra, rb = pa["us"] / b, pb["us"] / b
    tag = "better" if rb < ra - 1e-9 else "worse" if rb > ra + 1e-9 else "same"
    better += tag == "better"; worse += tag == "worse"
    print("%-6s %s %.3f -> %.3f  %s -> %s" % (tag, key[:3], ra, rb, fmt(pa), fmt(pb)))
print("better", better, "worse", worse)
