//===- Errors.h - the kinds of runtime error a caller tells apart ---------===//
//
// Most runtime errors are a sentence about a bad argument (llvm::StringError).
// Two kinds are typed, so the C API maps them to their own statuses without
// reading the text: a CUDA driver call that failed, and a caller's workspace
// that is missing, misaligned or too small. Test with llvm::handleErrors or
// Error::isA<...>(); the message is the same sentence either way.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_ERRORS_H
#define MLPJIT_ERRORS_H

#include "llvm/Support/Error.h"

#include <string>

namespace mlpjit {

/// An error whose message is one sentence; the kinds below derive from it.
class SentenceError : public llvm::ErrorInfo<SentenceError> {
public:
  static char ID;
  explicit SentenceError(std::string message) : text(std::move(message)) {}
  void log(llvm::raw_ostream &os) const override { os << text; }
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }

private:
  std::string text;
};

/// A CUDA driver call failed: "<call> failed: CUDA_ERROR_...: <text>".
class DriverError : public llvm::ErrorInfo<DriverError, SentenceError> {
public:
  static char ID;
  using ErrorInfo<DriverError, SentenceError>::ErrorInfo;
};

/// The workspace given to a forward is missing, misaligned or too small.
class WorkspaceError : public llvm::ErrorInfo<WorkspaceError, SentenceError> {
public:
  static char ID;
  using ErrorInfo<WorkspaceError, SentenceError>::ErrorInfo;
};

} // namespace mlpjit

#endif // MLPJIT_ERRORS_H
