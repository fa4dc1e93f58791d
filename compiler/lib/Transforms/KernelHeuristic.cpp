//===- KernelHeuristic.cpp - plans from a cost model ----------------------===//
//
// Hopper: every plan the sm90 template supports is a candidate; a cost model
// (waves on the device's SMs, the k-loop bound by MMA rate or by the SM's
// load rate, HBM bytes over bandwidth, split-K partials, the epilogue) picks
// one per token range, and neighbouring ranges that agree merge into one
// kernel. Ampere/Ada keep a two-row table. docs/passes.md explains the model;
// the constants are fitted to `mlpjit-bench --tune` logs on ../shared/models
// and checked on the validation configs (docs/performance.md).
//
//===----------------------------------------------------------------------===//
#include "mlpjit/Transforms/KernelHeuristic.h"

#include "TemplateFamily.h"

#include "mlpjit/Arch.h"

#include "mlpjit/gemm_config.h"
#include "mlpjit/sm90/launch.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <limits>

using namespace mlpjit;

KernelPlanner::~KernelPlanner() = default;

namespace {

const char *const kSm90Template = "sm90_tma_ws";
const char *const kSm90PingPongTemplate = "sm90_tma_ws_pingpong";
const char *const kSm80Template = "sm80_mma";
constexpr int64_t kTileK = 64;

struct Sm80Row {
  int64_t mMin, mMax; // mMax 0: no upper bound
  int64_t tileM, tileN, tileK, stages;
  bool splitK;
};
// Ampere/Ada, cp.async + mma.sync.
constexpr Sm80Row kSm80Rows[] = {
    {1, 64, 64, 128, 32, 4, true},
    {65, 0, 128, 128, 32, 3, false},
};

/// Token counts at which the Hopper planner compares candidates; the range
/// of each ends at its sample and starts after the previous one. From 128
/// to 640 tokens every 16 (kWideStep): wide swapAB tiles are sized for a
/// range's top (sm90Candidates), and tiles sized for 448 ran 5-10% slower
/// at M = 400 than tiles sized for 400 (qwen2.5-7b down 152x256 96.5 vs
/// 136x256 87.4 us, wide2.jsonl, session 15). In the whole forward,
/// 32-token ranges ran 0.89-0.98x the time of 64-token ones at M = 400,
/// 0.88-1.00x at 200 (session 16), and 16-token ones 0.92-1.00x the time of
/// 32-token ones at 200 and 300 over 12 points, none slower (session 18,
/// roles swapped between two processes). Session 16 kept 32: its model
/// overpriced ping-pong and took wide tiles at llama-3-8b's 289-304 that
/// ran 1.04x slower; session 17's refit keeps ping-pong there.
/// Then to 1024 every 64 (kPaddingStep): a range either pads 128-row token
/// tiles by more than half a tile everywhere or nowhere, so the ping-pong
/// 64-row plans that win in the first kind (M = 300: up to 1.2x faster
/// than 128-row tiles, fit13.jsonl) are not outvoted by the range's exact
/// multiple of 128 (one range for 257..384 kept 128-row tiles at M = 300).
/// From 1024 to 8192 every 128: there the tile count of a 128-token tile
/// changes at each multiple of 128, and with it the wave count, so wider
/// ranges averaged plans across wave jumps (M = 2500 in 2049..8192 ran the
/// down GEMM in 128x256 tiles, 3.03 waves rounded to 4, 15-23% slower than
/// 128x160 in the validation sweep, session 12; phi-3-mini-4k's down GEMM
/// at M = 1500 in 1281..1536's 128x128 tiles, 2.18 waves, 1.31x 128x96's,
/// session 36, when 1024..2048 went by 256).
constexpr int64_t kSampleTokens[] = {1, 8, 16, 24, 32, 48, 64, 96, 128};
// The wide swapAB candidates (sm90Candidates): token tiles of up to 160
// tokens to 640 tokens (four tiles), where the planner's ranges are
// kWideStep wide; then four tiles of up to 176 in the first 64-token range
// past it, 641-704 (the template holds up to sm90::kWideSwapTokens).
constexpr int64_t kWidePlannedTokens = 160, kWideLastTokens = 176;
constexpr int64_t kWideStep = 16, kWideEnd = 4 * kWidePlannedTokens,
                  kWideLastEnd = 4 * kWideLastTokens;
constexpr int64_t kPaddingStep = 64, kPaddingEnd = 1024;
constexpr int64_t kFineStep = 128, kFineEnd = 8192;
constexpr int64_t kLargeSampleTokens[] = {12288, 16384};

const std::vector<int64_t> &sampleTokens() {
  static const std::vector<int64_t> samples = [] {
    std::vector<int64_t> out(std::begin(kSampleTokens),
                             std::end(kSampleTokens));
    for (int64_t t = out.back() + kWideStep; t <= kWideEnd; t += kWideStep)
      out.push_back(t);
    for (int64_t t = out.back() + kPaddingStep; t <= kPaddingEnd;
         t += kPaddingStep)
      out.push_back(t);
    for (int64_t t = out.back() + kFineStep; t <= kFineEnd; t += kFineStep)
      out.push_back(t);
    out.insert(out.end(), std::begin(kLargeSampleTokens),
               std::end(kLargeSampleTokens));
    return out;
  }();
  return samples;
}
/// A plan carries over into the next smaller range when it costs at most
/// this much more there than that range's best: fewer kernels to compile.
/// Above 64 tokens the slack is smaller: there every carry timed lost to
/// the range's own winner (llama-3.1-405b gate-up at M = 300 20%, the
/// llama-3-70b tp8 shard's gate-up at M = 700 9% in the whole forward,
/// 1.04 against 1.02; session 14). At 64 tokens or fewer the carried
/// unsplit gated plan is right where the model prefers split-K by less
/// than 4% (tp8 at M = 1: 48.6 carried vs 50.8 us split 2).
constexpr double kMergeSlack = 1.04;
constexpr double kMergeSlackAbove64 = 1.02;
/// Ranges starting above this many tokens keep their own winner: carries
/// there (128x256 gate-up tiles into 1409..1536, cluster plans into odd
/// token-tile counts, wider down tiles) ran the whole forward 1.016x slower
/// (geometric mean, 7 configs x 1500-6000 tokens, up to 1.05, none faster
/// by over 1%; H100, session 38). Adjacent ranges with one plan still
/// merge: 4-52 more plans a config, but ranges planned alike share one
/// compiled kernel (collectKernels).
constexpr int64_t kCarryEnd = kPaddingEnd;
/// When ranking, the estimate of a gated GEMM's split-K plan counts this much
/// more: it must be predicted 3% faster than the best unsplit plan to win.
/// Where the model tied them, the split plan ran slower: tp8 gate-up at M =
/// 256, 128x224 split 2 51.3 us vs 128x128 unsplit 48.1 (calib8; in the whole
/// forward 74.1 vs 69.7 us, session 7), and at M = 16 swapAB 16x128 split 2
/// 35.7 vs 8x128 unsplit 33.6 (calib7). In the tuner logs it changes no pick
/// for the worse. Not for the plain down GEMM: there unsplit plans the model
/// ties with split ones ran up to 1.8x slower (llama-2-7b at M = 48, 64x64
/// unsplit 30.8 vs split 2 27.0 us; gemma-2-2b 23.5 vs 13.3; session 8).
constexpr double kSplitKMargin = 1.03;

llvm::Error planError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

/// The compute capability of an arch name (Arch.h), or 0 when it does not
/// parse (the planner then names the arch in its error).
int smVersion(llvm::StringRef arch) {
  auto parsed = Arch::parse(arch);
  if (!parsed) {
    llvm::consumeError(parsed.takeError());
    return 0;
  }
  return parsed->sm;
}

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// The template constants of `plan` for `p`, as launch.h sees them.
GemmConfig sm90Config(const GemmProblem &p, const KernelPlan &plan) {
  KernelDesc desc;
  desc.shape() = p;
  desc.plan() = plan;
  desc.hasBias = p.hasBias;
  return toGemmConfig(desc);
}

/// Fraction of the SM's MMA rate a tile sustains: narrow wgmma N pays the
/// instruction's fixed cost on little work, one consumer warpgroup hides
/// less of the k-loop's waits than two.
double mmaEfficiency(const DeviceModel &dev, int64_t mmaRows, int64_t mmaCols) {
  double eff = double(mmaCols) / (double(mmaCols) + dev.mmaColumnOverhead);
  if (mmaRows < 128)
    eff *= dev.oneWarpgroupEfficiency;
  if (mmaCols & (mmaCols - 1))
    eff *= dev.nonPowerOfTwoEfficiency;
  return eff;
}

/// The swapAB token tile for m tokens: the narrowest wgmma N that holds
/// them all, so the weights stream once.
int64_t swapTokenTile(int64_t m) {
  for (int w : sm90::kWgmmaN)
    if (w >= m)
      return w;
  return std::end(sm90::kWgmmaN)[-1];
}

/// Token tiles of 128 from which 2x1 clusters are a candidate. At 12 they
/// gained nothing: cluster / no cluster 0.96-1.11 on the H200 (calib3,
/// val-calib: 6 pairs at 1500-1536), 0.99-1.01 on the H100 (4 pairs at 1500,
/// session 36); at 15 they lost 7.5-8% (the odd tile, H100); from 20 they
/// gain up to 7% (H100, H200). In the whole forward (H100, session 37, 11
/// configs at 1200-1900 tokens against the plans from 12 tiles pinned): new
/// / old 0.995 geometric mean over 44 points, 0.946-1.012.
constexpr int64_t kClusterMinTokenTiles = 16;

/// Whether 2x1 clusters are a candidate for `plan` (clusterM 2) at m
/// tokens: gated GEMMs only, from kClusterMinTokenTiles token tiles of 128
/// and two waves of tiles (sm90Candidates says why).
bool clustersPay(const GemmProblem &p, const KernelPlan &plan, int64_t m) {
  const int64_t tokenTiles = ceilDiv(m, plan.tileM);
  return isGated(p.epilogue) && !plan.swapAB && plan.tileM == 128 &&
         plan.tileN >= 128 && tokenTiles >= kClusterMinTokenTiles &&
         tokenTiles * ceilDiv(p.n, plan.tileN) >= 2 * p.device.smCount;
}

} // namespace

