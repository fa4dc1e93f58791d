//===- CApiTest.cpp - the C API (libmlpjit.so) without a GPU --------------===//
//
// Every entry point's error path through the shared library: null handles,
// spec errors with file:line:col, missing, corrupt and truncated artifacts,
// and (run by ctest under the stand-in driver with FAKE_CUDA_CC=80) an
// sm_90a artifact refused on an sm_80 device with ARCH_MISMATCH. The
// artifacts are hand-planned programs (tests/runtime/TestPrograms.h) with
// placeholder PTX: every check here comes before any module load.
//
//===----------------------------------------------------------------------===//
#include "mlpjit/mlpjit_c.h"

#include "../runtime/TestPrograms.h"
#include "mlpjit/ProgramFile.h"
#include "mlpjit/Version.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

using namespace mlpjit;

namespace {

std::string tempPath(const char *name) {
  llvm::SmallString<128> path;
  llvm::sys::fs::createUniquePath(std::string("mlpjit-capi-%%%%%%-") + name,
                                  path, /*MakeAbsolute=*/true);
  return std::string(path);
}

void writeText(const std::string &path, llvm::StringRef text) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  ASSERT_FALSE(ec) << ec.message();
  os << text;
}

/// An artifact of the tiny test block for `arch`, with placeholder code.
std::string writeArtifact(const std::string &arch, bool cubin) {
  MlpProgram p =
      mlpjit::testing::makeProgram(mlpjit::testing::BlockShape{}, arch);
  for (KernelArtifact &k : p.kernels) {
    k.ptx = "// placeholder";
    if (cubin)
      k.cubin = std::string("\x7f"
                            "ELF\0\1",
                            6);
  }
  std::string path = tempPath("artifact.json");
  EXPECT_FALSE(bool(writeArtifactFile({p}, path)));
  return path;
}

std::string lastError() { return mlpjit_last_error(); }

TEST(CApi, VersionAndStatusNames) {
  EXPECT_STREQ(mlpjit_version(), MLPJIT_VERSION_STRING);
  EXPECT_EQ(mlpjit_c_api_version(), MLPJIT_C_API_VERSION);
  EXPECT_STREQ(mlpjit_status_name(MLPJIT_ERROR_ARCH_MISMATCH),
               "MLPJIT_ERROR_ARCH_MISMATCH");
  EXPECT_STREQ(mlpjit_status_name(mlpjit_status(99)), "MLPJIT_ERROR_UNKNOWN");
}

