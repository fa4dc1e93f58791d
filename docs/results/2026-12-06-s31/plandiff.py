"""Plans that differ between two planners: plandiff.py OLD_DIR NEW_DIR, each
holding `mlpjit-dump --stage=kernels CONFIG > DIR/NAME.txt` per config."""
import sys, os, re
def read(path):
    out = []
    for line in open(path):
        f = line.split()
        if len(f) < 9 or not f[0].endswith(tuple("0123456789")) or "[" not in line: continue
        m = re.search(r"\[(\d+), (\d+)\]", line)
        role = "down" if "_down_" in f[0] else "gate_up"
        rest = line[m.end():].split()
        out.append((role, int(m.group(1)), int(m.group(2)), f[1], rest[2], rest[3]))
    return out
def main():
    a_dir, b_dir = sys.argv[1], sys.argv[2]
    for name in sorted(os.listdir(a_dir)):
        A, B = read(os.path.join(a_dir, name)), read(os.path.join(b_dir, name))
        def at(P, role, m):
            for r in P:
                if r[0] == role and r[1] <= m <= r[2]: return r[3:]
        bounds = sorted({(r[0], r[1]) for r in A + B})
        changed = []
        for role, lo in bounds:
            pa, pb = at(A, role, lo), at(B, role, lo)
            if pa != pb: changed.append((role, lo, pa, pb))
        ka = len({r[3:] + (r[0],) for r in A}); kb = len({r[3:] + (r[0],) for r in B})
        print(name[:-4], "distinct kernels", ka, "->", kb)
        for role, lo, pa, pb in changed:
            hi = min(r[2] for r in B if r[0] == role and r[1] == lo) if any(r[0]==role and r[1]==lo for r in B) else "?"
            print("   %-7s from %5d to %s: %s -> %s" % (role, lo, hi, " ".join(pa), " ".join(pb)))


if __name__ == "__main__":
    main()