DeviceModel DeviceModel::forGpu(int smCount, double memoryGBs) {
  DeviceModel d;
  const double sms = smCount > 0 ? smCount : kFittedSmCount;
  const double gbs = memoryGBs > 0 ? memoryGBs : kFittedMemoryGBs;
  // The SM count exactly (it sets the wave counts), the bandwidth within 1%.
  if (sms == kFittedSmCount && std::abs(gbs / kFittedMemoryGBs - 1) < 0.01)
    return d;
  d.smCount = int(sms);
  d.mmaTflops *= sms / kFittedSmCount;
  d.l2GBs *= sms / kFittedSmCount;
  d.hbmGBs *= gbs / kFittedMemoryGBs;
  d.largeWeightPingPongScale = std::pow(gbs / kFittedMemoryGBs, 0.4872);
  d.gatedPingPongScale = std::pow(kFittedMemoryGBs / gbs, 0.14);
  return d;
}

std::pair<int64_t, int64_t> mlpjit::plannerRangeOf(int64_t m) {
  int64_t lo = 1;
  for (int64_t sample : sampleTokens()) {
    if (m <= sample)
      return {lo, sample};
    lo = sample + 1;
  }
  return {lo, std::numeric_limits<int64_t>::max()};
}

double mlpjit::estimateMicros(const GemmProblem &p, const KernelPlan &plan,
                              int64_t m) {
  const DeviceModel &dev = p.device;
  const GemmConfig cfg = sm90Config(p, plan);
  const int64_t tm = plan.tileM, tn = plan.tileN, cluster = plan.clusterM;
  const bool streamK = plan.splitK == kStreamK;
  const int64_t s = streamK ? 1 : plan.splitK;
  // A 2x1 cluster's CTAs take adjacent token tiles: an odd count leaves one
  // CTA without tokens, which still holds an SM.
  const int64_t tiles =
      ceilDiv(ceilDiv(m, tm), cluster) * cluster * ceilDiv(p.n, tn);
  const int64_t kTiles = ceilDiv(p.k, kTileK);
  const int64_t units = tiles * s;
  const int64_t kPer = ceilDiv(kTiles, s);
  const int64_t perSm = int64_t(sm90::ctasPerSm(cfg));
  // 2x1 clusters: a GPC with an odd number of SMs leaves one idle.
  const int64_t slots = int64_t(dev.smCount) / cluster * cluster * perSm;
  const int64_t waves = ceilDiv(units, slots);
  const int64_t active = std::min(units, slots);
  // Stream-K: whole waves, then the rest cut into aligned K pieces dealt
  // round robin (streamKSplit); each piece writes a partial, the last of a
  // tile reads them all.
  const StreamKSplit split =
      streamK ? streamKSplit(uint64_t(tiles), unsigned(kTiles), unsigned(slots))
              : StreamKSplit{};
  const bool pieces = streamK && split.streamTiles > 0 && split.pieces > 1;
  const int64_t streamUnits =
      streamK ? int64_t(split.streamTiles) * int64_t(split.pieces) : 0;

  // One k-tile of one CTA: its MMAs, or moving its A and B tiles into
  // shared memory, whichever is slower (the pipeline overlaps the two).
  // Ping-pong's two consumers keep the MMAs as busy as a 128-row tile's.
  const bool pingPong = cfg.pingPong;
  const int64_t mmaRows = pingPong ? 128 : plan.swapAB ? tn : tm;
  const int64_t mmaCols = plan.swapAB ? tm : tn;
  const double ctaSlots = double(dev.smCount * perSm);
  const double ctaFlopsPerUs =
      dev.mmaTflops * 1e6 / dev.smCount / double(perSm) *
      mmaEfficiency(dev, mmaRows, mmaCols) *
      (sm90::wideSwap(cfg) ? dev.wideSwapEfficiency
       : plan.swapAB
           ? dev.swapEfficiency * (m > 128 ? dev.midSwapEfficiency : 1.0)
           : 1.0) *
      (!pingPong ? 1.0
       : isGated(p.epilogue)
           ? dev.gatedPingPongEfficiency * dev.gatedPingPongScale
       : sm90::weightsOutgrowL2(cfg)
           ? dev.pingPongEfficiency * dev.largeWeightPingPongScale
           : dev.pingPongEfficiency) *
      (1.0 + dev.powerBoost * (1.0 - double(active) / ctaSlots));
  const double kTileFlops = 2.0 * double(tm * tn * kTileK);
  // What one CTA pulls from L2 per k-tile: a cluster's CTAs each load
  // 1/cluster of the weight tile and multicast it.
  const double kTileBytes = double((tm + tn / cluster) * kTileK * 2);
  const double ctaLoadBytesPerUs = dev.smLoadGBs * 1e3 / double(perSm);
  double kTileUs =
      std::max(kTileFlops / ctaFlopsPerUs, kTileBytes / ctaLoadBytesPerUs);
  // A shallow ring cannot cover the TMA latency.
  if (plan.stages < 4)
    kTileUs *= 1.0 + dev.fewStagePenalty * double(4 - plan.stages);
  // Epilogue: activation and stores of the tile, not overlapped with MMAs;
  // stores from registers (swapAB, output not whole 64-column subtiles)
  // cost more than the TMA store's shared-memory staging.
  // Narrow swapAB tiles of the plain GEMM store with TMA since session 19.
  // Above 128 tokens they are priced so: there the tuner rows of that
  // kernel put the model's pick within 1% of the fastest on the validation
  // configs' down GEMMs (tune19v.jsonl, not fitted: regret 1.080 -> 1.001
  // over 24 GEMMs, with the planned range below). Up to 128 tokens
  // swapEfficiency was fitted on their register stores and stays so until refit
  // on the new kernel's timings.
  const bool pricedAsTmaStore =
      sm90::storesWithTma(cfg) && (!plan.swapAB || sm90::wideSwap(cfg) ||
                                   (sm90::transposedStore(cfg) && m > 128));
  double epilogueUs = double(tm * tn) * dev.epilogueUsPerElement *
                      (pricedAsTmaStore ? 1.0 : dev.registerStoreCost);
  // Split-K: each split writes an fp32 partial, the last one reads them all.
  if (s > 1)
    epilogueUs +=
        double((s + 1) * tm * tn * 4) / ctaLoadBytesPerUs + dev.splitKFixedUs;
  double smUs = double(waves) * (double(kPer) * kTileUs + epilogueUs);
  // Ping-pong: a consumer's epilogue runs beside the other's k-loop; the
  // longer of the two sets the pace, the CTA's last epilogue is exposed.
  if (pingPong) {
    const double kLoopUs = double(kPer) * kTileUs;
    smUs = double(waves) * std::max(kLoopUs, epilogueUs) +
           std::min(kLoopUs, epilogueUs);
  }
  if (cluster > 1)
    smUs *= dev.clusterGain;
  if (streamK) {
    // Whole waves, then the busiest CTA's rounds of pieces.
    const int64_t rounds = ceilDiv(streamUnits, slots);
    smUs = double(split.wholeTiles / slots) *
               (double(kTiles) * kTileUs + epilogueUs) +
           double(rounds) * (double(split.perPiece) * kTileUs + epilogueUs);
    if (pieces)
      smUs += double(rounds) * double((split.pieces + 1) * tm * tn * 4) /
                  ctaLoadBytesPerUs +
              dev.splitKFixedUs;
  }

  // HBM: weights and activations once, the output, split-K partials, at
  // the rate the active CTAs' loads in flight sustain (Little's law).
  const int64_t outCols = isGated(p.epilogue) ? p.n / 2 : p.n;
  double bytes = 2.0 * double(p.n * p.k + m * p.k + m * outCols);
  if (s > 1)
    bytes += 2.0 * double(units * tm * tn * 4);
  if (pieces)
    bytes += 2.0 * double(streamUnits * tm * tn * 4);
  // A last, partial wave's CTAs stream their share alone: 6 CTAs after a
  // wave of 132 (llama-2-7b's gate-up in 64x160 tiles at 5 tokens) ran 1.17x
  // the one-wave tiles' time (tune35v.jsonl).
  const auto hbmBytesPerUs = [&](int64_t ctas) {
    return std::min(dev.hbmGBs * 1e3, double(ctas) * double(plan.stages) *
                                          kTileBytes / dev.hbmLatencyUs);
  };
  const int64_t fullWaveUnits = units / slots * slots;
  const int64_t tailUnits = units - fullWaveUnits;
  const double unitBytes = bytes / double(units);
  double hbmUs = unitBytes * double(fullWaveUnits) / hbmBytesPerUs(slots);
  if (tailUnits > 0)
    hbmUs += unitBytes * double(tailUnits) / hbmBytesPerUs(tailUnits);
  // L2 -> shared memory: every unit's tiles, re-reads included (token tiles
  // re-read the weights, weight tiles the tokens).
  const double l2Us = double(units * kPer) * kTileBytes / (dev.l2GBs * 1e3);
  // A p-norm rather than the max: the limits overlap imperfectly, so among
  // plans bound by the same one, the plan that also moves fewer bytes or
  // MMAs wins (ties under max() picked 1.1-1.4x slower plans at M <= 300).
  const double q = dev.overlapNorm;
  return dev.fixedUs + std::pow(std::pow(smUs, q) + std::pow(hbmUs, q) +
                                    std::pow(l2Us, q),
                                1.0 / q);
}

