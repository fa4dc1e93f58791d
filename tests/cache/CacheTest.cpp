//===- CacheTest.cpp - KernelCache ----------------------------------------===//
#include "mlpjit/Codegen/KernelCache.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <sys/resource.h>
#include <thread>

using namespace mlpjit;
namespace fs = llvm::sys::fs;

namespace {

std::string keyOf(llvm::StringRef source) {
  return CacheKey::compute(source,
                           {"--gpu-architecture=compute_90a", "-std=c++17"},
                           "13.0", "sm_90a", "templates");
}

/// An entry of PTX alone.
CacheEntry ptxEntry(std::string ptx, std::string name) {
  CacheEntry entry;
  entry.ptx = std::move(ptx);
  entry.name = std::move(name);
  return entry;
}

std::string readFile(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

void writeFile(const std::string &path, llvm::StringRef contents) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  ASSERT_FALSE(ec) << path;
  os << contents;
}

class KernelCacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(fs::createUniqueDirectory("mlpjit-cache-test", root));
    dir = (root + "/cache").str();
  }
  void TearDown() override { fs::remove_directories(root); }

  /// A cache over `dir` that records warnings.
  std::unique_ptr<KernelCache> makeCache(const std::string &at) {
    auto cache = std::make_unique<KernelCache>(at);
    cache->setWarningSink(
        [this](llvm::StringRef message) { warnings.push_back(message.str()); });
    return cache;
  }
  std::unique_ptr<KernelCache> makeCache() { return makeCache(dir); }

  std::string ptxFile(const KernelCache &cache, const std::string &key) {
    return cache.entryPath(key) + "/kernel.ptx";
  }
  std::string cubinFile(const KernelCache &cache, const std::string &key) {
    return cache.entryPath(key) + "/kernel.cubin";
  }
  std::string manifestFile(const KernelCache &cache, const std::string &key) {
    return cache.entryPath(key) + "/manifest.json";
  }
  /// Entries (and temporaries) directly in the cache directory.
  int entriesInDir() {
    std::error_code ec;
    int entries = 0;
    for (fs::directory_iterator it(dir, ec), end; it != end && !ec;
         it.increment(ec))
      ++entries;
    return entries;
  }

  /// Stores `stored` (default: PTX alone), corrupts it with `corrupt`, and
  /// checks that a fresh cache warns (mentioning `reason`), misses, and
  /// rebuilds a valid entry.
  void expectCorruptionRecovered(
      const std::function<void(KernelCache &, const std::string &)> &corrupt,
      llvm::StringRef reason,
      const CacheEntry &stored = ptxEntry("// ptx\n.version 8.0\n", "k")) {
    std::string key = keyOf("corrupt me");
    makeCache()->store(key, stored);
    {
      auto cache = makeCache();
      corrupt(*cache, key);
    }
    warnings.clear();
    auto cache = makeCache();
    EXPECT_FALSE(cache->lookup(key).has_value());
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("is invalid"), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find(reason.str()), std::string::npos) << warnings[0];
    EXPECT_FALSE(fs::exists(cache->entryPath(key))); // removed

    // Rebuild: the next store writes a valid entry again.
    cache->store(key, stored);
    warnings.clear();
    auto fresh = makeCache();
    auto entry = fresh->lookup(key);
    ASSERT_TRUE(entry.has_value());
    EXPECT_EQ(entry->ptx, stored.ptx);
    EXPECT_EQ(entry->cubin, stored.cubin);
    EXPECT_TRUE(warnings.empty());
  }

  llvm::SmallString<128> root;
  std::string dir;
  std::vector<std::string> warnings;
};

