//===- TestPrograms.h - small hand-planned MLP programs for runtime tests -===//
//
// Builds MlpPrograms without the MLIR pipeline: two token buckets per block
// (a small-M bucket with split-K on the down projection, swapAB on Hopper; a
// large-M bucket, with a 2x1 cluster on Hopper), shapes that leave ragged
// tiles. PTX comes from codegen::compileKernel when asked for.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_TESTS_RUNTIME_TESTPROGRAMS_H
#define MLPJIT_TESTS_RUNTIME_TESTPROGRAMS_H

#include "mlpjit/MlpProgram.h"

#include <string>

namespace mlpjit::testing {

struct BlockShape {
  std::string name = "tiny";
  int64_t hidden = 264;       // not a multiple of 64 or 128: ragged tiles
  int64_t intermediate = 320; // gated n = 640, a multiple of 128
  Epilogue epilogue = Epilogue::swiglu;
  bool bias = false;
  DType dtype = DType::bf16;
  int64_t tokensMax = 300;
  int64_t smallBucketMax = 16;
};

/// The llama-3-8b gate-up GEMM as one swiglu kernel of `templateName`: gate
/// and up rows (14336 each) interleaved in blocks of 64, k = 4096, M in
/// [1, mMax], tiles tileM x tileN x 64.
inline KernelDesc llamaGateUp(const std::string &templateName,
                              const std::string &arch, int64_t tileM,
                              int64_t tileN, int64_t stages, int64_t mMax) {
  KernelDesc d;
  d.name = "llama3_8b_gate_up_m1_" + std::to_string(mMax);
  d.shape() = GemmShape{arch, Epilogue::swiglu, DType::bf16,
                        /*n=*/28672, /*k=*/4096, /*interleaveRows=*/64};
  d.plan() = KernelPlan{templateName,        /*mMin=*/1, mMax, tileM, tileN,
                        /*tileK=*/64, stages};
  return d;
}

/// The program's kernels planned for `arch` ("sm_90a": sm90_tma_ws, else
/// sm80_mma), with empty PTX unless `ptx` is set.
inline MlpProgram makeProgram(const BlockShape &s, const std::string &arch) {
  const bool hopper = arch == "sm_90a";
  const bool gated = isGated(s.epilogue);
  MlpProgram p{s.name,
               s.hidden,
               s.intermediate,
               s.dtype,
               s.epilogue,
               s.bias,
               /*interleaveRows=*/gated ? 64 : 0,
               /*tokensMin=*/1,
               s.tokensMax,
               /*tensorParallel=*/1,
               /*kernels=*/{}};
  const std::string templateName = hopper ? "sm90_tma_ws" : "sm80_mma";
  const std::string kernelArch = hopper ? "sm_90a" : arch;
  auto kernel = [&](KernelRole role, bool small) {
    const bool gateUp = role == KernelRole::gate_up;
    KernelDesc d;
    d.name = s.name + "_" + toString(role) + (small ? "_small" : "_large");
    d.role = role;
    d.hasBias = s.bias;
    // Gate-up: [h] -> [2i] (gated) or [i]; down: [i] -> [h].
    d.shape() =
        gateUp
            ? GemmShape{kernelArch, s.epilogue,
                        s.dtype,    gated ? 2 * s.intermediate : s.intermediate,
                        s.hidden,   gated ? 64 : 0}
            : GemmShape{kernelArch, Epilogue::none, s.dtype,
                        s.hidden,   s.intermediate, 0};
    // Small M: 16-row token tiles (swapped on Hopper), split-K 2 on down;
    // large M: 2x1 clusters for the Hopper gate-up.
    d.plan() = small ? KernelPlan{templateName,
                                  1,
                                  s.smallBucketMax,
                                  16,
                                  128,
                                  64,
                                  4,
                                  1,
                                  1,
                                  gateUp ? 1 : 2,
                                  hopper}
                     : KernelPlan{templateName,
                                  s.smallBucketMax + 1,
                                  s.tokensMax,
                                  hopper ? 128 : 64,
                                  128,
                                  64,
                                  4,
                                  hopper && gateUp ? 2 : 1};
    return KernelArtifact{d, "", ""};
  };
  for (bool small : {true, false})
    for (KernelRole role : {KernelRole::gate_up, KernelRole::down})
      p.kernels.push_back(kernel(role, small));
  return p;
}

} // namespace mlpjit::testing

#endif // MLPJIT_TESTS_RUNTIME_TESTPROGRAMS_H
