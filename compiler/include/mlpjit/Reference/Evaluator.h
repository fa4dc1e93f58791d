//===- Evaluator.h - float64 CPU oracle for the mlp dialect -----*- C++ -*-===//
//
// Runs one func.func of the mlp dialect on host tensors in double precision:
// the reference every pass and every kernel is checked against. Slow on
// purpose (plain loops, no blocking), so keep shapes small.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_REFERENCE_EVALUATOR_H
#define MLPJIT_REFERENCE_EVALUATOR_H

#include "mlpjit/KernelDesc.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace mlpjit {

/// A dense row-major tensor of doubles.
struct HostTensor {
  std::vector<int64_t> shape;
  std::vector<double> data;

  HostTensor() = default;
  /// Zero-filled tensor of `shape`.
  explicit HostTensor(std::vector<int64_t> shape);
  int64_t numElements() const;
};

/// Evaluates `func` on `args` (one per argument, static dimensions must
/// match the argument types, each dynamic one any size >= 0). Supports
/// mlp.linear (+bias), activation, mul, concat_weights, split, fused_linear
/// (every epilogue, both layouts, bias), collectives over one rank and
/// func.return. Errors name the
/// unsupported op or the mismatching argument.
llvm::Expected<std::vector<HostTensor>>
evaluate(mlir::func::FuncOp func, llvm::ArrayRef<HostTensor> args);

/// The function's `mlp.tensor_parallel` degree (1 when absent).
int64_t tensorParallelDegree(mlir::func::FuncOp func);

/// Rank `rank`'s arguments of a function sharded by
/// mlp-shard-tensor-parallel, cut from the unsharded `fullArgs` by each
/// argument's `mlp.shard`: rows / cols take slice `rank` of dimension 0 /
/// 1, first_rank keeps the tensor on rank 0 and zeros elsewhere,
/// replicated (or no attribute) keeps it whole.
llvm::Expected<std::vector<HostTensor>>
shardArguments(mlir::func::FuncOp func, llvm::ArrayRef<HostTensor> fullArgs,
               int64_t rank);

/// Every rank of a sharded function on its slice of `fullArgs` (the
/// unsharded block's arguments), run in lockstep so mlp.all_reduce and
/// mlp.reduce_scatter combine the ranks' values. Result [r] is what rank r
/// returns. `evaluate` rejects collectives over more than one rank.
llvm::Expected<std::vector<std::vector<HostTensor>>>
evaluateRanks(mlir::func::FuncOp func, llvm::ArrayRef<HostTensor> fullArgs);

/// Fresh inputs for `func` with every dynamic dimension set to `m`, filled
/// by `mlp.role`: x uniform in [-1, 1]; weights uniform in
/// [-1/sqrt(K), 1/sqrt(K)] (K = columns) so activations stay O(1); biases
/// uniform in [-0.5, 0.5]. Arguments without a role get [-1, 1].
llvm::Expected<std::vector<HostTensor>> randomInputs(mlir::func::FuncOp func,
                                                     int64_t m, uint64_t seed);

/// The pointwise activation of a plain epilogue (silu, gelu_tanh, gelu_erf,
/// relu; none = identity), with the constants of templates/mlpjit/
/// epilogue.cuh.
double applyActivation(Epilogue plainKind, double x);

/// ||out - ref|| / ||ref|| (Frobenius); +infinity when the shapes differ or
/// either side holds a NaN or infinity, so a NaN never passes a tolerance.
double relativeError(const HostTensor &out, const HostTensor &ref);

} // namespace mlpjit

#endif // MLPJIT_REFERENCE_EVALUATOR_H
