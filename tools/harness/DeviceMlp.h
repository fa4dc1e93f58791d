//===- DeviceMlp.h - an mlpjit MLP with random weights on the device ------===//
//
// What mlpjit-run and mlpjit-bench share: load a compiled MLP through the
// public API, fill random weights (PyTorch layout, plus the stacked
// [gate; up] copy the merged cuBLASLt baseline reads), run it, and compare
// outputs with a reference.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_TOOLS_DEVICEMLP_H
#define MLPJIT_TOOLS_DEVICEMLP_H

#include "GpuSession.h"

#include "mlpjit/Pipeline/Compile.h"
#include "mlpjit/mlpjit.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace mlpjit::harness {

/// Owning device allocation.
class DeviceArray {
public:
  explicit DeviceArray(const Driver &d) : driver(&d) {}
  DeviceArray(DeviceArray &&o) noexcept : driver(o.driver), p(o.p), n(o.n) {
    o.p = 0;
  }
  DeviceArray &operator=(DeviceArray &&) = delete;
  ~DeviceArray() {
    if (p)
      driver->cuMemFree(p);
  }
  llvm::Error allocate(size_t bytes);
  CUdeviceptr ptr() const { return p; }
  size_t bytes() const { return n; }

private:
  const Driver *driver;
  CUdeviceptr p = 0;
  size_t n = 0;
};

/// The per-token-count buffers of a timing run: kRotations random inputs x
/// and outputs y of [m, hidden] (calls rotate through them, so a timed loop
/// does not replay one x from L2), a reference output and baseline scratch.
struct TimingBuffers {
  static constexpr int kRotations = 4;
  std::vector<DeviceArray> xs, ys;
  DeviceArray yRef, scratch;

  /// x and y of call r.
  CUdeviceptr x(int r) const { return xs[r % kRotations].ptr(); }
  CUdeviceptr y(int r) const { return ys[r % kRotations].ptr(); }
  /// Calls per CUDA graph that pass through every rotation of x and y (at
  /// least twice) and every one of `weightCopies` weight copies (a power of
  /// two; at least once).
  static int callsPerGraph(int weightCopies) {
    return std::max(2 * kRotations, weightCopies);
  }
  /// x of rotation r is filled with uniform [-1, 1] from seed + r.
  static llvm::Expected<TimingBuffers>
  allocate(const GpuSession &gpu, DType dtype, int64_t m, int64_t hidden,
           size_t scratchBytes, unsigned long long seed, CUstream stream);
  /// The buffers of one benchmark point of m tokens: scratch for `baseline`,
  /// inputs seeded from 1000 + 7m (the same x on every rank).
  static llvm::Expected<TimingBuffers>
  forPoint(const GpuSession &gpu, const CublasLtMlp &baseline, DType dtype,
           int64_t m, int64_t hidden, CUstream stream) {
    return allocate(gpu, dtype, m, hidden, baseline.scratchBytes(m, 2),
                    1000 + 7 * m, stream);
  }

private:
  explicit TimingBuffers(const Driver &d) : yRef(d), scratch(d) {}
};

/// Copies n 16-bit elements of `dtype` to the host as doubles (synchronizes).
llvm::Expected<std::vector<double>> toHost(const GpuSession &gpu, CUdeviceptr p,
                                           size_t n, DType dtype);

/// ‖out − ref‖ / ‖ref‖ over n elements; a NaN anywhere in out (e.g. an
/// element never written over the poison) yields NaN, which fails every check.
llvm::Expected<double> relativeError(const GpuSession &gpu, CUdeviceptr out,
                                     CUdeviceptr ref, size_t n, DType dtype);

/// Random weights of spec.hidden x spec.intermediate (activation, dtype and
/// bias from the spec) in PyTorch layout, plus the stacked [gate; up] copy
/// of gated blocks; filled from `seed` on, reproducibly. The buffers are
/// appended to `storage`.
llvm::Expected<MlpWeights> randomWeights(GpuSession &gpu, const MlpSpec &spec,
                                         unsigned long long seed,
                                         std::vector<DeviceArray> &storage);

/// Bytes of the weight matrices a forward streams (gate of gated blocks, up
/// and down; 16-bit, as randomWeights fills them): what a timed loop's weight
/// copies (coldWeightCopies) are sized by.
inline int64_t blockWeightBytes(const MlpSpec &spec) {
  return (isGated(spec.activation) ? 3 : 2) * spec.hidden * spec.intermediate *
         2;
}

