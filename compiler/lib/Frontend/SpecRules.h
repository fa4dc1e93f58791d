//===- SpecRules.h - value rules shared by the spec parser and importer ---===//
//
// Each check returns the reason a value is rejected, or std::nullopt. The
// callers add the location: file:line:col for specs, the key for configs.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_FRONTEND_SPECRULES_H
#define MLPJIT_FRONTEND_SPECRULES_H

#include "mlpjit/Frontend/MlpSpec.h"

#include <optional>

namespace mlpjit::rules {

/// hidden or intermediate size.
std::optional<std::string> checkDimension(int64_t value);
/// 3 * hidden * intermediate * 2 bytes within the limit (both dimensions
/// already passed checkDimension).
std::optional<std::string> checkWeightBytes(int64_t hidden,
                                            int64_t intermediate);
std::optional<std::string> checkTokens(int64_t min, int64_t max);
std::optional<std::string> checkTensorParallel(int64_t tp,
                                               int64_t intermediate);
std::optional<std::string> checkPackedGateUp(bool packed, Activation act);

/// Spellings accepted by the spec language (aliases included).
std::optional<Activation> parseActivation(llvm::StringRef);
std::optional<DType> parseDType(llvm::StringRef);
bool isKnownArch(llvm::StringRef);
extern const char *const kActivationSpellings;
extern const char *const kDTypeSpellings;
extern const char *const kArchSpellings;

} // namespace mlpjit::rules

#endif // MLPJIT_FRONTEND_SPECRULES_H
