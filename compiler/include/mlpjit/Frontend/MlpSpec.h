//===- MlpSpec.h - one MLP block's shapes, from a .mlp spec or config.json
//-===//
//
// The front end's result, deliberately MLIR-free so that tools and the runtime
// harness can read specs without linking MLIR. Every Error returned here holds
// the complete diagnostic text, ready to print: `file:line:col: error: ...`
// plus the source line and a caret for specs, `file: error: key 'k': ...` for
// configs. Only the first error of an input is reported.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_FRONTEND_MLPSPEC_H
#define MLPJIT_FRONTEND_MLPSPEC_H

#include "mlpjit/KernelDesc.h"
#include "mlpjit/MlpProgram.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlpjit {

/// The MLP's nonlinearity. Gated kinds compute act(x·Wgᵀ) * (x·Wuᵀ), the
/// others act(x·Wuᵀ); both end with the down projection.
enum class Activation {
  swiglu,     // silu(gate) * up
  geglu_tanh, // gelu_tanh(gate) * up
  geglu_erf,  // gelu_erf(gate) * up
  reglu,      // relu(gate) * up
  gelu_tanh,
  gelu_erf,
  relu,
  silu,
};

bool isGated(Activation);
/// The spec-language spelling ("swiglu", "geglu_tanh", ...).
const char *toString(Activation);
/// The gate/up (or up) GEMM's epilogue: swiglu -> Epilogue::swiglu, ...
Epilogue toEpilogue(Activation);

/// Limits every spec and config must respect (docs/spec-language.md).
namespace limits {
/// hidden and intermediate: 16-byte rows of 2-byte elements for TMA.
constexpr int64_t kSizeMultiple = 8;
/// Largest hidden or intermediate size (2^20; real models are below 2^16).
constexpr int64_t kMaxDimension = int64_t(1) << 20;
/// Largest total weight bytes, 3 * hidden * intermediate * 2 (1 TiB).
constexpr int64_t kMaxWeightBytes = int64_t(1) << 40;
/// Largest token count: M is a 32-bit kernel argument.
constexpr int64_t kMaxTokens = (int64_t(1) << 31) - 1;
constexpr int64_t kMaxTensorParallel = MlpProgram::kMaxTensorParallel;
/// Longest spec line and largest input file.
constexpr size_t kMaxLineLength = 4096;
constexpr size_t kMaxFileBytes = size_t(8) << 20;
/// Deepest JSON nesting accepted (llvm::json::parse recurses).
constexpr int kMaxJsonDepth = 64;
} // namespace limits

struct MlpSpec {
  std::string name; // as written; funcName() gives an MLIR-safe identifier
  int64_t hidden = 0, intermediate = 0;
  Activation activation = Activation::swiglu;
  DType dtype = DType::bf16;
  bool bias = false;
  int64_t tokensMin = 1, tokensMax = 65536;
  std::string arch;           // "" = decide later (device or sm_90a)
  bool packedGateUp = false;  // weights come as one [2i, h] gate_up tensor
  int64_t tensorParallel = 1; // tensor-parallel degree (`tp`); >= 1
  std::string source;         // file:line where it was defined, for messages

  /// `name` with every character outside [A-Za-z0-9_] replaced by '_' and a
  /// leading '_' before a digit: a bare MLIR symbol and a C identifier.
  std::string funcName() const;
};

/// Checks a spec built in code against the same rules the parser enforces.
/// The message names the spec (`source` if set) and the offending field.
llvm::Error validateSpec(const MlpSpec &spec);

/// Sets the tensor-parallel degree (a tool's --tp over the spec's `tp`, or
/// a config's none) and checks it against the spec's sizes.
llvm::Error setTensorParallel(MlpSpec &spec, int64_t tp);

/// Parses the .mlp spec language (docs/spec-language.md): one or more
/// `mlp NAME { key = value ... }` blocks.
llvm::Expected<std::vector<MlpSpec>>
parseSpecBuffer(llvm::StringRef text, llvm::StringRef bufferName);

/// Imports a Hugging Face config.json. The spec's name is the file's stem.
/// Lossy choices (e.g. float32 weights computed in bf16) are written as
/// `file: note: ...` lines to `notes` when given.
llvm::Expected<MlpSpec> importHFConfig(llvm::StringRef jsonText,
                                       llvm::StringRef fileName,
                                       llvm::raw_ostream *notes = nullptr);

/// Reads `path`: a `.json` file is a config, anything else a spec.
llvm::Expected<std::vector<MlpSpec>>
loadSpecFile(llvm::StringRef path, llvm::raw_ostream *notes = nullptr);

} // namespace mlpjit

#endif // MLPJIT_FRONTEND_MLPSPEC_H
