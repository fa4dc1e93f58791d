//===- CodegenTest.cpp - KernelDesc validation, generated source, NVRTC ---===//
#include "mlpjit/Codegen/Codegen.h"
#include "TemplateFamily.h"
#include "TestPrograms.h"
#include "mlpjit/Arch.h"
#include "mlpjit/Codegen/KernelCache.h"
#include "mlpjit/Codegen/Nvrtc.h"
#include "mlpjit/Codegen/TemplateHeaders.h"
#include "mlpjit/sm80/launch.h"

#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <optional>
#include <thread>

using namespace mlpjit;
using namespace mlpjit::codegen;
using namespace mlpjit::testing;

namespace {

KernelDesc swigluGateUp() {
  return llamaGateUp("sm80_mma", "sm_80", 64, 128, 4, /*mMax=*/64);
}

// Asserts success of an llvm::Expected, printing the error otherwise.
#define ASSERT_EXPECTED(x)                                                     \
  ASSERT_TRUE(bool(x)) << llvm::toString((x).takeError())

template <typename T> bool fails(llvm::Expected<T> x) {
  if (x)
    return false;
  llvm::consumeError(x.takeError());
  return true;
}

std::string errorOf(const KernelDesc &d) {
  llvm::Error err = validateKernel(d);
  return err ? llvm::toString(std::move(err)) : std::string();
}

TEST(TemplateHeaders, EmbedsEveryHeaderWithItsIncludePath) {
  auto kernelAbi = findTemplateHeader("mlpjit/kernel_abi.h");
  ASSERT_TRUE(kernelAbi.has_value());
  EXPECT_NE(kernelAbi->find("struct GemmParams"), llvm::StringRef::npos);
  EXPECT_TRUE(findTemplateHeader("mlpjit/epilogue.cuh").has_value());
  EXPECT_TRUE(findTemplateHeader("mlpjit/sm80/gemm_mma.cuh").has_value());
  EXPECT_TRUE(findTemplateHeader("mlpjit/sm80/launch.h").has_value());
  EXPECT_FALSE(findTemplateHeader("mlpjit/nonexistent.h").has_value());
  for (const EmbeddedHeader &h : embeddedTemplateHeaders()) {
    EXPECT_TRUE(h.path.starts_with("mlpjit/")) << h.path.str();
    EXPECT_FALSE(h.contents.empty()) << h.path.str();
  }
}

TEST(TemplateHeaders, HashIsSha256Hex) {
  const std::string &hash = templateHeadersHash();
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(&hash, &templateHeadersHash()); // computed once
}

TEST(Sm80Launch, GroupedOrderVisitsEveryTileOnce) {
  for (unsigned tilesM : {1u, 3u, 8u, 9u, 17u, 64u})
    for (unsigned tilesN : {1u, 5u, 112u}) {
      std::vector<int> seen(tilesM * tilesN, 0);
      for (unsigned id = 0; id < tilesM * tilesN; ++id) {
        unsigned row = ~0u, col = ~0u;
        tileCoordinates(id, tilesM, tilesN, row, col);
        ASSERT_LT(row, tilesM) << id;
        ASSERT_LT(col, tilesN) << id;
        ++seen[row * tilesN + col];
      }
      for (int count : seen)
        EXPECT_EQ(count, 1) << tilesM << "x" << tilesN;
    }
  // Small m: consecutive CTAs cover all token tiles of one weight tile.
  unsigned row = 0, col = 0;
  tileCoordinates(3, 4, 100, row, col);
  EXPECT_EQ(row, 3u);
  EXPECT_EQ(col, 0u);
  tileCoordinates(4, 4, 100, row, col);
  EXPECT_EQ(row, 0u);
  EXPECT_EQ(col, 1u);
}

TEST(Sm80Launch, ShapeAndWorkspaceFollowTheConfig) {
  KernelDesc d = swigluGateUp(); // 64x128x64, 4 stages, n = 28672
  d.splitK = 3;
  GemmConfig c = toGemmConfig(d);
  mlpjit::abi::LaunchShape s = sm80::launchShape(c, 129, 132);
  EXPECT_EQ(s.grid[0], 3u * 224u); // 3 token tiles x 224 weight tiles
  EXPECT_EQ(s.grid[1], 1u);
  EXPECT_EQ(s.grid[2], 3u);
  EXPECT_EQ(s.block[0], 128u); // 64 * 128 < 128 * 128: 4 warps
  EXPECT_EQ(s.cluster[0] * s.cluster[1] * s.cluster[2], 1u);
  EXPECT_EQ(s.sharedBytes, 4u * (64 + 128) * (64 + 8) * 2);
  EXPECT_EQ(counterCount(c, 129), 3ull * 224);
  EXPECT_EQ(workspaceBytes(c, 129), 3ull * 224 * 3 * 64 * 128 * 4);
  d.splitK = 1;
  EXPECT_EQ(workspaceBytes(toGemmConfig(d), 129), 0ull);
  EXPECT_EQ(counterCount(toGemmConfig(d), 129), 0ull);
  d.tileM = 128;
  EXPECT_EQ(sm80::threads(toGemmConfig(d)), 256u);
}

TEST(Codegen, SourceInstantiatesTheTemplateWithThePlan) {
  KernelDesc d = swigluGateUp();
  ASSERT_EQ(errorOf(d), "");
  std::string src = generateKernelSource(d);
  EXPECT_NE(src.find("#include \"mlpjit/sm80/gemm_mma.cuh\""),
            std::string::npos);
  EXPECT_NE(
      src.find("using Kernel = mlpjit::sm80::GemmMma<__nv_bfloat16, "
               "mlpjit::epilogue::SwiGLU, 64, 128, 64, 4, 1, 1, 1, false, "
               "false, 28672LL, 4096LL, 64>;"),
      std::string::npos)
      << src;
  EXPECT_NE(src.find("extern \"C\" __global__ void "
                     "__launch_bounds__(Kernel::kThreads, 1)\n"
                     "llama3_8b_gate_up_m1_64(const __grid_constant__ "
                     "mlpjit::abi::GemmParams p) {\n  Kernel::run(p);\n}"),
            std::string::npos)
      << src;
  // The header comment names the plan.
  EXPECT_NE(src.find("// plan: gate_up GEMM, D[m, 14336] = swiglu(A[m, 4096] * "
                     "W[28672, 4096]^T), bf16\n"),
            std::string::npos)
      << src;
  // Not the token range: ranges planned alike share one kernel (its name
  // spans them) and one cache entry.
  KernelDesc otherRange = d;
  otherRange.mMin = 65;
  otherRange.mMax = 128;
  EXPECT_EQ(generateKernelSource(otherRange), src);
  EXPECT_NE(src.find("tile 64x128x64, 4 stages"), std::string::npos);

  d.templateName = "sm90_tma_ws";
  d.dtype = DType::f16;
  d.epilogue = Epilogue::gelu_tanh;
  d.hasBias = true;
  d.swapAB = true;
  src = generateKernelSource(d);
  EXPECT_NE(src.find("#include \"mlpjit/sm90/gemm_tma_ws.cuh\""),
            std::string::npos);
  EXPECT_NE(
      src.find("mlpjit::sm90::GemmTmaWs<__half, mlpjit::epilogue::GeluTanh, "
               "64, 128, 64, 4, 1, 1, 1, true, true, 28672LL, 4096LL, 0>"),
      std::string::npos)
      << src;
  EXPECT_NE(src.find("#include <cuda_fp16.h>"), std::string::npos);
}

TEST(Codegen, EveryEpilogueHasItsFunctor) {
  const char *functors[] = {"Identity",  "Silu",     "GeluTanh",
                            "GeluErf",   "Relu",     "SwiGLU",
                            "GeGLUTanh", "GeGLUErf", "ReGLU"};
  auto epilogue = findTemplateHeader("mlpjit/epilogue.cuh");
  ASSERT_TRUE(epilogue.has_value());
  for (int e = 0; e <= int(Epilogue::reglu); ++e) {
    KernelDesc d = swigluGateUp();
    d.epilogue = Epilogue(e);
    std::string expected =
        std::string("mlpjit::epilogue::") + functors[e] + ",";
    EXPECT_NE(generateKernelSource(d).find(expected), std::string::npos)
        << toString(d.epilogue);
    EXPECT_NE(epilogue->find(std::string("struct ") + functors[e] + " {"),
              llvm::StringRef::npos)
        << functors[e];
  }
}

TEST(Codegen, ValidateAcceptsAPlanItsTemplateSupports) {
  EXPECT_EQ(errorOf(swigluGateUp()), "");
  KernelDesc d = swigluGateUp();
  d.epilogue = Epilogue::none;
  d.interleaveRows = 0;
  d.n = 4096;
  d.k = 14344; // ragged: not a multiple of tileK
  d.splitK = 4;
  d.swapAB = true; // accepted and ignored by sm80_mma
  d.arch = "sm_90a";
  EXPECT_EQ(errorOf(d), "");
}

TEST(Codegen, ValidateRejectsBadPlansWithReasons) {
  struct Case {
    const char *what;
    std::function<void(KernelDesc &)> change;
    const char *message;
  } cases[] = {
      {"name", [](KernelDesc &d) { d.name = "9bad-name"; },
       "not a C identifier"},
      {"template", [](KernelDesc &d) { d.templateName = "sm70_wmma"; },
       "unknown kernel template (known: sm90_tma_ws, sm90_tma_ws_pingpong, "
       "sm80_mma)"},
      {"arch", [](KernelDesc &d) { d.arch = "hopper"; },
       "invalid GPU architecture 'hopper'"},
      {"old arch", [](KernelDesc &d) { d.arch = "sm_75"; },
       "needs sm_80 or newer"},
      {"n",
       [](KernelDesc &d) {
         d.n = 1004;
         d.epilogue = Epilogue::none;
       },
       "n = 1004 and k = 4096 must be positive multiples of 8"},
      {"k", [](KernelDesc &d) { d.k = 4100; },
       "must be positive multiples of 8"},
      {"gated n", [](KernelDesc &d) { d.n = 28672 + 64; },
       "needs n % 128 == 0 (gate and up interleaved in 64-row blocks)"},
      {"gated n, 8-row blocks",
       [](KernelDesc &d) {
         d.n = 24;
         d.interleaveRows = 8;
       },
       "needs n % 16 == 0"},
      {"interleave", [](KernelDesc &d) { d.interleaveRows = 0; },
       "needs interleaveRows of 8, 16, 32 or 64, got 0"},
      {"interleave 128", [](KernelDesc &d) { d.interleaveRows = 128; },
       "needs interleaveRows of 8, 16, 32 or 64, got 128"},
      {"m range", [](KernelDesc &d) { d.mMin = 65; },
       "invalid token range [65, 64]"},
      {"tileM", [](KernelDesc &d) { d.tileM = 48; },
       "tileM must be 16, 32, 64 or 128"},
      {"tileN", [](KernelDesc &d) { d.tileN = 96; },
       "tileN must be 64, 128 or 256"},
      {"gated tileN", [](KernelDesc &d) { d.tileN = 64; },
       "gated epilogues need tileN and n multiples of 2 * gateUpBlock"},
      {"tileK", [](KernelDesc &d) { d.tileK = 128; }, "tileK must be 32 or 64"},
      {"stages", [](KernelDesc &d) { d.stages = 6; }, "stages must be 2 to 5"},
      {"cluster", [](KernelDesc &d) { d.clusterN = 2; }, "must be 1x1"},
      {"splitK", [](KernelDesc &d) { d.splitK = 0; }, "splitK must be 1 to 16"},
      {"shared",
       [](KernelDesc &d) {
         d.tileM = 128;
         d.tileN = 256;
         d.stages = 5;
       },
       "more than 227 KiB of shared memory"},
  };
  for (const Case &c : cases) {
    KernelDesc d = swigluGateUp();
    c.change(d);
    std::string message = errorOf(d);
    EXPECT_NE(message.find(c.message), std::string::npos)
        << c.what << ": got '" << message << "'";
    // Every message names the kernel.
    EXPECT_NE(message.find("kernel '" + d.name + "'"), std::string::npos)
        << message;
  }
}

TEST(Codegen, Sm90NeedsTheArchSpecificTarget) {
  KernelDesc d = swigluGateUp();
  d.templateName = "sm90_tma_ws";
  d.arch = "sm_90";
  EXPECT_NE(errorOf(d).find("needs the arch-specific target sm_90a"),
            std::string::npos);
  d.arch = "sm_80";
  EXPECT_NE(errorOf(d).find("needs sm_90 or newer"), std::string::npos);
}

TEST(Codegen, ParsesArchitectures) {
  auto hopper = Arch::parse("sm_90a");
  ASSERT_EXPECTED(hopper);
  EXPECT_EQ(hopper->sm, 90);
  EXPECT_TRUE(hopper->specific);
  EXPECT_EQ(hopper->str(), "sm_90a");
  auto ampere = Arch::parse("sm_80");
  ASSERT_EXPECTED(ampere);
  EXPECT_EQ(ampere->sm, 80);
  EXPECT_FALSE(ampere->specific);
  for (const char *bad : {"", "sm_", "sm_90b", "compute_90", "sm_9x"})
    EXPECT_TRUE(fails(Arch::parse(bad))) << bad;
  EXPECT_EQ(Arch::forDevice(9, 0).str(), "sm_90a");
  EXPECT_EQ(Arch::forDevice(8, 6).str(), "sm_86");
  EXPECT_TRUE(ampere->runsOn(*hopper));
  EXPECT_FALSE(hopper->runsOn(Arch::forDevice(10, 0)));
}

TEST(Nvrtc, FlagsTargetTheVirtualArchitecture) {
  auto flags = nvrtcFlags("sm_90a");
  EXPECT_EQ(flags.front(), "--gpu-architecture=compute_90a");
  EXPECT_NE(std::find(flags.begin(), flags.end(), "-std=c++17"), flags.end());
  EXPECT_NE(std::find(flags.begin(), flags.end(), "-I" + cudaIncludeDir()),
            flags.end());
  EXPECT_EQ(nvrtcFlags("sm_80").front(), "--gpu-architecture=compute_80");
  // With the cubin, the real architecture (NVRTC assembles it).
  EXPECT_EQ(nvrtcFlags("sm_90a", /*cubin=*/true).front(),
            "--gpu-architecture=sm_90a");
  EXPECT_NE(nvrtcVersionString(), "unknown");
  EXPECT_TRUE(llvm::sys::fs::exists(cudaIncludeDir() + "/cuda_bf16.h"))
      << cudaIncludeDir();
}

TEST(Nvrtc, CompileErrorReturnsTheLog) {
  auto ptx = compileToPtx("extern \"C\" __global__ void broken() { int x = ; }",
                          "broken_kernel", "sm_80");
  ASSERT_FALSE(bool(ptx));
  std::string message = llvm::toString(ptx.takeError());
  EXPECT_NE(message.find("NVRTC could not compile 'broken_kernel'"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("expected an expression"), std::string::npos)
      << message;
}

TEST(Nvrtc, CompilesAgainstEmbeddedHeaders) {
  auto ptx =
      compileToPtx("#include \"mlpjit/kernel_abi.h\"\n"
                   "extern \"C\" __global__ void k(mlpjit::abi::GemmParams p)"
                   " { *(int *)p.d = p.m; }",
                   "abi_kernel", "sm_90a");
  ASSERT_EXPECTED(ptx);
  EXPECT_NE(ptx->ptx.find(".target sm_90a"), std::string::npos);
  EXPECT_NE(ptx->ptx.find(".entry k("), std::string::npos);
}

TEST(Ptxas, ReportsResourcesAndErrors) {
  auto ptx =
      compileToPtx("extern \"C\" __global__ void k(float *p) {"
                   " __shared__ float s[256]; s[threadIdx.x] = p[threadIdx.x];"
                   " __syncthreads(); p[threadIdx.x] = s[255 - threadIdx.x]; }",
                   "smem_kernel", "sm_80");
  ASSERT_EXPECTED(ptx);
  auto report = runPtxas(ptx->ptx, "sm_80");
  ASSERT_EXPECTED(report);
  EXPECT_EQ(report->sharedBytes, 1024);
  EXPECT_GT(report->registers, 0);
  EXPECT_EQ(report->spillStores, 0);
  EXPECT_FALSE(report->cubin.empty());
  auto sass = disassemble(report->cubin);
  if (sass)
    EXPECT_NE(sass->find("STS"), std::string::npos);
  else
    llvm::consumeError(sass.takeError()); // cuobjdump is optional

  auto bad = runPtxas("not ptx", "sm_80");
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(llvm::toString(bad.takeError()).find("ptxas failed"),
            std::string::npos);
}

/// Whether `image` is a CUDA ELF (EM_CUDA, 190): a cubin, not PTX text.
bool isCudaElf(llvm::StringRef image) {
  return image.size() > 20 &&
         image.starts_with("\x7f"
                           "ELF") &&
         uint8_t(image[18]) == 190 && image[19] == 0;
}

/// compileKernel through a cache in a fresh directory, on a small kernel
/// (llama-3-8b's gate-up, 16-row tiles, 2 stages).
class CompileKernelTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(
        llvm::sys::fs::createUniqueDirectory("mlpjit-codegen-cache", dir));
    cache.emplace(std::string(dir.str()));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }
  static KernelDesc smallKernel() {
    KernelDesc d = swigluGateUp();
    d.tileM = 16;
    d.stages = 2;
    return d;
  }

