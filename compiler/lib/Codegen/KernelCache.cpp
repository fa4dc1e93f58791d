//===- KernelCache.cpp - in-memory and on-disk cache of compiled kernels --===//
#include "mlpjit/Codegen/KernelCache.h"
#include "mlpjit/FileOutput.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdlib>

#ifndef MLPJIT_VERSION
#error "MLPJIT_VERSION must be defined by the build"
#endif

using namespace mlpjit;
namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

// Bump when the entry layout or manifest fields change: older entries then
// fail verification and are rebuilt.
// Format 2 added the optional cubin.
static constexpr int64_t kManifestFormat = 2;
static constexpr const char *kPtxFile = "kernel.ptx";
static constexpr const char *kCubinFile = "kernel.cubin";
static constexpr const char *kManifestFile = "manifest.json";

const char *mlpjit::mlpjitVersion() { return MLPJIT_VERSION; }

static std::string sha256Hex(llvm::StringRef bytes) {
  return llvm::toHex(llvm::SHA256::hash(llvm::arrayRefFromStringRef(bytes)),
                     /*LowerCase=*/true);
}

std::string CacheKey::compute(llvm::StringRef source,
                              llvm::ArrayRef<std::string> nvrtcFlags,
                              llvm::StringRef nvrtcVersion,
                              llvm::StringRef arch,
                              llvm::StringRef templatesHash) {
  llvm::SHA256 hasher;
  // Length-prefix every field so that no two different inputs concatenate to
  // the same byte stream.
  auto field = [&](llvm::StringRef tag, llvm::StringRef value) {
    hasher.update(tag);
    hasher.update(std::to_string(value.size()) + ":");
    hasher.update(value);
  };
  field("source", source);
  for (const std::string &flag : nvrtcFlags)
    field("flag", flag);
  field("nvrtc", nvrtcVersion);
  field("arch", arch);
  field("mlpjit", MLPJIT_VERSION);
  field("templates", templatesHash);
  return llvm::toHex(hasher.final(), /*LowerCase=*/true);
}

static bool isKeyPathSafe(llvm::StringRef key) {
  return !key.empty() && key.size() <= 128 &&
         llvm::all_of(key, [](char c) { return llvm::isHexDigit(c); });
}

std::string KernelCache::defaultDirectory() {
  if (const char *dir = std::getenv("MLPJIT_CACHE_DIR"); dir && *dir)
    return dir;
  llvm::SmallString<256> result;
  if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    path::append(result, xdg, "mlpjit");
    return std::string(result);
  }
  if (const char *home = std::getenv("HOME"); home && *home) {
    path::append(result, home, ".cache", "mlpjit");
    return std::string(result);
  }
  return "";
}

/// `directory` made absolute: entries are written through temporaries that
/// fs::createUniqueDirectory would otherwise put under the system's temp
/// directory (then the rename into place fails).
static std::string absoluteDirectory(std::string directory) {
  llvm::SmallString<256> result(directory);
  if (!result.empty() && fs::make_absolute(result))
    return directory; // no working directory: writes fail and say so
  return std::string(result);
}

KernelCache::KernelCache(std::string directory, bool enabled)
    : dir(absoluteDirectory(std::move(directory))), isEnabled(enabled),
      diskWritable(enabled && !dir.empty()) {}

KernelCache &KernelCache::global() {
  static KernelCache cache = [] {
    const char *flag = std::getenv("MLPJIT_CACHE");
    bool enabled = !(flag && llvm::StringRef(flag) == "0");
    return KernelCache(defaultDirectory(), enabled);
  }();
  return cache;
}

void KernelCache::setWarningSink(WarningSink newSink) {
  std::lock_guard<std::mutex> lock(mutex);
  sink = std::move(newSink);
}

void KernelCache::clearMemory() {
  std::lock_guard<std::mutex> lock(mutex);
  memory.clear();
}

bool KernelCache::diskEnabled() const {
  std::lock_guard<std::mutex> lock(mutex);
  return diskWritable;
}

std::string KernelCache::entryPath(llvm::StringRef key) const {
  llvm::SmallString<256> result(dir);
  path::append(result, key);
  return std::string(result);
}

void KernelCache::warn(const llvm::Twine &message) {
  WarningSink current;
  {
    std::lock_guard<std::mutex> lock(mutex);
    current = sink;
  }
  std::string text = message.str();
  if (current)
    current(text);
  else
    llvm::errs() << "mlpjit: warning: " << text << "\n";
}

