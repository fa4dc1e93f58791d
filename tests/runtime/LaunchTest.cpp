//===- LaunchTest.cpp - launch arithmetic and checks, no GPU needed -------===//
#include "mlpjit/sm80/launch.h"
#include "GemmLaunch.h"
#include "TestPrograms.h"
#include "mlpjit/Module.h"
#include "mlpjit/mlpjit.h"
#include "mlpjit/sm90/launch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>

using namespace mlpjit;
using namespace mlpjit::testing;

namespace {

KernelDesc hopperGateUp() {
  KernelDesc d = llamaGateUp("sm90_tma_ws", "sm_90a", 128, 256, 3, 4096);
  d.name = "gate_up";
  return d;
}

std::string errorOf(llvm::Error e) {
  return e ? llvm::toString(std::move(e)) : std::string();
}

const void *at(uintptr_t address) {
  return reinterpret_cast<const void *>(address);
}

GemmOperands validOperands() {
  GemmOperands ops;
  ops.a = at(0x10000);
  ops.b = at(0x20000);
  ops.d = const_cast<void *>(at(0x30000));
  ops.m = ops.aRows = ops.dRows = 100;
  return ops;
}

TEST(GemmConfigTest, CarriesEveryPlanConstant) {
  KernelDesc d = hopperGateUp();
  d.clusterM = 2;
  d.splitK = 3;
  d.swapAB = true;
  d.hasBias = true;
  GemmConfig c = toGemmConfig(d);
  EXPECT_EQ(c.tileM, 128);
  EXPECT_EQ(c.tileN, 256);
  EXPECT_EQ(c.tileK, 64);
  EXPECT_EQ(c.stages, 3);
  EXPECT_EQ(c.clusterM, 2);
  EXPECT_EQ(c.clusterN, 1);
  EXPECT_EQ(c.splitK, 3);
  EXPECT_TRUE(c.swapAB);
  EXPECT_TRUE(c.gated);
  EXPECT_TRUE(c.hasBias);
  EXPECT_EQ(c.elementBytes, 2);
  EXPECT_EQ(c.n, 28672);
  EXPECT_EQ(c.k, 4096);
  EXPECT_EQ(c.gateUpBlock, int(d.interleaveRows));
  d.interleaveRows = 8;
  EXPECT_EQ(toGemmConfig(d).gateUpBlock, 8);
  d.epilogue = Epilogue::gelu_tanh;
  EXPECT_FALSE(toGemmConfig(d).gated);
  EXPECT_EQ(toGemmConfig(d).gateUpBlock, 0);
}

TEST(TensorMapTest, ArgumentsFollowKernelAbi) {
  // A {k, m}, box {tileK, min(tileM, 256)}; strides in bytes, innermost
  // dimension implicit.
  TensorMapArgs a = tensorMapArgsA(hopperGateUp(), 77);
  EXPECT_EQ(a.globalDim[0], 4096u);
  EXPECT_EQ(a.globalDim[1], 77u);
  EXPECT_EQ(a.globalStride[0], 4096u * 2);
  EXPECT_EQ(a.boxDim[0], 64u);
  EXPECT_EQ(a.boxDim[1], 128u);
  // B {k, n}, box {tileK, min(tileN / clusterM, 256)}.
  KernelDesc d = hopperGateUp();
  TensorMapArgs b = tensorMapArgsB(d);
  EXPECT_EQ(b.globalDim[0], 4096u);
  EXPECT_EQ(b.globalDim[1], 28672u);
  EXPECT_EQ(b.globalStride[0], 8192u);
  EXPECT_EQ(b.boxDim[0], 64u);
  EXPECT_EQ(b.boxDim[1], 256u);
  d.clusterM = 2; // each CTA of the pair loads half the weight tile
  EXPECT_EQ(tensorMapArgsB(d).boxDim[1], 128u);
  // And they agree with the template's own launch rules.
  EXPECT_EQ(int(tensorMapArgsB(d).boxDim[1]), sm90::boxRowsB(toGemmConfig(d)));
  EXPECT_EQ(int(a.boxDim[1]), sm90::boxRowsA(toGemmConfig(hopperGateUp())));
  // D {nOut, m}, box {64, 64}: the TMA-store epilogue's subtile, 128-byte
  // swizzle like A and B.
  TensorMapArgs out = tensorMapArgsD(hopperGateUp(), 77);
  EXPECT_EQ(out.globalDim[0], 14336u);
  EXPECT_EQ(out.globalDim[1], 77u);
  EXPECT_EQ(out.globalStride[0], 14336u * 2);
  EXPECT_EQ(out.boxDim[0], 64u);
  EXPECT_EQ(out.boxDim[1], 64u);
  EXPECT_EQ(out.swizzleBytes, 128u);
  EXPECT_EQ(a.swizzleBytes, 128u);
  EXPECT_EQ(b.swizzleBytes, 128u);
  // Output tiles of 96 and 112 columns (gated 192 and 224 rows): boxes of
  // 32 and 16 columns, swizzled by their 64- and 32-byte rows, as the
  // template's launch rules say.
  for (auto [tileN, block, cols] :
       {std::tuple{192, 32, 32u}, std::tuple{224, 16, 16u}}) {
    KernelDesc g = hopperGateUp();
    g.tileN = tileN;
    g.interleaveRows = block;
    TensorMapArgs t = tensorMapArgsD(g, 77);
    EXPECT_EQ(t.boxDim[0], cols);
    EXPECT_EQ(t.boxDim[1], 64u);
    EXPECT_EQ(t.swizzleBytes, 2 * cols);
    EXPECT_EQ(int(t.boxDim[0]), sm90::storeSubtileCols(toGemmConfig(g)));
    EXPECT_EQ(int(t.swizzleBytes), sm90::storeSwizzleBytes(toGemmConfig(g)));
  }
}

TEST(TmaStoreTest, OnlyWholeSubtilesAndWideSwapAB) {
  KernelDesc d = hopperGateUp(); // 128x256 gated: 128 output columns
  EXPECT_TRUE(sm90::storesWithTma(toGemmConfig(d)));
  // Two 8 KiB subtile buffers per consumer warpgroup, in the shared budget.
  EXPECT_EQ(sm90::stagingBytes(toGemmConfig(d)), 2u * 2u * 8192u);
  GemmConfig off = toGemmConfig(d);
  off.tmaStore = false;
  EXPECT_EQ(sm90::sharedBytes(toGemmConfig(d)),
            sm90::sharedBytes(off) + 32768u);
  d.swapAB = true; // gated, 128 weight rows: stores from registers
  d.tileM = 16;
  d.tileN = 128;
  EXPECT_FALSE(sm90::storesWithTma(toGemmConfig(d)));
  // Plain narrow swapAB (64 or 128 weight rows): each warp stores its 16
  // output columns by the tile's tokens (a subtile per warp, 32-byte rows).
  d.epilogue = Epilogue::none;
  for (int rows : {64, 128}) {
    d.tileN = rows;
    for (int tokens : {8, 104, 160}) {
      d.tileM = tokens;
      const GemmConfig c = toGemmConfig(d);
      EXPECT_TRUE(sm90::storesWithTma(c));
      EXPECT_EQ(sm90::storeSubtileCols(c), 16);
      const int box = tokens <= 128 ? tokens : 80;
      EXPECT_EQ(sm90::storeBoxRows(c), box);
      EXPECT_EQ(sm90::stagingBytes(c),
                unsigned(rows / 64) * 4u * unsigned(box) * 32u);
      TensorMapArgs t = tensorMapArgsD(d, 200);
      EXPECT_EQ(t.boxDim[0], 16u);
      EXPECT_EQ(t.boxDim[1], unsigned(box));
      EXPECT_EQ(t.swizzleBytes, 32u);
    }
  }
  d = hopperGateUp();
  d.tileN = 192; // 96 output columns: three 32-column subtiles
  d.interleaveRows = 32;
  EXPECT_TRUE(sm90::storesWithTma(toGemmConfig(d)));
  EXPECT_EQ(sm90::storeSubtileCols(toGemmConfig(d)), 32);
  EXPECT_EQ(sm90::storeSwizzleBytes(toGemmConfig(d)), 64);
  // Two 4 KiB buffers per consumer warpgroup.
  EXPECT_EQ(sm90::stagingBytes(toGemmConfig(d)), 2u * 2u * 4096u);
  d.interleaveRows = 64; // 192 rows are not whole pairs of 64-row blocks
  EXPECT_NE(sm90::supports(toGemmConfig(d)), nullptr);
  d = hopperGateUp();
  d.tileN = 224; // 112 output columns: seven 16-column subtiles
  d.interleaveRows = 16;
  EXPECT_TRUE(sm90::storesWithTma(toGemmConfig(d)));
  EXPECT_EQ(sm90::storeSubtileCols(toGemmConfig(d)), 16);
  EXPECT_EQ(sm90::supports(toGemmConfig(d)), nullptr);
  d = hopperGateUp();
  d.n = 2 * 4100; // D rows of 4100 x 2 bytes are not 16-byte multiples
  EXPECT_FALSE(sm90::storesWithTma(toGemmConfig(d)));
}

// Wide swapAB (256 weight rows): two consumer warpgroups of two MMAs, each
// warp storing 16 output columns by all the tile's tokens with TMA; gated,
// the weight tile loads as its gate rows then its up rows (4-D tmaB).
TEST(WideSwapTest, LaunchRulesAndTensorMaps) {
  KernelDesc d = hopperGateUp(); // gated, 28672 x 4096
  d.interleaveRows = 16;
  d.swapAB = true;
  d.tileM = 152;
  d.stages = 3;
  const GemmConfig c = toGemmConfig(d);
  EXPECT_TRUE(sm90::wideSwap(c));
  EXPECT_TRUE(sm90::splitsGateUp(c));
  EXPECT_EQ(sm90::consumerWarpgroups(c), 2);
  EXPECT_EQ(sm90::threads(c), 384u);
  EXPECT_TRUE(sm90::storesWithTma(c));
  EXPECT_EQ(sm90::storeSubtileCols(c), 16);
  EXPECT_EQ(sm90::storeBoxRows(c), 80); // two chunks: tokens 0-79, 72-151
  EXPECT_EQ(sm90::stagingBytes(c), 8u * 80u * 32u); // one per warp
  EXPECT_EQ(sm90::exchangeBytes(c), 0u);
  EXPECT_EQ(sm90::supports(c), nullptr);
  TensorMapArgs out = tensorMapArgsD(d, 300);
  EXPECT_EQ(out.rank, 2u);
  EXPECT_EQ(out.boxDim[0], 16u);
  EXPECT_EQ(out.boxDim[1], 80u);
  d.tileM = 128; // up to 128 tokens: one chunk
  EXPECT_EQ(tensorMapArgsD(d, 300).boxDim[1], 128u);
  EXPECT_EQ(sm90::storeBoxRows(toGemmConfig(d)), 128);
  d.tileM = 152;
  d.stages = 4; // what the half-height subtiles leave room for
  EXPECT_EQ(sm90::supports(toGemmConfig(d)), nullptr);
  EXPECT_EQ(out.swizzleBytes, 32u);
  // {k, B, gate|up, n / 2B}, box {64, B, 1, 128 / B}: 128 gate rows.
  TensorMapArgs b = tensorMapArgsB(d);
  EXPECT_EQ(b.rank, 4u);
  EXPECT_EQ(b.globalDim[0], 4096u);
  EXPECT_EQ(b.globalDim[1], 16u);
  EXPECT_EQ(b.globalDim[2], 2u);
  EXPECT_EQ(b.globalDim[3], 28672u / 32u);
  EXPECT_EQ(b.globalStride[0], 8192u);
  EXPECT_EQ(b.globalStride[1], 8192u * 16u);
  EXPECT_EQ(b.globalStride[2], 8192u * 32u);
  EXPECT_EQ(b.boxDim[0], 64u);
  EXPECT_EQ(b.boxDim[1], 16u);
  EXPECT_EQ(b.boxDim[2], 1u);
  EXPECT_EQ(b.boxDim[3], 8u);
  // 2x1 clusters: each CTA loads one half (gate or up) and multicasts it;
  // the 4-D box stays half the tile. Narrow swapAB tiles (128 weight rows)
  // load 64-row slices as plain 2-D boxes.
  d.clusterM = 2;
  EXPECT_EQ(sm90::supports(toGemmConfig(d)), nullptr);
  EXPECT_EQ(tensorMapArgsB(d).boxDim[3], 8u);
  KernelDesc narrow = d;
  narrow.tileN = 128;
  narrow.tileM = 64;
  EXPECT_EQ(sm90::supports(toGemmConfig(narrow)), nullptr);
  EXPECT_EQ(tensorMapArgsB(narrow).rank, 2u);
  EXPECT_EQ(tensorMapArgsB(narrow).boxDim[1], 64u);
  d.clusterM = 1;
  // The plain GEMM loads its weights as usual.
  d.epilogue = Epilogue::none;
  EXPECT_EQ(tensorMapArgsB(d).rank, 2u);
  EXPECT_FALSE(sm90::splitsGateUp(toGemmConfig(d)));
  // More than 160 tokens, or no TMA store: rejected.
  d.tileM = 192;
  EXPECT_NE(sm90::supports(toGemmConfig(d)), nullptr);
  GemmConfig registers = toGemmConfig(d);
  registers.tileM = 128;
  registers.tmaStore = false;
  EXPECT_NE(sm90::supports(registers), nullptr);
}

// Gated narrow swapAB (128 weight rows, 256 consumer threads): every gate
// row of the tile meets its up row (the row B further on), token for token,
// exactly once, by the pairing the epilogue uses. Thread t's registers hold
// the wgmma m64nN fragment of its warpgroup (PTX ISA): rows
// 16 (t % 128 / 32) + (t % 32) / 4 + 8 ((i / 2) % 2) of MMA 64 (t / 128),
// tokens 8 (i / 4) + 2 (t % 4) + i % 2.
TEST(NarrowSwapGateUpTest, EveryGateRowMeetsItsUpRowOnce) {
  const int tokens = 80, regs = tokens / 2;
  auto row = [](int t, int i) {
    return 64 * (t / 128) + 16 * (t % 128 / 32) + t % 32 / 4 + 8 * (i / 2 % 2);
  };
  auto token = [](int t, int i) { return 8 * (i / 4) + 2 * (t % 4) + i % 2; };
  for (int block : {8, 16, 32, 64}) {
    SCOPED_TRACE("block " + std::to_string(block));
    KernelDesc d = hopperGateUp();
    d.interleaveRows = block;
    d.swapAB = true;
    d.tileM = tokens;
    d.tileN = 128;
    d.stages = 8;
    const GemmConfig c = toGemmConfig(d);
    EXPECT_EQ(sm90::exchangesGateUp(c), block >= 16);
    EXPECT_EQ(sm90::exchangeRegs(c), 16);
    EXPECT_EQ(sm90::exchangeBytes(c), block >= 16 ? 16u * 128u * 4u : 0u);
    // 8 stages of 80 tokens fit beside the 8 KiB tile (41 KiB before).
    EXPECT_EQ(sm90::supports(c), nullptr);
    // (gate row, token) -> times paired; a pair is (gate holder, register).
    std::map<std::pair<int, int>, int> met;
    std::set<std::pair<int, int>> slots; // (exchange column, register)
    for (int t = 0; t < 256; ++t) {
      for (int i = 0; i < regs; ++i) {
        const bool gate = row(t, i) / block % 2 == 0;
        if (block == 8) {
          if (!gate)
            continue; // consumed with register i - 2
          ASSERT_EQ(row(t, i + 2), row(t, i) + block);
          ASSERT_EQ(token(t, i + 2), token(t, i));
        } else {
          ASSERT_EQ(sm90::holdsGateRows(block, t), gate);
          if (!gate)
            continue;
          const int up = t + 2 * block; // the partner thread
          ASSERT_LT(up, 256);
          ASSERT_FALSE(sm90::holdsGateRows(block, up));
          ASSERT_EQ(row(up, i), row(t, i) + block);
          ASSERT_EQ(token(up, i), token(t, i));
          ASSERT_EQ(sm90::exchangeSlot(block, up),
                    sm90::exchangeSlot(block, t));
          const int slot = sm90::exchangeSlot(block, t);
          ASSERT_GE(slot, 0);
          ASSERT_LT(slot, 128);
          EXPECT_TRUE(slots.insert({slot, i}).second); // one writer a word
        }
        // The epilogue's output column: gate row w of block pair j writes
        // column jB + w % 2B; rows w and w + 8 of a thread's gate registers
        // lie in one block, so their columns are 8 apart.
        const int w0 = row(t, 0), w = row(t, i);
        auto column = [&](int r) {
          return r / (2 * block) * block + r % (2 * block);
        };
        ASSERT_EQ(column(w), column(w0) + (w - w0));
        ++met[{row(t, i), token(t, i)}];
      }
    }
    // 64 gate rows (two per block pair) x 80 tokens, each once.
    ASSERT_EQ(met.size(), size_t(64 * tokens));
    for (const auto &[where, count] : met)
      ASSERT_EQ(count, 1) << "gate row " << where.first << ", token "
                          << where.second;
  }
}

// sm90_tma_ws_pingpong: the same template with two consumer warpgroups on
// alternate 64-row tiles: one store buffer each (the ring gets the room for
// a fifth 40 KiB stage), two turn barriers, whole K only.
TEST(PingPongTest, FamilySetsTheScheduleAndItsRules) {
  KernelDesc d = hopperGateUp();
  d.templateName = "sm90_tma_ws_pingpong";
  d.tileM = 64;
  d.stages = 5;
  const GemmConfig c = toGemmConfig(d);
  EXPECT_TRUE(c.pingPong);
  EXPECT_FALSE(toGemmConfig(hopperGateUp()).pingPong);
  EXPECT_EQ(sm90::consumerWarpgroups(c), 2);
  EXPECT_EQ(sm90::threads(c), 384u);
  EXPECT_EQ(sm90::stageReaders(c), 1);
  EXPECT_EQ(sm90::stagingBytes(c), 2u * 8192u);
  GemmConfig cooperative = c;
  cooperative.pingPong = false;
  EXPECT_EQ(sm90::barrierBytes(c), sm90::barrierBytes(cooperative) + 16u);
  EXPECT_EQ(sm90::supports(c), nullptr);
  EXPECT_LE(sm90::sharedBytes(c), 227u * 1024u);
  EXPECT_EQ(errorOf(checkSupported(d)), "");
  d.tileM = 128; // two 64-row halves per consumer: not this schedule
  EXPECT_NE(errorOf(checkSupported(d)).find("ping-pong consumers take whole"),
            std::string::npos);
  d.tileM = 64;
  d.splitK = 2;
  EXPECT_NE(errorOf(checkSupported(d)).find("splitK 1"), std::string::npos);
  d.splitK = 1;
  d.hasBias = true; // gated + bias at 256 columns spills
  EXPECT_NE(errorOf(checkSupported(d)).find("at most 128 wide"),
            std::string::npos);
  d.tileN = 128;
  EXPECT_EQ(errorOf(checkSupported(d)), "");
  d.arch = "sm_80";
  d.templateName = "sm80_mma";
  GemmConfig forced = toGemmConfig(d);
  forced.pingPong = true;
  EXPECT_NE(sm80::supports(forced), nullptr);
}

// Rasterization groups: 16 token tiles for ping-pong's 64-row tiles and for
// cooperative 64-row tiles over weights larger than the L2 (their readers of
// one weight tile stay in one group, session 40), else 8.
TEST(RasterizationTest, SixtyFourRowTilesGroupSixteenWhereWeightsOutgrowL2) {
  KernelDesc d = hopperGateUp(); // n = 28672, k = 4096: 224 MiB of weights
  d.tileM = 64;
  GemmConfig big = toGemmConfig(d);
  EXPECT_EQ(sm90::groupUnitsM(big), 16u);
  GemmConfig small = big;
  small.n = 896;
  small.k = 4864; // qwen2.5-0.5b's down GEMM: 8.7 MB, stays in L2
  EXPECT_EQ(sm90::groupUnitsM(small), 8u);
  d.templateName = "sm90_tma_ws_pingpong";
  EXPECT_EQ(sm90::groupUnitsM(toGemmConfig(d)), 16u); // ping-pong: always
  GemmConfig rows128 = big;
  rows128.tileM = 128;
  EXPECT_EQ(sm90::groupUnitsM(rows128), 8u);
  GemmConfig pair = big;
  pair.clusterM = 2; // a 2x1 cluster's unit is 128 tokens
  EXPECT_EQ(sm90::groupUnitsM(pair), 8u);
  GemmConfig swapped = big;
  swapped.swapAB = true;
  EXPECT_EQ(sm90::groupUnitsM(swapped), 8u);
}

TEST(LaunchShapeTest, ComesFromTheTemplatesLaunchRules) {
  KernelDesc d = hopperGateUp();
  auto shape = gemmLaunchShape(d, 1000, 132, 0);
  ASSERT_TRUE(bool(shape)) << llvm::toString(shape.takeError());
  mlpjit::abi::LaunchShape expected =
      sm90::launchShape(toGemmConfig(d), 1000, 132);
  EXPECT_EQ(shape->grid[0], expected.grid[0]);
  EXPECT_EQ(shape->block[0], expected.block[0]);
  EXPECT_EQ(shape->sharedBytes, expected.sharedBytes);
  EXPECT_LE(shape->grid[0], 132u); // persistent

  d.templateName = "sm80_mma";
  d.tileN = 128;
  auto s80 = gemmLaunchShape(d, 1000, 132, 0);
  ASSERT_TRUE(bool(s80)) << llvm::toString(s80.takeError());
  EXPECT_EQ(s80->grid[0], 8u * 224u); // one CTA per tile
  EXPECT_EQ(s80->block[0], sm80::threads(toGemmConfig(d)));
}

TEST(LaunchShapeTest, ClustersWithSplitKRunEveryUnitOnAPair) {
  // 2x1 clusters with split-K: one CTA per (token tile, weight tile, split),
  // a pair per unit; m = 300 is 3 token tiles of 128, so the second
  // cluster's second CTA is padding (it only shares the weight loads).
  KernelDesc d = hopperGateUp();
  d.clusterM = 2;
  d.splitK = 2;
  EXPECT_EQ(errorOf(checkSupported(d)), "");
  auto shape = gemmLaunchShape(d, 300, 132, 0);
  ASSERT_TRUE(bool(shape)) << llvm::toString(shape.takeError());
  EXPECT_EQ(shape->grid[0], 2u * 112u * 2u * 2u);
  EXPECT_EQ(shape->cluster[0], 2u);
  // Partials and counters per real token tile (the padding CTA has none).
  EXPECT_EQ(gemmWorkspaceBytes(d, 300, 132, 0), 3u * 112 * 2 * 128 * 256 * 4);
  EXPECT_GE(gemmCounterBytes(d), counterCount(toGemmConfig(d), 300) * 4);
  // Narrow swapAB in clusters: each CTA multicasts 64 of the 128 weight
  // rows; 64-row weight tiles are too narrow to slice.
  d.swapAB = true;
  d.tileM = 104;
  d.tileN = 128;
  EXPECT_EQ(errorOf(checkSupported(d)), "");
  d.tileN = 64;
  EXPECT_NE(errorOf(checkSupported(d)).find("2x1 clusters need no stream-K"),
            std::string::npos);
}

/// checkSupported's reason for `d` after `edit`, which must name `why`.
template <typename Edit>
void expectRejection(KernelDesc d, Edit edit, const char *why) {
  edit(d);
  const std::string reason = errorOf(checkSupported(d));
  EXPECT_NE(reason.find(why), std::string::npos) << reason;
}

TEST(LaunchShapeTest, ClustersOfWeightTilesShareTheTokenTile) {
  // cuBLASLt's tile at the llama-3-70b tp8 shard's 300 tokens: 128 weight
  // rows by 152 tokens in 2x4 clusters (2 token tiles x 4 weight tiles).
  KernelDesc d = hopperGateUp();
  d.n = 7168;
  d.k = 8192;
  d.swapAB = true;
  d.tileM = 152;
  d.tileN = 128;
  d.stages = 6;
  d.interleaveRows = 16;
  d.clusterM = 2;
  d.clusterN = 4;
  EXPECT_EQ(errorOf(checkSupported(d)), "");
  auto shape = gemmLaunchShape(d, 300, 132, 0);
  ASSERT_TRUE(bool(shape)) << llvm::toString(shape.takeError());
  // 2 x 56 tiles in 14 clusters of 8 (each one unit): 112 CTAs.
  EXPECT_EQ(shape->grid[0], 112u);
  EXPECT_EQ(shape->cluster[0], 8u);
  // Resident clusters from the driver bound the persistent grid.
  auto few = gemmLaunchShape(d, 300, 132, 64);
  ASSERT_TRUE(bool(few)) << llvm::toString(few.takeError());
  EXPECT_EQ(few->grid[0], 64u);
  // Each CTA loads a quarter of the token tile rounded up to 8 rows (40;
  // the last slice starts at 112) and half the weight tile; no separate
  // box for a ragged last tile.
  EXPECT_EQ(tensorMapArgsA(d, 300).boxDim[1], 40u);
  EXPECT_EQ(int(tensorMapArgsA(d, 300).boxDim[1]),
            sm90::boxRowsA(toGemmConfig(d)));
  EXPECT_EQ(sm90::aSliceRow(152, 40, 2), 80);
  EXPECT_EQ(sm90::aSliceRow(152, 40, 3), 112);
  EXPECT_EQ(tensorMapArgsB(d).boxDim[1], 64u);
  EXPECT_EQ(exactLastTileOf(d, 300).rows, 0);
  d.clusterM = 1;
  d.clusterN = 2;
  EXPECT_EQ(tensorMapArgsA(d, 300).boxDim[1], 80u);
  EXPECT_EQ(sm90::aSliceRow(152, 80, 1), 72);
  // Rejected: clusters of 3 weight tiles, a ragged last weight tile or an
  // odd number of them, stream-K, token tiles under 16 rows a CTA,
  // ping-pong.
  expectRejection(
      d, [](KernelDesc &e) { e.clusterN = 3; }, "by 1, 2 or 4 weight tiles");
  expectRejection(
      d, [](KernelDesc &e) { e.n = 7168 + 64; },
      "whole weight tiles in a multiple of the cluster");
  expectRejection(
      d, [](KernelDesc &e) { e.n = 7168 - 128; },
      "whole weight tiles in a multiple of the cluster");
  expectRejection(
      d, [](KernelDesc &e) { e.splitK = 0; }, "need no stream-K");
  expectRejection(
      d, [](KernelDesc &e) { e.tileM = 24; }, "16 rows per CTA");
  expectRejection(
      d,
      [](KernelDesc &e) {
        e.templateName = "sm90_tma_ws_pingpong";
        e.swapAB = false;
        e.tileM = 64;
      },
      "no ping-pong");
}

TEST(LaunchShapeTest, PingPongSwapTilesHoldATileAWarpgroup) {
  // cuBLASLt's layout at llama-3-70b's 300 tokens: 128 weight rows by 152
  // tokens, one consumer warpgroup (two m64 MMAs) per tile.
  KernelDesc d = hopperGateUp();
  d.templateName = "sm90_tma_ws_pingpong";
  d.swapAB = true;
  d.tileM = 152;
  d.tileN = 128;
  d.stages = 5;
  d.interleaveRows = 16;
  EXPECT_EQ(errorOf(checkSupported(d)), "");
  const GemmConfig c = toGemmConfig(d);
  EXPECT_TRUE(sm90::swapPingPong(c));
  EXPECT_EQ(sm90::consumerRows(c), 128);
  EXPECT_EQ(sm90::threads(c), 384u);
  EXPECT_TRUE(sm90::splitsGateUp(c)); // no gate/up exchange
  EXPECT_FALSE(sm90::exchangesGateUp(c));
  // B as the tile's 64 gate rows, then its 64 up rows: 4-D boxes of four
  // 16-row blocks.
  TensorMapArgs b = tensorMapArgsB(d);
  EXPECT_EQ(b.rank, 4u);
  EXPECT_EQ(b.boxDim[1], 16u);
  EXPECT_EQ(b.boxDim[3], 4u);
  // D stored transposed: 16 columns by half the tokens rounded up to 8.
  TensorMapArgs out = tensorMapArgsD(d, 300);
  EXPECT_EQ(out.boxDim[0], 16u);
  EXPECT_EQ(out.boxDim[1], 80u);
  // The same ping-pong template without swapAB keeps its 64-token tiles.
  KernelDesc plain = d;
  plain.swapAB = false;
  plain.tileM = 64;
  plain.tileN = 256;
  EXPECT_FALSE(sm90::swapPingPong(toGemmConfig(plain)));
  EXPECT_EQ(tensorMapArgsB(plain).rank, 2u);
  expectRejection(
      d, [](KernelDesc &e) { e.stages = 6; }, "shared memory");
  expectRejection(
      d, [](KernelDesc &e) { e.tileM = 184; }, "at most 176 tokens");
  expectRejection(
      d, [](KernelDesc &e) { e.splitK = 2; }, "take whole tiles");
  expectRejection(
      d, [](KernelDesc &e) { e.clusterM = 2; }, "take whole tiles");
  expectRejection(
      d, [](KernelDesc &e) { e.tileN = 64; }, "gated swapAB tiles");
}

TEST(LaunchShapeTest, RejectsUnknownTemplatesAndUnsupportedPlans) {
  KernelDesc d = hopperGateUp();
  d.templateName = "sm70_wmma";
  EXPECT_NE(errorOf(checkLaunchable(d)).find("unknown template 'sm70_wmma'"),
            std::string::npos);
  d = hopperGateUp();
  d.tileK = 32;
  std::string why = errorOf(checkLaunchable(d));
  EXPECT_NE(why.find("kernel 'gate_up'"), std::string::npos) << why;
  EXPECT_NE(why.find("tileK must be 64"), std::string::npos) << why;
  d = hopperGateUp();
  d.mMin = 10;
  d.mMax = 5;
  EXPECT_NE(errorOf(checkLaunchable(d)).find("invalid token range"),
            std::string::npos);
  auto shape = gemmLaunchShape(d, 7, 132, 0);
  ASSERT_FALSE(bool(shape));
  EXPECT_NE(llvm::toString(shape.takeError()).find("invalid token range"),
            std::string::npos);
}

TEST(WorkspaceTest, SplitKPartialsAndCounters) {
  KernelDesc d = hopperGateUp();
  EXPECT_EQ(gemmWorkspaceBytes(d, 4096, 132, 0), 0u);
  EXPECT_EQ(gemmCounterBytes(d), 0u);
  d.splitK = 4;
  d.mMax = 64;
  d.tileM = 64;
  // 112 weight tiles x 1 token tile x 4 splits x 64x256 fp32.
  EXPECT_EQ(gemmWorkspaceBytes(d, 64, 132, 0),
            size_t(workspaceBytes(toGemmConfig(d), 64)));
  EXPECT_EQ(gemmWorkspaceBytes(d, 64, 132, 0), 112u * 4 * 64 * 256 * 4);
  EXPECT_EQ(gemmWorkspaceBytes(d, 65, 132, 0),
            2 * gemmWorkspaceBytes(d, 64, 132, 0));
  // 112 counters, rounded up to 256 bytes.
  EXPECT_EQ(gemmCounterBytes(d), 512u);
  EXPECT_GE(gemmCounterBytes(d),
            counterCount(toGemmConfig(d), 64) * sizeof(unsigned));
}

/// The stream-K schedule as the kernel walks it (gemm_tma_ws.cuh,
/// forEachUnit): every (tile, k-tile) exactly once; each stream tile's
/// pieces numbered 0..pieces-1 and aligned in K; partial slots unique and
/// inside the workspace; every CTA's work within one piece of the others';
/// and the CTAs of one round at most one piece apart in K (lockstep).
TEST(StreamKTest, EveryKTileOnceSlotsUniqueLoadBalanced) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 3000; ++trial) {
    const unsigned long long tiles = 1 + rng() % 700;
    const unsigned kTiles = 1 + rng() % 300;
    const unsigned ctas = 1 + rng() % 300;
    const StreamKSplit s = streamKSplit(tiles, kTiles, ctas);
    ASSERT_EQ(s.wholeTiles + s.streamTiles, tiles);
    ASSERT_EQ(s.wholeTiles % ctas, 0u);
    ASSERT_LT(s.streamTiles, ctas);
    ASSERT_GE(s.pieces, 1u);
    ASSERT_LE(s.pieces, kStreamKMaxPieces);
    ASSERT_LE((s.pieces - 1) * s.perPiece, kTiles - 1); // no empty piece
    ASSERT_GE(s.pieces * s.perPiece, kTiles);
    std::vector<int> covered(tiles * kTiles, 0);
    std::map<unsigned long long, int> slots;
    std::map<unsigned, std::vector<int>> piecesOf;
    std::vector<unsigned long long> work(ctas, 0);
    const unsigned units = s.streamTiles * s.pieces;
    for (unsigned b = 0; b < ctas; ++b) {
      for (unsigned t = b; t < s.wholeTiles; t += ctas) {
        for (unsigned k = 0; k < kTiles; ++k)
          ++covered[t * kTiles + k];
        work[b] += kTiles;
      }
      for (unsigned q = b; q < units; q += ctas) {
        const StreamKPiece p = streamKPiece(s, kTiles, q);
        ASSERT_GT(p.kCount, 0);
        ASSERT_LT(p.tile, s.streamTiles);
        ASSERT_EQ(p.kBegin, int(p.piece * s.perPiece)); // aligned in K
        for (int k = p.kBegin; k < p.kBegin + p.kCount; ++k)
          ++covered[(s.wholeTiles + p.tile) * kTiles + k];
        ASSERT_GE(p.piece, 0);
        ASSERT_LT(p.piece, p.pieces);
        ++slots[p.slotBase + p.piece];
        piecesOf[p.tile].push_back(p.piece);
        work[b] += p.kCount;
      }
    }
    for (int c : covered) {
      ASSERT_EQ(c, 1) << tiles << " tiles " << kTiles << " k " << ctas;
    }
    GemmConfig c{};
    c.tileM = c.tileN = 1; // one float a tile: slots = bytes / 4
    c.n = int(tiles);
    c.k = int(kTiles);
    c.tileK = 1;
    c.splitK = kStreamK;
    const unsigned long long bound = workspaceBytes(c, 1, ctas) / 4;
    for (auto &[slot, uses] : slots) {
      ASSERT_EQ(uses, 1);
      ASSERT_LT(slot, bound) << tiles << " tiles " << kTiles << " k " << ctas;
    }
    for (auto &[tile, pieces] : piecesOf) {
      std::sort(pieces.begin(), pieces.end());
      for (size_t j = 0; j < pieces.size(); ++j) {
        ASSERT_EQ(pieces[j], int(j));
      }
    }
    const auto [lo, hi] = std::minmax_element(work.begin(), work.end());
    EXPECT_LE(*hi - *lo, s.pieces > 1 || s.streamTiles == 0
                             ? (unsigned long long)s.perPiece
                             : (unsigned long long)kTiles);
    // Lockstep: piece j of every stream tile (the same K range) runs within
    // two neighbouring rounds, so tiles sharing a weight tile read each of
    // its k-slices at about the same time.
    std::map<int, std::pair<unsigned, unsigned>> roundsOfPiece;
    for (unsigned q = 0; q < units; ++q) {
      auto [it, fresh] = roundsOfPiece.try_emplace(
          streamKPiece(s, kTiles, q).piece, q / ctas, q / ctas);
      it->second.first = std::min(it->second.first, q / ctas);
      it->second.second = std::max(it->second.second, q / ctas);
    }
    for (auto &[piece, r] : roundsOfPiece)
      EXPECT_LE(r.second - r.first, 1u) << "piece " << piece;
  }
}

