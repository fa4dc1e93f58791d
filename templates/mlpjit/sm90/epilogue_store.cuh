//===- sm90/epilogue_store.cuh - the sm90 GEMM's epilogue: D from the tile
//-===//
//
// D = Epi(acc + bias) for one output tile, Epi a functor of epilogue.cuh
// (gated ones take each gate column with its up column), written one of
// four ways (launch.h decides which):
//   - TMA-store subtiles (tiles without swapAB): each consumer warpgroup
//     writes 64 rows x 64, 32 or 16 columns into swizzled shared memory and
//     one thread stores it with TMA while the next tile's k-loop runs; TMA
//     clips the tile at m and nOut;
//   - transposed TMA stores (wide and ping-pong swapAB, plain narrow
//     swapAB): stmatrix.trans
//     turns each warp's 16 rows of Dᵀ into 16 output columns by the tile's
//     tokens;
//   - gated narrow swapAB: the up rows cross to their gate rows' threads in
//     shared memory (the exchange tile, in rounds of 16 registers), then
//     registers store;
//   - registers, where none of the above applies.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_SM90_EPILOGUE_STORE_CUH
#define MLPJIT_SM90_EPILOGUE_STORE_CUH

#include "mlpjit/kernel_abi.h"
#include "mlpjit/sm90/launch.h"
#include "mlpjit/sm90/ptx.cuh"

