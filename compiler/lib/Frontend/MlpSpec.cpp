//===- MlpSpec.cpp - activations, names, shared validation, file loading --===//
#include "SpecRules.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlpjit;

// Indexed by Activation: the spec spelling, and the first GEMM's epilogue
// (which has the same name).
static constexpr const char *kActivationNames[] = {
    "swiglu",    "geglu_tanh", "geglu_erf", "reglu",
    "gelu_tanh", "gelu_erf",   "relu",      "silu"};
static constexpr Epilogue kActivationEpilogues[] = {
    Epilogue::swiglu, Epilogue::geglu_tanh, Epilogue::geglu_erf,
    Epilogue::reglu,  Epilogue::gelu_tanh,  Epilogue::gelu_erf,
    Epilogue::relu,   Epilogue::silu};
static_assert(std::size(kActivationNames) == size_t(Activation::silu) + 1 &&
                  std::size(kActivationEpilogues) ==
                      size_t(Activation::silu) + 1,
              "an activation without a name or an epilogue");

bool mlpjit::isGated(Activation a) { return isGated(toEpilogue(a)); }

const char *mlpjit::toString(Activation a) {
  return kActivationNames[size_t(a)];
}

Epilogue mlpjit::toEpilogue(Activation a) {
  return kActivationEpilogues[size_t(a)];
}

std::string MlpSpec::funcName() const {
  std::string out;
  out.reserve(name.size() + 1);
  if (name.empty() || llvm::isDigit(name.front()))
    out += '_';
  for (char c : name)
    out += llvm::isAlnum(c) || c == '_' ? c : '_';
  return out;
}

//===----------------------------------------------------------------------===//
// Rules
//===----------------------------------------------------------------------===//

const char *const rules::kActivationSpellings =
    "swiglu, geglu, geglu_tanh, geglu_erf, reglu, gelu, gelu_tanh, gelu_erf, "
    "relu, silu";
const char *const rules::kDTypeSpellings = "bf16, fp16";
const char *const rules::kArchSpellings =
    "sm_80, sm_86, sm_87, sm_89, sm_90, sm_90a";

std::optional<Activation> rules::parseActivation(llvm::StringRef s) {
  return llvm::StringSwitch<std::optional<Activation>>(s)
      .Case("swiglu", Activation::swiglu)
      .Cases({"geglu", "geglu_tanh"}, Activation::geglu_tanh)
      .Case("geglu_erf", Activation::geglu_erf)
      .Case("reglu", Activation::reglu)
      .Cases({"gelu", "gelu_tanh"}, Activation::gelu_tanh)
      .Case("gelu_erf", Activation::gelu_erf)
      .Case("relu", Activation::relu)
      .Case("silu", Activation::silu)
      .Default(std::nullopt);
}

std::optional<DType> rules::parseDType(llvm::StringRef s) {
  return llvm::StringSwitch<std::optional<DType>>(s)
      .Cases({"bf16", "bfloat16"}, DType::bf16)
      .Cases({"fp16", "f16", "float16"}, DType::f16)
      .Default(std::nullopt);
}

bool rules::isKnownArch(llvm::StringRef s) {
  return llvm::is_contained(
      {"sm_80", "sm_86", "sm_87", "sm_89", "sm_90", "sm_90a"}, s);
}

std::optional<std::string> rules::checkDimension(int64_t v) {
  if (v <= 0)
    return "must be positive, got " + std::to_string(v);
  if (v % limits::kSizeMultiple != 0)
    return "must be a multiple of " + std::to_string(limits::kSizeMultiple) +
           ", got " + std::to_string(v);
  if (v > limits::kMaxDimension)
    return "must be at most " + std::to_string(limits::kMaxDimension) +
           ", got " + std::to_string(v);
  return std::nullopt;
}

std::optional<std::string> rules::checkWeightBytes(int64_t hidden,
                                                   int64_t intermediate) {
  // Both are <= 2^20, so the product (<= 6 * 2^40) cannot overflow.
  int64_t bytes = 3 * hidden * intermediate * 2;
  if (bytes > limits::kMaxWeightBytes)
    return "the weights would need " + std::to_string(bytes >> 30) +
           " GiB (3 x hidden x intermediate x 2 bytes), more than the 1 TiB "
           "limit";
  return std::nullopt;
}