/// The last wave's pieces shorten it: 224 tiles of 64 k-tiles on 132 CTAs
/// (llama-3-8b gate-up at M = 256, 128x256 tiles) run one whole wave and
/// 92 tiles in 4 pieces, 3 rounds of 16 k-tiles: 1.75 tile-times, not 2.
TEST(StreamKTest, PiecesShortenTheLastWave) {
  const StreamKSplit s = streamKSplit(224, 64, 132);
  EXPECT_EQ(s.wholeTiles, 132u);
  EXPECT_EQ(s.streamTiles, 92u);
  EXPECT_EQ(s.pieces, 4u);
  EXPECT_EQ(s.perPiece, 16u);
  // Whole waves only: nothing to cut.
  EXPECT_EQ(streamKSplit(264, 64, 132).streamTiles, 0u);
  // Short K (3 k-tiles): no piece below kStreamKMinRun, so whole tiles.
  EXPECT_EQ(streamKSplit(100, 3, 132).pieces, 1u);
}

TEST(StreamKTest, WorkspaceFollowsTheGrid) {
  KernelDesc d = hopperGateUp();
  d.splitK = 0; // stream-K
  d.mMax = 4096;
  const GemmConfig c = toGemmConfig(d);
  auto shape = gemmLaunchShape(d, 4096, 132, 0);
  ASSERT_TRUE(bool(shape)) << llvm::toString(shape.takeError());
  EXPECT_EQ(shape->grid[0], 132u); // persistent, one CTA per SM
  // Resident CTAs from the driver win over the guess.
  auto fewer = gemmLaunchShape(d, 4096, 132, 120);
  ASSERT_TRUE(bool(fewer));
  EXPECT_EQ(fewer->grid[0], 120u);
  EXPECT_EQ(gemmWorkspaceBytes(d, 4096, 132, 0),
            size_t(workspaceBytes(c, 4096, 132)));
  EXPECT_EQ(gemmWorkspaceBytes(d, 4096, 132, 120),
            size_t(workspaceBytes(c, 4096, 120)));
  // kStreamKMaxRounds * 132 pieces of 128x256 fp32 at most, whatever m.
  EXPECT_EQ(gemmWorkspaceBytes(d, 4096, 132, 0), 3u * 132 * 128 * 256 * 4);
  EXPECT_GT(gemmCounterBytes(d), 0u);
  EXPECT_EQ(errorOf(checkSupported(d)), "");
  d.clusterM = 2;
  EXPECT_NE(errorOf(checkSupported(d)), "");
}

