#!/usr/bin/env python3
"""Fits the Hopper planner's cost model (compiler/lib/Transforms/KernelHeuristic.cpp,
DeviceModel in KernelHeuristic.h) to `mlpjit-bench --tune --tune-log FILE` timings.

Each line of the log is one timed GEMM candidate (plan, token count, median µs). The
model below is the C++ one, line for line; the fit is a random local search that
minimizes the mean log regret of the model's pick among the timed candidates of each
(shape, GEMM, M) (small M weighted twice) plus 0.2 x the mean squared log error of
its estimates. HBM bandwidth and the SM count that saturates it are priors (the
timings barely constrain them). Prints the constants to paste into DeviceModel and
the worst picks.

Clocks: rows carry "settle_ms" from session 8 on (docs/performance.md): the candidate was
replayed that long first and timed at the H200's steady, power-capped clock. Rows without it
(calib3-calib8) were timed at whatever clock the previous candidate left, 1.4-1.98 GHz, so
they carry up to ~15% of clock noise at M = 256-1024; calib9.jsonl was settled (400 ms) but
predates the field; calib10.jsonl (session 9) is settled. calib11.jsonl timed the reverted v11
kernel (padding rows skipping their MMAs): do not fit on it.

  /usr/bin/python3 scripts/fit_cost_model.py [--no-fit | --only=NAME,...] [--cold-only]
      TRAIN.jsonl... [--check HELD_OUT.jsonl...]

--cold-only leaves out the rows of GEMMs whose weights fit in the L2 (l2_resident).
"""
import collections, json, math, random, sys

WGMMA_N = [8, 16, 24, 32, 48] + list(range(64, 257, 8))
# pingpong was fitted alone (--only=pingpong) on the interleaved fit13.jsonl
# (session 13), when ping-pong became a planner candidate; l2 alone
# (--only=l2) on the same rows in session 14; wideswap alone on wide1.jsonl
# and wide2.jsonl (session 15), when wide swapAB tiles became candidates;
# ppgated (gated ping-pong, apart from the plain GEMM's pingpong) with l2 and
# overlap (--only=l2,overlap,ppgated) on fit13, wide1-2, narrow160 and
# tune100-200 (session 17); swapmid (narrow swapAB above 128 tokens) alone
# on those, tune18 and docs/results/2026-12-04-h200-s19/tune19*.jsonl but
# tune19v (the validation configs: --check only), when the plain GEMM's
# narrow tiles became candidates there (session 19). Session 20 priced those
# tiles' TMA stores above 128 tokens and left out the rows that timed their
# register stores (register_store_row); swapmid refit alone on the rest and
# tune20 came back at 1.85 for a 0.0002 gain in regret, so 1.94 stayed.
# fewstage alone (--only=fewstage, 0.433 -> 0.036) in session 29 on every
# log holding 3-stage rows (calib, calib2, calib12-swap, wide1, narrow160,
# tune18, tune19) and tune29-700 (the 176-token wide tile's fit-shape rows);
# tune19v and tune29v-700 held out.
FITTED = ["tflops", "colpad", "onewg", "npow2", "swap", "fewstage", "smload", "l2", "epi", "splitfix", "fixed",
          "latency", "overlap", "direct", "boost"]
# clustergain: the k-loop of a gated GEMM in 2x1 clusters, the median of the
# tuner's cluster / no-cluster pairs at M >= 1536 (calib3.jsonl: 0.96-0.99),
# not fitted (the pairs' noise is as large as the gain).
PRIOR = dict(sms=132, hbm=4200, clustergain=0.97)
# DeviceModel::kFittedMemoryGBs: the H200's peak DRAM bandwidth as its driver
# reports it (3201 MHz x 6144 bits x 2), what on_gpu scales hbm from.
FITTED_MEMORY_GBS = 4916.736

