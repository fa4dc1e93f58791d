//===- TokenCounts.cpp ----------------------------------------------------===//
#include "TokenCounts.h"

#include "mlpjit/Frontend/MlpSpec.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cassert>

using namespace mlpjit;

llvm::Expected<std::vector<int64_t>>
harness::tokenCounts(const llvm::cl::list<int> &option,
                     llvm::ArrayRef<int> defaults) {
  std::vector<int> given(option.begin(), option.end());
  std::vector<int64_t> tokens;
  for (int m : given.empty() ? defaults : llvm::ArrayRef<int>(given)) {
    if (m < 1 || m > limits::kMaxTokens)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "--tokens: " + llvm::Twine(m) +
                                         " is not a token count in [1, " +
                                         llvm::Twine(limits::kMaxTokens) + "]");
    tokens.push_back(m);
  }
  return tokens;
}

void harness::coverTokens(MlpSpec &spec, llvm::ArrayRef<int64_t> tokens) {
  assert(!tokens.empty() && "no token counts");
  spec.tokensMin = std::min(spec.tokensMin, *llvm::min_element(tokens));
  spec.tokensMax = std::max(spec.tokensMax, *llvm::max_element(tokens));
}
