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
  d.templateName = templateName;
  d.arch = arch;
  d.role = KernelRole::gate_up;
  d.epilogue = Epilogue::swiglu;
  d.n = 28672;
  d.k = 4096;
  d.interleaveRows = 64;
  d.mMin = 1;
  d.mMax = mMax;
  d.tileM = tileM;
  d.tileN = tileN;
  d.tileK = 64;
  d.stages = stages;
  return d;
}

/// The program's kernels planned for `arch` ("sm_90a": sm90_tma_ws, else
/// sm80_mma), with empty PTX unless `ptx` is set.
inline MlpProgram makeProgram(const BlockShape &s, const std::string &arch) {
  const bool hopper = arch == "sm_90a";
  const bool gated = isGated(s.epilogue);
  MlpProgram p;
  p.name = s.name;
  p.hidden = s.hidden;
  p.intermediate = s.intermediate;
  p.dtype = s.dtype;
  p.epilogue = s.epilogue;
  p.hasBias = s.bias;
  p.interleaveRows = gated ? 64 : 0;
  p.tokensMin = 1;
  p.tokensMax = s.tokensMax;
  auto kernel = [&](KernelRole role, bool small) {
    KernelDesc d;
    d.templateName = hopper ? "sm90_tma_ws" : "sm80_mma";
    d.arch = hopper ? "sm_90a" : arch;
    d.role = role;
    d.dtype = s.dtype;
    d.hasBias = s.bias;
    if (role == KernelRole::gate_up) {
      d.epilogue = s.epilogue;
      d.n = gated ? 2 * s.intermediate : s.intermediate;
      d.k = s.hidden;
      d.interleaveRows = gated ? 64 : 0;
    } else {
      d.epilogue = Epilogue::none;
      d.n = s.hidden;
      d.k = s.intermediate;
    }
    d.mMin = small ? 1 : s.smallBucketMax + 1;
    d.mMax = small ? s.smallBucketMax : s.tokensMax;
    d.tileK = 64;
    d.tileN = 128;
    d.stages = 4;
    if (small) {
      d.tileM = 16;
      d.swapAB = hopper;
      d.splitK = role == KernelRole::down ? 2 : 1;
    } else {
      d.tileM = hopper ? 128 : 64;
      d.clusterM = hopper && role == KernelRole::gate_up ? 2 : 1;
    }
    d.name = s.name + "_" + toString(role) + (small ? "_small" : "_large");
    return KernelArtifact{d, ""};
  };
  for (bool small : {true, false})
    for (KernelRole role : {KernelRole::gate_up, KernelRole::down})
      p.kernels.push_back(kernel(role, small));
  return p;
}

} // namespace mlpjit::testing

#endif // MLPJIT_TESTS_RUNTIME_TESTPROGRAMS_H
