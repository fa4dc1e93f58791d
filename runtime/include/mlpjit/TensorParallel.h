//===- TensorParallel.h - one rank of a tensor-parallel MLP, NCCL -*- C++
//-*-===//
//
// Megatron-style tensor parallelism for the MLP block: rank r of N holds
// rows [r*I, (r+1)*I) of gate and up and columns [r*I, (r+1)*I) of down
// (I = the shard's intermediate, MlpProgram::tensorParallel = N), computes
// its partial y with the two-kernel Mlp, and the ranks sum the partials with
// one NCCL all-reduce (or reduce-scatter).
//
//   auto id = mlpjit::newNcclUniqueId();       // once, sent to every rank
//   auto tp = mlpjit::TensorParallelMlp::create(shard, ctx, *id, rank);
//   tp->setFullWeights({gate, up, down}, stream); // takes rank r's slices
//   tp->forward(x, y, m, stream);                 // y = the whole block's y
//
// NCCL is dlopen'ed at first use, like the driver (nothing links it):
// "libnccl.so.2", or the path in $MLPJIT_NCCL_LIBRARY. Loading it sets
// NCCL_NVLS_ENABLE=0, so communicators made afterwards in this process (and
// its children) keep NVLink multicast off. MLIR-free.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_TENSORPARALLEL_H
#define MLPJIT_TENSORPARALLEL_H

#include "mlpjit/mlpjit.h"

#include <array>

namespace mlpjit {

/// NCCL's ncclUniqueId (128 opaque bytes): made once with newNcclUniqueId,
/// then handed to every rank (hex text fits argv or the environment).
struct NcclUniqueId {
  std::array<char, 128> bytes{};
  std::string toHex() const;
  static llvm::Expected<NcclUniqueId> fromHex(llvm::StringRef hex);
};

struct NcclVersion {
  int major = 0, minor = 0, patch = 0;
};

/// The loaded NCCL's version (loads it: a clear error naming the library
/// and dlerror when it is missing). Needs no GPU.
llvm::Expected<NcclVersion> ncclVersion();

/// ncclGetUniqueId: needs no GPU, but a network interface (NCCL's bootstrap
/// listens on it; the calling process must outlive communicator creation).
llvm::Expected<NcclUniqueId> newNcclUniqueId();

/// Which parts of the full weights rank `rank` of `program.tensorParallel`
/// owns. Rows index the full [N*I, hidden] gate and up weights (and their
/// [N*I] biases), columns the full [hidden, N*I] down weight.
struct TensorParallelSlice {
  int64_t rowOffset = 0, rows = 0;
  int64_t columnOffset = 0, columns = 0;
  bool addsDownBias = false; // rank 0 only: the sum adds the bias once
};
/// Pure arithmetic; `rank` must be in [0, program.tensorParallel).
TensorParallelSlice tensorParallelSlice(const MlpProgram &program, int rank);

class TensorParallelMlp {
public:
  /// Loads `shard` on `context` and borrows `ncclComm` (an ncclComm_t the
  /// host app made on this GPU, blocking, with NCCL_NVLS_ENABLE=0): its size
  /// must be shard.tensorParallel; the rank is its ncclCommUserRank. The
  /// communicator must outlive the TensorParallelMlp, and must come from the
  /// NCCL library mlpjit loads (MLPJIT_NCCL_LIBRARY names it when the app
  /// uses another copy).
  static llvm::Expected<std::unique_ptr<TensorParallelMlp>>
  load(const MlpProgram &shard, const DeviceContext &context, void *ncclComm);
  /// The same with a communicator of its own (ncclCommInitRank of `rank` in
  /// a world of shard.tensorParallel; blocks until every rank has joined),
  /// destroyed with the TensorParallelMlp.
  static llvm::Expected<std::unique_ptr<TensorParallelMlp>>
  create(const MlpProgram &shard, const DeviceContext &context,
         const NcclUniqueId &id, int rank);
  ~TensorParallelMlp();
  TensorParallelMlp(const TensorParallelMlp &) = delete;
  TensorParallelMlp &operator=(const TensorParallelMlp &) = delete;

  /// This rank's slices, contiguous: gate/up [I, hidden], down [hidden, I],
  /// gate/up biases [I]; the down bias [hidden] on rank 0, null on the
  /// others (they add zeros). Lifetimes as Mlp::setWeights.
  llvm::Error setShardWeights(const WeightPointers &shard, CUstream stream);
  /// The full PyTorch weights ([N*I, hidden], [hidden, N*I], biases [N*I]
  /// and [hidden]), the same pointers on every rank's device: gate/up rows
  /// and biases are taken by pointer offset, the down columns by a strided
  /// copy into a buffer of this object's.
  llvm::Error setFullWeights(const WeightPointers &full, CUstream stream);

  /// y[m, hidden] = the whole block's output on every rank: the shard's
  /// forward into y, then an in-place NCCL all-reduce (sum) of y. x is the
  /// same on every rank. Allocates nothing, never synchronizes: capturable
  /// in a CUDA graph (capture mode thread-local: NCCL's own threads make
  /// CUDA calls); such a graph must be destroyed before the communicator
  /// is, since ncclCommDestroy waits for it. Every argument is checked
  /// before anything launches.
  llvm::Error forward(const void *x, void *y, int64_t m, CUstream stream) const;
  /// Rows [r*m/N, (r+1)*m/N) of the block's output into yShard
  /// [m/N, hidden]: the shard's forward into a [tokensMax, hidden] buffer of
  /// this object's, then ncclReduceScatter. m must be a multiple of N.
  llvm::Error forwardReduceScatter(const void *x, void *yShard, int64_t m,
                                   CUstream stream) const;
  /// Only the all-reduce of forward (in place over y[m, hidden]), for
  /// timing the communication alone.
  llvm::Error allReduce(void *y, int64_t m, CUstream stream) const;

  int rank() const { return r; }
  int ranks() const { return int(mlp->program().tensorParallel); }
  const MlpProgram &program() const { return mlp->program(); }
  /// The rank's two-kernel MLP (forward without communication).
  const Mlp &shardMlp() const { return *mlp; }
  void *communicator() const { return comm; }
  /// Device memory of this object's: the Mlp's, the down slice, the zero
  /// down bias (ranks != 0) and the reduce-scatter buffer.
  size_t ownedBytes() const;

private:
  TensorParallelMlp(const DeviceContext &context) : ctx(context) {}
  /// The Mlp and buffers, before any communicator.
  static llvm::Expected<std::unique_ptr<TensorParallelMlp>>
  init(const MlpProgram &shard, const DeviceContext &context, int rank);
  llvm::Error allocateBuffers();
  llvm::Error bind(WeightPointers shard, CUstream stream);
  llvm::Error checkForward(const void *x, const void *y, int64_t m,
                           const char *what) const;
  llvm::Error collective(const char *what, int result) const;

  const DeviceContext &ctx;
  std::unique_ptr<Mlp> mlp;
  void *comm = nullptr;
  bool ownsComm = false;
  int r = 0;
  bool weightsSet = false;
  DeviceBuffer downSlice, zeroDownBias, partial;
};

} // namespace mlpjit

#endif // MLPJIT_TENSORPARALLEL_H
