//===- ShardTensorParallelTest.cpp - N ranks' shards sum to the block -----===//
//
// mlp-shard-tensor-parallel against the float64 oracle: after the whole
// default pipeline, the N ranks' shards (each on its slice of the full
// weights, combined by the collective) equal the unsharded block, for every
// activation, with and without bias, for all-reduce and reduce-scatter; and
// the planned kernels are those of the 1/N-wide block.
//
//===----------------------------------------------------------------------===//
#include "TransformsTestSupport.h"

#include "mlpjit/Frontend/EmitModule.h"
#include "mlpjit/Reference/Evaluator.h"
#include "mlpjit/Transforms/KernelCollection.h"
#include "mlpjit/Transforms/Passes.h"

#include "mlpjit/Dialect/Mlp/MlpOps.h"

#include "mlir/IR/Diagnostics.h"

#include <gtest/gtest.h>

#include <random>

using namespace mlpjit;
using namespace mlpjit::testing;

namespace {

/// hidden 64; each rank keeps 128 intermediate columns (two interleave
/// blocks), so every shard is planned like an ordinary small block.
MlpSpec tpSpec(Activation act, bool bias, int64_t tp) {
  MlpSpec s;
  s.name = std::string(toString(act)) + (bias ? "_bias" : "") + "_tp" +
           std::to_string(tp);
  s.hidden = 64;
  s.intermediate = 128 * tp;
  s.activation = act;
  s.bias = bias;
  s.tensorParallel = tp;
  s.tokensMax = 4096;
  return s;
}

double squaredNorm(const HostTensor &t) {
  double n = 0;
  for (double v : t.data)
    n += v * v;
  return n;
}

/// Runs the default pipeline on `spec` and checks every rank against the
/// unsharded oracle at token count `m`.
void checkRanks(const MlpSpec &spec, const std::string &output, int64_t m) {
  std::string what = spec.name + " " + output + " M=" + std::to_string(m);
  mlir::MLIRContext context;
  Diagnostics diagnostics(context);
  auto before = emitModule(context, spec);
  ASSERT_TRUE(before) << what << ": " << diagnostics.text;
  mlir::OwningOpRef<mlir::ModuleOp> after = before->clone();
  DefaultPipelineOptions options;
  options.tensorParallelOutput = output;
  ASSERT_TRUE(mlir::succeeded(runDefaultPipeline(*after, options)))
      << what << ": " << diagnostics.text;
  auto f0 = *before->getOps<mlir::func::FuncOp>().begin();
  auto f1 = *after->getOps<mlir::func::FuncOp>().begin();
  const int64_t n = spec.tensorParallel;
  EXPECT_EQ(tensorParallelDegree(f1), n) << what;

  // Two GEMMs of the shard and one collective.
  int collectives = 0;
  f1.walk([&](mlir::Operation *op) {
    if (mlir::isa<mlp::AllReduceOp, mlp::ReduceScatterOp>(op))
      ++collectives;
  });
  EXPECT_EQ(collectives, 1) << what;
  auto kernels = collectKernels(*after);
  ASSERT_TRUE(bool(kernels)) << what << llvm::toString(kernels.takeError());
  for (const KernelDesc &k : *kernels) {
    const int64_t shardWidth = spec.intermediate / n;
    if (k.role == KernelRole::gate_up) {
      EXPECT_EQ(k.n, isGated(spec.activation) ? 2 * shardWidth : shardWidth)
          << k.name;
      EXPECT_EQ(k.k, spec.hidden) << k.name;
    } else {
      EXPECT_EQ(k.n, spec.hidden) << k.name;
      EXPECT_EQ(k.k, shardWidth) << k.name;
    }
  }

  uint64_t seed = freshSeed();
  what += " seed=" + std::to_string(seed);
  auto inputs = randomInputs(f0, m, seed);
  ASSERT_TRUE(bool(inputs)) << llvm::toString(inputs.takeError());
  auto ref = evaluate(f0, *inputs);
  ASSERT_TRUE(bool(ref)) << what << ": " << llvm::toString(ref.takeError());
  ASSERT_GT(squaredNorm(ref->front()), 0.0) << what;
  auto ranks = evaluateRanks(f1, *inputs);
  ASSERT_TRUE(bool(ranks)) << what << ": " << llvm::toString(ranks.takeError());
  ASSERT_EQ(static_cast<int64_t>(ranks->size()), n) << what;
  for (int64_t r = 0; r < n; ++r) {
    ASSERT_EQ((*ranks)[r].size(), 1u);
    const HostTensor &got = (*ranks)[r].front();
    if (output == "all-reduce") {
      EXPECT_LE(relativeError(got, ref->front()), 1e-12)
          << what << " rank " << r;
      continue;
    }
    // reduce-scatter: rank r holds rows [r*m/n, (r+1)*m/n) of the sum.
    int64_t rows = m / n;
    HostTensor block({rows, spec.hidden});
    std::copy_n(&ref->front().data[r * rows * spec.hidden], rows * spec.hidden,
                block.data.begin());
    EXPECT_LE(relativeError(got, block), 1e-12) << what << " rank " << r;
  }
}

TEST(ShardTensorParallel, RanksSumToTheBlockForEveryActivation) {
  for (Activation act : kAllActivations)
    for (bool bias : {false, true})
      for (int64_t tp : {2, 4})
        checkRanks(tpSpec(act, bias, tp), "all-reduce", 7);
}

TEST(ShardTensorParallel, ReduceScatterGivesEachRankItsRows) {
  for (bool bias : {false, true}) {
    checkRanks(tpSpec(Activation::swiglu, bias, 4), "reduce-scatter", 8);
    checkRanks(tpSpec(Activation::gelu_erf, bias, 2), "reduce-scatter", 6);
  }
}

/// Llama-3-70B's MLP 8 ways: each rank plans the 3584-wide shard.
TEST(ShardTensorParallel, Llama70bPlansItsShard) {
  MlpSpec spec;
  spec.name = "llama-3-70b";
  spec.hidden = 8192;
  spec.intermediate = 28672;
  spec.tensorParallel = 8;
  mlir::MLIRContext context;
  Diagnostics diagnostics(context);
  auto module = emitModule(context, spec);
  ASSERT_TRUE(module) << diagnostics.text;
  ASSERT_TRUE(mlir::succeeded(runDefaultPipeline(*module, {})))
      << diagnostics.text;
  auto kernels = collectKernels(*module);
  ASSERT_TRUE(bool(kernels)) << llvm::toString(kernels.takeError());
  ASSERT_FALSE(kernels->empty());
  for (const KernelDesc &k : *kernels) {
    if (k.role == KernelRole::gate_up)
      EXPECT_EQ(k.n, 2 * 3584) << k.name;
    else
      EXPECT_EQ(k.k, 3584) << k.name;
  }
}

/// Each element of a full weight belongs to exactly one rank's slice.
TEST(ShardTensorParallel, SlicesPartitionTheFullWeights) {
  mlir::MLIRContext context;
  MlpSpec spec = tpSpec(Activation::swiglu, true, 4);
  auto module = emitModule(context, spec);
  ASSERT_TRUE(module);
  auto f0 = *module->getOps<mlir::func::FuncOp>().begin();
  auto full = randomInputs(f0, 3, freshSeed());
  ASSERT_TRUE(bool(full));
  ASSERT_TRUE(mlir::succeeded(runDefaultPipeline(*module, {})));
  auto f1 = *module->getOps<mlir::func::FuncOp>().begin();
  std::vector<std::vector<HostTensor>> slices;
  for (int64_t r = 0; r < 4; ++r) {
    auto args = shardArguments(f1, *full, r);
    ASSERT_TRUE(bool(args)) << llvm::toString(args.takeError());
    slices.push_back(std::move(*args));
  }
  for (size_t a = 0; a < full->size(); ++a) {
    auto shard = f1.getArgAttrOfType<mlir::StringAttr>(a, "mlp.shard");
    ASSERT_TRUE(shard) << "argument " << a;
    const HostTensor &whole = (*full)[a];
    if (shard.getValue() == "replicated") {
      for (int64_t r = 0; r < 4; ++r)
        EXPECT_EQ(slices[r][a].data, whole.data);
      continue;
    }
    if (shard.getValue() == "first_rank") {
      EXPECT_EQ(slices[0][a].data, whole.data);
      for (int64_t r = 1; r < 4; ++r)
        EXPECT_EQ(squaredNorm(slices[r][a]), 0.0);
      continue;
    }
    // Reassemble along the split dimension and compare with the whole.
    bool rows = shard.getValue() == "rows";
    int64_t cols = whole.shape.size() == 2 ? whole.shape[1] : 1;
    int64_t rowCount = whole.shape[0];
    for (int64_t i = 0; i < rowCount; ++i)
      for (int64_t j = 0; j < cols; ++j) {
        int64_t r = rows ? i / (rowCount / 4) : j / (cols / 4);
        int64_t li = rows ? i % (rowCount / 4) : i;
        int64_t lj = rows ? j : j % (cols / 4);
        int64_t lcols = rows ? cols : cols / 4;
        ASSERT_EQ(slices[r][a].data[li * lcols + lj], whole.data[i * cols + j])
            << "argument " << a << " (" << shard.getValue().str() << ") at "
            << i << "," << j;
      }
  }
}

TEST(ShardTensorParallel, EvaluateRefusesACollectiveOverSeveralRanks) {
  mlir::MLIRContext context;
  auto module = emitModule(context, tpSpec(Activation::swiglu, false, 2));
  ASSERT_TRUE(module);
  ASSERT_TRUE(mlir::succeeded(runDefaultPipeline(*module, {})));
  auto f1 = *module->getOps<mlir::func::FuncOp>().begin();
  auto args = randomInputs(f1, 4, freshSeed());
  ASSERT_TRUE(bool(args));
  auto out = evaluate(f1, *args);
  ASSERT_FALSE(bool(out));
  EXPECT_NE(llvm::toString(out.takeError()).find("use evaluateRanks"),
            std::string::npos);
}

TEST(ShardTensorParallel, SpecDegreeIsChecked) {
  MlpSpec spec = tpSpec(Activation::swiglu, false, 1);
  EXPECT_FALSE(bool(setTensorParallel(spec, 1)));
  llvm::Error e = setTensorParallel(spec, 32); // 128 / 32 = 4 columns
  ASSERT_TRUE(bool(e));
  EXPECT_NE(llvm::toString(std::move(e)).find("does not split into 32"),
            std::string::npos);
  EXPECT_EQ(spec.tensorParallel, 1);
}

} // namespace
