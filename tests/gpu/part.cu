// One share of the family's configs.inc: the configurations with
// id % PARTS == PART (set by run.sh), so the instantiations compile in
// parallel.
#include "harness.h"

using namespace mlpjit::epilogue;

// The case's name spells its parameters: c<id>_<element>_<epilogue><shape>;
// the token counts come last (a braced list).
#define REGISTER(id, TIMED, E, EPI, TM, TN, TK, S, SPLIT, SWAP, BIAS, N, K,    \
                 CM, SHAPE, ...)                                               \
  REGISTER_STORE(id, TIMED, E, EPI, TM, TN, TK, S, SPLIT, SWAP, BIAS, N, K,    \
                 CM, true, false, 64, SHAPE, __VA_ARGS__)
#define REGISTER_STORE(id, TIMED, E, EPI, TM, TN, TK, S, SPLIT, SWAP, BIAS, N, \
                       K, CM, TMA_STORE, PING_PONG, BLOCK, SHAPE, ...)         \
  REGISTER_CLUSTER(id, TIMED, E, EPI, TM, TN, TK, S, SPLIT, SWAP, BIAS, N, K,  \
                   CM, 1, TMA_STORE, PING_PONG, BLOCK, SHAPE, __VA_ARGS__)
#define REGISTER_CLUSTER(id, TIMED, E, EPI, TM, TN, TK, S, SPLIT, SWAP, BIAS,  \
                         N, K, CM, CN, TMA_STORE, PING_PONG, BLOCK, SHAPE,     \
                         ...)                                                  \
  static harness::Registrar<                                                   \
      (id) % PARTS == PART, E, EPI, EpiIndex<EPI>::value, TM, TN, TK, S,       \
      SPLIT, SWAP, BIAS, N##LL, K##LL, CM, CN, TMA_STORE, PING_PONG, BLOCK>    \
      registrar##id("c" #id "_" #E "_" #EPI SHAPE "_bias" #BIAS "_n" #N        \
                    "_k" #K,                                                   \
                    TIMED, std::vector<int> __VA_ARGS__);

template <typename Epi> struct EpiIndex;
#define EPI_INDEX(T, I)                                                        \
  template <> struct EpiIndex<T> { static constexpr int value = I; };
EPI_INDEX(Identity, 0)
EPI_INDEX(Silu, 1)
EPI_INDEX(GeluTanh, 2)
EPI_INDEX(GeluErf, 3)
EPI_INDEX(Relu, 4)
EPI_INDEX(SwiGLU, 5)
EPI_INDEX(GeGLUTanh, 6)
EPI_INDEX(GeGLUErf, 7)
EPI_INDEX(ReGLU, 8)

