//===- KernelCache.h - in-memory and on-disk cache of compiled kernels ----===//
//
// NVRTC takes a second or more per kernel, so compiled PTX (and the cubin,
// where the compile asked for one) is cached in memory (per process) and on
// disk (across processes) under a key that hashes everything they depend on.
// MLIR-free: keys are computed from strings.
//
// Disk layout: <dir>/<key>/{kernel.ptx, [kernel.cubin,] manifest.json}. An
// entry is written into a temporary directory beside it and renamed into
// place, so readers never see a half-written entry; losing the rename race to
// another writer is fine (both wrote the same bytes). Entries that fail
// verification (manifest unreadable, other format or mlpjit version, wrong
// key, PTX or cubin size or SHA-256 mismatch) are reported through the
// warning sink, removed and treated as a miss. A cache directory that cannot be
// created or written is reported once; new kernels are then kept in memory
// only, existing entries still read. Temporary directories left by writers that
// died mid-write are removed when more than an hour old.
//
// Environment: MLPJIT_CACHE=0 disables the cache; MLPJIT_CACHE_DIR, else
// $XDG_CACHE_HOME/mlpjit, else ~/.cache/mlpjit is the directory.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_CODEGEN_KERNELCACHE_H
#define MLPJIT_CODEGEN_KERNELCACHE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace mlpjit {

/// The version string baked into cache keys and manifests.
const char *mlpjitVersion();

struct CacheKey {
  /// SHA-256 hex of everything the PTX depends on: the generated source, the
  /// NVRTC flags and version, the target arch, the mlpjit version and the
  /// hash of the embedded template headers.
  static std::string compute(llvm::StringRef source,
                             llvm::ArrayRef<std::string> nvrtcFlags,
                             llvm::StringRef nvrtcVersion, llvm::StringRef arch,
                             llvm::StringRef templatesHash);
};

/// One cached kernel.
struct CacheEntry {
  std::string ptx;
  /// Free-form description kept in the manifest (e.g. the KernelDesc as JSON);
  /// informational, not verified.
  llvm::json::Value desc = nullptr;
  /// Entry point name, for humans reading the cache directory.
  std::string name;
  /// SASS for the key's arch; empty for PTX-only compiles.
  std::string cubin;
};

class KernelCache {
public:
  using WarningSink = std::function<void(llvm::StringRef)>;

  /// A cache over `directory`; an empty directory means memory only.
  /// `enabled = false` makes every lookup miss and every store a no-op.
  explicit KernelCache(std::string directory, bool enabled = true);

  /// The process-wide cache configured from the environment.
  static KernelCache &global();
  /// The directory the environment selects ("" when none can be derived).
  static std::string defaultDirectory();

  /// The entry for `key` from memory, else from disk (then kept in memory).
  std::optional<CacheEntry> lookup(llvm::StringRef key);
  /// Stores in memory and, when the disk is usable, on disk. Never fails:
  /// disk problems become warnings.
  void store(llvm::StringRef key, const CacheEntry &entry);

  /// Where warnings go (default: "mlpjit: warning: ..." on stderr).
  void setWarningSink(WarningSink sink);
  /// Forgets the in-memory entries (the disk stays), e.g. to test the disk.
  void clearMemory();

  bool enabled() const { return isEnabled; }
  /// True while new entries are written to disk (false without a directory
  /// or after a write failed; existing entries are still read).
  bool diskEnabled() const;
  const std::string &directory() const { return dir; }
  /// <directory>/<key>; where the entry for `key` lives on disk.
  std::string entryPath(llvm::StringRef key) const;

private:
  std::optional<CacheEntry> loadFromDisk(llvm::StringRef key);
  void writeToDisk(llvm::StringRef key, const CacheEntry &entry);
  void removeStaleTemporaries();
  void warn(const llvm::Twine &message);
  void disableDiskWrites(const llvm::Twine &why);

  std::string dir;
  bool isEnabled;
  bool diskWritable;
  bool sweptTemporaries = false;
  mutable std::mutex mutex;
  llvm::StringMap<CacheEntry> memory;
  WarningSink sink;
};

/// The name the compiler pipeline uses.
using Cache = KernelCache;

} // namespace mlpjit

#endif // MLPJIT_CODEGEN_KERNELCACHE_H
