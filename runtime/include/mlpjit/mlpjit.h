//===- mlpjit.h - the public C++ API of the mlpjit runtime ----------------===//
//
//   auto ctx = mlpjit::DeviceContext::create();            // GPU 0
//   auto mlp = mlpjit::Mlp::load(program, **ctx);          // PTX + plans
//   mlp->setWeights({gate, up, down}, stream);             // packs gate/up
//   mlp->forward(x, y, m, stream);                         // two kernels
//
// A program comes from the compiler (mlpjit/Pipeline/Compile.h: compileMlp +
// toProgram), or from anything else that produces PTX and KernelDescs. All
// pointers are device pointers in PyTorch layouts: x and y [m, hidden],
// gate and up [intermediate, hidden], down [hidden, intermediate].
// forward() allocates nothing and never synchronizes, so it can be captured
// in a CUDA graph; one forward at a time per Mlp (the intermediate buffer and
// split-K scratch are the Mlp's own).
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_MLPJIT_H
#define MLPJIT_MLPJIT_H

#include "mlpjit/MlpProgram.h"
#include "mlpjit/Module.h"

#include <memory>
#include <vector>

namespace mlpjit {

/// Weights in PyTorch layout. Plain (non-gated) MLPs have no gate; biases
/// are required exactly when the program has them.
struct WeightPointers {
  const void *gate = nullptr, *up = nullptr, *down = nullptr;
  const void *gateBias = nullptr, *upBias = nullptr, *downBias = nullptr;
};

/// Checks a program without a GPU: shapes and token range, every kernel's
/// desc against the block (role, n and k, dtype, epilogue, bias, interleave),
/// its template's launch rules, and that each token bucket has a gate-up and
/// a down kernel and the buckets cover [tokensMin, tokensMax]. Mlp::load
/// runs it first.
llvm::Error validateProgram(const MlpProgram &program);

class Mlp {
public:
  /// Loads every kernel of `program` and allocates the intermediate
  /// [tokensMax, intermediate] buffer, the packed gate/up weight and the
  /// split-K scratch. The context must outlive the Mlp.
  static llvm::Expected<std::unique_ptr<Mlp>>
  load(const MlpProgram &program, const DeviceContext &context);
  ~Mlp();
  Mlp(const Mlp &) = delete;
  Mlp &operator=(const Mlp &) = delete;

  /// Copies gate and up into the planned layout (gate/up rows interleaved in
  /// blocks of program().interleaveRows) on `stream`, device to device;
  /// down is used in place and must stay alive.
  llvm::Error setWeights(const WeightPointers &weights, CUstream stream);
  /// The same from one stacked [2 * intermediate, hidden] gate_up tensor
  /// (Phi-3's gate_up_proj) and its optional [2 * intermediate] bias.
  llvm::Error setPackedGateUp(const void *gateUp, const void *down,
                              const void *gateUpBias, const void *downBias,
                              CUstream stream);

  /// y[m, hidden] = down(act(gate(x)) * up(x)).
  llvm::Error forward(const void *x, void *y, int64_t m, CUstream stream) const;
  /// The two halves of forward, for timing each kernel: gateUp writes the
  /// Mlp's intermediate buffer, down reads it.
  llvm::Error gateUp(const void *x, int64_t m, CUstream stream) const;
  llvm::Error down(void *y, int64_t m, CUstream stream) const;

  const MlpProgram &program() const { return prog; }
  /// Device memory the Mlp owns: the [tokensMax, intermediate] activations
  /// between the two GEMMs, the packed gate/up weight (gated blocks), and
  /// split-K scratch.
  size_t intermediateBytes() const { return intermediate.size(); }
  size_t ownedBytes() const;
  /// Every loaded kernel with its descriptor and driver-reported resources.
  std::vector<const LoadedKernel *> kernels() const;

private:
  Mlp(const DeviceContext &context) : ctx(context) {}
  /// The kernel pair that serves token counts [mMin, mMax].
  struct Bucket {
    int64_t mMin, mMax;
    const LoadedKernel *gateUp = nullptr, *down = nullptr;
    size_t gateUpCounters = 0, downCounters = 0; // offsets into `counters`
  };
  const Bucket *bucketFor(int64_t m) const;
  llvm::Error checkForward(const void *x, int64_t m, const char *what) const;
  /// Launches one kernel of a bucket on the block's split-K scratch;
  /// `dependent`: as a programmatic dependent of the stream's last kernel.
  llvm::Error launch(const LoadedKernel &kernel, size_t counterOffset,
                     const void *a, const void *w, const void *bias, void *d,
                     int64_t m, CUstream stream, bool dependent = false) const;
  llvm::Error packGateUp(const void *gate, const void *up, const void *gateBias,
                         const void *upBias, CUstream stream);
  llvm::Error setDown(const void *down, const void *downBias);

  const DeviceContext &ctx;
  MlpProgram prog;
  std::vector<std::unique_ptr<LoadedKernel>> loaded;
  std::vector<Bucket> buckets;
  DeviceBuffer intermediate, packedWeight, packedBias;
  // Split-K: partial sums shared by every kernel (one launch at a time), and
  // a zeroed counter slice per kernel (offsets in Bucket).
  DeviceBuffer partials, counters;
  const void *gateUpWeight = nullptr, *gateUpBias = nullptr;
  const void *downWeight = nullptr, *downBias = nullptr;
  bool weightsSet = false;
};

} // namespace mlpjit

#endif // MLPJIT_MLPJIT_H
