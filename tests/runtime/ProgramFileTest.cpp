//===- ProgramFileTest.cpp - MlpProgram JSON round trip and errors --------===//
#include "TestPrograms.h"

#include "mlpjit/ProgramFile.h"

#include <gtest/gtest.h>

using namespace mlpjit;
using namespace mlpjit::testing;

namespace {

TEST(ProgramFileTest, RoundTripsEveryField) {
  BlockShape shape;
  shape.epilogue = Epilogue::geglu_erf;
  shape.bias = true;
  shape.dtype = DType::f16;
  MlpProgram p = makeProgram(shape, "sm_90a");
  p.kernels[0].ptx = "// ptx \"quoted\"\n.entry x {}\n";
  auto back = programFromJson(programToJson(p));
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(programToJson(*back), programToJson(p));
  EXPECT_EQ(back->kernels.size(), 4u);
  EXPECT_EQ(back->kernels[0].ptx, p.kernels[0].ptx);
  const KernelDesc &a = p.kernels[1].desc, &b = back->kernels[1].desc;
  EXPECT_EQ(b.name, a.name);
  EXPECT_EQ(b.role, KernelRole::down);
  EXPECT_EQ(b.dtype, DType::f16);
  EXPECT_EQ(b.splitK, 2);
  EXPECT_TRUE(b.swapAB);
  EXPECT_EQ(back->kernels[2].desc.clusterM, 2);
  EXPECT_EQ(back->epilogue, Epilogue::geglu_erf);
  EXPECT_TRUE(back->hasBias);
}

TEST(ProgramFileTest, ErrorsNameTheField) {
  MlpProgram p = makeProgram(BlockShape{}, "sm_80");
  std::string json = programToJson(p);
  auto expectError = [](llvm::StringRef text, llvm::StringRef expected) {
    auto r = programFromJson(text);
    ASSERT_FALSE(bool(r));
    std::string why = llvm::toString(r.takeError());
    EXPECT_NE(why.find(expected.str()), std::string::npos) << why;
  };
  expectError("{", "not JSON");
  expectError("{\"format\": \"other\"}", "not an mlpjit program");
  // Kernels of formats 1 and 2 take other GemmParams: refused, not loaded.
  for (const char *format : {"mlpjit-program-1", "mlpjit-program-2"}) {
    std::string older = json;
    older.replace(older.find("mlpjit-program-4"), 16, format);
    expectError(older, "older mlpjit whose kernels take another parameter");
  }
  auto olderArtifact =
      artifactFromJson("{\"format\": \"mlpjit-artifact-2\", \"programs\": []}");
  ASSERT_FALSE(bool(olderArtifact));
  EXPECT_NE(llvm::toString(olderArtifact.takeError()).find("compile it again"),
            std::string::npos);
  std::string badEpilogue = json;
  badEpilogue.replace(badEpilogue.find("\"swiglu\""), 8, "\"swish\"");
  expectError(badEpilogue, "unknown epilogue at program.epilogue");
  std::string badTile = json;
  badTile.replace(badTile.find("\"tileM\": 16"), 11, "\"tileM\": \"16\"");
  expectError(badTile, "expected integer at program.kernels[0].desc.tileM");
  auto missing = readProgramFile("/nonexistent/program.json");
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(llvm::toString(missing.takeError()).find("cannot read"),
            std::string::npos);
}

/// makeProgram's, its large bucket cut in two token ranges that share their
/// kernels (as collectKernels names ranges planned alike), with code.
MlpProgram programWithSharedKernels() {
  MlpProgram p = makeProgram(BlockShape{}, "sm_90a");
  for (KernelArtifact &k : p.kernels) {
    k.ptx = ".entry " + k.desc.name + " {}\n";
    k.cubin = "\x7f"
              "ELF cubin of " +
              k.desc.name;
  }
  for (size_t i : {2, 3}) {
    KernelArtifact upper = p.kernels[i];
    p.kernels[i].desc.mMax = 200;
    upper.desc.mMin = 201;
    p.kernels.push_back(upper);
  }
  return p;
}

TEST(ProgramFileTest, SharedKernelsAreWrittenOnce) {
  MlpProgram p = programWithSharedKernels();
  std::string json = programToJson(p);
  // Each kernel's PTX once: four kernels, six token-range entries.
  size_t entries = 0;
  for (size_t at = json.find("\"ptx\""); at != std::string::npos;
       at = json.find("\"ptx\"", at + 1))
    ++entries;
  EXPECT_EQ(entries, 4u);
  auto back = programFromJson(json);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  ASSERT_EQ(back->kernels.size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(back->kernels[i].ptx, p.kernels[i].ptx) << i;
    EXPECT_EQ(back->kernels[i].cubin, p.kernels[i].cubin) << i;
    EXPECT_EQ(back->kernels[i].desc.mMin, p.kernels[i].desc.mMin) << i;
  }
  EXPECT_EQ(programToJson(*back), json);
  // Format 3 files, which hold every kernel's code, still load.
  std::string v3 = programToJson(makeProgram(BlockShape{}, "sm_90a"));
  v3.replace(v3.find("mlpjit-program-4"), 16, "mlpjit-program-3");
  EXPECT_TRUE(bool(programFromJson(v3)));
}

TEST(ProgramFileTest, ASharedNameWithAnotherPlanIsRefused) {
  MlpProgram p = programWithSharedKernels();
  // A later kernel of that name but another plan would run the wrong code.
  std::string json = programToJson(p);
  size_t at = json.rfind("\"tileM\": 128");
  ASSERT_NE(at, std::string::npos);
  json.replace(at, 13, "\"tileM\": 64,");
  auto wrong = programFromJson(json);
  ASSERT_FALSE(bool(wrong));
  EXPECT_NE(llvm::toString(wrong.takeError())
                .find("shares its name with an earlier kernel of another plan "
                      "at program.kernels[5]"),
            std::string::npos);
}

} // namespace
