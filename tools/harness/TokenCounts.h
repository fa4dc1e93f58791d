//===- TokenCounts.h - the tools' --tokens list ---------------------------===//
#ifndef MLPJIT_TOOLS_TOKENCOUNTS_H
#define MLPJIT_TOOLS_TOKENCOUNTS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace mlpjit {
struct MlpSpec;
} // namespace mlpjit

namespace mlpjit::harness {

/// The token counts of a `--tokens M,...` option (cl::list<int>,
/// cl::CommaSeparated), or `defaults` when it was not given; an error unless
/// each is in [1, limits::kMaxTokens], the spec language's bound.
llvm::Expected<std::vector<int64_t>>
tokenCounts(const llvm::cl::list<int> &option, llvm::ArrayRef<int> defaults);

/// Widens `spec`'s token range to hold every count in `tokens` (non-empty),
/// and otherwise keeps it: a range's plan depends on the ranges above it
/// (the planner carries a larger range's plan down where it is nearly as
/// good), so a program compiled for 1..max(tokens) can run other kernels
/// than the spec's users get (until session 11's planner change, the
/// llama-3-70b/tp8 gate-up at M = 16 ran 8x128 swapAB tiles compiled for
/// 1..16 and 16x128 for the default 1..65536).
void coverTokens(MlpSpec &spec, llvm::ArrayRef<int64_t> tokens);

} // namespace mlpjit::harness

#endif // MLPJIT_TOOLS_TOKENCOUNTS_H
