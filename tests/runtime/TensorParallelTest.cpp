//===- TensorParallelTest.cpp - tensor parallelism without a GPU ----------===//
//
// The slicing convention (every element of the full weights owned by exactly
// one rank), tensorParallel in program files and validateProgram, and NCCL
// loading: a missing library is a clear error naming it, the real one loads
// and makes unique ids without a GPU.
//
//===----------------------------------------------------------------------===//
#include "TestPrograms.h"

#include "mlpjit/ProgramFile.h"
#include "mlpjit/TensorParallel.h"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace mlpjit;
using namespace mlpjit::testing;

namespace {

std::string errorOf(llvm::Error e) {
  return e ? llvm::toString(std::move(e)) : "";
}

TEST(TensorParallelTest, EveryWeightElementHasExactlyOneOwner) {
  for (int64_t ranks : {1, 2, 3, 4, 8}) {
    for (int64_t shardI : {64, 320}) {
      SCOPED_TRACE("N = " + std::to_string(ranks) +
                   ", I = " + std::to_string(shardI));
      BlockShape shape;
      shape.intermediate = shardI;
      shape.bias = true;
      MlpProgram p = makeProgram(shape, "sm_90a");
      p.tensorParallel = ranks;
      const int64_t h = p.hidden, full = ranks * shardI;
      // Owners per element of gate/up [full, h], down [h, full], gate/up
      // biases [full]; and how many ranks add the down bias.
      std::vector<int> gateUp(size_t(full * h)), down(size_t(h * full)),
          bias(static_cast<size_t>(full));
      int downBiasAdders = 0;
      for (int r = 0; r < ranks; ++r) {
        TensorParallelSlice s = tensorParallelSlice(p, r);
        EXPECT_EQ(s.rows, shardI);
        EXPECT_EQ(s.columns, shardI);
        EXPECT_EQ(s.rowOffset, r * shardI); // rank order, contiguous
        EXPECT_EQ(s.columnOffset, r * shardI);
        for (int64_t row = s.rowOffset; row < s.rowOffset + s.rows; ++row) {
          ++bias[row];
          for (int64_t c = 0; c < h; ++c)
            ++gateUp[row * h + c];
        }
        for (int64_t row = 0; row < h; ++row)
          for (int64_t c = s.columnOffset; c < s.columnOffset + s.columns; ++c)
            ++down[row * full + c];
        downBiasAdders += s.addsDownBias;
      }
      auto once = [](int owners) { return owners == 1; };
      EXPECT_TRUE(llvm::all_of(gateUp, once));
      EXPECT_TRUE(llvm::all_of(down, once));
      EXPECT_TRUE(llvm::all_of(bias, once));
      EXPECT_EQ(downBiasAdders, 1);
      EXPECT_TRUE(tensorParallelSlice(p, 0).addsDownBias);
    }
  }
  MlpProgram noBias = makeProgram(BlockShape{}, "sm_90a");
  noBias.tensorParallel = 2;
  EXPECT_FALSE(tensorParallelSlice(noBias, 0).addsDownBias);
}

TEST(TensorParallelTest, ProgramFileKeepsTensorParallel) {
  MlpProgram p = makeProgram(BlockShape{}, "sm_90a");
  p.tensorParallel = 8;
  std::string json = programToJson(p);
  EXPECT_NE(json.find("\"tensorParallel\": 8"), std::string::npos) << json;
  auto back = programFromJson(json);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->tensorParallel, 8);
  EXPECT_EQ(programToJson(*back), json);

  // Files from before tensor parallelism hold whole blocks.
  std::string old = json;
  old.erase(old.find("\"tensorParallel\": 8,"),
            std::string("\"tensorParallel\": 8,").size());
  auto whole = programFromJson(old);
  ASSERT_TRUE(bool(whole)) << llvm::toString(whole.takeError());
  EXPECT_EQ(whole->tensorParallel, 1);

  for (const char *bad : {"0", "-1", "1025", "\"2\"", "2.5", "null"}) {
    SCOPED_TRACE(bad);
    std::string text = json;
    text.replace(text.find("\"tensorParallel\": 8"),
                 std::string("\"tensorParallel\": 8").size(),
                 std::string("\"tensorParallel\": ") + bad);
    auto r = programFromJson(text);
    ASSERT_FALSE(bool(r));
    EXPECT_NE(llvm::toString(r.takeError())
                  .find("expected an integer in [1, 1024] at "
                        "program.tensorParallel"),
              std::string::npos);
  }
}

