//===- EvaluatorTest.cpp - the oracle on small hand-computed cases --------===//
#include "mlpjit/Reference/Evaluator.h"

#include "mlpjit/Dialect/Mlp/MlpDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace mlpjit;

namespace {

class EvaluatorTest : public ::testing::Test {
protected:
  EvaluatorTest() {
    context.loadDialect<mlp::MlpDialect, mlir::func::FuncDialect>();
  }
  /// Parses `ir` (one function) and keeps the module alive.
  mlir::func::FuncOp parse(llvm::StringRef ir) {
    module = mlir::parseSourceString<mlir::ModuleOp>(ir, &context);
    if (!module)
      return {};
    return *module->getOps<mlir::func::FuncOp>().begin();
  }
  HostTensor tensor(std::vector<int64_t> shape, std::vector<double> data) {
    HostTensor t(std::move(shape));
    t.data = std::move(data);
    return t;
  }
  /// Evaluates and returns the single result, failing the test on error.
  HostTensor run(mlir::func::FuncOp f, llvm::ArrayRef<HostTensor> args) {
    auto results = evaluate(f, args);
    if (!results) {
      ADD_FAILURE() << llvm::toString(results.takeError());
      return {};
    }
    EXPECT_EQ(results->size(), 1u);
    return results->front();
  }

  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
};

void expectData(const HostTensor &t, std::vector<int64_t> shape,
                std::vector<double> data) {
  EXPECT_EQ(t.shape, shape);
  ASSERT_EQ(t.data.size(), data.size());
  for (size_t i = 0; i < data.size(); ++i)
    EXPECT_NEAR(t.data[i], data[i], 1e-15 * (1 + std::abs(data[i])))
        << "element " << i;
}

TEST_F(EvaluatorTest, LinearWithBias) {
  auto f = parse(R"(
    func.func @f(%x: tensor<?x2xbf16>, %w: tensor<3x2xbf16>, %b: tensor<3xbf16>) -> tensor<?x3xbf16> {
      %y = mlp.linear %x, %w bias %b : tensor<?x2xbf16>, tensor<3x2xbf16>, tensor<3xbf16> -> tensor<?x3xbf16>
      return %y : tensor<?x3xbf16>
    })");
  ASSERT_TRUE(f);
  HostTensor y =
      run(f, {tensor({2, 2}, {1, 2, -1, 0.5}),
              tensor({3, 2}, {1, 0, 0, 1, 1, 1}), tensor({3}, {0.5, 0, -1})});
  // Row 0: [1, 2, 3] + b; row 1: [-1, 0.5, -0.5] + b.
  expectData(y, {2, 3}, {1.5, 2, 2, -0.5, 0.5, -1.5});
}

TEST_F(EvaluatorTest, ActivationFormulas) {
  // Values from the closed forms, computed independently with Python's math
  // module.
  EXPECT_NEAR(applyActivation(Epilogue::silu, 1.0), 0.7310585786300049, 1e-15);
  EXPECT_NEAR(applyActivation(Epilogue::silu, -2.0), -0.2384058440442351,
              1e-15);
  EXPECT_NEAR(applyActivation(Epilogue::gelu_tanh, 1.0), 0.8411919906082768,
              1e-15);
  EXPECT_NEAR(applyActivation(Epilogue::gelu_erf, 1.0), 0.8413447460685429,
              1e-15);
  EXPECT_NEAR(applyActivation(Epilogue::gelu_erf, -1.0), -0.15865525393145707,
              1e-15);
  EXPECT_EQ(applyActivation(Epilogue::relu, -2.0), 0.0);
  EXPECT_EQ(applyActivation(Epilogue::relu, 3.0), 3.0);
  EXPECT_EQ(applyActivation(Epilogue::none, -3.0), -3.0);

  auto f = parse(R"(
    func.func @f(%x: tensor<1x2xf16>) -> tensor<1x2xf16> {
      %a = mlp.activation gelu_tanh %x : tensor<1x2xf16>
      %m = mlp.mul %a, %x : tensor<1x2xf16>
      return %m : tensor<1x2xf16>
    })");
  ASSERT_TRUE(f);
  HostTensor y = run(f, {tensor({1, 2}, {1.0, 2.0})});
  expectData(y, {1, 2}, {0.8411919906082768, 2.0 * 1.954597694087775});
}

TEST_F(EvaluatorTest, ConcatWeightsLayouts) {
  auto f = parse(R"(
    func.func @f(%g: tensor<4x1xbf16>, %u: tensor<4x1xbf16>) -> tensor<8x1xbf16> {
      %w = mlp.concat_weights interleaved(2) %g, %u : tensor<4x1xbf16>, tensor<4x1xbf16> -> tensor<8x1xbf16>
      return %w : tensor<8x1xbf16>
    })");
  ASSERT_TRUE(f);
  HostTensor g = tensor({4, 1}, {0, 1, 2, 3}), u = tensor({4, 1}, {4, 5, 6, 7});
  expectData(run(f, {g, u}), {8, 1}, {0, 1, 4, 5, 2, 3, 6, 7});

  auto s = parse(R"(
    func.func @f(%g: tensor<2xbf16>, %u: tensor<2xbf16>) -> tensor<4xbf16> {
      %w = mlp.concat_weights stacked(1) %g, %u : tensor<2xbf16>, tensor<2xbf16> -> tensor<4xbf16>
      return %w : tensor<4xbf16>
    })");
  ASSERT_TRUE(s);
  expectData(run(s, {tensor({2}, {1, 2}), tensor({2}, {3, 4})}), {4},
             {1, 2, 3, 4});
}

TEST_F(EvaluatorTest, SplitUndoesInterleave) {
  auto f = parse(R"(
    func.func @f(%x: tensor<1x8xbf16>) -> (tensor<1x4xbf16>, tensor<1x4xbf16>) {
      %g, %u = mlp.split interleaved(2) %x : tensor<1x8xbf16> -> tensor<1x4xbf16>, tensor<1x4xbf16>
      return %g, %u : tensor<1x4xbf16>, tensor<1x4xbf16>
    })");
  ASSERT_TRUE(f);
  auto results = evaluate(f, {tensor({1, 8}, {0, 1, 2, 3, 4, 5, 6, 7})});
  ASSERT_TRUE(bool(results)) << llvm::toString(results.takeError());
  ASSERT_EQ(results->size(), 2u);
  expectData((*results)[0], {1, 4}, {0, 1, 4, 5});
  expectData((*results)[1], {1, 4}, {2, 3, 6, 7});
}

TEST_F(EvaluatorTest, FusedLinearGatedInterleavedWithBias) {
  // W rows: gate0, up0, gate1, up1 (blocks of one row).
  auto f = parse(R"(
    func.func @f(%x: tensor<?x1xbf16>, %w: tensor<4x1xbf16>, %b: tensor<4xbf16>) -> tensor<?x2xbf16> {
      %h = mlp.fused_linear swiglu interleaved(1) %x, %w bias %b : tensor<?x1xbf16>, tensor<4x1xbf16>, tensor<4xbf16> -> tensor<?x2xbf16>
      return %h : tensor<?x2xbf16>
    })");
  ASSERT_TRUE(f);
  HostTensor y = run(f, {tensor({1, 1}, {1}), tensor({4, 1}, {1, 2, -1, 3}),
                         tensor({4}, {0, 0, -1, 1})});
  // gate = [1, -2], up = [2, 4].
  double silu1 = 1 / (1 + std::exp(-1.0)), siluM2 = -2 / (1 + std::exp(2.0));
  expectData(y, {1, 2}, {silu1 * 2, siluM2 * 4});
}

TEST_F(EvaluatorTest, FusedLinearGatedStackedAndPlain) {
  auto f = parse(R"(
    func.func @f(%x: tensor<1x1xbf16>, %w: tensor<4x1xbf16>) -> (tensor<1x2xbf16>, tensor<1x4xbf16>) {
      %h = mlp.fused_linear reglu stacked(1) %x, %w : tensor<1x1xbf16>, tensor<4x1xbf16> -> tensor<1x2xbf16>
      %p = mlp.fused_linear relu stacked(1) %x, %w : tensor<1x1xbf16>, tensor<4x1xbf16> -> tensor<1x4xbf16>
      return %h, %p : tensor<1x2xbf16>, tensor<1x4xbf16>
    })");
  ASSERT_TRUE(f);
  auto results =
      evaluate(f, {tensor({1, 1}, {2}), tensor({4, 1}, {1, -1, 3, 5})});
  ASSERT_TRUE(bool(results)) << llvm::toString(results.takeError());
  // gate = [2, -2], up = [6, 10].
  expectData((*results)[0], {1, 2}, {12, 0});
  expectData((*results)[1], {1, 4}, {2, 0, 6, 10});
}

TEST_F(EvaluatorTest, UnsupportedOpIsNamed) {
  auto f = parse(R"(
    func.func private @g(tensor<1x1xbf16>) -> tensor<1x1xbf16>
    func.func @f(%x: tensor<1x1xbf16>) -> tensor<1x1xbf16> {
      %y = func.call @g(%x) : (tensor<1x1xbf16>) -> tensor<1x1xbf16>
      return %y : tensor<1x1xbf16>
    })");
  ASSERT_TRUE(f);
  // The first function is the declaration: evaluate the definition.
  auto def = module->lookupSymbol<mlir::func::FuncOp>("f");
  auto result = evaluate(def, {tensor({1, 1}, {1})});
  ASSERT_FALSE(bool(result));
  EXPECT_NE(llvm::toString(result.takeError()).find("'func.call'"),
            std::string::npos);
  auto decl = evaluate(f, {tensor({1, 1}, {1})});
  ASSERT_FALSE(bool(decl));
  llvm::consumeError(decl.takeError());
}

TEST_F(EvaluatorTest, ArgumentsMustFitTheirTypes) {
  auto f = parse(R"(
    func.func @f(%x: tensor<?x2xbf16>) -> tensor<?x2xbf16> {
      return %x : tensor<?x2xbf16>
    })");
  ASSERT_TRUE(f);
  auto wrongShape = evaluate(f, {tensor({1, 3}, {1, 2, 3})});
  ASSERT_FALSE(bool(wrongShape));
  EXPECT_NE(llvm::toString(wrongShape.takeError()).find("argument 0"),
            std::string::npos);
  auto wrongCount = evaluate(f, {});
  ASSERT_FALSE(bool(wrongCount));
  llvm::consumeError(wrongCount.takeError());
}

TEST_F(EvaluatorTest, RandomInputsFollowRoles) {
  auto f = parse(R"(
    func.func @f(%x: tensor<?x64xbf16> {mlp.role = "x"}, %w: tensor<16x64xbf16> {mlp.role = "up"},
                 %b: tensor<16xbf16> {mlp.role = "up_bias"}) -> tensor<?x16xbf16> {
      %y = mlp.linear %x, %w bias %b : tensor<?x64xbf16>, tensor<16x64xbf16>, tensor<16xbf16> -> tensor<?x16xbf16>
      return %y : tensor<?x16xbf16>
    })");
  ASSERT_TRUE(f);
  auto in = randomInputs(f, 5, 42);
  ASSERT_TRUE(bool(in)) << llvm::toString(in.takeError());
  ASSERT_EQ(in->size(), 3u);
  EXPECT_EQ((*in)[0].shape, (std::vector<int64_t>{5, 64}));
  EXPECT_EQ((*in)[1].shape, (std::vector<int64_t>{16, 64}));
  auto maxAbs = [](const HostTensor &t) {
    double m = 0;
    for (double v : t.data)
      m = std::max(m, std::abs(v));
    return m;
  };
  EXPECT_LE(maxAbs((*in)[0]), 1.0);
  EXPECT_GT(maxAbs((*in)[0]), 0.5);
  EXPECT_LE(maxAbs((*in)[1]), 1.0 / 8.0); // 1/sqrt(64)
  EXPECT_LE(maxAbs((*in)[2]), 0.5);
  // Another seed, other numbers; the same seed, the same numbers.
  auto again = randomInputs(f, 5, 42), other = randomInputs(f, 5, 43);
  ASSERT_TRUE(again && other);
  EXPECT_EQ((*again)[0].data, (*in)[0].data);
  EXPECT_NE((*other)[0].data, (*in)[0].data);
  EXPECT_TRUE(bool(evaluate(f, *in)));
}

TEST(RelativeError, NaNAndShapesNeverPass) {
  HostTensor a({2}), b({2});
  a.data = {1, 2};
  b.data = {1, 2};
  EXPECT_EQ(relativeError(a, b), 0.0);
  b.data = {1, 2.002};
  EXPECT_NEAR(relativeError(b, a), 0.002 / std::sqrt(5.0), 1e-15);
  b.data = {1, std::numeric_limits<double>::quiet_NaN()};
  EXPECT_FALSE(relativeError(b, a) <= 1e-2);
  EXPECT_FALSE(relativeError(a, b) <= 1e-2);
  HostTensor c({1, 2});
  c.data = {1, 2};
  EXPECT_FALSE(relativeError(a, c) <= 1e-2);
}

} // namespace