std::optional<std::string> rules::checkTokens(int64_t min, int64_t max) {
  if (min < 1)
    return "token counts must be at least 1, got " + std::to_string(min);
  if (max > limits::kMaxTokens)
    return "token counts must be at most " +
           std::to_string(limits::kMaxTokens) + ", got " + std::to_string(max);
  if (min > max)
    return "token range is empty: " + std::to_string(min) + " > " +
           std::to_string(max);
  return std::nullopt;
}

std::optional<std::string> rules::checkTensorParallel(int64_t tp,
                                                      int64_t intermediate) {
  if (tp < 1 || tp > limits::kMaxTensorParallel)
    return "must be between 1 and " +
           std::to_string(limits::kMaxTensorParallel) + ", got " +
           std::to_string(tp);
  // Each rank's slice must itself satisfy the size rules.
  if (intermediate % (tp * limits::kSizeMultiple) != 0)
    return "intermediate " + std::to_string(intermediate) +
           " does not split into " + std::to_string(tp) +
           " slices that are multiples of " +
           std::to_string(limits::kSizeMultiple);
  return std::nullopt;
}

std::optional<std::string> rules::checkPackedGateUp(bool packed,
                                                    Activation act) {
  if (packed && !isGated(act))
    return std::string("packed_gate_up needs a gated activation, but the "
                       "activation is ") +
           toString(act);
  return std::nullopt;
}

llvm::Error mlpjit::validateSpec(const MlpSpec &spec) {
  std::string where = spec.source.empty()
                          ? "mlp '" + spec.name + "'"
                          : spec.source + ": mlp '" + spec.name + "'";
  auto fail = [&](llvm::StringRef field, const std::string &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   where + ": " + field + ": " + why);
  };
  if (auto why = rules::checkDimension(spec.hidden))
    return fail("hidden", *why);
  if (auto why = rules::checkDimension(spec.intermediate))
    return fail("intermediate", *why);
  if (auto why = rules::checkWeightBytes(spec.hidden, spec.intermediate))
    return fail("intermediate", *why);
  if (auto why = rules::checkTokens(spec.tokensMin, spec.tokensMax))
    return fail("tokens", *why);
  if (!spec.arch.empty() && !rules::isKnownArch(spec.arch))
    return fail("arch", "unknown arch '" + spec.arch + "' (expected one of " +
                            rules::kArchSpellings + ")");
  if (auto why =
          rules::checkTensorParallel(spec.tensorParallel, spec.intermediate))
    return fail("tp", *why);
  if (auto why = rules::checkPackedGateUp(spec.packedGateUp, spec.activation))
    return fail("packed_gate_up", *why);
  return llvm::Error::success();
}

llvm::Error mlpjit::setTensorParallel(MlpSpec &spec, int64_t tp) {
  if (auto why = rules::checkTensorParallel(tp, spec.intermediate))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "mlp '" + spec.name + "': tp: " + *why);
  spec.tensorParallel = tp;
  return llvm::Error::success();
}

llvm::Expected<std::vector<MlpSpec>>
mlpjit::loadSpecFile(llvm::StringRef path, llvm::raw_ostream *notes) {
  auto fail = [&](const llvm::Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   path + ": error: " + why);
  };
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                                   /*RequiresNullTerminator=*/
                                                   false);
  if (!buffer)
    return fail("cannot read file: " + buffer.getError().message());
  llvm::StringRef text = (*buffer)->getBuffer();
  if (text.size() > limits::kMaxFileBytes)
    return fail("file is " + llvm::Twine(text.size()) +
                " bytes, more than the limit of " +
                llvm::Twine(limits::kMaxFileBytes));
  if (llvm::sys::path::extension(path).equals_insensitive(".json")) {
    auto spec = importHFConfig(text, path, notes);
    if (!spec)
      return spec.takeError();
    return std::vector<MlpSpec>{std::move(*spec)};
  }
  return parseSpecBuffer(text, path);
}