double mlpjit::rankMicros(const GemmProblem &p, const KernelPlan &plan,
                          int64_t m) {
  const double margin =
      plan.splitK > 1 && isGated(p.epilogue) ? kSplitKMargin : 1.0;
  return margin * estimateMicros(p, plan, m);
}

namespace {

/// The planner's narrow swapAB tiles stop here, but for the whole-K ones
/// in (kNarrowSwapPlannedEnd + 32, kNarrowSwapTokensEnd] (narrowSwapPlanned);
/// the tuner times them up to kNarrowSwapTokensEnd tokens
/// (narrowSwapTokenTiles).
constexpr int64_t kNarrowSwapPlannedEnd = 224;
constexpr int64_t kNarrowSwapTokensEnd = 320;

/// Whether narrow swapAB plans above 128 tokens that split K `splitK` ways
/// are planner candidates at m tokens (sm90Candidates says why).
bool narrowSwapPlanned(int64_t m, int64_t splitK) {
  return m <= kNarrowSwapPlannedEnd ||
         (m > kNarrowSwapPlannedEnd + 32 && m <= kNarrowSwapTokensEnd &&
          splitK == 1);
}

/// Ping-pong swapAB (one consumer warpgroup per 128-row weight tile, the
/// two on alternate tiles; sm90::swapPingPong) is the plan of gated GEMMs
/// over K >= kPingPongSwapMinK at 257-320 tokens (two token tiles of
/// 136-160). cuBLASLt's 128x152 kernels at llama-3-70b's 300 tokens are
/// laid out so (ncu, session 43), and pinned over the committed plans (wide
/// 256-row swapAB gate-ups) the whole forward ran 1.07x (272 tokens) and
/// 1.08x (300) faster on llama-3-70b (0.95 -> 1.03 against cuBLASLt at
/// 300), 1.01x and 1.03x on its tp8 shard (H100). Over shorter K it lost:
/// mistral-7b and phi-3-mini 0.97-0.99 (K = 4096, 3072). The model does not
/// price it (no tuner rows yet), so the rule picks it; the tuner times it.
/// Also at 193-208 tokens (two token tiles of 104; on llama-3-70b the
/// planned wide swapAB tiles are 448 for 132 SMs, 3.4 waves, ping-pong's
/// 896 half as wide 6.8; session 44, pinned, H100): llama-3-70b 0.94x the
/// time, its tp8 shard 0.98x, llama-3.1-405b (validation) 0.977x. Not at
/// 129-176 (one token tile: llama-3-70b 1.04x at 144 and 176, the tp8 shard
/// 1.08x and 1.24x) nor at 240-256 (0.99-1.04x), where the planned tiles
/// fill their waves; 209-224 was not timed.
constexpr int64_t kPingPongSwapMinK = 8192;
constexpr int64_t kPingPongSwapTwoTiles104Begin = 193,
                  kPingPongSwapTwoTiles104End = 208;
bool pingPongSwapPlanned(const GemmProblem &p, int64_t m) {
  return isGated(p.epilogue) && p.k >= kPingPongSwapMinK &&
         ((m >= kPingPongSwapTwoTiles104Begin &&
           m <= kPingPongSwapTwoTiles104End) ||
          (m > kNarrowSwapPlannedEnd + 32 && m <= kNarrowSwapTokensEnd));
}
bool isPingPongSwap(const KernelPlan &k) {
  return k.swapAB && k.templateName == kSm90PingPongTemplate;
}

/// Token tiles of the narrow swapAB tiles (128 weight rows) above 128 tokens,
/// up to kNarrowSwapTokensEnd: m in one or two tiles of ceil(m / t) rounded
/// up to 8, 72-160 (one tile above 160 tokens is too wide).
std::vector<int64_t> narrowSwapTokenTiles(int64_t m) {
  std::vector<int64_t> out;
  if (m <= 128 || m > kNarrowSwapTokensEnd)
    return out;
  for (int64_t t = 1; t <= 2; ++t) {
    const int64_t tm = ceilDiv(ceilDiv(m, t), 8) * 8;
    if (tm >= 72 && tm <= 160)
      out.push_back(tm);
  }
  return out;
}

/// Whether a whole-K plan of tileM x tileN tiles is no candidate at m
/// tokens: a plain GEMM whose tiles fill under a third of the SMs where K
/// splits in two (at least 4 k-tiles each). Each CTA then waits on its own
/// ring (ncu, gpt2's down GEMM at 300 tokens in 40 CTAs: DRAM 13% busy,
/// issue slots 75% idle). In every tuner log (H100 and H200, 32 (shape,
/// GEMM, M) points) the fastest split plan beat the fastest such plan,
/// cooperative or ping-pong, by 1.13-3.4x; the model ties some (gpt2 at
/// 300: 64x96 whole K 11.0 us, 64x64 split 2 8.7, both priced 9.7; the
/// forward 1.12x faster with the split, session 37). Over K >= 4096 (64
/// k-tiles) also under half the SMs: such CTAs stream 1.1-1.2x slower than
/// priced on both GPUs (llama-2-7b's down GEMM at 48 tokens, 64 CTAs of
/// 64x64: 39.0 us on the H100 against 35.2 split 2, priced 34.5 and 35.7;
/// llama-3-8b's on the H200 39.0 against 33.3). In the tuner logs it
/// changes picks only at 48 tokens on the H100, each to a faster plan
/// (regret 1.0152 -> 1.0150 training, 1.0145 -> 1.0136 held out; session
/// 41), and planner ranges only at 33-64 tokens on the H100.
bool wholeKLatencyBound(const GemmProblem &p, int64_t m, int64_t tileM,
                        int64_t tileN, bool swap) {
  const int64_t tiles = ceilDiv(m, tileM) * ceilDiv(p.n, tileN);
  const int64_t sms = p.device.smCount, kTiles = ceilDiv(p.k, kTileK);
  return !isGated(p.epilogue) && !swap &&
         ((3 * tiles < sms && kTiles >= 8) ||
          (2 * tiles < sms && kTiles >= 64));
}

/// Appends the sm90 plans of one tile shape at m tokens: whole K, then each
/// split-K that leaves no split empty, with the deepest pipeline that fits;
/// and its 2x1-cluster copy where clusters pay.
void addTilePlans(std::vector<KernelPlan> &out, const GemmProblem &p, int64_t m,
                  int64_t tileM, int64_t tileN, bool swap, bool splitK = true,
                  const char *templateName = kSm90Template) {
  const int64_t kTiles = ceilDiv(p.k, kTileK);
  const int64_t tiles = ceilDiv(m, tileM) * ceilDiv(p.n, tileN);
  // Split-K only where the tiles alone leave SMs idle: its partials cost
  // more than a second wave saves (H200: 904 vs 722 us at M = 4096).
  const bool fewTiles = splitK && tiles < int64_t(p.device.smCount);
  const size_t whole = out.size(); // where the splitK 1 plan lands
  for (int64_t s : {1, 2, 3, 4, 6, 8}) {
    if (s == 1 && wholeKLatencyBound(p, m, tileM, tileN, swap))
      continue;
    if (s > 1 &&
        (!fewTiles || kTiles / s < 4 || (s - 1) * ceilDiv(kTiles, s) >= kTiles))
      break; // too little k-loop to amortize a partial, or an empty split
    KernelPlan plan{templateName,   /*mMin=*/1, /*mMax=*/1,   tileM,
                    tileN,          kTileK,     /*stages=*/8, /*clusterM=*/1,
                    /*clusterN=*/1, s,          swap};
    // The deepest pipeline that fits shared memory.
    for (plan.stages = 8; plan.stages >= 2; --plan.stages)
      if (!sm90::supports(sm90Config(p, plan)))
        break;
    if (plan.stages >= 2)
      out.push_back(plan);
  }
  // Stream-K (splitK 0) is not a candidate: on the H200 it lost to whole
  // tiles or split-K in every calibrated case, v7's aligned last-wave
  // pieces included (gate-up at M = 256: 137 vs 108 us; their fp32
  // partials cost more than the wave they save; docs/performance.md), and
  // at M <= 16 the whole forward ran 1-18% slower with it (session 25).
  // 2x1 clusters halve the weight tile's L2 reads: 1-4% faster for gated
  // GEMMs with many token tiles (M >= 1536 on the H200; from 16 tiles since
  // session 37: kClusterMinTokenTiles), slower with fewer (an odd
  // count idles a CTA: 1.2-1.7x at M = 384) and for the plain down GEMM
  // (0-12% slower; calib3.jsonl). The splitK 1 plan, in clusters. Not
  // even for the tuner with fewer token tiles: at the steady clock every
  // cluster candidate lost at M = 256 (gate-up 1.1-1.4x, calib10/12),
  // split-K in clusters too (the down GEMM 1.03-1.3x, calib12), though
  // the same kernels win right after an idle GPU (harness: 53.9 vs
  // 58.5 us; whole forward at --settle-ms 0: 152.8 vs 159.5 us, at 400:
  // 169.1 vs 159.3; docs/results/2026-12-03-h200-s10). Tuning files may
  // still ask for either.
  if (out.size() > whole && out[whole].splitK == 1) {
    KernelPlan plan = out[whole];
    plan.clusterM = 2;
    if (clustersPay(p, plan, m) && !sm90::supports(sm90Config(p, plan)))
      out.push_back(plan);
  }
}

/// Appends the ping-pong swapAB plans at m tokens: whole K, the narrow
/// token tiles (narrowSwapTokenTiles) the template holds.
void addPingPongSwapPlans(std::vector<KernelPlan> &out, const GemmProblem &p,
                          int64_t m) {
  for (const int64_t tm : narrowSwapTokenTiles(m))
    if (tm <= sm90::kPingPongSwapTokens)
      addTilePlans(out, p, m, tm, 128, /*swap=*/true, /*splitK=*/false,
                   kSm90PingPongTemplate);
}

} // namespace

