//===- ApiMisuseTest.cpp - the public API turns misuse into errors -------===//
//
// validateProgram needs no GPU; the Mlp calls (weights, forward) need a
// loaded program and skip without a CUDA driver. Every misuse must be an
// llvm::Error naming the problem, and must launch nothing.
//
//===----------------------------------------------------------------------===//
#include "GpuTestSupport.h"

#include "mlpjit/Codegen/Codegen.h"
#include "mlpjit/mlpjit.h"

#include <gtest/gtest.h>

#include <functional>

using namespace mlpjit;
using namespace mlpjit::testing;

namespace {

std::string errorOf(llvm::Error e) {
  return e ? llvm::toString(std::move(e)) : std::string();
}

MlpProgram hopperProgram(BlockShape shape = {}) {
  MlpProgram p = makeProgram(shape, "sm_90a");
  for (KernelArtifact &k : p.kernels)
    k.ptx = "// placeholder: validateProgram does not read PTX";
  return p;
}

/// hopperProgram with the small range's down GEMM planned like the large
/// one and named alike: one kernel serving both ranges.
MlpProgram sharedDownProgram() {
  MlpProgram p = hopperProgram();
  KernelDesc &small = p.kernels[1].desc;
  const int64_t mMin = small.mMin, mMax = small.mMax;
  small = p.kernels[3].desc;
  small.mMin = mMin;
  small.mMax = mMax;
  return p;
}

TEST(ValidateProgramTest, AcceptsWellFormedPrograms) {
  EXPECT_EQ(errorOf(validateProgram(hopperProgram())), "");
  MlpProgram sm80 = makeProgram(BlockShape{}, "sm_80");
  for (KernelArtifact &k : sm80.kernels)
    k.ptx = "x";
  EXPECT_EQ(errorOf(validateProgram(sm80)), "");
  BlockShape plain;
  plain.epilogue = Epilogue::gelu_erf;
  plain.bias = true;
  EXPECT_EQ(errorOf(validateProgram(hopperProgram(plain))), "");
  // Two ranges of one kernel (one name, plan and code), as collectKernels
  // names the ranges planned alike.
  EXPECT_EQ(errorOf(validateProgram(sharedDownProgram())), "");
}

TEST(ValidateProgramTest, RejectsInconsistentPrograms) {
  struct Case {
    const char *expected;
    std::function<void(MlpProgram &)> change;
  };
  // Kernels: [0] gate_up small, [1] down small, [2] gate_up large, [3] down.
  const Case cases[] = {
      {"hidden and intermediate sizes must be positive",
       [](MlpProgram &p) { p.hidden = 0; }},
      {"invalid token range [0, 300]", [](MlpProgram &p) { p.tokensMin = 0; }},
      {"the program has no kernels", [](MlpProgram &p) { p.kernels.clear(); }},
      {"kernel 'tiny_down_large' has no PTX",
       [](MlpProgram &p) { p.kernels[3].ptx.clear(); }},
      {"token bucket [17, 300] lacks its down kernel",
       [](MlpProgram &p) { p.kernels.pop_back(); }},
      {"two gate_up kernels",
       [](MlpProgram &p) { p.kernels.push_back(p.kernels[2]); }},
      {"no kernel covers M = 301", [](MlpProgram &p) { p.tokensMax = 400; }},
      {"no kernel covers M = 17",
       [](MlpProgram &p) {
         p.kernels[2].desc.mMin = p.kernels[3].desc.mMin = 18;
       }},
      {"the block needs 640x264",
       [](MlpProgram &p) { p.kernels[0].desc.n = 512; }},
      {"the block needs 264x320",
       [](MlpProgram &p) { p.kernels[1].desc.k = 256; }},
      {"dtype f16 differs from the block's bf16",
       [](MlpProgram &p) { p.kernels[2].desc.dtype = DType::f16; }},
      {"has a bias, the block has none",
       [](MlpProgram &p) { p.kernels[1].desc.hasBias = true; }},
      {"epilogue geglu_erf differs from the block's swiglu",
       [](MlpProgram &p) { p.kernels[0].desc.epilogue = Epilogue::geglu_erf; }},
      {"the down projection has no activation",
       [](MlpProgram &p) { p.kernels[1].desc.epilogue = Epilogue::relu; }},
      {"interleaves gate/up in blocks of 32 rows",
       [](MlpProgram &p) { p.kernels[0].desc.interleaveRows = 32; }},
      {"not a multiple of the interleave block",
       [](MlpProgram &p) { p.interleaveRows = 96; }},
      {"unknown template 'sm70_wmma'",
       [](MlpProgram &p) { p.kernels[3].desc.templateName = "sm70_wmma"; }},
      {"does not support this plan: stages must be 2 to 8",
       [](MlpProgram &p) { p.kernels[3].desc.stages = 12; }},
  };
  for (const Case &c : cases) {
    MlpProgram p = hopperProgram();
    c.change(p);
    std::string why = errorOf(validateProgram(p));
    EXPECT_NE(why.find(c.expected), std::string::npos)
        << "expected '" << c.expected << "', got '" << why << "'";
    EXPECT_EQ(why.rfind("mlpjit: MLP 'tiny': ", 0), 0u) << why;
  }
}

TEST(ValidateProgramTest, OneNameIsOneKernel) {
  // The loader loads each name once: a second kernel of that name must be
  // the same plan and the same code.
  MlpProgram plan = sharedDownProgram();
  plan.kernels[1].desc.stages = 3;
  MlpProgram code = sharedDownProgram();
  code.kernels[1].ptx = "// other code";
  const std::pair<MlpProgram *, const char *> cases[] = {
      {&plan, "two kernels named 'tiny_down_large' differ (plan)"},
      {&code, "two kernels named 'tiny_down_large' differ (code)"}};
  for (const auto &[p, expected] : cases) {
    std::string why = errorOf(validateProgram(*p));
    EXPECT_NE(why.find(expected), std::string::npos)
        << "expected '" << expected << "', got '" << why << "'";
  }
}

/// A loaded Mlp on the GPU; each test misuses it.
class MlpMisuseTest : public GpuContextTest {
protected:
  std::unique_ptr<Mlp> load(const BlockShape &shape) {
    MlpProgram p = makeProgram(shape, context->arch());
    for (KernelArtifact &k : p.kernels) {
      auto ptx = codegen::compileKernel(k.desc, nullptr);
      if (!ptx) {
        ADD_FAILURE() << llvm::toString(ptx.takeError());
        return nullptr;
      }
      k.ptx = ptx->ptx;
    }
    auto mlp = Mlp::load(p, *context);
    if (!mlp) {
      ADD_FAILURE() << llvm::toString(mlp.takeError());
      return nullptr;
    }
    return std::move(*mlp);
  }