TEST(CacheKey, HashesEveryInput) {
  std::string base = keyOf("source");
  EXPECT_EQ(base.size(), 64u);
  EXPECT_EQ(base.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(base, keyOf("source"));
  EXPECT_NE(base, keyOf("source "));
  EXPECT_NE(base,
            CacheKey::compute("source", {"--gpu-architecture=compute_90a"},
                              "13.0", "sm_90a", "templates"));
  EXPECT_NE(base,
            CacheKey::compute("source",
                              {"--gpu-architecture=compute_90a", "-std=c++17"},
                              "13.1", "sm_90a", "templates"));
  EXPECT_NE(base,
            CacheKey::compute("source",
                              {"--gpu-architecture=compute_90a", "-std=c++17"},
                              "13.0", "sm_80", "templates"));
  EXPECT_NE(base,
            CacheKey::compute("source",
                              {"--gpu-architecture=compute_90a", "-std=c++17"},
                              "13.0", "sm_90a", "templates2"));
  // Field boundaries matter: moving bytes between fields changes the key.
  EXPECT_NE(CacheKey::compute("ab", {}, "c", "", ""),
            CacheKey::compute("a", {}, "bc", "", ""));
}

TEST_F(KernelCacheTest, MissThenHitInMemoryAndOnDisk) {
  auto cache = makeCache();
  std::string key = keyOf("k1");
  EXPECT_FALSE(cache->lookup(key).has_value());
  llvm::json::Object desc{{"name", "k1"}, {"n", 4096}};
  cache->store(key, {"ptx one", std::move(desc), "", ""});
  auto hit = cache->lookup(key);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->ptx, "ptx one");

  // On disk: the entry directory, its files, and no temporaries left over.
  EXPECT_EQ(readFile(ptxFile(*cache, key)), "ptx one");
  auto manifest = llvm::json::parse(readFile(manifestFile(*cache, key)));
  ASSERT_TRUE(bool(manifest)) << llvm::toString(manifest.takeError());
  const llvm::json::Object *m = manifest->getAsObject();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->getInteger("format"), 2);
  EXPECT_EQ(m->getString("key"), llvm::StringRef(key));
  EXPECT_EQ(m->getString("name"), llvm::StringRef("k1")); // from desc
  EXPECT_EQ(m->getString("mlpjitVersion"), llvm::StringRef(mlpjitVersion()));
  EXPECT_EQ(m->getInteger("ptxBytes"), 7);
  EXPECT_EQ(m->getString("ptxSha256")->size(), 64u);
  EXPECT_EQ(entriesInDir(), 1);

  // Another process (a fresh cache) finds it on disk.
  auto other = makeCache();
  auto fromDisk = other->lookup(key);
  ASSERT_TRUE(fromDisk.has_value());
  EXPECT_EQ(fromDisk->ptx, "ptx one");
  EXPECT_EQ(fromDisk->name, "k1");
  ASSERT_TRUE(fromDisk->desc.getAsObject());
  EXPECT_EQ(fromDisk->desc.getAsObject()->getInteger("n"), 4096);
  EXPECT_FALSE(other->lookup(keyOf("k2")).has_value());
  EXPECT_TRUE(warnings.empty());
}

TEST_F(KernelCacheTest, CubinIsStoredBesideThePtxAndVerified) {
  // A cubin is binary: NUL and high bytes must survive the round trip.
  std::string cubin("\x7f"
                    "ELF\0\x01\xff\x80 sass",
                    12);
  CacheEntry stored = ptxEntry("ptx with cubin", "kc");
  stored.cubin = cubin;
  std::string key = keyOf("with cubin"), plainKey = keyOf("ptx only");
  makeCache()->store(key, stored);
  makeCache()->store(plainKey, ptxEntry("ptx only", "kp"));

  auto manifest = llvm::json::parse(readFile(manifestFile(*makeCache(), key)));
  ASSERT_TRUE(bool(manifest)) << llvm::toString(manifest.takeError());
  EXPECT_EQ(manifest->getAsObject()->getInteger("cubinBytes"), 12);
  EXPECT_EQ(readFile(cubinFile(*makeCache(), key)), cubin);
  // A PTX-only entry has neither the file nor the fields.
  EXPECT_FALSE(fs::exists(cubinFile(*makeCache(), plainKey)));
  auto plainManifest =
      llvm::json::parse(readFile(manifestFile(*makeCache(), plainKey)));
  ASSERT_TRUE(bool(plainManifest));
  EXPECT_FALSE(plainManifest->getAsObject()->get("cubinBytes"));

  auto fresh = makeCache(); // from disk
  auto hit = fresh->lookup(key);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->ptx, "ptx with cubin");
  EXPECT_EQ(hit->cubin, cubin);
  auto plain = fresh->lookup(plainKey);
  ASSERT_TRUE(plain.has_value());
  EXPECT_TRUE(plain->cubin.empty());
  EXPECT_TRUE(warnings.empty());
}

