//===- TemplateCompileTest.cpp - every template configuration class -------===//
//
// NVRTC-compiles the generated kernel of each configuration class (epilogue x
// dtype x bias x splitK, plus tile shapes; swap-AB for the Hopper template)
// and assembles the PTX with ptxas for the template's GPU: it must build and
// must not spill. No GPU needed. Every configuration listed must be one its
// template implements: a rejection by validateKernel is a failure.
//
//===----------------------------------------------------------------------===//
#include "mlpjit/Codegen/Codegen.h"
#include "mlpjit/Codegen/Nvrtc.h"

#include "llvm/Support/FormatVariadic.h"

#include <gtest/gtest.h>

#include <tuple>

using namespace mlpjit;
using namespace mlpjit::codegen;

// gtest prints parameters in test listings: the kernel name says it all.
namespace mlpjit {
void PrintTo(const KernelDesc &desc, std::ostream *os) { *os << desc.name; }
} // namespace mlpjit

namespace {

struct Tile {
  int m, n, k, stages;
};

KernelDesc makeDesc(llvm::StringRef templateName, Epilogue epilogue,
                    DType dtype, bool bias, int splitK, bool swap, Tile tile) {
  KernelDesc d;
  // Ragged shapes: n not a multiple of every tileN, k not of tileK.
  d.shape() = GemmShape{templateName == "sm80_mma" ? "sm_80" : "sm_90a",
                        epilogue,
                        dtype,
                        /*n=*/isGated(epilogue) ? 1536 + 128 : 1000,
                        /*k=*/1032,
                        /*interleaveRows=*/isGated(epilogue) ? 64 : 0};
  d.plan() = KernelPlan{
      templateName.str(), /*mMin=*/1,     /*mMax=*/4096, tile.m, tile.n, tile.k,
      tile.stages,
      /*clusterM=*/1,     /*clusterN=*/1, splitK,        swap};
  d.hasBias = bias;
  d.role = isGated(epilogue) ? KernelRole::gate_up : KernelRole::down;
  d.name = llvm::formatv("{0}_{1}_{2}{3}_split{4}{5}_t{6}x{7}x{8}s{9}",
                         templateName, toString(epilogue), toString(dtype),
                         bias ? "_bias" : "", splitK, swap ? "_swap" : "",
                         tile.m, tile.n, tile.k, tile.stages)
               .str();
  return d;
}

std::vector<KernelDesc> sm80Configs() {
  std::vector<KernelDesc> configs;
  // Gated epilogues need tileN % 128 == 0; the tiles rotate so that the
  // epilogue matrix also covers several warp layouts.
  const Tile gatedTiles[] = {{16, 128, 64, 4},
                             {32, 256, 32, 3},
                             {64, 128, 64, 3},
                             {128, 256, 32, 3},
                             {128, 128, 64, 4}};
  const Tile plainTiles[] = {{16, 64, 64, 5},
                             {64, 64, 32, 2},
                             {128, 64, 64, 4},
                             {32, 128, 64, 3},
                             {128, 256, 64, 2}};
  int index = 0;
  for (int e = 0; e <= int(Epilogue::reglu); ++e)
    for (DType dtype : {DType::bf16, DType::f16})
      for (bool bias : {false, true})
        for (int splitK : {1, 3}) {
          Epilogue epilogue = Epilogue(e);
          Tile tile =
              isGated(epilogue) ? gatedTiles[index % 5] : plainTiles[index % 5];
          ++index;
          configs.push_back(
              makeDesc("sm80_mma", epilogue, dtype, bias, splitK, false, tile));
        }
  // Every tile shape once.
  for (int tileM : {16, 32, 64, 128})
    for (int tileN : {64, 128, 256})
      for (int tileK : {32, 64}) {
        Tile tile{tileM, tileN, tileK, 2 + (tileM + tileN / 64 + tileK) % 4};
        KernelDesc d = makeDesc("sm80_mma", Epilogue::silu, DType::bf16, false,
                                1, false, tile);
        if (llvm::Error err = validateKernel(d)) { // too much shared memory
          llvm::consumeError(std::move(err));
          d = makeDesc("sm80_mma", Epilogue::silu, DType::bf16, false, 1, false,
                       Tile{tileM, tileN, tileK, 2});
        }
        configs.push_back(d);
      }
  // Every gate/up block below 64 rows, with N/2 a multiple of the block
  // only (the last tile holds fewer pairs): 24, 48 and Llama-2-7B's 1376 per
  // rank at tp 8; with and without bias and split-K.
  for (auto [block, half] :
       {std::pair{8, 24}, std::pair{16, 48}, std::pair{32, 1376}})
    for (bool bias : {false, true}) {
      KernelDesc d = makeDesc("sm80_mma", Epilogue::geglu_tanh, DType::bf16,
                              bias, bias ? 3 : 1, false, Tile{64, 128, 64, 3});
      d.n = 2 * half;
      d.interleaveRows = block;
      d.name += "_block" + std::to_string(block);
      configs.push_back(d);
    }
  // The fallback on Hopper: the same template built for sm_90a.
  for (Epilogue epilogue : {Epilogue::swiglu, Epilogue::none}) {
    KernelDesc d = makeDesc("sm80_mma", epilogue, DType::bf16, true, 2, false,
                            Tile{64, 256, 64, 3});
    d.arch = "sm_90a";
    d.name += "_sm90a";
    configs.push_back(d);
  }
  return configs;
}

std::vector<KernelDesc> sm90Configs() {
  std::vector<KernelDesc> configs;
  for (int e = 0; e <= int(Epilogue::reglu); ++e)
    for (DType dtype : {DType::bf16, DType::f16})
      for (bool bias : {false, true})
        for (bool swap : {false, true})
          for (int splitK : {1, 2}) {
            Tile tile = swap ? Tile{16, 128, 64, 4} : Tile{128, 128, 64, 4};
            configs.push_back(makeDesc("sm90_tma_ws", Epilogue(e), dtype, bias,
                                       splitK, swap, tile));
          }
  configs.push_back(makeDesc("sm90_tma_ws", Epilogue::swiglu, DType::bf16,
                             false, 1, false, Tile{128, 256, 64, 4}));
  configs.push_back(makeDesc("sm90_tma_ws", Epilogue::none, DType::bf16, false,
                             1, false, Tile{64, 64, 64, 4}));
  // v4 plans: wgmma N beyond powers of two (weight tiles of 160/192/224,
  // token tiles of 24/48/96/192/256), split-K 3. 128x192 stores with TMA:
  // its subtiles leave room for 4 stages.
  for (Tile tile :
       {Tile{128, 192, 64, 4}, Tile{128, 224, 64, 4}, Tile{64, 160, 64, 6}})
    configs.push_back(makeDesc("sm90_tma_ws", Epilogue::none, DType::bf16,
                               false, tile.n == 160 ? 3 : 1, false, tile));
  for (Tile tile :
       {Tile{24, 64, 64, 8}, Tile{48, 64, 64, 8}, Tile{192, 128, 64, 5}})
    configs.push_back(makeDesc("sm90_tma_ws", Epilogue::none, DType::bf16, true,
                               tile.m == 48 ? 3 : 1, true, tile));
  for (Tile tile : {Tile{96, 128, 64, 7}, Tile{256, 128, 64, 3}})
    configs.push_back(makeDesc("sm90_tma_ws", Epilogue::swiglu, DType::bf16,
                               false, 1, true, tile));
  // Gate/up blocks under 64 rows: the swapAB exchange between warps (none
  // for 8-row blocks) and the non-swapped register pairing of every size.
  for (int block : {8, 16, 32}) {
    for (bool swap : {false, true}) {
      KernelDesc d = makeDesc("sm90_tma_ws", Epilogue::geglu_tanh, DType::f16,
                              block == 16, block == 8 ? 2 : 1, swap,
                              swap ? Tile{block == 32 ? 48 : 16, 128, 64, 6}
                                   : Tile{128, 256, 64, 4});
      d.interleaveRows = block;
      d.name += "_block" + std::to_string(block);
      configs.push_back(d);
    }
  }
  // Gated tiles of 192 and 224 weight rows (blocks of 32 and 16: 96 and 112
  // output columns, TMA-stored as 32- and 16-column subtiles), cooperative
  // and ping-pong, with bias and split-K; plain 160-wide tiles (32-column
  // subtiles).
  for (auto [tile, block, bias, splitK] :
       {std::tuple{Tile{128, 192, 64, 5}, 32, false, 1},
        std::tuple{Tile{128, 224, 64, 4}, 16, true, 2},
        std::tuple{Tile{64, 192, 64, 6}, 16, true, 1}}) {
    KernelDesc d =
        makeDesc("sm90_tma_ws", Epilogue::swiglu,
                 bias ? DType::f16 : DType::bf16, bias, splitK, false, tile);
    d.interleaveRows = block;
    d.name += "_block" + std::to_string(block);
    configs.push_back(d);
  }
  {
    KernelDesc d = makeDesc("sm90_tma_ws_pingpong", Epilogue::geglu_tanh,
                            DType::bf16, false, 1, false, Tile{64, 224, 64, 5});
    d.interleaveRows = 16;
    d.name += "_block16";
    configs.push_back(d);
  }
  configs.push_back(makeDesc("sm90_tma_ws", Epilogue::gelu_tanh, DType::f16,
                             true, 1, false, Tile{128, 160, 64, 4}));
  // Wide swapAB (256 weight rows, two MMAs per consumer warpgroup, TMA
  // stores through stmatrix.trans): odd and even token blocks (152, 72:
  // a closing x2 stmatrix), split-K, stream-K, bias, gated with gate/up
  // blocks of 8, 16, 32 and 64 (the 4-D weight load), 72-192 tokens.
  for (auto [epilogue, dtype, tile, splitK, bias, block] :
       {std::tuple{Epilogue::none, DType::bf16, Tile{152, 256, 64, 4}, 1, true,
                   0},
        std::tuple{Epilogue::gelu_tanh, DType::f16, Tile{128, 256, 64, 4}, 3,
                   false, 0},
        std::tuple{Epilogue::none, DType::bf16, Tile{136, 256, 64, 4}, 0, false,
                   0},
        std::tuple{Epilogue::swiglu, DType::bf16, Tile{160, 256, 64, 3}, 1,
                   false, 16},
        std::tuple{Epilogue::geglu_tanh, DType::f16, Tile{72, 256, 64, 4}, 2,
                   true, 64},
        std::tuple{Epilogue::swiglu, DType::bf16, Tile{104, 256, 64, 4}, 1,
                   true, 8},
        // Four tiles of 641-704 tokens (the planner's since session 29)
        // and the template's widest, 192: 3 stages, 176-192 accumulator
        // registers a thread.
        std::tuple{Epilogue::swiglu, DType::bf16, Tile{176, 256, 64, 3}, 1,
                   false, 16},
        std::tuple{Epilogue::none, DType::bf16, Tile{176, 256, 64, 3}, 1, false,
                   0},
        std::tuple{Epilogue::geglu_tanh, DType::f16, Tile{192, 256, 64, 3}, 1,
                   true, 32}}) {
    KernelDesc d = makeDesc("sm90_tma_ws", epilogue, dtype, bias, splitK,
                            /*swap=*/true, tile);
    if (block) {
      d.interleaveRows = block;
      d.name += "_block" + std::to_string(block);
    }
    configs.push_back(d);
  }
  // Narrow swapAB above 64 tokens (128 weight rows, 80-256 tokens), which
  // the tuner times (sm90TunerOnlyCandidates): plain with split-K and the
  // widest token tile; gated at the depths the 8 KiB gate/up exchange leaves
  // room for, its rounds of 16 registers with a partial last one (80 and
  // 104 tokens), blocks of 16 and 32, and of 8 (no exchange).
  for (auto [epilogue, tile, splitK, block] :
       {std::tuple{Epilogue::none, Tile{104, 128, 64, 6}, 2, 0},
        std::tuple{Epilogue::none, Tile{160, 128, 64, 5}, 1, 0},
        std::tuple{Epilogue::swiglu, Tile{80, 128, 64, 8}, 1, 16},
        std::tuple{Epilogue::swiglu, Tile{104, 128, 64, 7}, 2, 32},
        std::tuple{Epilogue::reglu, Tile{88, 128, 64, 8}, 1, 8},
        // One token tile of 161-256 tokens (the tuner's).
        std::tuple{Epilogue::none, Tile{208, 128, 64, 4}, 1, 0},
        std::tuple{Epilogue::swiglu, Tile{200, 128, 64, 5}, 1, 16},
        std::tuple{Epilogue::geglu_tanh, Tile{256, 128, 64, 4}, 2, 16}}) {
    KernelDesc d = makeDesc("sm90_tma_ws", epilogue, DType::bf16, false, splitK,
                            /*swap=*/true, tile);
    d.name += "_narrow";
    if (block) {
      d.interleaveRows = block;
      d.name += "_block" + std::to_string(block);
    }
    configs.push_back(d);
  }
  // Wide and narrow swapAB in 2x1 clusters (narrow: the tuner's; wide:
  // tuning files only): the weight tile's halves multicast, gated wide as
  // the 4-D gate and up boxes, gated narrow with 64-row blocks as the gate
  // half and the up half.
  for (auto [epilogue, tile, splitK, block] :
       {std::tuple{Epilogue::swiglu, Tile{152, 256, 64, 4}, 1, 16},
        std::tuple{Epilogue::none, Tile{80, 256, 64, 4}, 2, 0},
        std::tuple{Epilogue::none, Tile{104, 128, 64, 6}, 1, 0},
        std::tuple{Epilogue::swiglu, Tile{104, 128, 64, 5}, 1, 64},
        std::tuple{Epilogue::swiglu, Tile{80, 128, 64, 5}, 1, 16}}) {
    KernelDesc d = makeDesc("sm90_tma_ws", epilogue, DType::bf16, false, splitK,
                            /*swap=*/true, tile);
    d.clusterM = 2;
    d.name += "_cluster2";
    if (block) {
      d.interleaveRows = block;
      d.name += "_block" + std::to_string(block);
    }
    configs.push_back(d);
  }
  // Ping-pong swapAB (one consumer warpgroup per tile of 128 weight rows,
  // two MMAs each): gated (the 4-D gate/up load, blocks of 16 and 64) with
  // and without bias, plain; 152 tokens (cuBLASLt's tile at 300), 64 and
  // the widest, 176 (launch.h kPingPongSwapTokens).
  for (auto [epilogue, tile, bias, block] :
       {std::tuple{Epilogue::swiglu, Tile{152, 128, 64, 5}, false, 16},
        std::tuple{Epilogue::geglu_tanh, Tile{64, 128, 64, 8}, true, 64},
        std::tuple{Epilogue::none, Tile{152, 128, 64, 5}, false, 0},
        std::tuple{Epilogue::none, Tile{176, 128, 64, 4}, true, 0}}) {
    KernelDesc d = makeDesc("sm90_tma_ws_pingpong", epilogue, DType::bf16, bias,
                            1, /*swap=*/true, tile);
    if (block) {
      d.interleaveRows = block;
      d.name += "_block" + std::to_string(block);
    }
    configs.push_back(d);
  }
  // Clusters of 2 and 4 weight tiles, the token tile multicast in slices
  // (cuBLASLt's narrow 128x152 swapAB tiles in 1x2 and 2x4 clusters at 300
  // tokens): gated narrow (16-row exchange) and plain, wide gated (4-D
  // weight boxes), and without swapAB with split-K; n whole clusters.
  for (auto [epilogue, tile, clusterM, clusterN, splitK, swap, block] :
       {std::tuple{Epilogue::swiglu, Tile{152, 128, 64, 6}, 1, 2, 1, true, 16},
        std::tuple{Epilogue::swiglu, Tile{152, 128, 64, 6}, 2, 4, 1, true, 16},
        std::tuple{Epilogue::none, Tile{152, 128, 64, 5}, 2, 4, 2, true, 0},
        std::tuple{Epilogue::swiglu, Tile{152, 256, 64, 4}, 1, 2, 1, true, 16},
        std::tuple{Epilogue::none, Tile{128, 256, 64, 4}, 2, 2, 3, false, 0}}) {
    KernelDesc d = makeDesc("sm90_tma_ws", epilogue, DType::bf16, false, splitK,
                            swap, tile);
    d.n = 2048;
    d.clusterM = clusterM;
    d.clusterN = clusterN;
    d.name +=
        "_cluster" + std::to_string(clusterM) + "x" + std::to_string(clusterN);
    if (block) {
      d.interleaveRows = block;
      d.name += "_block" + std::to_string(block);
    }
    configs.push_back(d);
  }
  // Stream-K (splitK 0) on both epilogue paths and with swapAB, and 2x1
  // clusters (multicast weight tiles) at the large-M tile.
  for (bool swap : {false, true})
    for (Epilogue epilogue : {Epilogue::swiglu, Epilogue::none})
      configs.push_back(makeDesc("sm90_tma_ws", epilogue, DType::bf16,
                                 epilogue == Epilogue::none, /*splitK=*/0,
                                 swap,
                                 swap ? Tile{64, 128, 64, 6}
                                      : Tile{128, 256, 64, 4}));
  for (Epilogue epilogue : {Epilogue::swiglu, Epilogue::none}) {
    KernelDesc d = makeDesc("sm90_tma_ws", epilogue, DType::bf16, false, 1,
                            false, Tile{128, 256, 64, 4});
    d.clusterM = 2;
    d.name += "_cluster2";
    configs.push_back(d);
  }
  // 2x1 clusters with split-K: the down GEMM's M = 256 tile and a gated
  // one with a bias.
  for (auto [epilogue, tile, splitK, bias] :
       {std::tuple{Epilogue::none, Tile{128, 256, 64, 4}, 4, false},
        std::tuple{Epilogue::swiglu, Tile{128, 128, 64, 6}, 2, true}}) {
    KernelDesc d = makeDesc("sm90_tma_ws", epilogue, DType::bf16, bias,
                            splitK, false, tile);
    d.clusterM = 2;
    d.name += "_cluster2";
    configs.push_back(d);
  }
  // Ping-pong consumers (64-row tiles on alternate warpgroups): every
  // epilogue at the widest tile (TMA store, 5 stages), fp16 with bias
  // (gated: at most 128 wide, launch.h), a 96-column tile (32-column
  // subtiles), a 2x1 cluster.
  for (int e = 0; e <= int(Epilogue::reglu); ++e)
    configs.push_back(makeDesc("sm90_tma_ws_pingpong", Epilogue(e), DType::bf16,
                               false, 1, false, Tile{64, 256, 64, 5}));
  configs.push_back(makeDesc("sm90_tma_ws_pingpong", Epilogue::geglu_tanh,
                             DType::f16, true, 1, false, Tile{64, 128, 64, 8}));
  configs.push_back(makeDesc("sm90_tma_ws_pingpong", Epilogue::none, DType::f16,
                             true, 1, false, Tile{64, 256, 64, 5}));
  configs.push_back(makeDesc("sm90_tma_ws_pingpong", Epilogue::none,
                             DType::bf16, true, 1, false, Tile{64, 96, 64, 8}));
  {
    KernelDesc d = makeDesc("sm90_tma_ws_pingpong", Epilogue::swiglu,
                            DType::bf16, false, 1, false, Tile{64, 256, 64, 5});
    d.clusterM = 2;
    d.name += "_cluster2";
    configs.push_back(d);
  }
  return configs;
}

class TemplateCompile : public ::testing::TestWithParam<KernelDesc> {};

TEST_P(TemplateCompile, BuildsWithoutSpills) {
  const KernelDesc &d = GetParam();
  if (llvm::Error err = validateKernel(d))
    FAIL() << llvm::toString(std::move(err));
  std::string source = generateKernelSource(d);
  auto ptx = compileToPtx(source, d.name, d.arch);
  ASSERT_TRUE(bool(ptx)) << llvm::toString(ptx.takeError()) << "\n" << source;
  EXPECT_NE(ptx->ptx.find(".entry " + d.name + "("), std::string::npos);
  auto report = runPtxas(ptx->ptx, d.arch);
  ASSERT_TRUE(bool(report)) << llvm::toString(report.takeError());
  EXPECT_EQ(report->spillStores, 0) << report->log;
  EXPECT_EQ(report->spillLoads, 0) << report->log;
  EXPECT_EQ(report->stackFrame, 0) << report->log;
  EXPECT_GT(report->registers, 0) << report->log;
  EXPECT_LE(report->registers, 255) << report->log;
}

std::string configName(const ::testing::TestParamInfo<KernelDesc> &info) {
  return info.param.name;
}

// The sm90 epilogue stores through shared memory with a bulk tensor store
// exactly where sm90::storesWithTma says: tiles without swapAB whose output
// is whole 64-, 32- or 16-column subtiles, and swapAB tiles but gated narrow
// ones; the others store from registers.
TEST(TemplateCompileSm90, TmaStoreWhereLaunchRulesSayIt) {
  struct Case {
    Epilogue epilogue;
    bool swap;
    Tile tile;
    bool tmaStore;
    bool pingPong = false;
    int block = 64; // gated
  };
  const Case cases[] = {
      {Epilogue::swiglu, false, Tile{128, 256, 64, 4}, true},
      {Epilogue::none, false, Tile{64, 64, 64, 4}, true},
      {Epilogue::none, false, Tile{128, 96, 64, 4}, true},   // 3 x 32 columns
      {Epilogue::none, false, Tile{128, 192, 64, 4}, true},  // 3 x 64
      {Epilogue::swiglu, true, Tile{16, 128, 64, 4}, false}, // swapAB
      {Epilogue::swiglu, false, Tile{64, 256, 64, 5}, true, true},
      {Epilogue::none, false, Tile{64, 96, 64, 8}, true, true},
      {Epilogue::swiglu, false, Tile{128, 192, 64, 4}, true, false, 32},
      {Epilogue::swiglu, false, Tile{128, 224, 64, 4}, true, false, 16},
      {Epilogue::none, true, Tile{152, 256, 64, 4}, true}, // wide swapAB
      {Epilogue::swiglu, true, Tile{128, 256, 64, 4}, true, false, 16},
  };
  for (const Case &c : cases) {
    KernelDesc d = makeDesc(c.pingPong ? "sm90_tma_ws_pingpong" : "sm90_tma_ws",
                            c.epilogue, DType::bf16, false, 1, c.swap, c.tile);
    if (isGated(c.epilogue))
      d.interleaveRows = c.block;
    if (llvm::Error e = validateKernel(d))
      FAIL() << d.name << ": " << llvm::toString(std::move(e));
    auto ptx = compileToPtx(generateKernelSource(d), d.name, d.arch);
    ASSERT_TRUE(bool(ptx)) << llvm::toString(ptx.takeError());
    const bool stores =
        ptx->ptx.find("cp.async.bulk.tensor.2d.global.shared") !=
        std::string::npos;
    EXPECT_EQ(stores, c.tmaStore) << d.name;
  }
}

INSTANTIATE_TEST_SUITE_P(Sm80, TemplateCompile,
                         ::testing::ValuesIn(sm80Configs()), configName);
INSTANTIATE_TEST_SUITE_P(Sm90, TemplateCompile,
                         ::testing::ValuesIn(sm90Configs()), configName);

} // namespace