  llvm::SmallString<128> dir;
  std::optional<KernelCache> cache;
};

TEST_F(CompileKernelTest, GoesThroughTheCache) {
  KernelDesc d = smallKernel();
  auto first = compileKernel(d, &*cache);
  ASSERT_EXPECTED(first);
  EXPECT_FALSE(first->cacheHit);
  EXPECT_NE(first->ptx.find(".entry llama3_8b_gate_up_m1_64("),
            std::string::npos);
  EXPECT_EQ(first->source, generateKernelSource(d));
  EXPECT_TRUE(
      llvm::sys::fs::exists(cache->entryPath(first->cacheKey) + "/kernel.ptx"));

  cache->clearMemory(); // the second lookup must come from disk
  auto second = compileKernel(d, &*cache);
  ASSERT_EXPECTED(second);
  EXPECT_TRUE(second->cacheHit);
  EXPECT_EQ(second->ptx, first->ptx);
  EXPECT_EQ(second->cacheKey, first->cacheKey);

  d.stages = 3; // another plan, another key
  auto third = compileKernel(d, &*cache);
  ASSERT_EXPECTED(third);
  EXPECT_FALSE(third->cacheHit);
  EXPECT_NE(third->cacheKey, first->cacheKey);

  d.tileM = 48;
  EXPECT_TRUE(fails(compileKernel(d, &*cache)));
}

