//===- TokenCounts.h - the tools' --tokens list ---------------------------===//
#ifndef MLPJIT_TOOLS_TOKENCOUNTS_H
#define MLPJIT_TOOLS_TOKENCOUNTS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace mlpjit::harness {

/// The token counts of a `--tokens M,...` option (cl::list<int>,
/// cl::CommaSeparated), or `defaults` when it was not given; an error unless
/// each is in [1, limits::kMaxTokens], the spec language's bound.
llvm::Expected<std::vector<int64_t>>
tokenCounts(const llvm::cl::list<int> &option, llvm::ArrayRef<int> defaults);

} // namespace mlpjit::harness

#endif // MLPJIT_TOOLS_TOKENCOUNTS_H
