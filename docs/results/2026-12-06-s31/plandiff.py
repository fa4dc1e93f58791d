"""Plans that differ between two planners: plandiff.py OLD_DIR NEW_DIR, each
holding `mlpjit-dump --stage=kernels CONFIG > DIR/NAME.txt` per config.
plancheck.py and planregret.py use read(), changes() and the plan keys."""
import sys, os, re


def read(path):
    """(role, mMin, mMax, template, tile, stages/cluster/split/swap) a kernel."""
    out = []
    for line in open(path):
        f = line.split()
        if len(f) < 9 or not f[0].endswith(tuple("0123456789")) or "[" not in line: continue
        m = re.search(r"\[(\d+), (\d+)\]", line)
        role = "down" if "_down_" in f[0] else "gate_up"
        rest = line[m.end():].split()
        out.append((role, int(m.group(1)), int(m.group(2)), f[1], rest[2], rest[3]))
    return out


def plan_key(plan):
    """A read() plan (template, tile, stages/cluster/split/swap) as row_key gives a log row's."""
    template, tile, rest = plan
    tm, tn, _ = map(int, tile.split("x")); st, cl, sk, sw = rest.split("/")
    return (template, tm, tn, int(st), int(sk), sw == "yes", int(cl.split("x")[0]))


def row_key(r):
    return (r.get("template", "sm90_tma_ws"), r["tileM"], r["tileN"], r["stages"], r["splitK"],
            r["swapAB"], r.get("clusterM", 1))


def changes(a_dir, b_dir):
    """Per config (sorted): its distinct kernel counts in both and the ranges whose plan
    changed, as (role, lo, hi, old plan, new plan), hi None where B has no range from lo."""
    for name in sorted(os.listdir(a_dir)):
        A, B = read(os.path.join(a_dir, name)), read(os.path.join(b_dir, name))
        def at(P, role, m):
            for r in P:
                if r[0] == role and r[1] <= m <= r[2]: return r[3:]
        changed = []
        for role, lo in sorted({(r[0], r[1]) for r in A + B}):
            pa, pb = at(A, role, lo), at(B, role, lo)
            if pa != pb:
                hi = min((r[2] for r in B if r[0] == role and r[1] == lo), default=None)
                changed.append((role, lo, hi, pa, pb))
        counts = [len({r[3:] + (r[0],) for r in P}) for P in (A, B)]
        yield name[:-4], counts, changed


def main():
    for config, (ka, kb), changed in changes(sys.argv[1], sys.argv[2]):
        print(config, "distinct kernels", ka, "->", kb)
        for role, lo, hi, pa, pb in changed:
            print("   %-7s from %5d to %s: %s -> %s" % (role, lo, "?" if hi is None else hi,
                                                      " ".join(pa), " ".join(pb)))


if __name__ == "__main__":
    main()