TEST_F(CompileKernelTest, CubinComesFromTheSameCompileAndIsCached) {
  KernelDesc d = smallKernel();
  auto ptxOnly = compileKernel(d, &*cache);
  ASSERT_EXPECTED(ptxOnly);
  EXPECT_TRUE(ptxOnly->cubin.empty());

  // The PTX-only entry does not serve a request for the cubin: another key.
  auto first = compileKernel(d, &*cache, /*withCubin=*/true);
  ASSERT_EXPECTED(first);
  EXPECT_FALSE(first->cacheHit);
  EXPECT_NE(first->cacheKey, ptxOnly->cacheKey);
  EXPECT_EQ(first->ptx, ptxOnly->ptx); // one NVRTC run, the same PTX
  EXPECT_TRUE(isCudaElf(first->cubin)) << first->cubin.substr(0, 16);
  EXPECT_TRUE(llvm::sys::fs::exists(cache->entryPath(first->cacheKey) +
                                    "/kernel.cubin"));

  cache->clearMemory(); // from disk
  auto second = compileKernel(d, &*cache, /*withCubin=*/true);
  ASSERT_EXPECTED(second);
  EXPECT_TRUE(second->cacheHit);
  EXPECT_EQ(second->cubin, first->cubin);
  EXPECT_EQ(second->ptx, first->ptx);
}

TEST_F(CompileKernelTest, ConcurrentCompilesShareOneCache) {
  // compileMlp compiles a model's kernels on several threads at once.
  std::vector<std::string> warnings;
  std::mutex warningsMutex;
  cache->setWarningSink([&](llvm::StringRef w) {
    std::lock_guard<std::mutex> lock(warningsMutex);
    warnings.push_back(w.str());
  });
  const int kThreads = 6;
  std::vector<std::string> ptx(kThreads), errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      KernelDesc d = smallKernel();
      d.stages = 2 + t % 3; // three distinct kernels, each compiled twice
      auto artifact = compileKernel(d, &*cache);
      if (artifact)
        ptx[t] = artifact->ptx;
      else
        errors[t] = llvm::toString(artifact.takeError());
    });
  for (auto &thread : threads)
    thread.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(errors[t], "");
    EXPECT_NE(ptx[t].find(".entry llama3_8b_gate_up_m1_64("),
              std::string::npos);
    EXPECT_EQ(ptx[t], ptx[t % 3]); // same kernel, same PTX
  }
  EXPECT_NE(ptx[0], ptx[1]);
  EXPECT_TRUE(warnings.empty());
}

} // namespace
