//===- FileOutput.cpp -----------------------------------------------------===//
#include "mlpjit/FileOutput.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"

#include <csignal>

using namespace mlpjit;

static llvm::Error writeError(llvm::StringRef path, std::error_code ec) {
  return llvm::createStringError(ec,
                                 "cannot write " + path + ": " + ec.message());
}

llvm::Error mlpjit::writeFileAtomically(
    llvm::StringRef path, llvm::function_ref<void(llvm::raw_ostream &)> write) {
  // Same directory as `path`, so the rename stays within one file system.
  // Not sys::fs::TempFile: it registers LLVM's signal handlers, whose SIGXFSZ
  // handler prints a crash report when a write crosses the file-size limit.
  int fd = -1;
  llvm::SmallString<256> temp;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueFile(path + ".tmp-%%%%%%%%", fd, temp))
    return writeError(path, ec);
  std::error_code ec;
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    write(os);
    os.close();
    if (os.has_error()) {
      ec = os.error();
      os.clear_error(); // reported here, not by the destructor's abort
    }
  }
  if (!ec)
    ec = llvm::sys::fs::rename(temp, path);
  if (ec) {
    (void)llvm::sys::fs::remove(temp);
    return writeError(path, ec);
  }
  return llvm::Error::success();
}

llvm::Error mlpjit::writeFileAtomically(llvm::StringRef path,
                                        llvm::StringRef contents) {
  return writeFileAtomically(path,
                             [&](llvm::raw_ostream &os) { os << contents; });
}

void mlpjit::ignoreFileSizeLimitSignal() { std::signal(SIGXFSZ, SIG_IGN); }

bool mlpjit::finishStandardOutput(llvm::StringRef tool) {
  llvm::raw_fd_ostream &out = llvm::outs();
  out.flush();
  if (!out.has_error())
    return true;
  std::error_code ec = out.error();
  out.clear_error();
  llvm::errs() << tool
               << ": error: cannot write standard output: " << ec.message()
               << "\n";
  return false;
}
