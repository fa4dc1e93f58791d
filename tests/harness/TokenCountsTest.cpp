//===- TokenCountsTest.cpp - the token range the tools compile for --------===//
#include "TokenCounts.h"

#include "mlpjit/Frontend/MlpSpec.h"

#include "gtest/gtest.h"

using namespace mlpjit;
using namespace mlpjit::harness;

TEST(CoverTokens, KeepsTheSpecsRangeWhenItHoldsTheTokens) {
  // The planner carries plans down from the ranges above, so the programs
  // the bench and the tuner time must keep the range users compile for.
  MlpSpec spec;
  ASSERT_EQ(spec.tokensMin, 1);
  ASSERT_EQ(spec.tokensMax, 65536);
  coverTokens(spec, {1, 16});
  EXPECT_EQ(spec.tokensMin, 1);
  EXPECT_EQ(spec.tokensMax, 65536);

  spec.tokensMin = 64;
  spec.tokensMax = 4096;
  coverTokens(spec, {256, 1024});
  EXPECT_EQ(spec.tokensMin, 64);
  EXPECT_EQ(spec.tokensMax, 4096);
}

TEST(CoverTokens, WidensTheRangeToHoldEveryCount) {
  MlpSpec spec;
  spec.tokensMin = 64;
  spec.tokensMax = 4096;
  coverTokens(spec, {8192, 16});
  EXPECT_EQ(spec.tokensMin, 16);
  EXPECT_EQ(spec.tokensMax, 8192);
}

TEST(TokenCounts, DefaultsUnlessGivenAndRejectsCountsOutOfRange) {
  llvm::cl::list<int> option("test-tokens", llvm::cl::CommaSeparated);
  auto defaults = tokenCounts(option, {1, 64});
  ASSERT_TRUE(bool(defaults)) << llvm::toString(defaults.takeError());
  EXPECT_EQ(*defaults, (std::vector<int64_t>{1, 64}));

  option.push_back(0);
  auto bad = tokenCounts(option, {1});
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(llvm::toString(bad.takeError()).find("--tokens: 0"),
            std::string::npos);
}