std::vector<KernelPlan> mlpjit::sm90Candidates(const GemmProblem &p,
                                               int64_t m) {
  std::vector<KernelPlan> out;
  if (smVersion(p.arch) != 90)
    return out;
  const bool gated = isGated(p.epilogue);
  auto add = [&](int64_t tileM, int64_t tileN, bool swap, bool splitK = true,
                 const char *templateName = kSm90Template) {
    addTilePlans(out, p, m, tileM, tileN, swap, splitK, templateName);
  };
  // swapAB up to 128 tokens (its 192/256-token tiles lost up to 1.45x to
  // 128x128 tiles at M = 256), 64-token tiles without it from 33 tokens.
  // Gated swapAB tiles hold 128 weight rows (gate and up), so two token
  // tiles are how they double the CTAs without split-K's partials, where
  // both fit in one wave: the second read of each weight tile hits L2
  // while the first is in flight (tp8 gate-up, M = 64: 32 vs 64 tokens,
  // 32.7 vs 35.3 us; with more waves the re-reads go to HBM: llama-3-8b,
  // 66.6 vs 61.5 us). Split as well, they lost everywhere; the plain GEMM
  // doubles its CTAs with 64-row weight tiles instead (calib.jsonl).
  if (m <= 128)
    for (int64_t tn : {64, 128}) {
      add(swapTokenTile(m), tn, /*swap=*/true);
      const int64_t half = swapTokenTile(ceilDiv(m, 2));
      if (gated && m > 8 && half < swapTokenTile(m) &&
          2 * ceilDiv(p.n, tn) <= int64_t(p.device.smCount))
        add(half, tn, /*swap=*/true, /*splitK=*/false);
    }
  // Wide swapAB (256 weight rows by up to 160-176 tokens, launch.h) for the
  // middle token counts, where the narrow swapAB tiles stop: m in one to
  // four token tiles of ceil(m / t) rounded up to 8 (M = 300 as 2 x 152,
  // cuBLAS's tile there). At M = 300 they were the fastest candidate for
  // qwen2.5-7b's down GEMM (72.5 vs 78.6 us ping-pong) and the tp8 gate-up
  // (64.4 vs 69.0), not elsewhere (wide1.jsonl, session 15); in the whole
  // forward the plans with them ran 0.87-1.01x the time of those without
  // at M = 300 and 400. From 129 tokens since the ranges there are 32
  // tokens wide: planned at 192 (2 x 96 tokens) llama-3-8b ran 1.03x slower
  // at M = 160, planned at 160 (2 x 80) 0.95-1.01x and llama-3.1-405b 0.89
  // (session 16, whole forward against session 15's plans).
  // Narrow swapAB tiles (128 weight rows) of the plain GEMM from 129 to 224
  // tokens: one or two token tiles of 72-160 (cuBLASLt's 128x104 tiles for
  // the tp8 down GEMM at M = 200). Since they store with TMA they were the
  // fastest candidate of 9 of 12 validation down GEMMs at M = 160 and 200,
  // up to 1.5x faster than the planned tile (tune19v.jsonl); planned with
  // midSwapEfficiency, the whole forward ran 0.94-1.02x the time of the
  // plans without them at 12 points (session 19, call 4). Gated ones, with
  // the ring depth their 8 KiB gate/up exchange leaves (session 22: 8
  // stages at 72-88 tokens, 7 at 96-120), were the fastest tp8 gate-up at
  // 144, 176 and 208 tokens (36.0 vs 42.0 us at 144; tune22.jsonl) and made
  // its forward 1.10x faster at 144-160 (call 7); with the old depths they
  // lost to wide swapAB and ping-pong on 16 of 17 fit-set gate-ups.
  // Planned up to 224 tokens, in one wave of one CTA per SM: with the
  // model pricing their TMA stores (session 20) the planner took them at
  // 225-256 tokens as 120-128-token tiles, and where two CTAs of them share
  // an SM (gemma-2-27b and qwen2.5-32b at 200, 104x128 split 3: 240 CTAs);
  // there the whole forward ran 1.02-1.05x the time of the plans without
  // them (6 of 8 changed points at M = 256, both at 200), though 0.82-0.97x at
  // 160 and 200 on the small models (call 2). With both rules, 0.958x
  // over the 25 changed points timed at 144-224 (calls 2-3).
  // At 257-320 tokens (two token tiles of 136-160) whole-K ones too, where
  // they fill one wave: cuBLASLt's kernels for the tp8 shard at 300 tokens
  // are such tiles (ncu, session 42: gate-up 128x152, 6 stages, in 4x2
  // clusters; down 128x152 in 2x1), and the shard's forward ran 1.07x faster
  // with 152x128 for both GEMMs (6 and 5 stages, no cluster) than with the
  // wide 80x256 tiles of 4 stages planned before (104.1 -> 97.4 us on the
  // H100; cuBLASLt merged 96.0). Not at 225-256: there the tuner's gated
  // 120x128 ran 1.02x (H100) and 1.10x (H200) behind the 64x224 plan
  // (tp8 shard at 240), and session 20's split ones lost in the forward.
  if (m <= kNarrowSwapTokensEnd) {
    std::vector<KernelPlan> narrow;
    const std::vector<int64_t> tokenTiles = narrowSwapTokenTiles(m);
    for (const int64_t tm : tokenTiles)
      addTilePlans(narrow, p, m, tm, 128, /*swap=*/true);
    llvm::erase_if(narrow, [&](const KernelPlan &k) {
      return ceilDiv(m, k.tileM) * ceilDiv(p.n, k.tileN) * k.splitK >
                 int64_t(p.device.smCount) ||
             !narrowSwapPlanned(m, k.splitK);
    });
    llvm::append_range(out, narrow);
  }
  // Ping-pong swapAB where it is the plan (pingPongSwapPlanned); the
  // planner picks among these there.
  if (pingPongSwapPlanned(p, m))
    addPingPongSwapPlans(out, p, m);
  // Four 176-token tiles hold 704 tokens, where 128-row tiles pad 700 to
  // 768 rows: at 700 tokens on the H100 they ran the down GEMM of
  // llama-3-70b 7% and llama-3.1-405b 6% faster than the fastest other
  // candidate, and lost by 1.8-2.6x where 4 x N / 256 CTAs leave most SMs
  // idle (the down GEMMs of 3072-4096 outputs; session 29).
  if (m > 128 && m <= kWideLastEnd)
    for (int64_t t = 1; t <= 4; ++t) {
      const int64_t tm = ceilDiv(ceilDiv(m, t), 8) * 8;
      if (tm >= 64 &&
          tm <= (m > kWideEnd ? kWideLastTokens : kWidePlannedTokens))
        add(tm, 256, /*swap=*/true);
    }
  // Weight tiles without swapAB: the powers of two and the wgmma N between
  // them in steps of 32 from 96 (192 and 224 fill the last wave).
  constexpr int kWeightTiles[] = {64, 96, 128, 160, 192, 224, 256};
  if (m > 32)
    for (int64_t tm : {64, 128})
      for (int tn : kWeightTiles)
        if (!gated || tn % (2 * p.interleaveRows) == 0)
          add(tm, tn, /*swap=*/false);
  // 64x64 tiles, the least MMA per byte loaded, above 64 tokens only split:
  // unsplit they re-read the weights per 64 tokens and lost wherever timed,
  // 1.7-1.9x the fastest candidate on all 10 fit-set GEMMs at M = 100-500
  // (fit13, narrow160, tune100-200), which the model prices 1.1-1.4x too
  // cheap; planned after the session-17 refit for small models they ran
  // the whole forward 1.09-1.15x slower (validation configs at M = 100-256,
  // call 2).
  if (m > 64)
    llvm::erase_if(out, [](const KernelPlan &k) {
      return !k.swapAB && k.tileM == 64 && k.tileN == 64 && k.splitK == 1;
    });
  // Ping-pong: 64-row tiles, two per CTA in flight, whole K (it overlaps
  // the epilogue; splitting K is for too few tiles, where it has nothing to
  // overlap), wide weight tiles (the L2 reads per MMA grow as tiles
  // narrow). Where 128-row tiles pad the tokens it wins: at M = 300 it was
  // the fastest candidate for 9 of 10 fit-set GEMMs, up to 1.2x faster than
  // the 128-row plan picked before (fit13.jsonl, session 13); at M >= 1024
  // cooperative 128x256 tiles win (gate-up at M = 1024: 575 vs 732 TFLOP/s,
  // session 6), which the model sees as well, but for the plain down GEMM: from
  // 1024 tokens ping-pong lost at all 8 points timed (1.05-1.48x; calib6,
  // val-calib12b) where the model picks it for some shapes, so there it is no
  // candidate.
  if (m > 64 && (gated || m < 1024))
    for (int tn : kWeightTiles)
      if (tn >= 128 && (!gated || tn % (2 * p.interleaveRows) == 0))
        add(64, tn, /*swap=*/false, /*splitK=*/false, kSm90PingPongTemplate);
  return out;
}

