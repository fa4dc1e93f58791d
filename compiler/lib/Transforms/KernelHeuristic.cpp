//===- KernelHeuristic.cpp - the hand-written kernel table ----------------===//
//
// The whole table lives in kSm90Buckets / kSm80Buckets below; docs/passes.md
// explains each column. Edit here, nowhere else.
//
//===----------------------------------------------------------------------===//
#include "mlpjit/Transforms/KernelHeuristic.h"

#include "llvm/ADT/StringRef.h"

#include <algorithm>

using namespace mlpjit;

KernelPlanner::~KernelPlanner() = default;

namespace {

struct Bucket {
  int64_t mMin, mMax; // mMax 0: no upper bound
  int64_t tileM, tileN, tileK, stages;
  bool swapAB;
  bool splitK; // whether the split-K rule applies
  int64_t clusterM;
};

// Hopper, TMA + WGMMA, warp-specialized; the rows are the per-M winners of
// the H100 sweep in docs/kernels-sm90.md (v5). Up to 64 tokens, A and B are
// swapped (weight rows on the 64-wide WGMMA M side, tokens on its N side, a
// token tile no larger than needed since each token tile re-reads all the
// weights; 32 rows from 17 tokens, and 64-wide weight tiles when no gate/up
// pair must share a tile: both won nearly every `mlpjit-bench --tune` case on
// the H100, docs/performance.md v3) and split-K fills the SMs when the tiles
// alone do not (chooseSplitK). Up to 256,
// 128x128 tiles with split-K for narrow N (the down projection); wide N
// takes 128x256 instead (see kWideTileN). Beyond, 128x256 tiles. 2x1
// clusters won 5% in the template sweep but lost 7-15% through the full
// forward on the H100 (docs/performance.md, v2 vs v1), so none.
constexpr Bucket kSm90Buckets[] = {
    {1, 8, 8, 128, 64, 8, true, true, 1},
    {9, 16, 16, 128, 64, 8, true, true, 1},
    {17, 64, 32, 128, 64, 8, true, true, 1},
    {65, 256, 128, 128, 64, 6, false, true, 1},
    {257, 0, 128, 256, 64, 4, false, false, 1},
};
/// A non-swapped split-K bucket whose N alone gives this many 128-wide tiles
/// runs 128x256 tiles, 4 stages, without split-K (H100: gate-up m = 256,
/// 0.111 ms vs 0.119 ms for 128x128), and split-K there is capped at 2
/// (partials cost more than they gain once M gives a second tile row).
constexpr int64_t kWideTileN = 120;
constexpr int64_t kMaxSplitKNonSwap = 2;
// Ampere/Ada, cp.async + mma.sync.
constexpr Bucket kSm80Buckets[] = {
    {1, 64, 64, 128, 32, 4, false, true, 1},
    {65, 0, 128, 128, 32, 3, false, false, 1},
};

/// Split-K applies below this many output tiles and multiplies them up to
/// at most one wave of 132 SMs: a second, partial wave (e.g. 112 tiles x 2
/// = 224 CTAs) cost up to 1.6x on the H100 (docs/performance.md v3).
constexpr int64_t kSplitBelowTiles = 96;
constexpr int64_t kWaveCtas = 132;
constexpr int64_t kMaxSplitK = 8;

llvm::Error planError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

/// The compute capability in sm_XY[a], or 0.
int smVersion(llvm::StringRef arch) {
  if (!arch.consume_front("sm_"))
    return 0;
  arch.consume_back("a");
  int v = 0;
  if (arch.getAsInteger(10, v))
    return 0;
  return v;
}

} // namespace

int64_t mlpjit::chooseSplitK(int64_t n, int64_t k, int64_t tileN, int64_t tileK,
                             int64_t tilesM) {
  int64_t tiles = (n + tileN - 1) / tileN * std::max<int64_t>(tilesM, 1);
  int64_t s = 1;
  if (tiles < kSplitBelowTiles)
    while (s < kMaxSplitK && tiles * s * 2 <= kWaveCtas)
      s *= 2;
  while (s > 1 && k % (s * tileK) != 0)
    s /= 2;
  return s;
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
  int sm = smVersion(p.arch);
  llvm::ArrayRef<Bucket> table;
  std::string templateName;
  if (sm == 90) {
    table = kSm90Buckets;
    templateName = "sm90_tma_ws";
  } else if (sm >= 80 && sm <= 89) {
    table = kSm80Buckets;
    templateName = "sm80_mma";
  } else {
    return planError("no kernel template for arch '" + p.arch +
                     "' (supported: sm_80..sm_89, sm_90, sm_90a)");
  }
  // Gated epilogues read gate and up columns in blocks of 8, 16, 32 or 64
  // rows (KernelDesc.h), whole block pairs per tile.
  if (isGated(p.epilogue) && (!isSupportedGateUpBlock(p.interleaveRows) ||
                              p.n % (2 * p.interleaveRows) != 0))
    return planError(llvm::Twine("gated epilogue ") + toString(p.epilogue) +
                     " needs weights interleaved in blocks of 8, 16, 32 or "
                     "64 rows that divide N/2, got " +
                     llvm::Twine(p.interleaveRows));

  std::vector<KernelPlan> plans;
  for (const Bucket &bucket : table) {
    int64_t lo = std::max(bucket.mMin, p.mMin);
    int64_t hi = bucket.mMax == 0 ? p.mMax : std::min(bucket.mMax, p.mMax);
    if (lo > hi)
      continue;
    // A gated tile must hold whole (gate, up) block pairs.
    if (isGated(p.epilogue) && bucket.tileN % (2 * p.interleaveRows) != 0)
      return planError("tile N of " + llvm::Twine(bucket.tileN) +
                       " cannot hold gate/up block pairs");
    KernelPlan plan;
    plan.templateName = templateName;
    plan.mMin = lo;
    plan.mMax = hi;
    plan.tileM = bucket.tileM;
    plan.tileN = bucket.tileN;
    plan.tileK = bucket.tileK;
    plan.stages = bucket.stages;
    plan.swapAB = bucket.swapAB;
    plan.clusterM = bucket.clusterM;
    // Weight tiles 64 wide when no gate/up pair must share one.
    if (bucket.swapAB && templateName == "sm90_tma_ws" && !isGated(p.epilogue))
      plan.tileN = 64;
    const int64_t tilesM = (hi + plan.tileM - 1) / plan.tileM;
    plan.splitK = bucket.splitK
                      ? chooseSplitK(p.n, p.k, plan.tileN, bucket.tileK, tilesM)
                      : 1;
    if (!bucket.swapAB && bucket.splitK && templateName == "sm90_tma_ws") {
      if ((p.n + 127) / 128 >= kWideTileN) {
        plan.tileN = 256;
        plan.stages = 4;
        plan.splitK = 1;
      } else {
        plan.splitK = std::min(plan.splitK, kMaxSplitKNonSwap);
      }
    }
    plans.push_back(plan);
  }
  return plans;
}
