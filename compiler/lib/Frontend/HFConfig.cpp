//===- HFConfig.cpp - Hugging Face config.json -> MlpSpec
//------------------===//
//
// Which keys describe the MLP depends on model_type: Llama-family configs use
// hidden_size / intermediate_size / hidden_act (Gemma: hidden_activation
// wins), GPT-2 uses n_embd / n_inner / activation_function. The choices made
// where configs are silent are listed in docs/spec-language.md.
//
//===----------------------------------------------------------------------===//
#include "SpecRules.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

#include <cmath>

using namespace mlpjit;
using llvm::StringRef;

namespace {

enum class MlpKind { gated, plain };

/// Architectures whose MLP is down(act(gate(x)) * up(x)), and the plain ones.
std::optional<MlpKind> mlpKindOf(StringRef modelType) {
  return llvm::StringSwitch<std::optional<MlpKind>>(modelType)
      .Cases({"llama", "mistral", "qwen2", "qwen3"}, MlpKind::gated)
      .Cases({"gemma", "gemma2", "phi3"}, MlpKind::gated)
      .Case("gpt2", MlpKind::plain)
      .Default(std::nullopt);
}
constexpr const char *kModelTypes =
    "llama, mistral, qwen2, qwen3, gemma, gemma2, phi3, gpt2";

/// Hugging Face ACT2FN names -> the block's activation.
std::optional<Activation> activationOf(StringRef hfName, MlpKind kind) {
  enum class Fn { silu, geluTanh, geluErf, relu };
  auto fn =
      llvm::StringSwitch<std::optional<Fn>>(hfName)
          .Cases({"silu", "swish"}, Fn::silu)
          .Cases({"gelu_pytorch_tanh", "gelu_new", "gelu_fast", "gelu_tanh"},
                 Fn::geluTanh)
          .Case("gelu", Fn::geluErf)
          .Case("relu", Fn::relu)
          .Default(std::nullopt);
  if (!fn)
    return std::nullopt;
  bool gated = kind == MlpKind::gated;
  switch (*fn) {
  case Fn::silu:
    return gated ? Activation::swiglu : Activation::silu;
  case Fn::geluTanh:
    return gated ? Activation::geglu_tanh : Activation::gelu_tanh;
  case Fn::geluErf:
    return gated ? Activation::geglu_erf : Activation::gelu_erf;
  case Fn::relu:
    return gated ? Activation::reglu : Activation::relu;
  }
  return std::nullopt;
}

/// llvm::json::parse recurses once per nesting level; reject deep inputs
/// before it sees them. Returns the offset of the first bracket that goes too
/// deep.
std::optional<size_t> findExcessiveNesting(StringRef text) {
  int depth = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i; // skip the escaped character, which may be a quote
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limits::kMaxJsonDepth)
        return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::nullopt;
}

class Importer {
public:
  Importer(StringRef fileName, llvm::raw_ostream *notes)
      : fileName(fileName), notes(notes) {}

  llvm::Expected<MlpSpec> run(StringRef jsonText);

private:
  llvm::Error fail(const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   fileName + ": error: " + message);
  }
  llvm::Error keyError(StringRef key, const llvm::Twine &message) {
    return fail("key '" + key + "': " + message);
  }
  void note(const llvm::Twine &message) {
    if (notes)
      *notes << fileName << ": note: " << message << "\n";
  }
  static std::string kindOf(const llvm::json::Value &v) {
    switch (v.kind()) {
    case llvm::json::Value::Null:
      return "null";
    case llvm::json::Value::Boolean:
      return "a boolean";
    case llvm::json::Value::Number:
      return "a non-integer number";
    case llvm::json::Value::String:
      return "a string";
    case llvm::json::Value::Array:
      return "an array";
    case llvm::json::Value::Object:
      return "an object";
    }
    return "a value";
  }

  /// A present, non-null value of `key`, or nullptr.
  const llvm::json::Value *get(StringRef key) {
    const llvm::json::Value *v = root->get(key);
    return v && v->kind() != llvm::json::Value::Null ? v : nullptr;
  }
  llvm::Expected<std::string> getString(StringRef key) {
    const llvm::json::Value *v = get(key);
    if (!v)
      return keyError(key, "missing");
    if (auto s = v->getAsString())
      return s->str();
    return keyError(key, "expected a string, got " + kindOf(*v));
  }
  llvm::Expected<int64_t> getDimension(StringRef key) {
    const llvm::json::Value *v = get(key);
    if (!v)
      return keyError(key, "missing");
    // json::Value::getAsInteger converts a double of exactly 2^63 to int64
    // (undefined behaviour that UBSan reports): keep such numbers,
    // far beyond any size limit, away from it.
    std::optional<double> asDouble = v->getAsNumber();
    if (asDouble && !(std::fabs(*asDouble) < 0x1p62))
      return keyError(key, "number out of range");
    auto n = v->getAsInteger();
    if (!n)
      return keyError(key, "expected an integer, got " + kindOf(*v));
    if (auto why = rules::checkDimension(*n))
      return keyError(key, *why);
    return *n;
  }

  StringRef fileName;
  llvm::raw_ostream *notes;
  const llvm::json::Object *root = nullptr;
};