TEST_F(KernelCacheTest, FlippedCubinByteIsDetectedAndRebuilt) {
  CacheEntry stored = ptxEntry("// ptx\n", "k");
  stored.cubin = std::string("\x7f"
                             "ELF cubin",
                             9);
  expectCorruptionRecovered(
      [&](KernelCache &cache, const std::string &key) {
        std::string cubin = readFile(cubinFile(cache, key));
        cubin[5] ^= 0x01;
        writeFile(cubinFile(cache, key), cubin);
      },
      "kernel.cubin does not match its SHA-256", stored);
}

TEST_F(KernelCacheTest, MissingCubinIsDetectedAndRebuilt) {
  CacheEntry stored = ptxEntry("// ptx\n", "k");
  stored.cubin = "cubin bytes";
  expectCorruptionRecovered(
      [&](KernelCache &cache, const std::string &key) {
        fs::remove(cubinFile(cache, key));
      },
      "cannot read kernel.cubin", stored);
}

TEST_F(KernelCacheTest, RelativeDirectoryIsTheWorkingDirectorys) {
  // MLPJIT_CACHE_DIR=cache: entries land under the working directory (the
  // temporaries once went to the system temp directory and every write
  // failed).
  llvm::SmallString<256> saved;
  ASSERT_FALSE(fs::current_path(saved));
  ASSERT_FALSE(fs::set_current_path(root));
  auto cache = makeCache("relative-cache");
  std::string key = keyOf("relative");
  cache->store(key, ptxEntry("ptx", "r"));
  EXPECT_TRUE(cache->diskEnabled());
  ASSERT_FALSE(fs::set_current_path(saved));
  EXPECT_EQ(readFile((root + "/relative-cache/" + key + "/kernel.ptx").str()),
            "ptx");
  EXPECT_TRUE(warnings.empty()) << warnings.front();
}

TEST_F(KernelCacheTest, MemoryOnlyWithoutDirectory) {
  auto cache = makeCache("");
  EXPECT_FALSE(cache->diskEnabled());
  cache->store(keyOf("a"), ptxEntry("ptx", "a"));
  EXPECT_TRUE(cache->lookup(keyOf("a")).has_value());
  EXPECT_TRUE(warnings.empty());
}

TEST_F(KernelCacheTest, DisabledCacheNeverHitsNorWrites) {
  KernelCache cache(dir, /*enabled=*/false);
  cache.store(keyOf("a"), ptxEntry("ptx", "a"));
  EXPECT_FALSE(cache.lookup(keyOf("a")).has_value());
  EXPECT_FALSE(fs::exists(dir));
}

TEST_F(KernelCacheTest, FlippedByteIsDetectedAndRebuilt) {
  expectCorruptionRecovered(
      [&](KernelCache &cache, const std::string &key) {
        std::string ptx = readFile(ptxFile(cache, key));
        ptx[3] ^= 0x20;
        writeFile(ptxFile(cache, key), ptx);
      },
      "does not match its SHA-256");
}

TEST_F(KernelCacheTest, TruncatedPtxIsDetectedAndRebuilt) {
  expectCorruptionRecovered(
      [&](KernelCache &cache, const std::string &key) {
        std::string ptx = readFile(ptxFile(cache, key));
        writeFile(ptxFile(cache, key), llvm::StringRef(ptx).take_front(5));
      },
      "kernel.ptx has 5 bytes");
}

TEST_F(KernelCacheTest, ForeignManifestVersionIsDetectedAndRebuilt) {
  expectCorruptionRecovered(
      [&](KernelCache &cache, const std::string &key) {
        std::string manifest = readFile(manifestFile(cache, key));
        size_t at = manifest.find("\"format\": 2");
        ASSERT_NE(at, std::string::npos) << manifest;
        manifest.replace(at, 11, "\"format\": 99");
        writeFile(manifestFile(cache, key), manifest);
      },
      "manifest format 99, expected 2");
}

TEST_F(KernelCacheTest, GarbledManifestIsDetectedAndRebuilt) {
  expectCorruptionRecovered(
      [&](KernelCache &cache, const std::string &key) {
        writeFile(manifestFile(cache, key), "{\"format\": 2, \"key\": ");
      },
      "manifest.json:");
}