TEST(OperandCheckTest, WholeTileRowsCoverEveryTokenTile) {
  KernelDesc d = hopperGateUp();
  d.tileM = 64;
  d.clusterM = 1;
  EXPECT_EQ(wholeTileRows(d, 1), 64);
  EXPECT_EQ(wholeTileRows(d, 64), 64);
  EXPECT_EQ(wholeTileRows(d, 100), 128);
  d.clusterM = 2; // a cluster's two CTAs take adjacent token tiles
  EXPECT_EQ(wholeTileRows(d, 100), 128);
  EXPECT_EQ(wholeTileRows(d, 129), 256);
  d.tileM = 152;
  d.clusterM = 1;
  EXPECT_EQ(wholeTileRows(d, 300), 304);
  // A padded A declares the rows it is given; its box stays the token tile.
  d.tileM = 64;
  TensorMapArgs a = tensorMapArgsA(d, wholeTileRows(d, 100));
  EXPECT_EQ(a.globalDim[1], 128u);
  EXPECT_EQ(a.boxDim[1], 64u);
}

TEST(OperandCheckTest, AcceptsValidOperands) {
  EXPECT_EQ(errorOf(checkGemmOperands(hopperGateUp(), validOperands())), "");
}

TEST(OperandCheckTest, RejectsMisuseBeforeAnyLaunch) {
  KernelDesc d = hopperGateUp();
  struct Case {
    const char *expected;
    std::function<void(KernelDesc &, GemmOperands &)> change;
  };
  const Case cases[] = {
      {"M = 0 is outside the plan's range [1, 4096]",
       [](KernelDesc &, GemmOperands &o) { o.m = 0; }},
      {"M = 4097 is outside",
       [](KernelDesc &, GemmOperands &o) { o.m = 4097; }},
      {"A and D must declare at least M = 100 rows, got 99 and 100",
       [](KernelDesc &, GemmOperands &o) { o.aRows = 99; }},
      {"A and D must declare at least M = 100 rows, got 100 and 0",
       [](KernelDesc &, GemmOperands &o) { o.dRows = 0; }},
      {"A (activations) is a null pointer",
       [](KernelDesc &, GemmOperands &o) { o.a = nullptr; }},
      {"B (weights) is not 16-byte aligned",
       [](KernelDesc &, GemmOperands &o) { o.b = at(0x20008); }},
      {"D (output) is a null pointer",
       [](KernelDesc &, GemmOperands &o) { o.d = nullptr; }},
      {"the plan has a bias but none was given",
       [](KernelDesc &k, GemmOperands &) { k.hasBias = true; }},
      {"a bias was given but the plan has none",
       [](KernelDesc &, GemmOperands &o) { o.bias = at(0x40000); }},
      {"split-K needs a workspace and zeroed counters",
       [](KernelDesc &k, GemmOperands &) { k.splitK = 2; }},
      {"split-K scratch is not 16-byte aligned",
       [](KernelDesc &k, GemmOperands &o) {
         k.splitK = 2;
         o.workspace = const_cast<void *>(at(0x50000));
         o.counters = const_cast<void *>(at(0x60004));
       }},
      {"the next kernel's counters need a 16-byte aligned pointer",
       [](KernelDesc &, GemmOperands &o) { o.nextCounterBytes = 256; }},
      {"the next kernel's counters need",
       [](KernelDesc &, GemmOperands &o) {
         o.nextCounters = const_cast<void *>(at(0x70000));
       }},
      {"the next kernel's counters need",
       [](KernelDesc &, GemmOperands &o) {
         o.nextCounters = const_cast<void *>(at(0x70008));
         o.nextCounterBytes = 256;
       }},
      {"a whole number of words",
       [](KernelDesc &, GemmOperands &o) {
         o.nextCounters = const_cast<void *>(at(0x70000));
         o.nextCounterBytes = 6;
       }},
  };
  for (const Case &c : cases) {
    KernelDesc desc = d;
    GemmOperands ops = validOperands();
    c.change(desc, ops);
    std::string why = errorOf(checkGemmOperands(desc, ops));
    EXPECT_NE(why.find(c.expected), std::string::npos)
        << "expected '" << c.expected << "', got '" << why << "'";
  }
}

