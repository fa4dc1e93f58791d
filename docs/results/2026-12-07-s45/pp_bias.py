# Session 45: timed / model time (the committed cost model) by GPU, weights past
# the L2, gated, and tile kind over 400-1024 tokens, training and held-out
# rows (../2026-12-06-s31/lists.sh). Run from the repository root.
import sys, json, math, collections
sys.argv=[sys.argv[0]]
sys.path.insert(0,'scripts')
import fit_cost_model as F
import subprocess
lists=subprocess.run(['bash','-c','source docs/results/2026-12-06-s31/lists.sh; echo "$TRAIN"; echo ===; echo "$HELD"'],capture_output=True,text=True).stdout
tr,he=lists.split('===')
def rows(paths):
    out=[]
    for p in paths.split():
        for l in open(p):
            try: r=json.loads(l)
            except: continue
            if 'us' in r and 'tileM' in r: out.append(r)
    return out
P=F.COMMITTED
for name,paths in (('train',tr),('held',he)):
    agg=collections.defaultdict(list)
    for r in rows(paths):
        if not (400<=r['m']<=1024): continue
        try: e=F.estimate(r,P)
        except Exception: continue
        big=F.weights_outgrow_l2(r)
        kind=('pp' if F.pingpong(r) else ('swap' if r['swapAB'] else 'coop'))+('64' if r['tileM']==64 and not r['swapAB'] else '128' if r['tileM']==128 and not r['swapAB'] else '')
        gpu='h100' if r.get('memory_gbs',4917)<4000 else 'h200'
        agg[(gpu,big,r['gated'],kind)].append(math.log(r['us']/e))
    for k in sorted(agg):
        v=agg[k]
        if len(v)<5: continue
        print(name,k,'n=%d timed/model geo %.3f'%(len(v),math.exp(sum(v)/len(v))))
