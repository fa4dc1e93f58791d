//===- SpecParserTest.cpp - the .mlp spec language
//-------------------------===//
#include "mlpjit/Frontend/MlpSpec.h"

#include <gtest/gtest.h>

using namespace mlpjit;

namespace {

std::vector<MlpSpec> parseOk(llvm::StringRef text) {
  auto specs = parseSpecBuffer(text, "test.mlp");
  if (!specs) {
    ADD_FAILURE() << llvm::toString(specs.takeError());
    return {};
  }
  return std::move(*specs);
}

std::string parseError(llvm::StringRef text) {
  auto specs = parseSpecBuffer(text, "test.mlp");
  if (specs) {
    ADD_FAILURE() << "parsed, expected an error";
    return "";
  }
  return llvm::toString(specs.takeError());
}

TEST(SpecParser, DefaultsAndRequiredKeys) {
  auto specs = parseOk("mlp m {\n  hidden = 4096\n  intermediate = 14336\n}\n");
  ASSERT_EQ(specs.size(), 1u);
  const MlpSpec &s = specs[0];
  EXPECT_EQ(s.name, "m");
  EXPECT_EQ(s.hidden, 4096);
  EXPECT_EQ(s.intermediate, 14336);
  EXPECT_EQ(s.activation, Activation::swiglu);
  EXPECT_EQ(s.dtype, DType::bf16);
  EXPECT_FALSE(s.bias);
  EXPECT_EQ(s.tokensMin, 1);
  EXPECT_EQ(s.tokensMax, 65536);
  EXPECT_EQ(s.arch, "");
  EXPECT_FALSE(s.packedGateUp);
  EXPECT_EQ(s.tensorParallel, 1);
  EXPECT_EQ(s.source, "test.mlp:1");
}

TEST(SpecParser, EveryKey) {
  auto specs = parseOk("# header\n"
                       "mlp big {\n"
                       "  hidden = 8192; intermediate = 28672\n"
                       "  activation = geglu_erf  # comment\n"
                       "  dtype = fp16\n"
                       "  bias = true\n"
                       "  tokens = 16..4096\n"
                       "  arch = sm_90a\n"
                       "  packed_gate_up = true\n"
                       "  tp = 8\n"
                       "}\n");
  ASSERT_EQ(specs.size(), 1u);
  const MlpSpec &s = specs[0];
  EXPECT_EQ(s.hidden, 8192);
  EXPECT_EQ(s.intermediate, 28672);
  EXPECT_EQ(s.activation, Activation::geglu_erf);
  EXPECT_EQ(s.dtype, DType::f16);
  EXPECT_TRUE(s.bias);
  EXPECT_EQ(s.tokensMin, 16);
  EXPECT_EQ(s.tokensMax, 4096);
  EXPECT_EQ(s.arch, "sm_90a");
  EXPECT_TRUE(s.packedGateUp);
  EXPECT_EQ(s.tensorParallel, 8);
  EXPECT_EQ(s.source, "test.mlp:2");
}

TEST(SpecParser, ActivationSpellings) {
  struct Case {
    const char *spelling;
    Activation expected;
  } cases[] = {
      {"swiglu", Activation::swiglu},
      {"geglu", Activation::geglu_tanh},
      {"geglu_tanh", Activation::geglu_tanh},
      {"geglu_erf", Activation::geglu_erf},
      {"reglu", Activation::reglu},
      {"gelu", Activation::gelu_tanh},
      {"gelu_tanh", Activation::gelu_tanh},
      {"gelu_erf", Activation::gelu_erf},
      {"relu", Activation::relu},
      {"silu", Activation::silu},
  };
  for (const Case &c : cases) {
    std::string text = std::string("mlp m { hidden = 8; intermediate = 8; "
                                   "activation = ") +
                       c.spelling + " }";
    auto specs = parseOk(text);
    ASSERT_EQ(specs.size(), 1u) << c.spelling;
    EXPECT_EQ(specs[0].activation, c.expected) << c.spelling;
  }
}

TEST(SpecParser, SingleTokenCountAndSpacedRange) {
  auto specs =
      parseOk("mlp a { hidden = 8; intermediate = 8; tokens = 32 }\n"
              "mlp b { hidden = 8; intermediate = 8; tokens = 1 .. 7 }");
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_EQ(specs[0].tokensMin, 32);
  EXPECT_EQ(specs[0].tokensMax, 32);
  EXPECT_EQ(specs[1].tokensMin, 1);
  EXPECT_EQ(specs[1].tokensMax, 7);
  EXPECT_EQ(specs[1].source, "test.mlp:2");
}

TEST(SpecParser, ErrorIsCompleteDiagnostic) {
  std::string e = parseError("mlp m {\n  hidden = 4097\n}\n");
  EXPECT_EQ(e,
            "test.mlp:2:12: error: hidden must be a multiple of 8, got 4097\n"
            "  hidden = 4097\n"
            "           ^~~~");
}

TEST(SpecParser, FirstErrorOnly) {
  std::string e = parseError("mlp m {\n  bogus = 1\n  other = 2\n}\n");
  EXPECT_NE(e.find("test.mlp:2:3: error: unknown key 'bogus'"),
            std::string::npos)
      << e;
  EXPECT_EQ(e.find("other"), std::string::npos) << e;
}

TEST(SpecParser, Errors) {
  struct Case {
    const char *text;
    const char *expected; // prefix of the first line
  } cases[] = {
      {"", "test.mlp:1:1: error: no 'mlp NAME { ... }' block in the input"},
      {"mlp",
       "test.mlp:1:4: error: expected a name after 'mlp', found end of file"},
      {"mlp m {", "test.mlp:1:7: error: block 'mlp m' is not closed"},
      {"mlp m { hidden = 8 intermediate = 8 }",
       "test.mlp:1:20: error: expected the end of the line after the value of "
       "'hidden', found 'intermediate'"},
      {"mlp m { hidden = 8\n intermediate = 9223372036854775808 }",
       "test.mlp:2:17: error: integer 9223372036854775808 for 'intermediate' "
       "is "
       "too large"},
      {"mlp m { hidden = 8\n intermediate = -9223372036854775808 }",
       "test.mlp:2:17: error: intermediate must be positive"},
      {"mlp m { hidden = 8; intermediate = 8; tokens = 9..8 }",
       "test.mlp:1:48: error: token range is empty: 9 > 8"},
      {"mlp m { hidden = 8; intermediate = 8; tokens = 1..x }",
       "test.mlp:1:51: error: expected an integer for 'tokens', found 'x'"},
      {"mlp m { hidden = 8; intermediate = 8 }\nmlp m { hidden = 8; "
       "intermediate = 8 }",
       "test.mlp:2:5: error: duplicate mlp name 'm' (first defined at "
       "test.mlp:1)"},
      {"mlp m { hidden = = 8 }",
       "test.mlp:1:18: error: expected an integer for 'hidden', found '='"},
      {"mlp m } ",
       "test.mlp:1:7: error: expected '{' after 'mlp m', found '}'"},
      {"mlp m { hidden = 8; intermediate = 8 } }",
       "test.mlp:1:40: error: expected 'mlp' to start a block, found '}'"},
      {"mlp m { hidden = 8; intermediate = 8; dtype = 16 }",
       "test.mlp:1:47: error: unknown dtype '16'"},
      {"mlp m { hidden = 8; intermediate = 8; packed_gate_up = 1 }",
       "test.mlp:1:56: error: expected true or false for 'packed_gate_up', "
       "found '1'"},
      {"mlp m { hidden = 8; intermediate = 8; tp = 99999 }",
       "test.mlp:1:39: error: tp: must be between 1 and 1024, got 99999"},
  };
  for (const Case &c : cases) {
    std::string e = parseError(c.text);
    EXPECT_EQ(e.substr(0, e.find('\n')).substr(0, strlen(c.expected)),
              c.expected)
        << "input: " << c.text << "\nfull error:\n"
        << e;
  }
}

TEST(SpecParser, BinaryInput) {
  std::string withNul("mlp m {\n hidden = 8\0 }", 21);
  EXPECT_EQ(parseError(withNul),
            "test.mlp:2:12: error: NUL byte in input; is this a binary file?");
  EXPECT_EQ(parseError("mlp m {\n\xc3\x28 }"),
            "test.mlp:2:1: error: invalid UTF-8 byte 0xc3; is this a binary "
            "file?");
  EXPECT_EQ(parseError("mlp m {\xf0\x9f"),
            "test.mlp:1:8: error: invalid UTF-8 byte 0xf0; is this a binary "
            "file?");
}

TEST(SpecParser, LongLineAndDeepInputDoNotRecurse) {
  std::string longLine = "mlp m {\n" + std::string(5000, ' ') + "\n}";
  EXPECT_EQ(parseError(longLine),
            "test.mlp:2:1: error: line is longer than 4096 bytes");
  // Many blocks, many lines: parsing is iterative and linear.
  std::string many;
  for (int i = 0; i < 20000; ++i)
    many += "mlp m" + std::to_string(i) + " { hidden = 8; intermediate = 8 }\n";
  EXPECT_EQ(parseOk(many).size(), 20000u);
  std::string braces;
  for (int i = 0; i < 100000; ++i)
    braces += "{\n";
  EXPECT_NE(parseError("mlp m {\n" + braces)
                .find("test.mlp:2:1: error: expected a key or '}', found '{'"),
            std::string::npos);
}

TEST(MlpSpec, FuncName) {
  MlpSpec s;
  s.name = "llama3_8b";
  EXPECT_EQ(s.funcName(), "llama3_8b");
  s.name = "mistral-7b-v0.1";
  EXPECT_EQ(s.funcName(), "mistral_7b_v0_1");
  s.name = "7b";
  EXPECT_EQ(s.funcName(), "_7b");
  s.name = "";
  EXPECT_EQ(s.funcName(), "_");
}

TEST(MlpSpec, ActivationHelpers) {
  EXPECT_TRUE(isGated(Activation::swiglu));
  EXPECT_TRUE(isGated(Activation::reglu));
  EXPECT_FALSE(isGated(Activation::gelu_tanh));
  EXPECT_FALSE(isGated(Activation::silu));
  EXPECT_EQ(toEpilogue(Activation::swiglu), Epilogue::swiglu);
  EXPECT_EQ(toEpilogue(Activation::geglu_tanh), Epilogue::geglu_tanh);
  EXPECT_EQ(toEpilogue(Activation::geglu_erf), Epilogue::geglu_erf);
  EXPECT_EQ(toEpilogue(Activation::reglu), Epilogue::reglu);
  EXPECT_EQ(toEpilogue(Activation::gelu_tanh), Epilogue::gelu_tanh);
  EXPECT_EQ(toEpilogue(Activation::gelu_erf), Epilogue::gelu_erf);
  EXPECT_EQ(toEpilogue(Activation::relu), Epilogue::relu);
  EXPECT_EQ(toEpilogue(Activation::silu), Epilogue::silu);
  EXPECT_STREQ(toString(Activation::geglu_erf), "geglu_erf");
}

TEST(MlpSpec, ValidateSpec) {
  MlpSpec s;
  s.name = "x";
  s.hidden = 64;
  s.intermediate = 128;
  EXPECT_FALSE(llvm::errorToBool(validateSpec(s)));
  s.hidden = 12;
  std::string e = llvm::toString(validateSpec(s));
  EXPECT_EQ(e, "mlp 'x': hidden: must be a multiple of 8, got 12");
  s.hidden = 64;
  s.tokensMin = 10;
  s.tokensMax = 5;
  EXPECT_NE(
      llvm::toString(validateSpec(s)).find("tokens: token range is empty"),
      std::string::npos);
  s.tokensMin = 1;
  s.arch = "sm_70";
  EXPECT_NE(llvm::toString(validateSpec(s)).find("unknown arch 'sm_70'"),
            std::string::npos);
}

} // namespace