void KernelCache::disableDiskWrites(const llvm::Twine &why) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (!diskWritable)
      return; // warn once
    diskWritable = false;
  }
  warn("kernel cache directory '" + dir + "' is unusable (" + why +
       "); caching new kernels in memory only");
}

std::optional<CacheEntry> KernelCache::lookup(llvm::StringRef key) {
  if (!isEnabled)
    return std::nullopt;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = memory.find(key);
    if (it != memory.end())
      return it->second;
  }
  // Reads stay on after writes failed: a read-only cache still serves.
  if (dir.empty() || !isKeyPathSafe(key))
    return std::nullopt;
  std::optional<CacheEntry> entry = loadFromDisk(key);
  if (entry) {
    std::lock_guard<std::mutex> lock(mutex);
    memory.try_emplace(key, *entry);
  }
  return entry;
}

void KernelCache::store(llvm::StringRef key, const CacheEntry &entry) {
  if (!isEnabled)
    return;
  {
    std::lock_guard<std::mutex> lock(mutex);
    memory.insert_or_assign(key, entry);
  }
  if (!isKeyPathSafe(key)) {
    warn("cache key '" + key + "' is not a hex digest; kept in memory only");
    return;
  }
  if (diskEnabled())
    writeToDisk(key, entry);
}

std::optional<CacheEntry> KernelCache::loadFromDisk(llvm::StringRef key) {
  std::string entryDir = entryPath(key);
  if (!fs::is_directory(entryDir))
    return std::nullopt; // a plain miss

  auto invalid = [&](const llvm::Twine &why) -> std::optional<CacheEntry> {
    warn("cache entry '" + entryDir + "' is invalid (" + why +
         "); recompiling");
    // Remove it so that the rebuilt entry can be renamed into place. Another
    // process may do the same at the same time; either way the next store
    // writes a fresh entry.
    (void)fs::remove_directories(entryDir, /*IgnoreErrors=*/true);
    return std::nullopt;
  };

  llvm::SmallString<256> manifestPath(entryDir);
  path::append(manifestPath, kManifestFile);

  auto manifestBuffer = llvm::MemoryBuffer::getFile(manifestPath);
  if (!manifestBuffer)
    return invalid("cannot read manifest.json: " +
                   manifestBuffer.getError().message());
  auto manifestJson = llvm::json::parse((*manifestBuffer)->getBuffer());
  if (!manifestJson)
    return invalid("manifest.json: " +
                   llvm::toString(manifestJson.takeError()));
  const llvm::json::Object *manifest = manifestJson->getAsObject();
  if (!manifest)
    return invalid("manifest.json is not an object");
  std::optional<int64_t> format = manifest->getInteger("format");
  if (!format || *format != kManifestFormat)
    return invalid("manifest format " +
                   (format ? llvm::Twine(*format) : llvm::Twine("missing")) +
                   ", expected " + llvm::Twine(kManifestFormat));
  std::optional<llvm::StringRef> version = manifest->getString("mlpjitVersion");
  if (!version || *version != MLPJIT_VERSION)
    return invalid("written by mlpjit " +
                   (version ? *version : llvm::StringRef("?")) + ", this is " +
                   MLPJIT_VERSION);
  std::optional<llvm::StringRef> storedKey = manifest->getString("key");
  if (!storedKey || *storedKey != key)
    return invalid("manifest key does not match the entry's directory");
  // A file of the entry, checked against the manifest's size and SHA-256.
  auto readChecked =
      [&](const char *file, llvm::StringRef bytesField,
          llvm::StringRef digestField) -> llvm::Expected<std::string> {
    std::optional<int64_t> bytes = manifest->getInteger(bytesField);
    std::optional<llvm::StringRef> digest = manifest->getString(digestField);
    auto fail = [](const llvm::Twine &why) {
      return llvm::createStringError(llvm::inconvertibleErrorCode(), why);
    };
    if (!bytes || !digest)
      return fail("manifest lacks " + bytesField + " or " + digestField);
    llvm::SmallString<256> filePath(entryDir);
    path::append(filePath, file);
    auto buffer = llvm::MemoryBuffer::getFile(filePath, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer)
      return fail(llvm::Twine("cannot read ") + file + ": " +
                  buffer.getError().message());
    llvm::StringRef contents = (*buffer)->getBuffer();
    if (int64_t(contents.size()) != *bytes)
      return fail(llvm::Twine(file) + " has " + llvm::Twine(contents.size()) +
                  " bytes, manifest says " + llvm::Twine(*bytes));
    if (sha256Hex(contents) != *digest)
      return fail(llvm::Twine(file) + " does not match its SHA-256");
    return contents.str();
  };
  auto ptx = readChecked(kPtxFile, "ptxBytes", "ptxSha256");
  if (!ptx)
    return invalid(llvm::toString(ptx.takeError()));
  CacheEntry entry;
  entry.ptx = std::move(*ptx);
  // The cubin is optional: entries of PTX-only compiles have none.
  if (manifest->get("cubinBytes") || manifest->get("cubinSha256")) {
    auto cubin = readChecked(kCubinFile, "cubinBytes", "cubinSha256");
    if (!cubin)
      return invalid(llvm::toString(cubin.takeError()));
    entry.cubin = std::move(*cubin);
  }
  if (const llvm::json::Value *desc = manifest->get("desc"))
    entry.desc = *desc;
  if (std::optional<llvm::StringRef> name = manifest->getString("name"))
    entry.name = name->str();
  return entry;
}