TEST(ArchCheckTest, ArchSpecificKernelsRunOnlyOnTheirArch) {
  EXPECT_EQ(errorOf(checkArchRunsOn("sm_90a", "sm_90a")), "");
  EXPECT_EQ(errorOf(checkArchRunsOn("sm_80", "sm_80")), "");
  EXPECT_EQ(errorOf(checkArchRunsOn("sm_80", "sm_90a")), ""); // PTX JIT
  EXPECT_EQ(errorOf(checkArchRunsOn("sm_86", "sm_89")), "");
  EXPECT_EQ(errorOf(checkArchRunsOn("sm_90a", "sm_86")),
            "mlpjit: kernels compiled for sm_90a cannot run on this sm_86 GPU; "
            "compile the spec for sm_86 (arch = sm_86, or --arch)");
  EXPECT_NE(errorOf(checkArchRunsOn("sm_90a", "sm_100a")), "");
  EXPECT_NE(errorOf(checkArchRunsOn("sm_89", "sm_80")), "");
  EXPECT_NE(errorOf(checkArchRunsOn("garbage", "sm_90a")), "");
}

} // namespace

// The padded intermediate (session 26: up to 12% faster on the H200) and
// the exact last tile (session 27: up to 5% in the whole forward) are the
// defaults, neither slower beyond noise; each variable set to 0 opts out of
// its option alone.
TEST(LoadOptionsTest, OnUnlessTheEnvironmentSaysZero) {
  using Options = MlpKernels::LoadOptions;
  const std::pair<const char *, bool Options::*> options[] = {
      {"MLPJIT_PAD_INTERMEDIATE", &Options::padIntermediate},
      {"MLPJIT_EXACT_LAST_TILE", &Options::exactLastTile}};
  for (auto [name, option] : options) {
    SCOPED_TRACE(name);
    const char *saved = std::getenv(name);
    const std::string before = saved ? saved : "";
    EXPECT_TRUE(Options().*option);
    unsetenv(name);
    EXPECT_TRUE(Options::fromEnvironment().*option);
    setenv(name, "1", 1);
    EXPECT_TRUE(Options::fromEnvironment().*option);
    setenv(name, "0", 1);
    Options fromEnv = Options::fromEnvironment();
    EXPECT_FALSE(fromEnv.*option);
    for (auto [otherName, other] : options) {
      if (other != option && !std::getenv(otherName)) {
        EXPECT_TRUE(fromEnv.*other) << otherName;
      }
    }
    if (saved)
      setenv(name, before.c_str(), 1);
    else
      unsetenv(name);
  }
}

// The ragged last token tile that tmaALast serves: its first row and rows,
// none where A is whole token tiles.
TEST(TensorMapTest, ExactLastTile) {
  KernelDesc d = hopperGateUp(); // 128-token tiles
  auto last = [&](int64_t rows) {
    ExactLastTile t = exactLastTileOf(d, rows);
    return std::pair{t.m0, t.rows};
  };
  EXPECT_EQ(last(77), (std::pair<int64_t, int64_t>{0, 77}));
  EXPECT_EQ(last(128), (std::pair<int64_t, int64_t>{0, 0}));
  EXPECT_EQ(last(300), (std::pair<int64_t, int64_t>{256, 44}));
  d.swapAB = true;
  d.tileM = 200; // one token tile of 200 (tensorMapArgsA's box: 200 rows)
  d.tileN = 128;
  EXPECT_EQ(last(200), (std::pair<int64_t, int64_t>{0, 0}));
  EXPECT_EQ(last(161), (std::pair<int64_t, int64_t>{0, 161}));
  EXPECT_EQ(tensorMapArgsA(d, 161).boxDim[1], 200u);
}
