//===- CacheWriter.cpp - one process storing one cache entry --------------===//
//
// Usage: mlpjit-cache-writer <dir> <key> <ptx-bytes> <rounds>. Stores a
// deterministic PTX of the given size under <key> `rounds` times (from a
// fresh cache each time, so each round really writes), then checks that a
// fresh cache reads it back intact. Exit 0 on success. The cache tests run
// several at once to race on the same entry.
//
//===----------------------------------------------------------------------===//
#include "mlpjit/Codegen/KernelCache.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

int main(int argc, char **argv) {
  if (argc != 5) {
    llvm::errs() << "usage: mlpjit-cache-writer <dir> <key> <bytes> <rounds>\n";
    return 2;
  }
  std::string ptx(std::atoi(argv[3]), 'x');
  for (size_t i = 0; i < ptx.size(); ++i)
    ptx[i] = char('a' + i % 26);
  bool warned = false;
  auto sink = [&](llvm::StringRef message) {
    warned = true;
    llvm::errs() << "warning: " << message << "\n";
  };
  for (int round = 0, rounds = std::atoi(argv[4]); round < rounds; ++round) {
    mlpjit::KernelCache cache(argv[1]);
    cache.setWarningSink(sink);
    cache.store(argv[2], {ptx, nullptr, "race", ""});
    // Force a re-read from disk through a fresh cache.
    mlpjit::KernelCache reader(argv[1]);
    reader.setWarningSink(sink);
    auto entry = reader.lookup(argv[2]);
    // A concurrent writer may have just removed the entry (never the case
    // here: all writers write identical bytes), so a miss is a failure.
    if (!entry || entry->ptx != ptx) {
      llvm::errs() << "round " << round << ": entry missing or wrong\n";
      return 1;
    }
  }
  return warned ? 3 : 0;
}