TEST(CApi, NullHandles) {
  mlpjit_context_destroy(nullptr);
  mlpjit_program_destroy(nullptr);
  mlpjit_layer_destroy(nullptr);
  EXPECT_EQ(mlpjit_program_block_count(nullptr), 0);
  EXPECT_EQ(mlpjit_program_find_block(nullptr, "x"), -1);
  EXPECT_EQ(mlpjit_layer_owned_bytes(nullptr), 0u);
  EXPECT_STREQ(mlpjit_context_arch(nullptr), "");
  EXPECT_EQ(mlpjit_context_create(0, nullptr), MLPJIT_ERROR_INVALID_ARGUMENT);
  size_t bytes = 0;
  EXPECT_EQ(mlpjit_workspace_bytes(nullptr, 0, 1, &bytes),
            MLPJIT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("null program"), std::string::npos);
  mlpjit_block_info info;
  EXPECT_EQ(mlpjit_program_block_info(nullptr, 0, &info),
            MLPJIT_ERROR_INVALID_ARGUMENT);
  mlpjit_tp_slice slice;
  EXPECT_EQ(mlpjit_tensor_parallel_slice(nullptr, 0, 0, &slice),
            MLPJIT_ERROR_INVALID_ARGUMENT);
  mlpjit_layer layer = reinterpret_cast<mlpjit_layer>(1);
  EXPECT_EQ(mlpjit_layer_create(nullptr, 0, nullptr, nullptr, &layer),
            MLPJIT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(layer, nullptr);
  layer = reinterpret_cast<mlpjit_layer>(1);
  EXPECT_EQ(mlpjit_layer_create_shared(nullptr, 0, nullptr, &layer),
            MLPJIT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(layer, nullptr);
  EXPECT_NE(lastError().find("null program"), std::string::npos) << lastError();
  EXPECT_EQ(mlpjit_layer_create_shared(nullptr, 0, nullptr, nullptr),
            MLPJIT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("null output handle"), std::string::npos)
      << lastError();
  EXPECT_EQ(mlpjit_forward(nullptr, nullptr, nullptr, 1, nullptr, 0, nullptr),
            MLPJIT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("null layer"), std::string::npos);
  mlpjit_program program;
  EXPECT_EQ(mlpjit_program_load(nullptr, nullptr, &program),
            MLPJIT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(mlpjit_program_compile(nullptr, nullptr, nullptr, &program),
            MLPJIT_ERROR_INVALID_ARGUMENT);
}

TEST(CApi, SpecErrorsNameFileLineColumn) {
  std::string spec = tempPath("bad.mlp");
  writeText(spec, "mlp bad {\n  hidden = 64\n  intermediate = -3\n}\n");
  mlpjit_program program = nullptr;
  EXPECT_EQ(mlpjit_program_compile(nullptr, spec.c_str(), nullptr, &program),
            MLPJIT_ERROR_SPEC);
  EXPECT_EQ(program, nullptr);
  EXPECT_NE(lastError().find(spec + ":3:"), std::string::npos) << lastError();
  // From a string, named in diagnostics.
  EXPECT_EQ(mlpjit_program_compile_string(nullptr, "mlp x { hidden = }",
                                          "inline.mlp", nullptr, &program),
            MLPJIT_ERROR_SPEC);
  EXPECT_NE(lastError().find("inline.mlp:1:"), std::string::npos)
      << lastError();
  // A good spec gets as far as the missing context.
  EXPECT_EQ(mlpjit_program_compile_string(
                nullptr, "mlp ok { hidden = 64\n intermediate = 128 }", nullptr,
                nullptr, &program),
            MLPJIT_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(lastError().find("null context"), std::string::npos);
  EXPECT_EQ(
      mlpjit_program_compile(nullptr, "/nonexistent/x.mlp", nullptr, &program),
      MLPJIT_ERROR_IO);
  llvm::sys::fs::remove(spec);
}

TEST(CApi, BadArtifacts) {
  mlpjit_program program = nullptr;
  EXPECT_EQ(mlpjit_program_load(nullptr, "/nonexistent/a.json", &program),
            MLPJIT_ERROR_IO);
  EXPECT_NE(lastError().find("/nonexistent/a.json"), std::string::npos);

  std::string good = writeArtifact("sm_90a", /*cubin=*/true);
  auto text = llvm::MemoryBuffer::getFile(good);
  ASSERT_TRUE(bool(text));
  llvm::StringRef full = (*text)->getBuffer();
  ASSERT_NE(full.find("\"cubin\""), llvm::StringRef::npos);

  struct Case {
    const char *what;
    std::string text;
    const char *message;
  } cases[] = {
      {"truncated", full.take_front(full.size() / 2).str(), "not JSON"},
      {"not JSON", "garbage", "not JSON"},
      {"another format", "{\"format\": \"something-else\"}",
       "not an mlpjit artifact"},
      {"bad base64", full.str(), "invalid base64"},
      {"a bad field", full.str(), "artifact.programs[0].kernels"},
  };
  // Corrupt one cubin's base64, and one kernel's tile size.
  size_t at = cases[3].text.find("\"cubin\": \"") + 10;
  cases[3].text.replace(at, 2, "!!");
  size_t tile = cases[4].text.find("\"tileM\": ");
  cases[4].text.replace(tile, 9, "\"tileM\": \"x\", \"_\": ");
  for (const Case &c : cases) {
    std::string path = tempPath("corrupt.json");
    writeText(path, c.text);
    EXPECT_EQ(mlpjit_program_load(nullptr, path.c_str(), &program),
              MLPJIT_ERROR_ARTIFACT)
        << c.what;
    EXPECT_NE(lastError().find(c.message), std::string::npos)
        << c.what << ": " << lastError();
    EXPECT_EQ(program, nullptr);
    llvm::sys::fs::remove(path);
  }
  // A well-formed artifact gets as far as the missing context.
  EXPECT_EQ(mlpjit_program_load(nullptr, good.c_str(), &program),
            MLPJIT_ERROR_INVALID_ARGUMENT);
  llvm::sys::fs::remove(good);
}

TEST(CApi, ContextWithoutGpuFailsClearly) {
  if (std::getenv("FAKE_CUDA_CC"))
    GTEST_SKIP() << "a stand-in device is configured";
  mlpjit_context context = reinterpret_cast<mlpjit_context>(1);
  mlpjit_status s = mlpjit_context_create(0, &context);
  if (s == MLPJIT_OK) {
    mlpjit_context_destroy(context);
    GTEST_SKIP() << "a GPU is present";
  }
  EXPECT_EQ(s, MLPJIT_ERROR_CUDA);
  EXPECT_EQ(context, nullptr);
  EXPECT_NE(lastError().find("mlpjit: "), std::string::npos) << lastError();
}

// ctest runs this with LD_LIBRARY_PATH at the stand-in driver,
// FAKE_CUDA_DEVICES=1 and FAKE_CUDA_CC=80.
TEST(CApi, ArchMismatchOnStandInDevice) {
  if (!std::getenv("FAKE_CUDA_CC"))
    GTEST_SKIP() << "needs the stand-in driver (ctest capi.arch_mismatch)";
  mlpjit_context context = nullptr;
  ASSERT_EQ(mlpjit_context_create(0, &context), MLPJIT_OK) << lastError();
  EXPECT_STREQ(mlpjit_context_arch(context), "sm_80");
  for (bool cubin : {true, false}) {
    std::string path = writeArtifact("sm_90a", cubin);
    mlpjit_program program = nullptr;
    EXPECT_EQ(mlpjit_program_load(context, path.c_str(), &program),
              MLPJIT_ERROR_ARCH_MISMATCH);
    EXPECT_NE(lastError().find(cubin ? "sm_90a (cubin + PTX)" : "sm_90a (PTX)"),
              std::string::npos)
        << lastError();
    EXPECT_NE(lastError().find("this sm_80 GPU"), std::string::npos)
        << lastError();
    llvm::sys::fs::remove(path);
  }
  // An sm_80 variant beside the sm_90a one is picked; its placeholder
  // cubin then fails in the (stand-in) driver, not in the arch check.
  MlpProgram hopper =
      mlpjit::testing::makeProgram(mlpjit::testing::BlockShape{}, "sm_90a");
  MlpProgram ampere =
      mlpjit::testing::makeProgram(mlpjit::testing::BlockShape{}, "sm_80");
  for (MlpProgram *p : {&hopper, &ampere})
    for (KernelArtifact &k : p->kernels)
      k.ptx = "// placeholder";
  std::string path = tempPath("two-archs.json");
  ASSERT_FALSE(bool(writeArtifactFile({hopper, ampere}, path)));
  mlpjit_program program = nullptr;
  EXPECT_EQ(mlpjit_program_load(context, path.c_str(), &program),
            MLPJIT_ERROR_CUDA);
  EXPECT_NE(lastError().find("loading the PTX"), std::string::npos)
      << lastError();
  llvm::sys::fs::remove(path);
  mlpjit_context_destroy(context);
}

} // namespace