TEST_F(KernelCacheTest, MissingPtxIsDetectedAndRebuilt) {
  expectCorruptionRecovered(
      [&](KernelCache &cache, const std::string &key) {
        fs::remove(ptxFile(cache, key));
      },
      "cannot read kernel.ptx");
}

TEST_F(KernelCacheTest, EntryOfAnotherKeyIsRejected) {
  expectCorruptionRecovered(
      [&](KernelCache &cache, const std::string &key) {
        std::string other = keyOf("other");
        cache.store(other, ptxEntry("// ptx\n.version 8.0\n", "k"));
        fs::remove_directories(cache.entryPath(key));
        ASSERT_FALSE(fs::rename(cache.entryPath(other), cache.entryPath(key)));
      },
      "manifest key does not match");
}

TEST_F(KernelCacheTest, UnwritableDirectoryWarnsOnceAndKeepsWorking) {
  // A directory below a regular file can never be created, even by root.
  std::string file = (root + "/plain-file").str();
  writeFile(file, "x");
  auto cache = makeCache(file + "/cache");
  cache->store(keyOf("a"), ptxEntry("ptx a", "a"));
  cache->store(keyOf("b"), ptxEntry("ptx b", "b"));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("is unusable"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("caching new kernels in memory only"),
            std::string::npos);
  EXPECT_FALSE(cache->diskEnabled());
  auto hit = cache->lookup(keyOf("b"));
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->ptx, "ptx b");
}

TEST_F(KernelCacheTest, NonHexKeysStayInMemory) {
  auto cache = makeCache();
  cache->store("../escape", ptxEntry("ptx", "x"));
  EXPECT_TRUE(cache->lookup("../escape").has_value());
  EXPECT_FALSE(fs::exists(root + "/escape"));
  EXPECT_EQ(warnings.size(), 1u);
}

TEST_F(KernelCacheTest, DefaultDirectoryFollowsTheEnvironment) {
  const char *saved[3] = {std::getenv("MLPJIT_CACHE_DIR"),
                          std::getenv("XDG_CACHE_HOME"), std::getenv("HOME")};
  std::string savedCopies[3];
  for (int i = 0; i < 3; ++i)
    savedCopies[i] = saved[i] ? saved[i] : "";
  setenv("MLPJIT_CACHE_DIR", "/x/explicit", 1);
  setenv("XDG_CACHE_HOME", "/x/xdg", 1);
  setenv("HOME", "/x/home", 1);
  EXPECT_EQ(KernelCache::defaultDirectory(), "/x/explicit");
  unsetenv("MLPJIT_CACHE_DIR");
  EXPECT_EQ(KernelCache::defaultDirectory(), "/x/xdg/mlpjit");
  unsetenv("XDG_CACHE_HOME");
  EXPECT_EQ(KernelCache::defaultDirectory(), "/x/home/.cache/mlpjit");
  const char *names[3] = {"MLPJIT_CACHE_DIR", "XDG_CACHE_HOME", "HOME"};
  for (int i = 0; i < 3; ++i) {
    if (saved[i])
      setenv(names[i], savedCopies[i].c_str(), 1);
    else
      unsetenv(names[i]);
  }
}

TEST_F(KernelCacheTest, ThreadsShareOneCache) {
  auto cache = makeCache();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        std::string key = keyOf("kernel" + std::to_string(i % 5));
        if (!cache->lookup(key))
          cache->store(key, ptxEntry("ptx " + std::to_string(i % 5), ""));
      }
      (void)t;
    });
  for (auto &thread : threads)
    thread.join();
  for (int i = 0; i < 5; ++i) {
    auto entry = makeCache()->lookup(keyOf("kernel" + std::to_string(i)));
    ASSERT_TRUE(entry.has_value());
    EXPECT_EQ(entry->ptx, "ptx " + std::to_string(i));
  }
  EXPECT_TRUE(warnings.empty());
}

