//===- FileOutput.h - the one way mlpjit writes a file ----------*- C++ -*-===//
//
// Every file the project writes (kernel cache entries, program files, the
// tuning file, MLPJIT_DUMP_DIR dumps, tool outputs) goes through
// writeFileAtomically: the contents go to a temporary file next to `path`,
// which is renamed over `path` only once completely written. A full disk, a
// file-size limit or a missing permission comes back as an llvm::Error (never
// LLVM's "IO failure on output stream" abort), and no partial file is left.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_FILEOUTPUT_H
#define MLPJIT_FILEOUTPUT_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace mlpjit {

/// Writes what `write` prints to `path` (temporary file + rename). The error
/// reads "cannot write <path>: <reason>".
llvm::Error
writeFileAtomically(llvm::StringRef path,
                    llvm::function_ref<void(llvm::raw_ostream &)> write);
llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef contents);

/// Ignores SIGXFSZ, whose default action kills the process when a write
/// crosses the file-size limit (ulimit -f); the write then fails with EFBIG,
/// which the writers report. The tools call this after llvm::InitLLVM (whose
/// handler for the signal would print a crash report); a host application
/// decides for itself.
void ignoreFileSizeLimitSignal();

/// For tools at exit: flushes stdout and, if writing it failed (e.g. a full
/// disk behind a redirect), prints "<tool>: error: cannot write standard
/// output: <reason>", clears the error (so LLVM does not abort at exit) and
/// returns false.
bool finishStandardOutput(llvm::StringRef tool);

} // namespace mlpjit

#endif // MLPJIT_FILEOUTPUT_H
