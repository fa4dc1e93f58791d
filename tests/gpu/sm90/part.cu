// One share of configs.inc: the configurations with id % PARTS == PART (set
// by run.sh), so the instantiations compile in parallel.
#include "harness.h"

using namespace mlpjit::epilogue;

#define CONFIG(id, TIMED, E, EPI, TM, TN, S, SPLIT, SWAP, BIAS, N, K, MS)      \
  static harness::Registrar<(id) % PARTS == PART, E, EPI, EpiIndex<EPI>::value, \
                            TM, TN, S, SPLIT, SWAP, BIAS, N##LL, K##LL>        \
      registrar##id("c" #id "_" #E "_" #EPI "_" #TM "x" #TN "s" #S "_split" #SPLIT \
                    "_swap" #SWAP "_bias" #BIAS "_n" #N "_k" #K,               \
                    TIMED, std::vector<int> MS);

// 2x1 clusters (B multicast): splitK 1, no swap.
#define CONFIG_CLUSTER(id, TIMED, E, EPI, TM, TN, S, CM, BIAS, N, K, MS)       \
  static harness::Registrar<(id) % PARTS == PART, E, EPI, EpiIndex<EPI>::value, \
                            TM, TN, S, 1, false, BIAS, N##LL, K##LL, CM>       \
      registrar##id("c" #id "_" #E "_" #EPI "_" #TM "x" #TN "s" #S             \
                    "_cluster" #CM "_bias" #BIAS "_n" #N "_k" #K,              \
                    TIMED, std::vector<int> MS);

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

#include "configs.inc"