#if defined(MLPJIT_GPU_SM90)
// CONFIG: tileK 64, no cluster; CONFIG_CLUSTER: 2x1 clusters (B multicast),
// any splitK but stream-K, no swap.
#define CONFIG(id, TIMED, E, EPI, TM, TN, S, SPLIT, SWAP, BIAS, N, K, MS)      \
  REGISTER(id, TIMED, E, EPI, TM, TN, 64, S, SPLIT, SWAP, BIAS, N, K, 1,       \
           "_" #TM "x" #TN "s" #S "_split" #SPLIT "_swap" #SWAP, MS)
#define CONFIG_CLUSTER(id, TIMED, E, EPI, TM, TN, S, CM, SPLIT, BIAS, N, K,   \
                       MS)                                                     \
  REGISTER(id, TIMED, E, EPI, TM, TN, 64, S, SPLIT, false, BIAS, N, K, CM,     \
           "_" #TM "x" #TN "s" #S "_cluster" #CM "_split" #SPLIT, MS)
// CONFIG_DIRECT: the epilogue stores from registers instead of through
// shared memory and TMA (the A/B of the TMA-store epilogue).
#define CONFIG_DIRECT(id, TIMED, E, EPI, TM, TN, S, SPLIT, CM, BIAS, N, K, MS) \
  REGISTER_STORE(                                                              \
      id, TIMED, E, EPI, TM, TN, 64, S, SPLIT, false, BIAS, N, K, CM, false,   \
      false, 64,                                                               \
      "_" #TM "x" #TN "s" #S "_split" #SPLIT "_cluster" #CM "_direct", MS)
// CONFIG_PINGPONG: two consumer warpgroups on alternate 64-row tiles.
#define CONFIG_PINGPONG(id, TIMED, E, EPI, TN, S, CM, BIAS, N, K, MS)          \
  REGISTER_STORE(id, TIMED, E, EPI, 64, TN, 64, S, 1, false, BIAS, N, K, CM,   \
                 true, true, 64, "_64x" #TN "s" #S "_cluster" #CM "_pingpong", \
                 MS)
// CONFIG_BLOCK: gate/up blocks of BLOCK rows (CONFIG's are 64), for the
// 192- and 224-wide gated tiles (96/112 output columns) and their 32- and
// 16-column TMA-store subtiles; PP: ping-pong.
#define CONFIG_BLOCK(id, TIMED, E, EPI, TM, TN, S, SPLIT, SWAP, BIAS, BLOCK,   \
                     PP, N, K, MS)                                             \
  REGISTER_STORE(id, TIMED, E, EPI, TM, TN, 64, S, SPLIT, SWAP, BIAS, N, K, 1, \
                 true, PP, BLOCK,                                              \
                 "_" #TM "x" #TN "s" #S "_split" #SPLIT "_swap" #SWAP          \
                 "_block" #BLOCK "_pp" #PP,                                    \
                 MS)
// CONFIG_WIDE_CLUSTER: wide swapAB (256 weight rows) in 2x1 clusters, the
// two CTAs on adjacent token tiles multicasting halves of the weight tile.
#define CONFIG_WIDE_CLUSTER(id, TIMED, E, EPI, TM, S, SPLIT, BIAS, BLOCK, N,   \
                            K, MS)                                             \
  REGISTER_STORE(id, TIMED, E, EPI, TM, 256, 64, S, SPLIT, true, BIAS, N, K,   \
                 2, true, false, BLOCK,                                        \
                 "_" #TM "x256s" #S "_split" #SPLIT "_wide_cluster2"           \
                 "_block" #BLOCK,                                              \
                 MS)
// CONFIG_CLUSTER_MN: CM token tiles by CN weight tiles per cluster, the
// weight tile multicast across the first, the token tile across the second
// (in slices of tileM / CN rounded up to 8 rows, the last one overlapping).
#define CONFIG_CLUSTER_MN(id, TIMED, E, EPI, TM, TN, S, CM, CN, SPLIT, SWAP,   \
                          BIAS, BLOCK, N, K, MS)                               \
  REGISTER_CLUSTER(id, TIMED, E, EPI, TM, TN, 64, S, SPLIT, SWAP, BIAS, N, K,  \
                   CM, CN, true, false, BLOCK,                                 \
                   "_" #TM "x" #TN "s" #S "_cluster" #CM "x" #CN               \
                   "_split" #SPLIT "_swap" #SWAP "_block" #BLOCK,              \
                   MS)
// CONFIG_SWAP_PINGPONG: swapAB tiles of 128 weight rows, each held by one
// consumer warpgroup (two MMAs), the two taking alternate tiles.
#define CONFIG_SWAP_PINGPONG(id, TIMED, E, EPI, TM, S, BIAS, BLOCK, N, K, MS)  \
  REGISTER_CLUSTER(id, TIMED, E, EPI, TM, 128, 64, S, 1, true, BIAS, N, K, 1,  \
                   1, true, true, BLOCK,                                       \
                   "_" #TM "x128s" #S "_swap_pingpong_block" #BLOCK, MS)
#include "sm90/configs.inc"
#else
// Every configuration is timed with --time; no swap, no cluster.
#define CONFIG(id, E, EPI, TM, TN, TK, S, SPLIT, BIAS, N, K, MS)               \
  REGISTER(id, true, E, EPI, TM, TN, TK, S, SPLIT, false, BIAS, N, K, 1,      \
           "_" #TM "x" #TN "x" #TK "s" #S "_split" #SPLIT, MS)
#include "sm80/configs.inc"
#endif
