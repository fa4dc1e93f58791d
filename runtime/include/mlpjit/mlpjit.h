//===- mlpjit.h - the public C++ API of the mlpjit runtime ----------------===//
//
//   auto ctx = mlpjit::DeviceContext::create();            // GPU 0
//   auto kernels = mlpjit::MlpKernels::load(program, **ctx); // once per shape
//   auto layer = mlpjit::MlpLayer::create(*kernels);       // per layer
//   (*layer)->setWeights({gate, up, down}, stream);        // packs gate/up
//   size_t bytes = (*kernels)->workspaceBytes(mMax);       // per stream
//   (*layer)->forward(x, y, m, workspace, bytes, stream);  // two kernels
//
// Mlp bundles one of each (kernels, layer, workspace) for a single block.
// A program comes from the compiler (mlpjit/Pipeline/Compile.h: compileMlp +
// toProgram), or from anything else that produces PTX and KernelDescs. All
// pointers are device pointers in PyTorch layouts: x and y [m, hidden],
// gate and up [intermediate, hidden], down [hidden, intermediate].
// forward() allocates nothing and never synchronizes, so it can be captured
// in a CUDA graph. This C++ API and the C API (mlpjit_c.h) share this core.
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

/// The kernels of one block, loaded once on one device and shared by every
/// layer of that shape (MlpLayer) and every stream. Immutable after load, so
/// any number of threads may launch them at once.
class MlpKernels {
public:
  /// How the loaded kernels lay out a forward's workspace.
  struct LoadOptions {
    /// The intermediate as m rounded up to whole token tiles of both
    /// kernels, which its tensor maps declare, so that no TMA box crosses
    /// its last row (workspaceLayout): on the H200 the same plans ran up to
    /// 12% faster at token counts that end a tile early (docs/performance.md,
    /// session 26), and never slower by more than the noise.
    bool padIntermediate = true;
    /// Each GEMM's ragged last token tile of A (the caller's x; the
    /// intermediate when not padded) loads through a tensor map of just its
    /// rows, so that no box crosses A's last row either (kernel_abi.h's
    /// tmaALast): on the H200 a GEMM's ragged last tile cost it up to 1.5x
    /// through A's map (harness), the whole forward up to 5% (session 27),
    /// and it was never slower beyond the noise.
    bool exactLastTile = true;
    /// MLPJIT_PAD_INTERMEDIATE=0 clears padIntermediate and
    /// MLPJIT_EXACT_LAST_TILE=0 clears exactLastTile (1 or unset: on).
    static LoadOptions fromEnvironment();
  };
  /// Validates `program` and loads each kernel once (one module per kernel
  /// name: token ranges planned alike share it): its cubin when the program
  /// carries one for this device, else its PTX through the driver's JIT. The
  /// context must outlive the kernels.
  static llvm::Expected<std::shared_ptr<const MlpKernels>>
  load(const MlpProgram &program, const DeviceContext &context,
       const LoadOptions &options = LoadOptions::fromEnvironment());
  ~MlpKernels();
  MlpKernels(const MlpKernels &) = delete;
  MlpKernels &operator=(const MlpKernels &) = delete;

  const MlpProgram &program() const { return prog; }
  const DeviceContext &context() const { return ctx; }
  const LoadOptions &loadOptions() const { return options; }
  /// Bytes of workspace one forward with up to `mMax` tokens needs (mMax is
  /// clamped to the program's token range): the [m, intermediate]
  /// activations between the two GEMMs, split-K (and stream-K) partial sums
  /// and arrival counters, each 256-byte aligned. Stream-K's partials are
  /// sized for the grid its launches get on this context's device.
  size_t workspaceBytes(int64_t mMax) const;
  /// Every loaded kernel (one per name) with its descriptor (that of the
  /// first token range it serves) and driver-reported resources.
  std::vector<const LoadedKernel *> kernels() const;

