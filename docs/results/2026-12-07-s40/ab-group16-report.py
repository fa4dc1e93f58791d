"""ab-group16.sh's table: per point, new / old mlpjit time (the median of the
rounds) and the same normalized by cuBLASLt (best of unfused and merged) in
each process."""
import csv, glob, math, os, statistics, sys, collections

L = sys.argv[1]
t = collections.defaultdict(lambda: collections.defaultdict(list))
for f in glob.glob(os.path.join(L, '*.csv')):
    v, rnd, tag = os.path.basename(f)[:-4].split('-', 2)
    for r in csv.DictReader(open(f)):
        mine = float(r['mlpjit_us'])
        lt = min(float(r['cublaslt_unfused_us']), float(r['cublaslt_merged_us']))
        err = float(r['rel_err'])
        if not math.isfinite(mine) or not err <= 1e-2:
            print('BAD', f, r)
        key = (tag if tag.startswith('pin') else r['shape'], int(r['M']))
        t[key][v].append((mine, lt))
print('%-28s %6s %9s %9s %8s %10s' % ('point', 'M', 'old_us', 'new_us', 'new/old', 'vs_cublas'))
ratios = []
for (tag, m), d in sorted(t.items()):
    if 'old' not in d or 'new' not in d:
        continue
    o = statistics.median(x for x, _ in d['old'])
    n = statistics.median(x for x, _ in d['new'])
    on = statistics.median(x / y for x, y in d['old'])
    nn = statistics.median(x / y for x, y in d['new'])
    ratios.append(nn / on)
    print('%-28s %6d %9.1f %9.1f %8.3f %10.3f' % (tag, m, o, n, n / o, nn / on))
if ratios:
    print('geomean new/old (cuBLASLt-normalized) %.4f over %d points, %.3f-%.3f' % (
        math.exp(sum(map(math.log, ratios)) / len(ratios)), len(ratios), min(ratios), max(ratios)))