llvm::Expected<std::vector<KernelPlan>>
HeuristicKernelPlanner::plan(const GemmProblem &p) const {
  if (p.n <= 0 || p.k <= 0 || p.n % 8 != 0 || p.k % 8 != 0)
    return planError("N = " + llvm::Twine(p.n) +
                     " and K = " + llvm::Twine(p.k) +
                     " must be positive multiples of 8 (16-byte rows)");
  if (p.mMin < 1 || p.mMax < p.mMin)
    return planError("empty token range [" + llvm::Twine(p.mMin) + ", " +
                     llvm::Twine(p.mMax) + "]");
  const int sm = smVersion(p.arch);
  if (sm != 90 && !(sm >= 80 && sm <= 89))
    return planError("no kernel template for arch '" + p.arch +
                     "' (supported: sm_80..sm_89, sm_90, sm_90a)");
  // Gated epilogues read gate and up columns in blocks of 8, 16, 32 or 64
  // rows (KernelDesc.h), whole block pairs per tile.
  if (isGated(p.epilogue) && (!isSupportedGateUpBlock(p.interleaveRows) ||
                              p.n % (2 * p.interleaveRows) != 0))
    return planError(llvm::Twine("gated epilogue ") + toString(p.epilogue) +
                     " needs weights interleaved in blocks of 8, 16, 32 or "
                     "64 rows that divide N/2, got " +
                     llvm::Twine(p.interleaveRows));

  std::vector<KernelPlan> plans;
  if (sm != 90) {
    for (const Sm80Row &row : kSm80Rows) {
      int64_t lo = std::max(row.mMin, p.mMin);
      int64_t hi = row.mMax == 0 ? p.mMax : std::min(row.mMax, p.mMax);
      if (lo > hi)
        continue;
      KernelPlan plan;
      plan.templateName = kSm80Template;
      plan.mMin = lo;
      plan.mMax = hi;
      plan.tileM = row.tileM;
      plan.tileN = row.tileN;
      plan.tileK = row.tileK;
      plan.stages = row.stages;
      plan.splitK = row.splitK ? chooseSplitK(p.n, p.k, row.tileN, row.tileK,
                                              ceilDiv(hi, row.tileM))
                               : 1;
      plans.push_back(plan);
    }
    return plans;
  }

  // The planner ranges (plannerRangeOf) clipped to [mMin, mMax].
  std::vector<std::pair<int64_t, int64_t>> ranges;
  for (int64_t lo = p.mMin;;) {
    const int64_t hi = std::min(plannerRangeOf(lo).second, p.mMax);
    ranges.push_back({lo, hi});
    if (hi == p.mMax)
      break;
    lo = hi + 1;
  }

  // A range's cost of a plan: the mean over its ends and middle of the
  // estimate relative to the best candidate there (wave counts jump inside
  // a range, so no single token count stands for it).
  using Estimates = std::array<double, 3>;
  auto estimates = [&](const KernelPlan &plan, int64_t rLo, int64_t rHi) {
    return Estimates{rankMicros(p, plan, rLo),
                     rankMicros(p, plan, (rLo + rHi) / 2),
                     rankMicros(p, plan, rHi)};
  };
  auto score = [](const Estimates &e, const Estimates &best) {
    return (e[0] / best[0] + e[1] / best[1] + e[2] / best[2]) / 3;
  };
  // From the largest range down: a plan carried into a smaller range stays
  // valid there (its swapAB token tile still holds every token, its tiles
  // still leave SMs idle where it splits K).
  for (auto [rLo, rHi] : llvm::reverse(ranges)) {
    // The candidates of the range's top end serve the whole range.
    std::vector<KernelPlan> candidates = sm90Candidates(p, rHi);
    if (candidates.empty())
      return planError("the sm90 template supports no plan for N = " +
                       llvm::Twine(p.n) + ", K = " + llvm::Twine(p.k));
    // Where ping-pong swapAB is the plan, the winner is one of those.
    const bool pingPongSwap =
        pingPongSwapPlanned(p, rHi) && llvm::any_of(candidates, isPingPongSwap);
    if (pingPongSwap)
      llvm::erase_if(candidates,
                     [](const KernelPlan &k) { return !isPingPongSwap(k); });
    std::vector<Estimates> est;
    Estimates best = {INFINITY, INFINITY, INFINITY};
    for (const KernelPlan &c : candidates) {
      est.push_back(estimates(c, rLo, rHi));
      for (int i = 0; i < 3; ++i)
        best[i] = std::min(best[i], est.back()[i]);
    }
    size_t winner = 0;
    for (size_t c = 1; c < candidates.size(); ++c)
      if (score(est[c], best) < score(est[winner], best))
        winner = c;
    const double winnerScore = score(est[winner], best);
    // Keep the larger range's plan when it is nearly as good here and its
    // token tile at most twice as wide as the tokens (the model sees HBM
    // and MMA time overlap; wasted MMAs on padding did not, on the H200).
    if (!plans.empty()) {
      KernelPlan &prev = plans.back();
      // A swapAB token tile wider than this range needs (qwen2.5-7b's
      // 96-token tile at M = 64: 83 vs 75 us) is carried only at 16 tokens
      // or fewer, where the padding costs little and kernels add up.
      const int64_t widest = prev.swapAB
                                 ? std::max<int64_t>(swapTokenTile(rHi), 16)
                                 : std::max<int64_t>(2 * rLo, 64);
      // Up to 32 tokens only swapAB plans are candidates; none is carried
      // in from above (64-token tiles there were never measured to win).
      // A cluster plan is carried only where clusters are candidates at
      // the range's low end (qwen2.5-7b gate-up at M = 1024, 8 token
      // tiles: 402 vs 349 us without; calib3.jsonl).
      // Nor is a gated swapAB plan carried over the two-token-tile winner
      // (sm90Candidates), which doubles the CTAs streaming the weights:
      // settled, at M = 16 two 8-token tiles beat the carried 16-token tile
      // on all 10 shards timed, by 2-15% (calib14-*.jsonl, session 11).
      // A ping-pong plan is not carried to 64 tokens or fewer, where it is
      // no candidate (never timed there).
      const KernelPlan &win = candidates[winner];
      const bool twoTokenTiles = isGated(p.epilogue) && win.swapAB &&
                                 prev.swapAB && win.tileM < prev.tileM &&
                                 ceilDiv(rHi, win.tileM) > 1 &&
                                 ceilDiv(rHi, prev.tileM) == 1;
      // Nor a plan whose token tiles pad the range more than the winner's
      // (its 4% slack is within the model's error there): llama-3.1-405b
      // gate-up at M = 300 kept the 128x256 plan of 321..384 (384 rows)
      // over the ping-pong winner's 320 rows, 2142 vs 1779 us (v405.jsonl;
      // llama-2-7b 108 vs 100, qwen2.5-32b 327 vs 304; the 405b down GEMM,
      // whose model pick ranked wrong, 970 vs 1037; session 13). Above 128
      // tokens a swapAB winner's token tiles are sized to the range, as
      // ping-pong's are: llama-3.1-405b's gate-up at 641-704 kept 705-768's
      // 128x256 (768 rows) over the wide 176-token tile (704), 3.1% of the
      // whole forward slower with both GEMMs wide (H100, session 30).
      const bool padsMore = !prev.swapAB && (!win.swapAB || rHi > 128) &&
                            ceilDiv(rHi, prev.tileM) * prev.tileM >
                                ceilDiv(rHi, win.tileM) * win.tileM;
      // Nor a narrow swapAB plan into ranges where it is no candidate (the
      // tp8 shard's 136x128 of 257..272 into 225..256, where the tuner
      // timed such tiles behind the planned ones; a ping-pong one where it
      // is not planned: 193-208's two 104-token tiles into 177-192, never
      // timed there).
      const bool narrowUnplanned =
          prev.swapAB && prev.tileN == 128 && rLo > 128 &&
          !(isPingPongSwap(prev) ? pingPongSwapPlanned(p, rLo)
                                 : narrowSwapPlanned(rLo, prev.splitK));
      if (prev.sameConstants(win) ||
          (rLo <= kCarryEnd && !pingPongSwap && !twoTokenTiles && !padsMore &&
           !narrowUnplanned && prev.tileM <= widest &&
           (prev.swapAB || rHi > 32) &&
           (prev.clusterM == 1 || clustersPay(p, prev, rLo)) &&
           (prev.templateName != kSm90PingPongTemplate || rLo > 64) &&
           (prev.splitK != 1 ||
            !wholeKLatencyBound(p, rLo, prev.tileM, prev.tileN, prev.swapAB)) &&
           score(estimates(prev, rLo, rHi), best) <=
               (rHi > 64 ? kMergeSlackAbove64 : kMergeSlack) * winnerScore)) {
        prev.mMin = rLo;
        continue;
      }
    }
    KernelPlan plan = candidates[winner];
    plan.mMin = rLo;
    plan.mMax = rHi;
    plans.push_back(plan);
  }
  std::reverse(plans.begin(), plans.end());
  return plans;
}

