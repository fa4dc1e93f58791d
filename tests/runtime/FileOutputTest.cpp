//===- FileOutputTest.cpp - writers on a full disk
//-------------------------===//
//
// writeFileAtomically and the runtime's writers (program files, the kernel
// cache) with a file-size limit standing in for a full disk: a clean error
// or warning, never an abort, and no partial file left behind.
//
//===----------------------------------------------------------------------===//
#include "../support/FullDisk.h"
#include "TestPrograms.h"

#include "mlpjit/Codegen/KernelCache.h"
#include "mlpjit/FileOutput.h"
#include "mlpjit/ProgramFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

using namespace mlpjit;
using namespace mlpjit::testing;

namespace {

class FileOutputTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(
        llvm::sys::fs::createUniqueDirectory("mlpjit-fileoutput", dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }
  std::string path(llvm::StringRef name) const {
    llvm::SmallString<256> p(dir);
    llvm::sys::path::append(p, name);
    return std::string(p);
  }
  std::string read(llvm::StringRef name) const {
    auto buffer = llvm::MemoryBuffer::getFile(path(name));
    return buffer ? (*buffer)->getBuffer().str() : "<missing>";
  }
  llvm::SmallString<256> dir;
};

TEST_F(FileOutputTest, WritesAndReplaces) {
  ASSERT_FALSE(bool(writeFileAtomically(path("a.txt"), "first")));
  ASSERT_FALSE(bool(writeFileAtomically(path("a.txt"), "second")));
  EXPECT_EQ(read("a.txt"), "second");
  EXPECT_EQ(filesBelow(dir), std::vector<std::string>{"a.txt"});
}

TEST_F(FileOutputTest, FullDiskIsAnErrorAndLeavesNoPartialFile) {
  ASSERT_FALSE(bool(writeFileAtomically(path("kept.txt"), "old contents")));
  std::string big(64 * 1024, 'x');
  llvm::Error fresh = llvm::Error::success(), over = llvm::Error::success();
  {
    FullDisk disk(4096);
    fresh = writeFileAtomically(path("new.txt"), big);
    over = writeFileAtomically(path("kept.txt"), big);
  }
  ASSERT_TRUE(bool(fresh));
  EXPECT_EQ(llvm::toString(std::move(fresh)),
            "cannot write " + path("new.txt") + ": File too large");
  ASSERT_TRUE(bool(over));
  llvm::consumeError(std::move(over));
  // The old file is untouched; neither the new one nor a temporary exists.
  EXPECT_EQ(read("kept.txt"), "old contents");
  EXPECT_EQ(filesBelow(dir), std::vector<std::string>{"kept.txt"});
}

TEST_F(FileOutputTest, MissingDirectoryIsAnError) {
  llvm::Error e = writeFileAtomically(path("no/such/dir/x.txt"), "x");
  ASSERT_TRUE(bool(e));
  EXPECT_NE(llvm::toString(std::move(e)).find("cannot write "),
            std::string::npos);
}

TEST_F(FileOutputTest, ProgramFileOnAFullDisk) {
  MlpProgram p = makeProgram(BlockShape{}, "sm_90a");
  p.kernels[0].ptx = std::string(64 * 1024, ' ');
  llvm::Error e = llvm::Error::success();
  {
    FullDisk disk(4096);
    e = writeProgramFile(p, path("program.json"));
  }
  ASSERT_TRUE(bool(e));
  EXPECT_EQ(llvm::toString(std::move(e)), "mlpjit program file: cannot write " +
                                              path("program.json") +
                                              ": File too large");
  EXPECT_TRUE(filesBelow(dir).empty());
}

TEST_F(FileOutputTest, KernelCacheOnAFullDiskWarnsAndKeepsNothingPartial) {
  KernelCache cache(path("cache"));
  std::vector<std::string> warnings;
  cache.setWarningSink([&](llvm::StringRef w) { warnings.push_back(w.str()); });
  CacheEntry entry;
  entry.ptx = std::string(64 * 1024, ' ');
  entry.name = "k";
  {
    FullDisk disk(4096);
    cache.store("0123abcd", entry);
  }
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("File too large"), std::string::npos)
      << warnings[0];
  // Still served from memory; nothing (not even a temporary) on disk.
  EXPECT_TRUE(cache.lookup("0123abcd").has_value());
  EXPECT_TRUE(filesBelow(path("cache")).empty());
}

} // namespace