  /// The kernel pair that serves token counts [mMin, mMax], with the
  /// program's descriptors of this range (a loaded kernel's own desc() is
  /// its first range's) and its split-K counter bytes (laid out at the
  /// workspace's start, gate-up's first).
  struct Bucket {
    int64_t mMin, mMax;
    const LoadedKernel *gateUp = nullptr, *down = nullptr;
    const KernelDesc *gateUpDesc = nullptr, *downDesc = nullptr;
    size_t gateUpCounterBytes = 0, downCounterBytes = 0;
  };
  const Bucket *bucketFor(int64_t m) const;
  /// Where the parts of one forward's workspace lie for `m` tokens.
  struct WorkspaceLayout {
    // Offsets of gate-up's and down's split-K counters (Bucket's sizes).
    size_t gateUpCounters = 0, downCounters = 0;
    size_t intermediate = 0, partials = 0;
    size_t total = 0;
    // Rows of the intermediate: m, or with LoadOptions::padIntermediate m
    // rounded up to whole token tiles of both kernels.
    int64_t intermediateRows = 0;
  };
  WorkspaceLayout workspaceLayout(const Bucket &bucket, int64_t m) const;

private:
  MlpKernels(const DeviceContext &context) : ctx(context) {}
  const DeviceContext &ctx;
  MlpProgram prog;
  std::vector<std::unique_ptr<LoadedKernel>> loaded;
  std::vector<Bucket> buckets;
  LoadOptions options;
};

/// One layer's weights on top of shared kernels: the packed gate/up weight
/// (gated blocks) is the only device memory it owns. forward takes the
/// caller's workspace, so one workspace per concurrent stream serves every
/// layer, and forwards of one layer on several streams run concurrently.
///
/// Weight lifetimes: gate and up (and their biases) are copied on `stream`
/// into the layer's packed buffer; they may be freed once that stream has
/// passed the copy. down and the down bias (and up, for plain GPT-2 style
/// blocks, which pack nothing) are used in place: they must stay alive and
/// unchanged until the layer is destroyed or given new weights.
class MlpLayer {
public:
  /// Allocates the packed gate/up weight (gated blocks); no weights yet.
  static llvm::Expected<std::unique_ptr<MlpLayer>>
  create(std::shared_ptr<const MlpKernels> kernels);
  ~MlpLayer();
  MlpLayer(const MlpLayer &) = delete;
  MlpLayer &operator=(const MlpLayer &) = delete;

  /// Copies gate and up into the planned layout (gate/up rows interleaved in
  /// blocks of program().interleaveRows) on `stream`, device to device;
  /// down is used in place. A failed call leaves the layer without weights.
  llvm::Error setWeights(const WeightPointers &weights, CUstream stream);
  /// The same from one stacked [2 * intermediate, hidden] gate_up tensor
  /// (Phi-3's gate_up_proj) and its optional [2 * intermediate] bias.
  llvm::Error setPackedGateUp(const void *gateUp, const void *down,
                              const void *gateUpBias, const void *downBias,
                              CUstream stream);
  /// Runs on `other`'s weights from now on, copying nothing: its packed
  /// gate/up weight and its down weight (e.g. tuned kernels beside the
  /// heuristic's on one copy). `other` must hold weights of the same block
  /// (shapes, dtype, epilogue, bias, gate/up interleave) and keep them while
  /// this layer runs. The layer's own packed buffer stays (for setWeights).
  /// A failed call leaves the layer without weights (its own are kept when
  /// `other` is this layer).
  llvm::Error shareWeights(const MlpLayer &other);

  /// y[m, hidden] = down(act(gate(x)) * up(x)) on `stream` in `workspace`
  /// (256-byte aligned, at least kernels().workspaceBytes(m) bytes). The
  /// split-K counters in the workspace start at zero: the gate-up kernel
  /// zeroes the down GEMM's, a cuMemsetD8Async gate-up's own when it splits
  /// K (split-K or stream-K). Allocates nothing, never synchronizes:
  /// capturable.
  llvm::Error forward(const void *x, void *y, int64_t m, void *workspace,
                      size_t workspaceBytes, CUstream stream) const;
  /// The two halves of forward, for timing each kernel: gateUp writes the
  /// workspace's intermediate and zeroes down's counters, down reads them
  /// (same m, same workspace, gateUp first).
  llvm::Error gateUp(const void *x, int64_t m, void *workspace,
                     size_t workspaceBytes, CUstream stream) const;
  llvm::Error down(void *y, int64_t m, void *workspace, size_t workspaceBytes,
                   CUstream stream) const;