int64_t mlpjit::chooseSplitK(int64_t n, int64_t k, int64_t tileN, int64_t tileK,
                             int64_t tilesM) {
  // Split below this many output tiles, up to one wave of 132 SMs: a
  // second, partial wave cost up to 1.6x on the H100.
  constexpr int64_t kSplitBelowTiles = 96, kWaveCtas = 132, kMaxSplitK = 8;
  int64_t tiles = (n + tileN - 1) / tileN * std::max<int64_t>(tilesM, 1);
  int64_t s = 1;
  if (tiles < kSplitBelowTiles)
    while (s < kMaxSplitK && tiles * s * 2 <= kWaveCtas)
      s *= 2;
  while (s > 1 && k % (s * tileK) != 0)
    s /= 2;
  return s;
}

std::vector<KernelPlan> mlpjit::sm90TunerOnlyCandidates(const GemmProblem &p,
                                                        int64_t m) {
  std::vector<KernelPlan> out;
  if (smVersion(p.arch) != 90)
    return out;
  auto cheaper = [&](const KernelPlan &a, const KernelPlan &b) {
    return estimateMicros(p, a, m) < estimateMicros(p, b, m);
  };
  for (const int64_t tm : narrowSwapTokenTiles(m)) {
    std::vector<KernelPlan> splits;
    addTilePlans(splits, p, m, tm, 128, /*swap=*/true);
    if (splits.empty())
      continue;
    // Planner candidates up to 224 tokens where they fit one wave
    // (sm90Candidates); the gated GEMM's best split is also timed beyond.
    if (isGated(p.epilogue))
      out.push_back(*llvm::min_element(splits, cheaper));
    // Two token tiles in a 2x1 cluster multicast the weight tile, each CTA
    // loading half (cuBLASLt's 128x104 1x2 kernel for the tp8 down GEMM at
    // M = 200): the weights cross L2 once per 2 x tm tokens.
    if (ceilDiv(m, tm) == 2) {
      KernelPlan plan = splits.front(); // whole K
      plan.clusterM = 2;
      if (!sm90::supports(sm90Config(p, plan)))
        out.push_back(plan);
    }
  }
  // Ping-pong swapAB (one consumer warpgroup per 128-row weight tile, whole
  // K) where it is not planned (pingPongSwapPlanned): pinned, it ran the 7B
  // gate-ups' forward 1-3% slower at 272 and 300 tokens and, as two
  // 128-token tiles at 256, up to 1.37x (session 43); the tuner's rows are
  // what the model would need to price it.
  if (!pingPongSwapPlanned(p, m))
    addPingPongSwapPlans(out, p, m);
  // One narrow swapAB token tile of 161-256 tokens (m rounded up to 8):
  // each weight byte streams once and 200 tokens pad none, where two
  // 128-row token tiles pad 22%. At 200 tokens on the H200 the plain one
  // (200x128 split 3) was the fastest of all four large validation down
  // GEMMs, 5-7% ahead of the planned tile (session 26); on the fit shapes
  // at 176-240 tokens (split 4, the model's cheapest) it won one of 15 down
  // GEMMs and ran 0.4-30% behind the fastest on the others, so it is not a
  // planner candidate. Every split, as the best one differed (3 vs 4); not
  // whole K, 2-3.4x behind everywhere (session 27, docs/performance.md).
  // Gated GEMMs at 32 tokens or fewer: 64-token tiles without swapAB, whole
  // K, 128-256 weight rows. The swapAB tiles stream 128 weight rows a CTA,
  // so N / 128 tiles just above the SM count leave a second wave of few
  // CTAs, each streaming its tile alone (gemma-2-2b's gate-up, 144 tiles:
  // 27.5 us on the H200 against 17.7 of weights at its bandwidth; the
  // model ties every tile there). Wider weight tiles fit one wave; their
  // padded MMAs hide under the weight stream.
  if (m <= 32 && isGated(p.epilogue))
    for (const int64_t tn : {128, 160, 192, 224, 256})
      if (tn % (2 * p.interleaveRows) == 0)
        addTilePlans(out, p, m, 64, tn, /*swap=*/false, /*splitK=*/false);
  if (m > 160 && m <= 256) {
    std::vector<KernelPlan> splits;
    addTilePlans(splits, p, m, ceilDiv(m, 8) * 8, 128, /*swap=*/true);
    for (const KernelPlan &plan : splits)
      if (plan.splitK > 1)
        out.push_back(plan);
  }
  return out;
}