llvm::Expected<MlpSpec> Importer::run(StringRef jsonText) {
  // A UTF-8 byte-order mark (some editors write one) is not JSON; dropping
  // it keeps line 1's columns as the editor shows them.
  jsonText.consume_front("\xEF\xBB\xBF");
  if (jsonText.size() > limits::kMaxFileBytes)
    return fail("input is " + llvm::Twine(jsonText.size()) +
                " bytes, more than the limit of " +
                llvm::Twine(limits::kMaxFileBytes));
  if (auto at = findExcessiveNesting(jsonText))
    return fail("JSON nested deeper than " +
                llvm::Twine(limits::kMaxJsonDepth) + " levels at byte " +
                llvm::Twine(*at));
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(jsonText);
  if (!parsed) {
    // json::ParseError reads "[line:col, byte=N]: message"; lift the place
    // into the usual file:line:col form. Its column is the 0-based offset
    // just past the offending character, i.e. that character's 1-based
    // column, except at the start of a line.
    std::string text = llvm::toString(parsed.takeError());
    StringRef rest = text;
    StringRef line, column;
    if (rest.consume_front("[")) {
      std::tie(line, rest) = rest.split(':');
      std::tie(column, rest) = rest.split(',');
      if (rest.consume_front(" byte=")) {
        rest = rest.split("]: ").second;
        unsigned lineNo, columnNo;
        if (!rest.empty() && !line.getAsInteger(10, lineNo) &&
            !column.getAsInteger(10, columnNo))
          return llvm::createStringError(
              llvm::inconvertibleErrorCode(),
              fileName + ":" + llvm::Twine(lineNo) + ":" +
                  llvm::Twine(std::max(columnNo, 1u)) +
                  ": error: invalid JSON: " + rest);
      }
    }
    return fail("invalid JSON: " + text);
  }
  root = parsed->getAsObject();
  if (!root)
    return fail("expected a JSON object at the top level");

  MlpSpec spec;
  spec.name = llvm::sys::path::stem(fileName).str();
  spec.source = fileName.str();

  auto modelType = getString("model_type");
  if (!modelType)
    return modelType.takeError();
  std::optional<MlpKind> kind = mlpKindOf(*modelType);
  if (!kind)
    return keyError("model_type", "unsupported model type '" + *modelType +
                                      "' (supported: " + kModelTypes + ")");

  // Sizes and the activation's key.
  const char *actKey;
  if (*kind == MlpKind::plain) {
    auto hidden = getDimension("n_embd");
    if (!hidden)
      return hidden.takeError();
    spec.hidden = *hidden;
    if (get("n_inner")) {
      auto inner = getDimension("n_inner");
      if (!inner)
        return inner.takeError();
      spec.intermediate = *inner;
    } else {
      // GPT-2: n_inner null means 4 * n_embd (<= 2^22, no overflow).
      spec.intermediate = 4 * spec.hidden;
      if (auto why = rules::checkDimension(spec.intermediate))
        return keyError("n_inner", "4 * n_embd " + *why);
    }
    actKey = "activation_function";
    // GPT-2's c_fc and c_proj always carry a bias.
    spec.bias = true;
  } else {
    auto hidden = getDimension("hidden_size");
    if (!hidden)
      return hidden.takeError();
    auto intermediate = getDimension("intermediate_size");
    if (!intermediate)
      return intermediate.takeError();
    spec.hidden = *hidden;
    spec.intermediate = *intermediate;
    // Gemma names the MLP's activation hidden_activation; it wins.
    actKey = get("hidden_activation") ? "hidden_activation" : "hidden_act";
    if (const llvm::json::Value *b = get("mlp_bias")) {
      auto flag = b->getAsBoolean();
      if (!flag)
        return keyError("mlp_bias", "expected a boolean, got " + kindOf(*b));
      spec.bias = *flag;
    }
    // Phi-3 checkpoints store gate_proj and up_proj as one gate_up_proj.
    spec.packedGateUp = *modelType == "phi3";
  }
  if (auto why = rules::checkWeightBytes(spec.hidden, spec.intermediate))
    return keyError(*kind == MlpKind::plain ? "n_inner" : "intermediate_size",
                    *why);

  auto actName = getString(actKey);
  if (!actName)
    return actName.takeError();
  std::optional<Activation> act = activationOf(*actName, *kind);
  if (!act)
    return keyError(actKey, "unsupported activation '" + *actName +
                                "' (supported: silu, swish, gelu, "
                                "gelu_pytorch_tanh, gelu_new, gelu_fast, "
                                "gelu_tanh, relu)");
  spec.activation = *act;

  // Weights' dtype; newer configs call it `dtype`. Absent (GPT-2) or float32
  // means the model is computed in bf16.
  const char *dtypeKey = get("torch_dtype") ? "torch_dtype" : "dtype";
  if (get(dtypeKey)) {
    auto dtypeName = getString(dtypeKey);
    if (!dtypeName)
      return dtypeName.takeError();
    if (*dtypeName == "bfloat16") {
      spec.dtype = DType::bf16;
    } else if (*dtypeName == "float16") {
      spec.dtype = DType::f16;
    } else if (*dtypeName == "float32") {
      spec.dtype = DType::bf16;
      note("float32 weights will be computed in bf16");
    } else {
      return keyError(dtypeKey, "unsupported dtype '" + *dtypeName +
                                    "' (supported: bfloat16, float16, "
                                    "float32)");
    }
  } else {
    spec.dtype = DType::bf16;
  }
  return spec;
}

} // namespace

llvm::Expected<MlpSpec> mlpjit::importHFConfig(StringRef jsonText,
                                               StringRef fileName,
                                               llvm::raw_ostream *notes) {
  return Importer(fileName, notes).run(jsonText);
}