# DeviceModel's committed constants (KernelHeuristic.h), where a fit starts;
# tests/transforms/check_cost_model_sync.py holds estimate() with them to the C++ model.
COMMITTED = dict(PRIOR, tflops=859.3, colpad=19.92, onewg=0.9494, npow2=0.9723, swap=0.5932,
                 fewstage=0.036, smload=321.1, l2=15271.4, epi=1.124e-4, splitfix=4.295,
                 fixed=2.029, latency=1.770, overlap=4.782, direct=4.054, boost=0.1222,
                 pingpong=1.097, ppgated=0.9476, wideswap=1.0434, swapmid=1.94,
                 ppbigexp=0.4872, ppgatedexp=0.14)

PINGPONG = "sm90_tma_ws_pingpong"
def pingpong(r): return r.get("template", "sm90_tma_ws") == PINGPONG

def cdiv(a, b): return (a + b - 1) // b

def wide_swap(r):
    """sm90/launch.h wideSwap: swapAB over 256 weight rows."""
    return r["swapAB"] and r["tileN"] == 256

def two_mma_rows(r):
    """sm90/launch.h twoMmaRows: wide swapAB, or ping-pong swapAB
    (swapPingPong: 128 weight rows a consumer warpgroup)."""
    return wide_swap(r) or (r["swapAB"] and pingpong(r) and r["tileN"] == 128)

def transposed_store(r):
    """sm90/launch.h transposedStore: swapAB tiles storing Dᵀ with TMA, wide
    and ping-pong ones and narrow plain ones (session 19; the logs before it
    timed narrow plain tiles storing from registers)."""
    return r["swapAB"] and (two_mma_rows(r) or not r["gated"])

def store_cols(r):
    """sm90/launch.h storeSubtileCols: the widest of 64, 32, 16 dividing the
    output tile; 0 (stores from registers) when none does or with gated
    narrow swapAB (transposed stores: 16)."""
    out = r["tileN"] // 2 if r["gated"] else r["tileN"]
    if transposed_store(r): return 16
    if r["swapAB"]: return 0
    return next((c for c in (64, 32, 16) if out % c == 0), 0)