  const MlpKernels &kernels() const { return *shared; }
  const MlpProgram &program() const { return shared->program(); }
  bool hasWeights() const { return weightsSet; }
  /// Device memory the layer owns: the packed gate/up weight and bias.
  size_t ownedBytes() const { return packedWeight.size() + packedBias.size(); }

private:
  explicit MlpLayer(std::shared_ptr<const MlpKernels> kernels)
      : shared(std::move(kernels)) {}
  llvm::Error checkForward(const void *p, int64_t m, void *workspace,
                           size_t workspaceBytes, const char *what,
                           const MlpKernels::Bucket *&bucket,
                           MlpKernels::WorkspaceLayout &layout) const;
  llvm::Error launchGateUp(const MlpKernels::Bucket &bucket,
                           const MlpKernels::WorkspaceLayout &layout,
                           const void *x, int64_t m, char *workspace,
                           CUstream stream) const;
  llvm::Error launchDown(const MlpKernels::Bucket &bucket,
                         const MlpKernels::WorkspaceLayout &layout, void *y,
                         int64_t m, char *workspace, CUstream stream) const;
  llvm::Error packGateUp(const void *gate, const void *up, const void *gateBias,
                         const void *upBias, CUstream stream);

  std::shared_ptr<const MlpKernels> shared;
  DeviceBuffer packedWeight, packedBias;
  const void *gateUpWeight = nullptr, *gateUpBias = nullptr;
  const void *downWeight = nullptr, *downBias = nullptr;
  bool weightsSet = false;
};

/// One block as one object: its own kernels, one layer and a workspace for
/// the whole token range. Convenient for one block in a test or a tool; a
/// model with many layers uses MlpKernels + MlpLayer and one workspace per
/// stream instead. One forward at a time per Mlp (one workspace).
class Mlp {
public:
  /// Loads every kernel of `program` and allocates the packed gate/up weight
  /// and a workspace for tokensMax tokens. The context must outlive the Mlp.
  static llvm::Expected<std::unique_ptr<Mlp>>
  load(const MlpProgram &program, const DeviceContext &context,
       const MlpKernels::LoadOptions &options =
           MlpKernels::LoadOptions::fromEnvironment());
  ~Mlp();
  Mlp(const Mlp &) = delete;
  Mlp &operator=(const Mlp &) = delete;

  /// As MlpLayer::setWeights / setPackedGateUp.
  llvm::Error setWeights(const WeightPointers &weights, CUstream stream);
  llvm::Error setPackedGateUp(const void *gateUp, const void *down,
                              const void *gateUpBias, const void *downBias,
                              CUstream stream);
  /// As MlpLayer::shareWeights (`other` keeps its weights while this runs).
  llvm::Error shareWeights(const Mlp &other);

  /// y[m, hidden] = down(act(gate(x)) * up(x)) in the Mlp's workspace.
  llvm::Error forward(const void *x, void *y, int64_t m, CUstream stream) const;
  /// The two halves of forward, for timing each kernel.
  llvm::Error gateUp(const void *x, int64_t m, CUstream stream) const;
  llvm::Error down(void *y, int64_t m, CUstream stream) const;

  const MlpProgram &program() const { return layer->program(); }
  const MlpLayer &mlpLayer() const { return *layer; }
  /// Device memory the Mlp owns: the packed gate/up weight (gated blocks)
  /// and the workspace (activations between the two GEMMs, split-K
  /// scratch).
  size_t workspaceBytes() const { return workspace.size(); }
  size_t ownedBytes() const { return layer->ownedBytes() + workspace.size(); }
  std::vector<const LoadedKernel *> kernels() const {
    return layer->kernels().kernels();
  }

private:
  Mlp() = default;
  std::unique_ptr<MlpLayer> layer;
  DeviceBuffer workspace;
};

} // namespace mlpjit

#endif // MLPJIT_MLPJIT_H
