//===- HFConfigTest.cpp - Hugging Face config import
//-----------------------===//
#include "mlpjit/Frontend/MlpSpec.h"

#include <gtest/gtest.h>

using namespace mlpjit;

namespace {

struct Fixture {
  const char *file;
  int64_t hidden, intermediate;
  Activation activation;
  DType dtype;
  bool bias, packedGateUp;
};

// The published shapes of every fixture (tests/fixtures/models/README.md).
const Fixture kFixtures[] = {
    {"llama-3-8b", 4096, 14336, Activation::swiglu, DType::bf16, false, false},
    {"llama-3-70b", 8192, 28672, Activation::swiglu, DType::bf16, false, false},
    {"mistral-7b-v0.1", 4096, 14336, Activation::swiglu, DType::bf16, false,
     false},
    {"qwen2.5-7b", 3584, 18944, Activation::swiglu, DType::bf16, false, false},
    {"gemma-7b", 3072, 24576, Activation::geglu_tanh, DType::bf16, false,
     false},
    {"phi-3-mini-4k", 3072, 8192, Activation::swiglu, DType::bf16, false, true},
    {"gpt2", 768, 3072, Activation::gelu_tanh, DType::bf16, true, false},
};

TEST(HFConfig, EveryFixture) {
  for (const Fixture &f : kFixtures) {
    std::string path = std::string(MLPJIT_MODELS_DIR) + "/" + f.file + ".json";
    std::string notes;
    llvm::raw_string_ostream os(notes);
    auto specs = loadSpecFile(path, &os);
    ASSERT_TRUE(bool(specs)) << llvm::toString(specs.takeError());
    ASSERT_EQ(specs->size(), 1u);
    const MlpSpec &s = specs->front();
    EXPECT_EQ(s.name, f.file);
    EXPECT_EQ(s.source, path);
    EXPECT_EQ(s.hidden, f.hidden) << f.file;
    EXPECT_EQ(s.intermediate, f.intermediate) << f.file;
    EXPECT_EQ(s.activation, f.activation) << f.file;
    EXPECT_EQ(s.dtype, f.dtype) << f.file;
    EXPECT_EQ(s.bias, f.bias) << f.file;
    EXPECT_EQ(s.packedGateUp, f.packedGateUp) << f.file;
    EXPECT_EQ(s.tokensMin, 1);
    EXPECT_EQ(s.tokensMax, 65536);
    EXPECT_EQ(s.arch, "");
    EXPECT_TRUE(notes.empty()) << notes;
    EXPECT_FALSE(llvm::errorToBool(validateSpec(s))) << f.file;
  }
}

llvm::Expected<MlpSpec> import(llvm::StringRef json,
                               std::string *notes = nullptr) {
  std::string sink;
  llvm::raw_string_ostream os(notes ? *notes : sink);
  return importHFConfig(json, "dir/model.json", &os);
}

std::string importError(llvm::StringRef json) {
  auto spec = import(json);
  if (spec) {
    ADD_FAILURE() << "imported, expected an error";
    return "";
  }
  return llvm::toString(spec.takeError());
}

TEST(HFConfig, ActivationMapping) {
  struct Case {
    const char *modelType, *act;
    Activation expected;
  } cases[] = {
      {"llama", "silu", Activation::swiglu},
      {"qwen2", "swish", Activation::swiglu},
      {"gemma", "gelu_pytorch_tanh", Activation::geglu_tanh},
      {"gemma", "gelu", Activation::geglu_erf},
      {"mistral", "gelu_new", Activation::geglu_tanh},
      {"llama", "relu", Activation::reglu},
      {"gpt2", "gelu_new", Activation::gelu_tanh},
      {"gpt2", "gelu", Activation::gelu_erf},
      {"gpt2", "relu", Activation::relu},
      {"gpt2", "silu", Activation::silu},
  };
  for (const Case &c : cases) {
    std::string json =
        std::string(c.modelType) == "gpt2"
            ? std::string("{\"model_type\": \"gpt2\", \"n_embd\": 64, "
                          "\"activation_function\": \"") +
                  c.act + "\"}"
            : std::string("{\"model_type\": \"") + c.modelType +
                  "\", \"hidden_size\": 64, \"intermediate_size\": 128, "
                  "\"hidden_act\": \"" +
                  c.act + "\"}";
    auto spec = import(json);
    ASSERT_TRUE(bool(spec)) << llvm::toString(spec.takeError());
    EXPECT_EQ(spec->activation, c.expected) << c.modelType << " " << c.act;
    EXPECT_EQ(spec->name, "model");
  }
}

TEST(HFConfig, HiddenActivationWins) {
  auto spec = import("{\"model_type\": \"gemma\", \"hidden_size\": 64, "
                     "\"intermediate_size\": 128, \"hidden_act\": \"gelu\", "
                     "\"hidden_activation\": \"gelu_pytorch_tanh\"}");
  ASSERT_TRUE(bool(spec)) << llvm::toString(spec.takeError());
  EXPECT_EQ(spec->activation, Activation::geglu_tanh);
  // A null hidden_activation falls back to hidden_act.
  spec = import("{\"model_type\": \"gemma\", \"hidden_size\": 64, "
                "\"intermediate_size\": 128, \"hidden_act\": \"gelu\", "
                "\"hidden_activation\": null}");
  ASSERT_TRUE(bool(spec)) << llvm::toString(spec.takeError());
  EXPECT_EQ(spec->activation, Activation::geglu_erf);
}

TEST(HFConfig, DtypeAndBias) {
  std::string notes;
  auto spec = import("{\"model_type\": \"llama\", \"hidden_size\": 64, "
                     "\"intermediate_size\": 128, \"hidden_act\": \"silu\", "
                     "\"torch_dtype\": \"float32\", \"mlp_bias\": true}",
                     &notes);
  ASSERT_TRUE(bool(spec)) << llvm::toString(spec.takeError());
  EXPECT_EQ(spec->dtype, DType::bf16);
  EXPECT_TRUE(spec->bias);
  EXPECT_EQ(notes, "dir/model.json: note: float32 weights will be computed in "
                   "bf16\n");
  spec = import("{\"model_type\": \"llama\", \"hidden_size\": 64, "
                "\"intermediate_size\": 128, \"hidden_act\": \"silu\", "
                "\"dtype\": \"float16\"}");
  ASSERT_TRUE(bool(spec)) << llvm::toString(spec.takeError());
  EXPECT_EQ(spec->dtype, DType::f16);
  EXPECT_FALSE(spec->bias);
}

TEST(HFConfig, GPT2InnerDefaultsToFourTimesEmbd) {
  auto spec =
      import("{\"model_type\": \"gpt2\", \"n_embd\": 1600, \"n_inner\": "
             "null, \"activation_function\": \"gelu_new\"}");
  ASSERT_TRUE(bool(spec)) << llvm::toString(spec.takeError());
  EXPECT_EQ(spec->hidden, 1600);
  EXPECT_EQ(spec->intermediate, 6400);
  EXPECT_TRUE(spec->bias);
}

TEST(HFConfig, Errors) {
  struct Case {
    const char *json, *expected;
  } cases[] = {
      {"", "dir/model.json:1:1: error: invalid JSON: Unexpected EOF"},
      {"{\"model_type\": \"llama\",}",
       "dir/model.json:1:24: error: invalid JSON: Expected object key"},
      {"null",
       "dir/model.json: error: expected a JSON object at the top level"},
      {"{\"model_type\": 7}",
       "dir/model.json: error: key 'model_type': expected a string, got a "
       "non-integer number"},
      {"{\"model_type\": \"llama\", \"hidden_size\": true}",
       "dir/model.json: error: key 'hidden_size': expected an integer, got a "
       "boolean"},
      {"{\"model_type\": \"llama\", \"hidden_size\": 64}",
       "dir/model.json: error: key 'intermediate_size': missing"},
      {"{\"model_type\": \"llama\", \"hidden_size\": 64, "
       "\"intermediate_size\": "
       "64.5}",
       "dir/model.json: error: key 'intermediate_size': expected an integer, "
       "got a non-integer number"},
      {"{\"model_type\": \"llama\", \"hidden_size\": 64, "
       "\"intermediate_size\": "
       "-8}",
       "dir/model.json: error: key 'intermediate_size': must be positive, got "
       "-8"},
      {"{\"model_type\": \"llama\", \"hidden_size\": 64, "
       "\"intermediate_size\": "
       "64}",
       "dir/model.json: error: key 'hidden_act': missing"},
      {"{\"model_type\": \"llama\", \"hidden_size\": 64, "
       "\"intermediate_size\": "
       "64, \"hidden_act\": [\"silu\"]}",
       "dir/model.json: error: key 'hidden_act': expected a string, got an "
       "array"},
      {"{\"model_type\": \"gpt2\", \"n_embd\": 524288, "
       "\"activation_function\": "
       "\"gelu\"}",
       "dir/model.json: error: key 'n_inner': 4 * n_embd must be at most "
       "1048576, got 2097152"},
      {"{\"model_type\": \"llama\", \"hidden_size\": 9.223372036854775807e18}",
       "dir/model.json: error: key 'hidden_size': number out of range"},
      {"{\"model_type\": \"llama\", \"hidden_size\": -1e300}",
       "dir/model.json: error: key 'hidden_size': number out of range"},
      {"{\"model_type\": \"llama\", \"hidden_size\": 18446744073709551615}",
       "dir/model.json: error: key 'hidden_size': number out of range"},
      {"\"\xff\"",
       "dir/model.json:1:1: error: invalid JSON: Invalid UTF-8 sequence"},
  };
  for (const Case &c : cases)
    EXPECT_EQ(importError(c.json), c.expected) << "input: " << c.json;
}

TEST(HFConfig, DeepNestingRejectedBeforeParsing) {
  // Deep enough to overflow llvm::json::parse's recursion if it got there.
  std::string deep = "{\"a\": " + std::string(1000000, '[') + "}";
  EXPECT_EQ(
      importError(deep),
      "dir/model.json: error: JSON nested deeper than 64 levels at byte 69");
  // Brackets inside strings do not count.
  std::string inString = "{\"model_type\": \"" + std::string(1000, '[') +
                         "\\\"" + std::string(1000, '{') + "\"}";
  EXPECT_EQ(importError(inString).substr(0, 60),
            std::string("dir/model.json: error: key 'model_type': unsupported "
                        "model type")
                .substr(0, 60));
}

TEST(HFConfig, UnreadableFile) {
  auto specs = loadSpecFile("/nonexistent/dir/x.json");
  ASSERT_FALSE(bool(specs));
  EXPECT_EQ(llvm::toString(specs.takeError()),
            "/nonexistent/dir/x.json: error: cannot read file: No such file or "
            "directory");
}

} // namespace