  const void *buffer(size_t bytes) {
    auto b = DeviceBuffer::allocate(*context, bytes);
    if (!b) {
      ADD_FAILURE() << llvm::toString(b.takeError());
      return nullptr;
    }
    buffers.push_back(std::move(*b));
    return buffers.back().get();
  }

  std::vector<DeviceBuffer> buffers;
};

#define EXPECT_ERROR(expr, text)                                               \
  do {                                                                         \
    std::string why_ = errorOf(expr);                                          \
    EXPECT_NE(why_.find(text), std::string::npos)                              \
        << "expected '" << text << "', got '" << why_ << "'";                  \
  } while (0)

TEST_F(MlpMisuseTest, ForwardChecksEverythingBeforeLaunching) {
  std::unique_ptr<Mlp> mlp = load(BlockShape{});
  ASSERT_TRUE(mlp);
  const size_t bytes = 300 * 264 * 2;
  void *x = const_cast<void *>(buffer(bytes)),
       *y = const_cast<void *>(buffer(bytes));
  EXPECT_ERROR(mlp->forward(x, y, 8, nullptr),
               "forward before setWeights/setPackedGateUp");
  WeightPointers w;
  w.gate = buffer(320 * 264 * 2);
  w.up = buffer(320 * 264 * 2);
  w.down = buffer(264 * 320 * 2);
  ASSERT_EQ(errorOf(mlp->setWeights(w, nullptr)), "");
  EXPECT_ERROR(mlp->forward(x, y, 0, nullptr),
               "M = 0 is outside the compiled token range [1, 300]");
  EXPECT_ERROR(mlp->forward(x, y, 301, nullptr), "M = 301 is outside");
  EXPECT_ERROR(mlp->forward(nullptr, y, 8, nullptr), "null pointer");
  EXPECT_ERROR(mlp->forward(x, nullptr, 8, nullptr), "null pointer");
  EXPECT_ERROR(mlp->forward(static_cast<char *>(x) + 2, y, 8, nullptr),
               "16-byte aligned");
  EXPECT_ERROR(mlp->down(static_cast<char *>(y) + 8, 8, nullptr),
               "16-byte aligned");
  EXPECT_EQ(errorOf(mlp->forward(x, y, 8, nullptr)), "");
  ASSERT_EQ(context->driver().cuCtxSynchronize(), CUDA_SUCCESS);
}

TEST_F(MlpMisuseTest, WeightsMustMatchTheBlock) {
  std::unique_ptr<Mlp> mlp = load(BlockShape{});
  ASSERT_TRUE(mlp);
  const void *g = buffer(320 * 264 * 2), *u = buffer(320 * 264 * 2),
             *dn = buffer(264 * 320 * 2), *b = buffer(4096);
  EXPECT_ERROR(mlp->setWeights({nullptr, u, dn}, nullptr),
               "gate, up and down weights are required");
  EXPECT_ERROR(mlp->setWeights({g, u, nullptr}, nullptr),
               "gate, up and down weights are required");
  EXPECT_ERROR(mlp->setWeights({g, u, dn, b, b, b}, nullptr),
               "the MLP has no biases but one was given");
  EXPECT_ERROR(
      mlp->setWeights({static_cast<const char *>(g) + 4, u, dn}, nullptr),
      "16-byte aligned");
  EXPECT_ERROR(mlp->setPackedGateUp(g, nullptr, nullptr, nullptr, nullptr),
               "gate_up and down weights are required");
  // A failed setWeights leaves the Mlp without weights.
  void *x = const_cast<void *>(buffer(264 * 2)),
       *y = const_cast<void *>(buffer(264 * 2));
  EXPECT_ERROR(mlp->forward(x, y, 1, nullptr), "before setWeights");
}

TEST_F(MlpMisuseTest, PlainBlocksTakeNoGate) {
  BlockShape plain;
  plain.name = "plain";
  plain.epilogue = Epilogue::relu;
  plain.bias = true;
  plain.intermediate = 256;
  std::unique_ptr<Mlp> mlp = load(plain);
  ASSERT_TRUE(mlp);
  const void *u = buffer(256 * 264 * 2), *dn = buffer(264 * 256 * 2),
             *b = buffer(4096);
  EXPECT_ERROR(mlp->setWeights({u, u, dn, b, b, b}, nullptr),
               "a plain MLP takes no gate");
  EXPECT_ERROR(mlp->setWeights({nullptr, u, dn, nullptr, b, nullptr}, nullptr),
               "the MLP has biases: up and down biases are required");
  EXPECT_ERROR(mlp->setPackedGateUp(u, dn, b, b, nullptr),
               "a packed gate_up weight needs a gated MLP");
  EXPECT_EQ(errorOf(mlp->setWeights({nullptr, u, dn, nullptr, b, b}, nullptr)),
            "");
}

} // namespace
