//===- FullDisk.h - a file-size limit standing in for a full disk ---------===//
//
// While a FullDisk lives, this process may not grow any file past `bytes`
// (RLIMIT_FSIZE) and SIGXFSZ is ignored, so a write that crosses the limit
// fails with EFBIG, as it would with ENOSPC on a full disk, instead of
// killing the process. The destructor restores both.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_TESTS_FULLDISK_H
#define MLPJIT_TESTS_FULLDISK_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <csignal>
#include <string>
#include <sys/resource.h>
#include <vector>

namespace mlpjit::testing {

class FullDisk {
public:
  explicit FullDisk(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &saved);
    previousHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit = saved;
    limit.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FullDisk() {
    setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, previousHandler);
  }
  FullDisk(const FullDisk &) = delete;
  FullDisk &operator=(const FullDisk &) = delete;

private:
  rlimit saved{};
  void (*previousHandler)(int) = SIG_DFL;
};

/// Every regular file below `dir`, relative paths, sorted.
inline std::vector<std::string> filesBelow(llvm::StringRef dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (llvm::sys::fs::recursive_directory_iterator it(dir, ec), end;
       it != end && !ec; it.increment(ec))
    if (it->type() == llvm::sys::fs::file_type::regular_file)
      files.push_back(it->path().substr(dir.size() + 1));
  std::sort(files.begin(), files.end());
  return files;
}

} // namespace mlpjit::testing

#endif // MLPJIT_TESTS_FULLDISK_H