def ctas_per_sm(r):
    tm, tn, sw = r["tileM"], r["tileN"], r["swapAB"]
    rows, cols = (tn, tm) if sw else (tm, tn)
    if 128 * (1 + rows // 64) > 256 or cols > 64: return 1
    ex = tm * 64 * 4 if sw and r["gated"] else 0
    # The TMA-store subtiles (sm90/launch.h stagingBytes): 64 rows x 64, 32
    # or 16 columns, two per consumer warpgroup (one for a single subtile);
    # transposed, one of 16 columns by the tile's tokens per warp.
    out, sc = (tn // 2 if r["gated"] else tn), store_cols(r)
    staging = (rows // 64) * (1 if out < 2 * sc else 2) * 128 * sc if sc else 0
    if transposed_store(r):
        staging = (rows // 64) * 4 * 32 * (tm if tm <= 128 else cdiv(tm // 2, 8) * 8)
    shared = 1024 + r["stages"] * (tm + tn) * 128 + staging + ex + r["stages"] * 16 + 16
    return 2 if shared * 2 + 2048 <= 228 * 1024 else 1

def gpu_sms(r):
    """The SM count the planner sees for a row: the GPU it names (sm_count,
    the tuner's since session 28), else the fitted H200's."""
    return r.get("sm_count") or PRIOR["sms"]

def on_gpu(r, P):
    """DeviceModel::forGpu: P scaled to the GPU a row names (sm_count,
    memory_gbs), unchanged on the fitted H200 (PRIOR's SM count, the
    bandwidth within 1%) or for rows without them. ppgated is scaled by
    (the H200's bandwidth / the row's)^ppgatedexp (gatedPingPongScale;
    session 46 scanned it on the training logs: 0.10-0.18 alike)."""
    sms = gpu_sms(r)
    gbs = r.get("memory_gbs") or FITTED_MEMORY_GBS
    if sms == PRIOR["sms"] and abs(gbs / FITTED_MEMORY_GBS - 1) < 0.01:
        return P
    f = sms / PRIOR["sms"]
    return dict(P, sms=sms, tflops=P["tflops"] * f, l2=P["l2"] * f,
                hbm=P["hbm"] * gbs / FITTED_MEMORY_GBS,
                ppbig=(gbs / FITTED_MEMORY_GBS) ** P.get("ppbigexp", 0.0),
                ppgated=P["ppgated"] * (FITTED_MEMORY_GBS / gbs) ** P.get("ppgatedexp", 0.0))

def weights_outgrow_l2(r):
    """sm90/launch.h weightsOutgrowL2: N x K bf16 weights over 50 MiB."""
    return r["n"] * r["k"] * 2 > 50 << 20

def estimate(r, P):
    """estimateMicros() of KernelHeuristic.cpp."""
    P = on_gpu(r, P)
    tm, tn, s, sw, n, k, m = r["tileM"], r["tileN"], r["splitK"], r["swapAB"], r["n"], r["k"], r["m"]
    cl = r.get("clusterM", 1)
    # A 2x1 cluster's CTAs take adjacent token tiles (an odd count idles
    # one) and each loads half the weight tile; a GPC with an odd number of
    # SMs leaves one idle.
    units = cdiv(cdiv(m, tm), cl) * cl * cdiv(n, tn) * s
    kper = cdiv(cdiv(k, 64), s)
    per = ctas_per_sm(r); slots = P["sms"] // cl * cl * per
    waves = cdiv(units, slots); active = min(units, slots)
    pp = pingpong(r)
    rows, cols = (tn, tm) if sw else (tm, tn)
    # Ping-pong's two consumers keep the MMAs as busy as a 128-row tile's.
    if pp: rows = 128
    eff = cols / (cols + P["colpad"]) * (1 if rows >= 128 else P["onewg"])
    if sw: eff *= P["wideswap"] if wide_swap(r) else P["swap"]
    # Narrow swapAB tiles above 128 tokens (the plain GEMM's candidates).
    if sw and not wide_swap(r) and m > 128: eff *= P["swapmid"]
    if pp: eff *= P["ppgated"] if r["gated"] else P["pingpong"]
    # largeWeightPingPongScale: 1 on the fitted H200.
    if pp and not r["gated"] and weights_outgrow_l2(r): eff *= P.get("ppbig", 1.0)
    if cols & (cols - 1): eff *= P["npow2"]
    flops_us = P["tflops"] * 1e6 / P["sms"] / per * eff
    # Idle SMs leave power for a higher clock: each busy SM's MMA rate rises.
    flops_us *= 1 + P["boost"] * (1 - active / (P["sms"] * per))
    kbytes = (tm + tn // cl) * 64 * 2
    load_us = P["smload"] * 1e3 / per
    ktile = max(2 * tm * tn * 64 / flops_us, kbytes / load_us)
    if r["stages"] < 4: ktile *= 1 + P["fewstage"] * (4 - r["stages"])
    # Stores from registers (swapAB, or not whole 16-column output subtiles:
    # sm90/launch.h storesWithTma) cost `direct` x the TMA store's.
    # Narrow swapAB tiles of the plain GEMM store with TMA since session 19
    # (transposed_store), priced so above 128 tokens (session 20); up to 128
    # as the register stores `swap` was fitted on.
    tma_store = store_cols(r) != 0 and (not sw or wide_swap(r) or
                                        (transposed_store(r) and m > 128))
    epi = tm * tn * P["epi"] * (1.0 if tma_store else P["direct"])
    if s > 1: epi += (s + 1) * tm * tn * 4 / load_us + P["splitfix"]
    sm_us = waves * (kper * ktile + epi)
    # Ping-pong: one consumer's epilogue beside the other's k-loop; the CTA's
    # last epilogue is exposed.
    if pp: sm_us = waves * max(kper * ktile, epi) + min(kper * ktile, epi)
    if cl > 1: sm_us *= P["clustergain"]
    out = n // 2 if r["gated"] else n
    nbytes = 2.0 * (n * k + m * k + m * out) + (2.0 * units * tm * tn * 4 if s > 1 else 0)
    # Little's law: the active CTAs' pipelines keep stages x k-tile bytes in
    # flight; a last, partial wave's CTAs stream their share alone.
    def hbm_rate(ctas): return min(P["hbm"] * 1e3, ctas * r["stages"] * kbytes / P["latency"])
    full, tail = divmod(units, slots)
    hbm_us = nbytes / units * (full * slots / hbm_rate(slots) + (tail / hbm_rate(tail) if tail else 0))
    l2_us = units * kper * kbytes / (P["l2"] * 1e3)
    # A p-norm, not max(): the limits overlap imperfectly, so a plan that
    # moves fewer bytes or MMAs wins among ones bound by the same limit.
    q = P["overlap"]
    return P["fixed"] + (sm_us ** q + hbm_us ** q + l2_us ** q) ** (1.0 / q)

# rankMicros() of KernelHeuristic.cpp (kSplitKMargin): when ranking, a gated GEMM's split-K
# estimate counts 3% more (the planner's pick, not the estimate).
SPLIT_MARGIN = 1.03
def rank(r, P):
    return estimate(r, P) * (SPLIT_MARGIN if r["gated"] and r["splitK"] > 1 else 1.0)

def ping_pong_swap_planned(r):
    """KernelHeuristic.cpp's pingPongSwapPlanned: gated, K >= 8192, 193-208 or 257-320
    tokens."""
    return r["gated"] and r["k"] >= 8192 and (193 <= r["m"] <= 208 or 256 < r["m"] <= 320)

def considered(r):
    """The planner's candidates (sm90Candidates): swapAB up to 128 tokens with the narrowest
    token tile >= M (gated: or >= M/2 without split-K where both token
    tiles fit in one wave),
    64/128-token tiles from 33 tokens, no stream-K, 2x1 clusters for gated
    GEMMs of at least 16 token tiles, no whole-K plain GEMM plan in tiles
    that fill under a third of the SMs (half of them over K >= 4096)."""
    if r["splitK"] == 0: return False
    kt = cdiv(r["k"], 64)
    tiles = cdiv(r["m"], r["tileM"]) * cdiv(r["n"], r["tileN"])
    # No whole-K plan of the plain GEMM in tiles that fill under a third of
    # the SMs where K splits in two (wholeKLatencyBound, session 37), or
    # under half of them where K is 64 k-tiles or more (session 41).
    if not r["gated"] and not r["swapAB"] and r["splitK"] == 1 and \
            ((kt >= 8 and 3 * tiles < gpu_sms(r)) or (kt >= 64 and 2 * tiles < gpu_sms(r))):
        return False
    # Ping-pong swapAB (pingPongSwapPlanned, sessions 43-44): a candidate of gated
    # GEMMs over K >= 8192 at 193-208 and 257-320 tokens, two token tiles of 104 or 136-160 by
    # 128 weight rows, which the planner picks there by rule (report());
    # no candidate elsewhere.
    if pingpong(r) and r["swapAB"]:
        return ping_pong_swap_planned(r) and r["tileN"] == 128 and \
            r["tileM"] == cdiv(cdiv(r["m"], 2), 8) * 8
    # Ping-pong (sm90Candidates): 64-row tiles at least 128 wide over whole K,
    # above 64 tokens, the plain GEMM below 1024.
    if pingpong(r):
        return r["m"] > 64 and (r["gated"] or r["m"] < 1024) and r["tileM"] == 64 and r["tileN"] >= 128 and \
            r["splitK"] == 1 and not r["swapAB"] and r.get("clusterM", 1) == 1
    # Split-K only while the tiles leave SMs idle, each split at least 4
    # k-tiles and none empty; the planner stops at the first split that
    # fails (sm90Candidates).
    few = tiles < gpu_sms(r)
    for s in [2, 3, 4, 6, 8]:
        if s > r["splitK"]: break
        if not few or kt // s < 4 or (s - 1) * cdiv(kt, s) >= kt: return False
    if r["splitK"] not in (1, 2, 3, 4, 6, 8): return False
    # 64x64 tiles above 64 tokens only split (sm90Candidates).
    if not r["swapAB"] and r["tileM"] == 64 and r["tileN"] == 64 and r["m"] > 64 and \
            r["splitK"] == 1: return False
    # 2x1 clusters (clustersPay): gated, 128-row tiles at least 128 wide, 16
    # token tiles, two waves of tiles.
    if r.get("clusterM", 1) > 1 and (
            not r["gated"] or r["tileM"] != 128 or r["tileN"] < 128 or
            cdiv(r["m"], 128) < 16 or
            cdiv(r["m"], 128) * cdiv(r["n"], r["tileN"]) < 2 * gpu_sms(r)): return False
    if wide_swap(r):
        # Wide swapAB: 1-4 token tiles of ceil(M / t) rounded up to 8, 64-160
        # up to 640 tokens, up to 176 at 641-704 (session 29).
        tiles = [cdiv(cdiv(r["m"], t), 8) * 8 for t in (1, 2, 3, 4)]
        widest = 176 if r["m"] > 640 else 160
        return 128 < r["m"] <= 704 and r["tileM"] in [w for w in tiles if 64 <= w <= widest]
    if r["swapAB"] and r["m"] > 128:
        # Narrow swapAB tiles above 128 tokens (gated too since session 22):
        # one or two token tiles of ceil(M / t) rounded up to 8, 72-160, no
        # cluster.
        tiles = [cdiv(cdiv(r["m"], t), 8) * 8 for t in (1, 2)]
        # Planned up to 224 tokens, one wave of one CTA per SM (session 20);
        # at 257-320 whole K only (session 42).
        return r["tileN"] == 128 and \
            (r["m"] <= 224 or (256 < r["m"] <= 320 and r["splitK"] == 1)) and \
            r.get("clusterM", 1) == 1 and \
            cdiv(r["m"], r["tileM"]) * cdiv(r["n"], 128) * r["splitK"] <= gpu_sms(r) and \
            r["tileM"] in [w for w in tiles if 72 <= w <= 160]
    if r["swapAB"]:
        narrowest = lambda t: min(w for w in WGMMA_N if w >= t)
        half = narrowest(cdiv(r["m"], 2))
        return r["m"] <= 128 and (r["tileM"] == narrowest(r["m"]) or (
            r["gated"] and r["m"] > 8 and r["tileM"] == half < narrowest(r["m"]) and
            r["splitK"] == 1 and
            2 * cdiv(r["n"], r["tileN"]) <= gpu_sms(r)))
    return r["m"] > 32

# Logs that timed the plain GEMM's narrow swapAB tiles storing from
# registers (before session 19's call 2). Above 128 tokens those rows are
# left out: the model prices the TMA-store kernel there.
REGISTER_STORE_LOGS = ("calib", "val-calib", "fit13", "v405", "tp8", "wide1", "wide2",
                       "narrow160", "tune100-200", "tune18", "tune19.jsonl")

def register_store_row(path, r):
    name = path.rsplit("/", 1)[-1]
    return name.startswith(REGISTER_STORE_LOGS) and r["m"] > 128 and \
        r["swapAB"] and not r["gated"] and not wide_swap(r)

# Logs timed on another GPU than the fitted H200 before the tuner wrote
# sm_count and memory_gbs (session 28): the GPU they ran on, as those fields.
LOG_GPUS = {"tune28h100": dict(sm_count=132, memory_gbs=3352.32)}

# The L2 of the H100 and the H200 (CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE), for rows
# logged before the tuner wrote "l2_bytes" (session 35).
L2_BYTES = 50 * 2 ** 20

def l2_resident(r):
    """Whether a row's weights, all the copies its timed calls rotated through
    ("weight_copies", 1 before session 36), fit in the L2: such rows read the weights
    from the L2, not from memory (llama-3.2-1b's 32 MiB down GEMM on one copy ran 0.85x
    its weights' time at the H100's peak DRAM bandwidth). --cold-only leaves them
    out."""
    return r.get("weight_copies", 1) * r["n"] * r["k"] * 2 < r.get("l2_bytes", L2_BYTES)

def read_rows(paths, every_kernel=False, keep=lambda path, r: True):
    """Every row of the tuner logs, whatever the plan, but (unless
    every_kernel) those of a kernel no longer built (register_store_row) and
    those timed alone (`--tune-timing alone|both`: "interleaved" false; the
    model is fitted on candidates timed in turn at one clock); rows of
    LOG_GPUS's logs carry their GPU; only those `keep` takes."""
    rows = []
    for path in paths:
        gpu = LOG_GPUS.get(path.rsplit("/", 1)[-1].split(".")[0], {})
        for line in open(path):
            try: r = json.loads(line)
            except ValueError: continue  # a log cut short
            if not keep(path, r): continue
            if every_kernel or not (register_store_row(path, r) or r.get("interleaved") is False):
                rows.append(dict(gpu, **r))
    return rows

# ../shared/models/validation/: configs the planner is checked on and never
# fitted to. Their rows are held out whichever log holds them (v405,
# calib14-check and tune31-405b-340 mix them with fit configs' rows).
VALIDATION_CONFIGS = ("gemma-2-27b", "gemma-2-2b", "gemma-2-9b", "llama-2-7b", "llama-3.1-405b",
                      "llama-3.2-1b", "mistral-nemo-12b", "phi-3-medium-4k", "qwen2.5-0.5b",
                      "qwen2.5-32b")

def validation_row(r):
    return r["shape"].split("/")[0] in VALIDATION_CONFIGS

def gpu_of(r):
    """Which GPU timed a row: its SM count and bandwidth (the H200's when
    the row does not say)."""
    return gpu_sms(r), round(r.get("memory_gbs") or FITTED_MEMORY_GBS)

def load(paths, keep=lambda path, r: True):
    """The considered candidates of the logs that `keep` takes, grouped by
    (shape, GEMM, M, GPU: gpu_of): an H100's rows and an H200's are
    different points."""
    rows = [r for r in read_rows(paths, keep=keep) if considered(r)]
    # One row per plan. Logs without clusterM hold 2x1-cluster and plain
    # runs of one plan under one key: keep the slower (the plain one, as the
    # planner models). Repeats of one plan (the same plan in two logs) are
    # run-to-run noise: their geometric mean. Keeping the slower of those
    # read an A/A pair's 26.8 / 33.1 us as a 1.23x mispick.
    # Rows of different GPUs are different points, never repeats.
    plan = lambda r: (r["shape"], r["role"], r["m"], r["tileM"], r["tileN"], r["stages"],
                      r["splitK"], r["swapAB"], r.get("clusterM", 1), pingpong(r), gpu_of(r))
    repeats = collections.defaultdict(list)
    for r in rows: repeats[plan(r)].append(r)
    rows = []
    for same in repeats.values():
        if any("clusterM" not in r for r in same):
            rows.append(max(same, key=lambda r: r["us"]))
        else:
            rows.append(dict(same[0], us=math.exp(sum(math.log(r["us"]) for r in same) / len(same))))
    groups = collections.defaultdict(list)
    for r in rows: groups[(r["shape"], r["role"], r["m"], gpu_of(r))].append(r)
    return rows, groups

def report(groups, P, title, worst=10):
    """Regret of the model's pick against the fastest timed candidate."""
    if not groups:
        print(title + "\nno rows")
        return
    picks = []
    for key, v in groups.items():
        # Where ping-pong swapAB is planned by rule, the pick is one of those.
        ruled = [r for r in v if pingpong(r) and r["swapAB"]]
        b = min(v, key=lambda r: r["us"]); p = min(ruled or v, key=lambda r: rank(r, P))
        picks.append((p["us"] / b["us"], key, p, b))
    picks.sort(key=lambda x: -x[0])
    fmt = lambda r: "%s%dx%d split%d%s%s %.1fus (model %.1f)" % (
        "swap " if r["swapAB"] else "", r["tileM"], r["tileN"], r["splitK"],
        " cluster2" if r.get("clusterM", 1) > 1 else "", " pingpong" if pingpong(r) else "",
        r["us"], estimate(r, P))
    print(title)
    for reg, key, p, b in picks[:worst]: print("%.3f %s: picks %s, fastest %s" % (reg, key, fmt(p), fmt(b)))
    print("geometric-mean regret %.4f over %d (shape, GEMM, M); %d within 5%%" % (
        math.exp(sum(math.log(x[0]) for x in picks) / len(picks)), len(picks),
        sum(x[0] <= 1.05 for x in picks)))

def main():
    # Files after --check are not fitted on: the fitted constants' regret
    # there is reported (the validation configs' tuner logs), with the
    # validation configs' rows of the other files.
    # --only a,b: fit just those constants, the others stay as committed.
    only = [a for a in sys.argv[1:] if a.startswith("--only=")]
    fitted = only[0][len("--only="):].split(",") if only else FITTED
    args = [a for a in sys.argv[1:] if a not in ("--no-fit", "--cold-only") and
            not a.startswith(("--only=", "--start=", "--save="))]
    held = args[args.index("--check") + 1:] if "--check" in args else []
    train = args[:len(args) - len(held) - (1 if held else 0)]
    # --cold-only: rows whose weights stream from memory only (l2_resident).
    cold = (lambda r: not l2_resident(r)) if "--cold-only" in sys.argv else (lambda r: True)
    rows, groups = load(train, lambda path, r: not validation_row(r) and cold(r))

    def objective(P):
        regret = sum((2.0 if key[2] <= 64 else 1.0) *
                     math.log(min(v, key=lambda r: rank(r, P))["us"] / min(r["us"] for r in v))
                     for key, v in groups.items()) / len(groups)
        error = sum(math.log(estimate(r, P) / r["us"]) ** 2 for r in rows) / len(rows)
        return regret + 0.2 * error

    # --start=FILE: start from (or with --no-fit, report) the constants in a
    # JSON file, as printed by an earlier fit.
    start = [a for a in sys.argv[1:] if a.startswith("--start=")]
    P = dict(COMMITTED, **(json.load(open(start[0][len("--start="):])) if start else {}))
    best = objective(P); random.seed(2)
    # --no-fit: report the starting constants (the committed DeviceModel).
    for _ in range(0 if "--no-fit" in sys.argv else 5000):
        Q = dict(P); key = random.choice(fitted); f = math.exp(random.gauss(0, 0.25))
        if key == "fewstage": Q[key] = max(0.0, Q[key] + random.gauss(0, 0.1))
        elif key == "splitfix": Q[key] = max(0.0, Q[key] + random.gauss(0, 1))
        elif key in ("onewg", "npow2", "swap"): Q[key] = min(1.0, Q[key] * f)
        elif key == "fixed": Q[key] = min(6.0, Q[key] * f)
        elif key == "overlap": Q[key] = max(2.0, Q[key] * f)
        elif key == "boost": Q[key] = max(0.0, Q[key] + random.gauss(0, 0.1))
        else: Q[key] *= f
        o = objective(Q)
        if o < best: P, best = Q, o
    print("objective %.4f" % best)
    print(json.dumps({k: round(v, 6) for k, v in P.items()}, indent=1))
    save = [a for a in sys.argv[1:] if a.startswith("--save=")]
    if save:
        json.dump(P, open(save[0][len("--save="):], "w"))
    report(groups, P, "training logs:")
    if held:
        report(load(held + train, lambda path, r: (path in held or validation_row(r)) and cold(r))[1], P,
               "held-out logs (not fitted):", worst=15)

if __name__ == "__main__":
    main()