// Writes `contents` to `file`; false (with `error` set) on any failure,
// including a full disk noticed only when the stream is closed.
static bool writeFile(llvm::StringRef file, llvm::StringRef contents,
                      std::string &error) {
  if (llvm::Error e = writeFileAtomically(file, contents)) {
    error = llvm::toString(std::move(e));
    return false;
  }
  return true;
}

// Once per cache: writers that crashed between creating their temporary
// directory and renaming it leave it behind. An hour is far longer than any
// write, so an older one has no owner.
void KernelCache::removeStaleTemporaries() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (sweptTemporaries)
      return;
    sweptTemporaries = true;
  }
  auto cutoff = std::chrono::system_clock::now() - std::chrono::hours(1);
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    if (!path::filename(it->path()).starts_with(".tmp-"))
      continue;
    fs::file_status status;
    if (!fs::status(it->path(), status) &&
        status.getLastModificationTime() < cutoff)
      (void)fs::remove_directories(it->path(), /*IgnoreErrors=*/true);
  }
}

void KernelCache::writeToDisk(llvm::StringRef key, const CacheEntry &entry) {
  if (std::error_code ec = fs::create_directories(dir)) {
    disableDiskWrites("cannot create it: " + ec.message());
    return;
  }
  removeStaleTemporaries();
  std::string finalDir = entryPath(key);
  if (fs::is_directory(finalDir))
    return; // another process already wrote it

  llvm::SmallString<256> tmpDir;
  if (std::error_code ec =
          fs::createUniqueDirectory(entryPath(".tmp-" + key.str()), tmpDir)) {
    disableDiskWrites("cannot create a directory in it: " + ec.message());
    return;
  }

  std::string name = entry.name;
  if (name.empty())
    if (const llvm::json::Object *desc = entry.desc.getAsObject())
      if (std::optional<llvm::StringRef> descName = desc->getString("name"))
        name = descName->str();
  llvm::json::Object manifest{
      {"format", kManifestFormat},
      {"mlpjitVersion", MLPJIT_VERSION},
      {"key", key},
      {"name", name},
      {"ptxBytes", int64_t(entry.ptx.size())},
      {"ptxSha256", sha256Hex(entry.ptx)},
      {"desc", entry.desc},
  };
  if (!entry.cubin.empty()) {
    manifest["cubinBytes"] = int64_t(entry.cubin.size());
    manifest["cubinSha256"] = sha256Hex(entry.cubin);
  }
  std::string manifestText;
  llvm::raw_string_ostream(manifestText)
      << llvm::formatv("{0:2}", llvm::json::Value(std::move(manifest)));

  llvm::SmallString<256> ptxPath(tmpDir), cubinPath(tmpDir),
      manifestPath(tmpDir);
  path::append(ptxPath, kPtxFile);
  path::append(cubinPath, kCubinFile);
  path::append(manifestPath, kManifestFile);
  std::string error;
  // PTX and cubin first, manifest last: an entry is only valid with all in
  // place.
  if (!writeFile(ptxPath, entry.ptx, error) ||
      (!entry.cubin.empty() && !writeFile(cubinPath, entry.cubin, error)) ||
      !writeFile(manifestPath, manifestText, error)) {
    warn("cannot write cache entry for " + key + " (" + error +
         "); continuing without it");
    (void)fs::remove_directories(tmpDir, /*IgnoreErrors=*/true);
    return;
  }
  // rename(2) of a directory onto an existing non-empty one fails: then
  // another writer won the race with identical contents, which is fine.
  if (fs::rename(tmpDir, finalDir))
    (void)fs::remove_directories(tmpDir, /*IgnoreErrors=*/true);
}