class DeviceMlp {
public:
  /// Loads `compiled` with `weightCopies` copies of random weights, copy c
  /// from seed + 1000c (one layer each, on one set of kernels); or, with
  /// `weightsOf` (of the same block, outliving the result), on that object's
  /// copies, their packed gate/up weights included (MlpLayer::shareWeights),
  /// so that two plan sets stream the same memory. `load` as
  /// MlpKernels::load takes it.
  static llvm::Expected<std::unique_ptr<DeviceMlp>>
  create(GpuSession &gpu, const CompiledMlp &compiled, unsigned long long seed,
         const DeviceMlp *weightsOf = nullptr,
         const MlpKernels::LoadOptions &load =
             MlpKernels::LoadOptions::fromEnvironment(),
         int weightCopies = 1);
  /// Compiles `spec` (tuningFile as CompileOptions takes it: unset, the
  /// default file; empty, the heuristic's plans alone) and creates it with
  /// weights from seed 17 (or `weightsOf`'s), as the benchmark and the tuner
  /// use it.
  static llvm::Expected<std::unique_ptr<DeviceMlp>>
  compile(GpuSession &gpu, const MlpSpec &spec,
          std::optional<std::string> tuningFile,
          const DeviceMlp *weightsOf = nullptr,
          const MlpKernels::LoadOptions &load =
              MlpKernels::LoadOptions::fromEnvironment(),
          int weightCopies = 1);
  ~DeviceMlp();

  /// Runs forward, gateUp and down in this workspace (at least
  /// workspaceBytes()) instead of the Mlp's own: plan sets compared in one
  /// process share one, as they share the weights.
  void useWorkspace(CUdeviceptr workspace, size_t bytes) {
    externalWorkspace = workspace;
    externalWorkspaceBytes = bytes;
  }
  size_t workspaceBytes() const;

  /// y[m, h] = mlp(x[m, h]): both kernels, on weight copy
  /// `call` % weightCopies() (a timed loop passes its call index).
  llvm::Error forward(CUdeviceptr x, CUdeviceptr y, int64_t m, CUstream stream,
                      int call = 0) const;
  /// Only the first (gate-up) or the second (down) kernel, for timing.
  llvm::Error gateUp(CUdeviceptr x, int64_t m, CUstream stream,
                     int call = 0) const;
  llvm::Error down(CUdeviceptr y, int64_t m, CUstream stream,
                   int call = 0) const;

  int weightCopies() const { return int(layers.size()); }
  /// The weights of copy `call` % weightCopies().
  const MlpWeights &weights(int call = 0) const {
    return copies[size_t(call) % copies.size()];
  }
  /// The cuBLASLt MLPs (unfused and merged) of this block, the baselines the
  /// checks and the benchmark compare with.
  CublasLtMlp cublasLtBaseline() const;
  const MlpSpec &spec() const { return specCopy; }
  const CompiledMlp &compiled() const { return program; }

  /// float64 CPU reference of the given rows of y = mlp(x) on weight copy
  /// `call` % weightCopies(), compared with the device output: ‖y − ref‖ /
  /// ‖ref‖ over those rows.
  llvm::Expected<double> cpuCheck(CUdeviceptr x, CUdeviceptr y, int64_t m,
                                  llvm::ArrayRef<int64_t> rows, int call = 0);

  /// The check every tool runs before timing: y and yRef poisoned, y =
  /// forward(x) on weight copy `call`, yRef = `baseline`'s unfused MLP of x
  /// on the same copy, then y against yRef and against the float64
  /// reference on `cpuRows` (cpuCheck).
  struct Check {
    double relErrCublas = 0, relErrCpu = 0;
    bool cublasChecked = true;
    /// NaN compares false: an element left poisoned fails.
    bool passed() const {
      return (!cublasChecked || relErrCublas <= 1e-2) && relErrCpu <= 1e-2;
    }
  };
  /// baseline null: the float64 CPU rows only (compute-sanitizer's
  /// racecheck faults inside cuBLASLt's own kernels).
  llvm::Expected<Check> checkForward(CublasLtMlp *baseline, CUdeviceptr x,
                                     CUdeviceptr y, CUdeviceptr yRef,
                                     CUdeviceptr scratch, int64_t m,
                                     llvm::ArrayRef<int64_t> cpuRows,
                                     CUstream stream, int call = 0);

private:
  DeviceMlp(GpuSession &gpu) : gpu(gpu) {}
  const MlpLayer &layer(int call) const {
    return *layers[size_t(call) % layers.size()];
  }
  void *workspacePtr() const;
  size_t workspaceSize() const;
  GpuSession &gpu;
  MlpSpec specCopy;
  CompiledMlp program;
  std::shared_ptr<const MlpKernels> kernels;
  std::vector<std::unique_ptr<MlpLayer>> layers; // one per weight copy
  DeviceBuffer ownWorkspace;
  CUdeviceptr externalWorkspace = 0;
  size_t externalWorkspaceBytes = 0;
  std::vector<DeviceArray> storage;
  std::vector<MlpWeights> copies;
  // Host copies of the weights of each weight copy cpuCheck has read (the
  // bench checks the first and the last at every token count), on demand.
  struct HostWeights {
    std::vector<double> gate, up, down, gateBias, upBias, downBias;
  };
  std::map<int, HostWeights> hostWeights;
};

} // namespace mlpjit::harness

#endif
