//===- MlpProgram.h - a compiled MLP block as the runtime receives it -----===//
//
// What the compiler hands to the runtime: the block's shape, and per token
// bucket a gate-up kernel and a down kernel (PTX and/or cubin plus
// KernelDesc). MLIR-free.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_MLPPROGRAM_H
#define MLPJIT_MLPPROGRAM_H

#include "mlpjit/KernelDesc.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlpjit {

/// One kernel's code: PTX (the driver JIT-compiles it for desc.arch or any
/// later GPU that target runs on) and, from ahead-of-time compilation
/// (mlpjit-compile), a cubin for desc.arch that loads without any JIT.
/// At least one of the two is present.
struct KernelArtifact {
  KernelDesc desc;
  std::string ptx;
  std::string cubin; // binary; empty when not compiled ahead of time

  /// The same kernel (KernelDesc::sameKernel: any token range) with the
  /// same code.
  bool sameKernelAndCode(const KernelArtifact &other) const {
    return desc.sameKernel(other.desc) && ptx == other.ptx &&
           cubin == other.cubin;
  }
};

struct MlpProgram {
  std::string name;
  int64_t hidden = 0;       // h: x is [M, h], y is [M, h]
  int64_t intermediate = 0; // i: gate/up are [i, h], down is [h, i]
  DType dtype = DType::bf16;
  /// The first GEMM's epilogue: gated (swiglu, ...) for GLU blocks, a plain
  /// activation for GPT-2 style blocks (then there is no gate weight).
  Epilogue epilogue = Epilogue::swiglu;
  bool hasBias = false;
  /// Gate and up rows alternate in blocks of this many rows in the packed
  /// gate-up weight (0 = stacked [gate; up]). Only for gated epilogues.
  int64_t interleaveRows = 64;
  int64_t tokensMin = 1, tokensMax = 65536;
  /// This program is one rank's shard of a block split `tensorParallel` ways
  /// (Megatron-style, TensorParallel.h): `hidden` is whole, `intermediate` is
  /// the rank's slice (full intermediate = tensorParallel * intermediate).
  /// With I = intermediate, rows [r*I, (r+1)*I) of the full gate and up
  /// weights and columns [r*I, (r+1)*I) of the full down weight belong to
  /// rank r; gate/up biases are sliced like the rows. The down bias is whole
  /// and added by rank 0 only (other ranks add zeros), so the sum over ranks
  /// adds it once. 1 = the whole block on one GPU.
  int64_t tensorParallel = 1;
  static constexpr int64_t kMaxTensorParallel = 1024;
  /// Kernels for every token bucket; role tells gate_up from down, and the
  /// buckets [mMin, mMax] of each role cover [tokensMin, tokensMax].
  std::vector<KernelArtifact> kernels;

  /// For each kernel, the index of the first kernel of its name. Token
  /// ranges planned alike share one kernel, named once (the compiler's
  /// collectKernels): the runtime loads it once and program files store its
  /// code once.
  std::vector<size_t> firstOfEachName() const;
};

} // namespace mlpjit

#endif // MLPJIT_MLPPROGRAM_H