TEST(TensorParallelTest, ValidateProgramBoundsTensorParallel) {
  MlpProgram p = makeProgram(BlockShape{}, "sm_90a");
  for (KernelArtifact &k : p.kernels)
    k.ptx = "// placeholder: validateProgram does not read PTX";
  for (int64_t ok : {1, 2, 1024}) {
    p.tensorParallel = ok;
    EXPECT_EQ(errorOf(validateProgram(p)), "") << ok;
  }
  // A shard as the N-GPU test builds it: intermediate 128 of 8 * 128.
  BlockShape shard;
  shard.intermediate = 128;
  shard.bias = true;
  for (const char *arch : {"sm_90a", "sm_80"}) {
    MlpProgram s = makeProgram(shard, arch);
    s.tensorParallel = 8;
    for (KernelArtifact &k : s.kernels)
      k.ptx = "x";
    EXPECT_EQ(errorOf(validateProgram(s)), "") << arch;
  }
  for (int64_t bad : {0, -3, 1025}) {
    p.tensorParallel = bad;
    EXPECT_NE(errorOf(validateProgram(p))
                  .find("tensorParallel " + std::to_string(bad) +
                        " is outside [1, 1024]"),
              std::string::npos)
        << bad;
  }
}

TEST(TensorParallelTest, UniqueIdHexRoundTripsAndRejectsGarbage) {
  NcclUniqueId id;
  for (size_t i = 0; i < id.bytes.size(); ++i)
    id.bytes[i] = char(i * 37 + 5);
  std::string hex = id.toHex();
  EXPECT_EQ(hex.size(), 256u);
  auto back = NcclUniqueId::fromHex(hex);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->bytes, id.bytes);
  for (std::string bad :
       {std::string("abc"), std::string(256, 'g'), std::string(258, '0')}) {
    auto r = NcclUniqueId::fromHex(bad);
    ASSERT_FALSE(bool(r));
    EXPECT_NE(llvm::toString(r.takeError()).find("256 hex digits"),
              std::string::npos);
  }
}

// NCCL is loaded once per process: the missing-library case runs in a fresh
// one (the threadsafe death-test style re-executes the test binary).
TEST(TensorParallelDeathTest, MissingNcclIsAnErrorNamingTheLibrary) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        setenv("MLPJIT_NCCL_LIBRARY", "/nonexistent/libnccl.so.2", 1);
        auto version = ncclVersion();
        if (version)
          std::exit(0);
        std::string why = llvm::toString(version.takeError());
        auto id = newNcclUniqueId(); // the same error, no crash
        if (id || llvm::toString(id.takeError()) != why)
          std::exit(0);
        fprintf(stderr, "%s\n", why.c_str());
        std::exit(7);
      },
      ::testing::ExitedWithCode(7),
      "mlpjit: cannot load NCCL \\(/nonexistent/libnccl.so.2\\): "
      ".*No such file.*MLPJIT_NCCL_LIBRARY");
}

TEST(TensorParallelTest, LoadsNcclAndTurnsNvlsOff) {
  auto version = ncclVersion();
  if (!version) {
    std::string why = llvm::toString(version.takeError());
    if (why.find("cannot load NCCL") != std::string::npos)
      GTEST_SKIP() << "no NCCL here: " << why;
    FAIL() << why;
  }
  EXPECT_EQ(version->major, 2);
  EXPECT_GE(version->minor, 0);
  const char *nvls = std::getenv("NCCL_NVLS_ENABLE");
  ASSERT_NE(nvls, nullptr);
  EXPECT_STREQ(nvls, "0");
}

TEST(TensorParallelTest, MakesUniqueIdsWithoutAGpu) {
  if (auto v = ncclVersion(); !v)
    GTEST_SKIP() << "no NCCL here: " << llvm::toString(v.takeError());
  auto a = newNcclUniqueId();
  if (!a)
    GTEST_SKIP() << "ncclGetUniqueId failed (NCCL's bootstrap needs a "
                    "network interface): "
                 << llvm::toString(a.takeError());
  auto b = newNcclUniqueId();
  ASSERT_TRUE(bool(b)) << llvm::toString(b.takeError());
  EXPECT_NE(a->bytes, NcclUniqueId{}.bytes);
  EXPECT_NE(a->bytes, b->bytes);
}

} // namespace