namespace mlpjit {
namespace sm90 {

/// G: GemmTraits.
template <typename G> struct EpilogueStore : G {
  using G::HasBias;
  using G::kAccRegs;
  using G::kBlock;
  using G::kConfig;
  using G::kConsumerThreads;
  using G::kConsumerWarpgroups;
  using G::kGated;
  using G::kMmaAccRegs;
  using G::kMmas;
  using G::kOutCols;
  using G::kStoreBuffers;
  using G::kStoreCols;
  using G::kSubtileBytes;
  using G::kSwizzleBytes;
  using G::kTmaStore;
  using G::kTransposedStore;
  using G::N;
  using G::rowBlock;
  using G::SwapAB;
  using G::TileM;
  using typename G::Element;
  using typename G::Epi;
  using typename G::Traits;

  /// bias[col], 0 past N (the TMA-store epilogue computes whole tiles).
  static __device__ __forceinline__ float biasAt(const abi::GemmParams &p,
                                                 long long col) {
    if constexpr (HasBias)
      return col < N
                 ? Traits::toFloat(static_cast<const Element *>(p.bias)[col])
                 : 0.0f;
    else
      return 0.0f;
  }

  /// Accumulator fragment of wgmma m64nN (per thread, i in [0, N/2)):
  /// row 16 * warp + lane / 4 + 8 * ((i / 2) % 2), column 8 * (i / 4) +
  /// 2 * (lane % 4) + i % 2, rows and columns of the MMA (M side, N side).
  /// value(i) is accumulator register i of this thread (bias not added).
  template <typename Value>
  static __device__ __forceinline__ void
  store(const abi::GemmParams &p, Value value, int consumer, int tid, int m0,
        int n0, float *exchange, unsigned staging) {
    const int warp = (tid % 128) / 32, lane = tid % 32;
    const int fragRow = 16 * warp + lane / 4; // + 8 for the odd pairs
    const int fragCol = 2 * (lane % 4);
    [[maybe_unused]] Element *d = static_cast<Element *>(p.d);
    [[maybe_unused]] const int m = p.m;
    if constexpr (kTransposedStore) {
      // acc is Dᵀ: MMA h holds 64 weight rows by the tile's tokens (gated,
      // wide only: h = 0 the gate rows, h = 1 their up rows, register for
      // register).
      // Each warp stores its 16 rows of an MMA, i.e. 16 output columns by
      // every token, as one or two subtiles of kChunkTokens tokens (the
      // second ends at the tile's last token and may overlap the first:
      // those tokens are stored twice, with the same bytes): stmatrix.trans
      // writes each 8x8 fragment block as 8 token rows of 8 columns (16
      // bytes), 32-byte swizzled as tmaD says, and the warp's lane 0
      // stores the subtile with TMA.
      constexpr int kChunkTokens = storeBoxRows(kConfig);
      constexpr int kChunks = (TileM + kChunkTokens - 1) / kChunkTokens;
      constexpr int kTokenBlocks = kChunkTokens / 8; // per chunk
      constexpr int kSubtiles = kGated ? 1 : kMmas;
      const unsigned buffer =
          staging + unsigned(consumer * 4 + warp) * kSubtileBytes;
      // Stored row r of matrix j is addressed by lane 8j + r: matrix j is
      // token block 2x + j / 2 (x4), columns 8 (j % 2) .. + 8.
      const int rowToken = lane % 8 + 8 * (lane / 16);
      const int rowChunk = (lane / 8) % 2;
      const int r = lane / 4; // this thread's rows r and r + 8 of the warp's
#pragma unroll
      for (int h = 0; h < kSubtiles; ++h) {
        // Output column (in the tile) of the warp's row 0, and the bias of
        // this thread's rows (gated: gate g maps to weight row
        // (g / B) 2B + g % B, its up row is B further).
        const int col0 = kGated ? 64 * rowBlock(consumer) + 16 * warp
                                : consumerRows(kConfig) * rowBlock(consumer) +
                                      64 * h + 16 * warp;
        float bias0[2], bias1[2];
#pragma unroll
        for (int e = 0; e < 2; ++e) {
          const int c = col0 + r + 8 * e;
          const long long row =
              kGated ? n0 + (c / kBlock) * 2 * kBlock + c % kBlock : n0 + c;
          bias0[e] = biasAt(p, row);
          bias1[e] = kGated ? biasAt(p, row + kBlock) : 0.0f;
        }
        // Registers i, i + 1 of MMA h (row r + 8e), as a packed pair.
        auto packed = [&](int i, int e) {
          float v0, v1;
          if constexpr (kGated) {
            v0 = Epi::apply(value(i) + bias0[e],
                            value(kMmaAccRegs + i) + bias1[e]);
            v1 = Epi::apply(value(i + 1) + bias0[e],
                            value(kMmaAccRegs + i + 1) + bias1[e]);
          } else {
            v0 = Epi::apply(value(h * kMmaAccRegs + i) + bias0[e]);
            v1 = Epi::apply(value(h * kMmaAccRegs + i + 1) + bias0[e]);
          }
          const typename Traits::Pair pair = Traits::pack(v0, v1);
          return *reinterpret_cast<const unsigned *>(&pair);
        };
        // Row `row` of the subtile (a token of the chunk).
        auto rowAddress = [&](int row) {
          return buffer + unsigned(row) * 32u +
                 unsigned((rowChunk ^ ((row / 4) % 2)) * 16);
        };
#pragma unroll
        for (int q = 0; q < kChunks; ++q) {
          // The chunk's first token block.
          const int first = q * kTokenBlocks < TileM / 8 - kTokenBlocks
                                ? q * kTokenBlocks
                                : TileM / 8 - kTokenBlocks;
          if (lane == 0)
            ptx::bulkWaitRead<0>(); // the buffer's previous store read it
          __syncwarp();
#pragma unroll
          for (int b = 0; b + 1 < kTokenBlocks; b += 2) {
            const int i = 4 * (first + b);
            ptx::stmatrixX4Trans(rowAddress(8 * b + rowToken), packed(i, 0),
                                 packed(i + 2, 1), packed(i + 4, 0),
                                 packed(i + 6, 1));
          }
          if constexpr (kTokenBlocks % 2 == 1) {
            constexpr int b = kTokenBlocks - 1; // lanes 0-15 give addresses
            const int i = 4 * (first + b);
            ptx::stmatrixX2Trans(rowAddress(8 * b + lane % 8), packed(i, 0),
                                 packed(i + 2, 1));
          }
          ptx::fenceProxyAsync();
          __syncwarp();
          if (lane == 0)
            ptx::tmaStore2d(&p.tmaD, buffer, int((kGated ? n0 / 2 : n0) + col0),
                            m0 + 8 * first);
        }
      }
    } else if constexpr (kTmaStore) {
      // Subtile j holds output columns [Cj, Cj + C) of the tile (C =
      // kStoreCols): MMA columns [Cj, Cj + C), gated [2Cj, 2Cj + 2C) (whole
      // gate/up block pairs: C is a multiple of the block), i.e.
      // accumulator registers [Rj, R(j+1)).
      constexpr int kSubtiles = outputTileCols(kConfig) / kStoreCols;
      constexpr int kRegs = kGated ? kStoreCols : kStoreCols / 2;
      // Swizzle: 16-byte chunk q of row r sits at chunk q ^ ((r / kRowsPer)
      // % kChunks), the address bits [4, 4 + log2 kChunks) xor bits [7, ...)
      // of CU_TENSOR_MAP_SWIZZLE_{128,64,32}B; a warp's 8 rows then cover
      // all 32 banks.
      constexpr int kChunks = kSwizzleBytes / 16;
      constexpr int kRowsPer = 128 / kSwizzleBytes;
      const unsigned buffers =
          staging + unsigned(consumer * kStoreBuffers) * kSubtileBytes;
      const bool issuer = tid % 128 == 0;
#pragma unroll
      for (int j = 0; j < kSubtiles; ++j) {
        // The buffer's previous store (this tile's subtile j - 2, or j - 1
        // with one buffer, or the previous tile's) has read it.
        if (issuer) {
          if (j == 0 || kStoreBuffers == 1)
            ptx::bulkWaitRead<0>();
          else
            ptx::bulkWaitRead<1>();
        }
        ptx::warpgroupBarrier<kConsumerWarpgroups>(consumer);
        const unsigned buffer =
            buffers + unsigned(j % kStoreBuffers) * kSubtileBytes;
#pragma unroll
        for (int i = kRegs * j; i < kRegs * (j + 1); i += 2) {
          const int r = fragRow + 8 * ((i / 2) % 2); // row in the subtile
          const int c = 8 * (i / 4) + fragCol;       // MMA column in the tile
          float v0, v1;
          int col; // output column in the tile
          if constexpr (kGated) {
            // Register i + kBlock / 2 holds column c + kBlock of this thread.
            if (((i / 4) / (kBlock / 8)) % 2 == 1)
              continue; // up columns, consumed with their gate columns
            col = (c / (2 * kBlock)) * kBlock + c % (2 * kBlock);
            const long long gate = n0 + c;
            v0 = Epi::apply(value(i) + biasAt(p, gate),
                            value(i + kBlock / 2) + biasAt(p, gate + kBlock));
            v1 = Epi::apply(value(i + 1) + biasAt(p, gate + 1),
                            value(i + 1 + kBlock / 2) +
                                biasAt(p, gate + kBlock + 1));
          } else {
            col = c;
            v0 = Epi::apply(value(i) + biasAt(p, n0 + c));
            v1 = Epi::apply(value(i + 1) + biasAt(p, n0 + c + 1));
          }
          const int sc = col - kStoreCols * j;
          const unsigned at =
              buffer + unsigned(r) * unsigned(kSwizzleBytes) +
              unsigned(((sc / 8) ^ ((r / kRowsPer) % kChunks)) * 16 +
                       (sc % 8) * 2);
          const typename Traits::Pair pair = Traits::pack(v0, v1);
          asm volatile("st.shared.b32 [%0], %1;" ::"r"(at),
                       "r"(*reinterpret_cast<const unsigned *>(&pair))
                       : "memory");
        }
        ptx::fenceProxyAsync();
        ptx::warpgroupBarrier<kConsumerWarpgroups>(consumer);
        if (issuer) {
          const int outCol0 = int((kGated ? n0 / 2 : n0) + kStoreCols * j);
          ptx::tmaStore2d(&p.tmaD, buffer, outCol0,
                          m0 + 64 * rowBlock(consumer));
        }
      }
    } else if constexpr (!SwapAB) {
      const int rowBase = m0 + 64 * rowBlock(consumer) + fragRow;
#pragma unroll
      for (int i = 0; i < kAccRegs; i += 2) {
        const int row = rowBase + 8 * ((i / 2) % 2);
        const int c = 8 * (i / 4) + fragCol; // column inside the tile
        if constexpr (kGated) {
          // Register i + kBlock / 2 holds column c + kBlock of this thread.
          if (((i / 4) / (kBlock / 8)) % 2 == 1)
            continue; // up columns, consumed with their gate columns
          const long long gate = n0 + c;
          if (row >= m || gate >= N)
            continue;
          const long long out =
              n0 / 2 + (c / (2 * kBlock)) * kBlock + c % (2 * kBlock);
          float v0 =
              Epi::apply(value(i) + biasAt(p, gate),
                         value(i + kBlock / 2) + biasAt(p, gate + kBlock));
          float v1 = Epi::apply(value(i + 1) + biasAt(p, gate + 1),
                                value(i + 1 + kBlock / 2) +
                                    biasAt(p, gate + kBlock + 1));
          *reinterpret_cast<typename Traits::Pair *>(d + row * kOutCols + out) =
              Traits::pack(v0, v1);
        } else {
          const long long col = n0 + c;
          if (row >= m || col >= N)
            continue;
          float v0 = Epi::apply(value(i) + biasAt(p, col));
          float v1 = Epi::apply(value(i + 1) + biasAt(p, col + 1));
          *reinterpret_cast<typename Traits::Pair *>(d + row * kOutCols + col) =
              Traits::pack(v0, v1);
        }
      }
    } else {
      // acc is Dᵀ: MMA rows are weight rows, MMA columns are tokens.
      if constexpr (kGated) {
        // Gate row w (register i) meets its up row w + B in register i + 2
        // of this thread (B = 8) or, B >= 16, in register i of thread
        // tid + 2B, which hands it over through the exchange tile, kRound
        // registers a round (launch.h, exchangesGateUp).
        constexpr bool kExchanges = exchangesGateUp(kConfig);
        constexpr int kRound = exchangeRegs(kConfig);
        const bool gateRows = !kExchanges || holdsGateRows(kBlock, tid);
        [[maybe_unused]] const int slot = exchangeSlot(kBlock, tid);
        // This thread's first gate row and its output column; its rows 8
        // further on (registers with (i / 2) % 2 = 1) lie in the same block
        // for B >= 16, the output 8 columns further on.
        const int w0 = 64 * consumer + fragRow;
        const long long gate0 = n0 + w0;
        const long long out0 =
            n0 / 2 + (w0 / (2 * kBlock)) * kBlock + w0 % (2 * kBlock);
#pragma unroll
        for (int r0 = 0; r0 < kAccRegs; r0 += kRound) {
          if constexpr (kExchanges) {
            if (!gateRows) {
#pragma unroll
              for (int j = 0; j < kRound && r0 + j < kAccRegs; ++j)
                exchange[j * 128 + slot] = value(r0 + j);
            }
            ptx::consumerBarrier(kConsumerThreads);
          }
          if (gateRows) {
#pragma unroll
            for (int j = 0; j < kRound && r0 + j < kAccRegs; ++j) {
              const int i = r0 + j;
              if (!kExchanges && (i / 2) % 2 == 1)
                continue; // B = 8: the up rows of this thread's gate rows
              const int rowOffset = 8 * ((i / 2) % 2);
              const int row = m0 + 8 * (i / 4) + fragCol + i % 2;
              const long long gate = gate0 + rowOffset;
              if (row >= m || gate >= N)
                continue;
              float up;
              if constexpr (kExchanges)
                up = exchange[j * 128 + slot];
              else
                up = value(i + 2);
              const float v = Epi::apply(value(i) + biasAt(p, gate),
                                         up + biasAt(p, gate + kBlock));
              d[row * kOutCols + out0 + rowOffset] = Traits::fromFloat(v);
            }
          }
          // The tile is refilled by the next round, or the next unit.
          if constexpr (kExchanges)
            ptx::consumerBarrier(kConsumerThreads);
        }
      } else {
#pragma unroll
        for (int i = 0; i < kAccRegs; ++i) {
          const long long col =
              n0 + 64 * consumer + fragRow + 8 * ((i / 2) % 2);
          const int row = m0 + 8 * (i / 4) + fragCol + i % 2;
          if (row >= m || col >= N)
            continue;
          d[row * kOutCols + col] =
              Traits::fromFloat(Epi::apply(value(i) + biasAt(p, col)));
        }
      }
    }
  }
};

} // namespace sm90
} // namespace mlpjit

#endif // MLPJIT_SM90_EPILOGUE_STORE_CUH