TEST_F(KernelCacheTest, ConcurrentProcessesWritingOneKeyAllSucceed) {
  std::string key = keyOf("raced");
  const int kProcesses = 6;
  std::vector<llvm::sys::ProcessInfo> running;
  for (int i = 0; i < kProcesses; ++i) {
    llvm::StringRef args[] = {MLPJIT_CACHE_WRITER, dir, key, "200000", "20"};
    std::string error;
    running.push_back(llvm::sys::ExecuteNoWait(MLPJIT_CACHE_WRITER, args,
                                               std::nullopt, {}, 0, &error));
    ASSERT_NE(running.back().Pid, llvm::sys::ProcessInfo::InvalidPid) << error;
  }
  for (auto &process : running) {
    std::string error;
    auto result = llvm::sys::Wait(process, /*SecondsToWait=*/120, &error);
    EXPECT_EQ(result.ReturnCode, 0) << error;
  }
  auto entry = makeCache()->lookup(key);
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->ptx.size(), 200000u);
  EXPECT_TRUE(warnings.empty());
  // Only the entry remains: every loser removed its temporary directory.
  EXPECT_EQ(entriesInDir(), 1);
}

TEST_F(KernelCacheTest, StaleTemporariesOfCrashedWritersAreRemoved) {
  ASSERT_FALSE(fs::create_directories(dir + "/.tmp-old-abc123"));
  ASSERT_FALSE(fs::create_directories(dir + "/.tmp-new-abc123"));
  writeFile(dir + "/.tmp-old-abc123/kernel.ptx", "half written");
  // Back-date the old one by two hours.
  int fd = -1;
  ASSERT_FALSE(fs::openFileForRead(dir + "/.tmp-old-abc123", fd, fs::OF_None));
  auto old = std::chrono::time_point_cast<std::chrono::nanoseconds>(
      std::chrono::system_clock::now() - std::chrono::hours(2));
  ASSERT_FALSE(fs::setLastAccessAndModificationTime(fd, old));
  llvm::sys::Process::SafelyCloseFileDescriptor(fd);

  makeCache()->store(keyOf("a"), ptxEntry("ptx", "a"));
  EXPECT_FALSE(fs::exists(dir + "/.tmp-old-abc123"));
  EXPECT_TRUE(fs::exists(dir + "/.tmp-new-abc123")); // may be a live writer
  EXPECT_TRUE(warnings.empty());
}

TEST_F(KernelCacheTest, FullDiskWarnsAndLeavesNoEntry) {
  // A full disk, as far as this process can tell: files may not grow past
  // 64 bytes (RLIMIT_FSIZE; writes fail with EFBIG once SIGXFSZ is ignored).
  std::string ptx(4096, 'p');
  auto cache = makeCache();
  rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit tiny = old;
  tiny.rlim_cur = 64;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &tiny), 0);
  cache->store(keyOf("full"), ptxEntry(ptx, "full"));
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &old), 0);
  std::signal(SIGXFSZ, oldHandler);

  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("cannot write cache entry"), std::string::npos)
      << warnings[0];
  // The kernel is still served from memory, and no partial entry is left
  // for another process to trip over.
  auto hit = cache->lookup(keyOf("full"));
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->ptx, ptx);
  EXPECT_FALSE(fs::exists(cache->entryPath(keyOf("full"))));
  EXPECT_FALSE(makeCache()->lookup(keyOf("full")).has_value());
}

TEST_F(KernelCacheTest, FailedWritesLeaveReadsOn) {
  std::string key = keyOf("shared");
  makeCache()->store(key, ptxEntry("shared ptx", "s"));
  auto cache = makeCache();
  // Make one write fail: the directory is briefly a plain file.
  std::string aside = (root + "/aside").str();
  ASSERT_FALSE(fs::rename(dir, aside));
  writeFile(dir, "not a directory");
  cache->store(keyOf("other"), ptxEntry("other", "o"));
  EXPECT_FALSE(cache->diskEnabled());
  ASSERT_EQ(warnings.size(), 1u);
  ASSERT_FALSE(fs::remove(dir));
  ASSERT_FALSE(fs::rename(aside, dir));
  // Writes stay off, but existing entries (a shared read-only cache) serve.
  auto hit = cache->lookup(key);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->ptx, "shared ptx");
  cache->store(keyOf("third"), ptxEntry("third", "t"));
  EXPECT_FALSE(fs::exists(cache->entryPath(keyOf("third"))));
  EXPECT_EQ(warnings.size(), 1u);
}

} // namespace
