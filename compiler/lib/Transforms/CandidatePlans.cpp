//===- CandidatePlans.cpp - the tuner's search space ----------------------===//
#include "mlpjit/Transforms/CandidatePlans.h"

#include "TemplateFamily.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <utility>

using namespace mlpjit;

std::vector<KernelDesc> mlpjit::candidatePlans(const KernelDesc &desc,
                                               int64_t m) {
  std::vector<KernelDesc> out{desc};
  if (desc.templateName != "sm90_tma_ws")
    return out; // only the Hopper template has a search space here
  auto add = [&](int tileM, int tileN, bool swap, int splitK, int cluster) {
    if (desc.k % (int64_t(splitK) * desc.tileK) != 0)
      return;
    // The deepest pipeline that fits shared memory.
    for (int stages : {8, 6, 4}) {
      KernelDesc c = desc;
      c.tileM = tileM;
      c.tileN = tileN;
      c.swapAB = swap;
      c.splitK = splitK;
      c.clusterM = cluster;
      c.clusterN = 1;
      c.stages = stages;
      if (llvm::Error e = checkSupported(c)) {
        llvm::consumeError(std::move(e));
        continue;
      }
      if (llvm::none_of(
              out, [&](const KernelDesc &o) { return o.sameConstants(c); }))
        out.push_back(c);
      return;
    }
  };
  const bool gated = isGated(desc.epilogue);
  if (m <= 64) {
    // Weights on the WGMMA M side; the token tile no larger than needed.
    for (int tileM : {8, 16, 32, 64}) {
      if (tileM < m / 2 || tileM > std::max<int64_t>(8, m))
        continue;
      for (int tileN : {64, 128}) {
        if (gated && tileN != 128)
          continue;
        for (int splitK : {1, 2, 4, 8})
          add(tileM, tileN, true, splitK, 1);
      }
    }
    return out;
  }
  for (auto [tileM, tileN] : {std::pair{128, 128}, std::pair{128, 256}}) {
    for (int splitK : {1, 2, 4}) {
      if (splitK > 1 && m > 256)
        continue; // partials cost more than they gain with many M tiles
      add(tileM, tileN, false, splitK, 1);
    }
    if (m > 256)
      add(tileM, tileN, false, 1, 2);
  }
  return out;
}
