//===- EmitModuleTest.cpp - MlpSpec -> mlp dialect module
//------------------===//
#include "mlpjit/Frontend/EmitModule.h"

#include "mlpjit/Dialect/Mlp/MlpOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"

#include <gtest/gtest.h>

using namespace mlpjit;

namespace {

MlpSpec makeSpec(Activation act, bool bias) {
  MlpSpec s;
  s.name = "m-1";
  s.hidden = 64;
  s.intermediate = 256;
  s.activation = act;
  s.bias = bias;
  s.tokensMin = 2;
  s.tokensMax = 512;
  return s;
}

llvm::SmallVector<std::string> roles(mlir::func::FuncOp f) {
  llvm::SmallVector<std::string> out;
  for (unsigned i = 0; i < f.getNumArguments(); ++i)
    out.push_back(f.getArgAttrOfType<mlir::StringAttr>(i, "mlp.role").str());
  return out;
}

TEST(EmitModule, EveryActivationAndBias) {
  const Activation all[] = {Activation::swiglu,    Activation::geglu_tanh,
                            Activation::geglu_erf, Activation::reglu,
                            Activation::gelu_tanh, Activation::gelu_erf,
                            Activation::relu,      Activation::silu};
  for (Activation act : all) {
    for (bool bias : {false, true}) {
      mlir::MLIRContext context;
      MlpSpec spec = makeSpec(act, bias);
      auto module = emitModule(context, spec);
      ASSERT_TRUE(module) << toString(act);
      ASSERT_TRUE(mlir::succeeded(mlir::verify(*module)));
      auto func = module->lookupSymbol<mlir::func::FuncOp>("m_1");
      ASSERT_TRUE(func);
      bool gated = isGated(act);
      llvm::SmallVector<std::string> expected = {"x"};
      if (gated)
        expected.push_back("gate");
      expected.append({"up", "down"});
      if (bias) {
        if (gated)
          expected.push_back("gate_bias");
        expected.append({"up_bias", "down_bias"});
      }
      EXPECT_EQ(roles(func), expected) << toString(act);
      auto range =
          func->getAttrOfType<mlir::DenseI64ArrayAttr>("mlp.token_range");
      ASSERT_TRUE(range);
      EXPECT_EQ(range.asArrayRef(), llvm::ArrayRef<int64_t>({2, 512}));
      EXPECT_FALSE(func->hasAttr("mlp.arch"));

      int linears = 0, muls = 0, activations = 0, withBias = 0;
      func.walk([&](mlir::Operation *op) {
        if (auto l = llvm::dyn_cast<mlp::LinearOp>(op)) {
          ++linears;
          withBias += l.getBias() != nullptr;
        }
        muls += llvm::isa<mlp::MulOp>(op);
        activations += llvm::isa<mlp::ActivationOp>(op);
      });
      EXPECT_EQ(linears, gated ? 3 : 2);
      EXPECT_EQ(muls, gated ? 1 : 0);
      EXPECT_EQ(activations, 1);
      EXPECT_EQ(withBias, bias ? linears : 0);
      auto type = llvm::cast<mlir::RankedTensorType>(
          func.getFunctionType().getResult(0));
      EXPECT_TRUE(type.isDynamicDim(0));
      EXPECT_EQ(type.getDimSize(1), 64);
      EXPECT_TRUE(type.getElementType().isBF16());
    }
  }
}

TEST(EmitModule, SeveralSpecsArchAndDtype) {
  mlir::MLIRContext context;
  MlpSpec a = makeSpec(Activation::swiglu, false);
  a.arch = "sm_90a";
  a.dtype = DType::f16;
  a.packedGateUp = true;
  MlpSpec b = makeSpec(Activation::gelu_erf, true);
  b.name = "other";
  MlpSpec specs[] = {a, b};
  auto module = emitModule(context, specs);
  ASSERT_TRUE(module);
  auto fa = module->lookupSymbol<mlir::func::FuncOp>("m_1");
  auto fb = module->lookupSymbol<mlir::func::FuncOp>("other");
  ASSERT_TRUE(fa && fb);
  EXPECT_EQ(fa->getAttrOfType<mlir::StringAttr>("mlp.arch").str(), "sm_90a");
  EXPECT_TRUE(fa->hasAttr("mlp.packed_gate_up"));
  EXPECT_TRUE(llvm::cast<mlir::RankedTensorType>(fa.getArgumentTypes()[1])
                  .getElementType()
                  .isF16());
  EXPECT_FALSE(fb->hasAttr("mlp.arch"));
}

TEST(EmitModule, InvalidSpecIsADiagnosticNotACrash) {
  mlir::MLIRContext context;
  std::string message;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    message = d.str();
    return mlir::success();
  });
  MlpSpec bad = makeSpec(Activation::swiglu, false);
  bad.hidden = 0;
  EXPECT_FALSE(emitModule(context, bad));
  EXPECT_EQ(message, "mlp 'm-1': hidden: must be positive, got 0");

  MlpSpec one = makeSpec(Activation::swiglu, false);
  MlpSpec two = one;
  two.name = "m_1";
  MlpSpec clash[] = {one, two};
  EXPECT_FALSE(emitModule(context, clash));
  EXPECT_EQ(message, "two specs become the function @m_1");
}

} // namespace
