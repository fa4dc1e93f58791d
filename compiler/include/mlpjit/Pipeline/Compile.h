//===- Compile.h - spec to PTX as named stages, MLIR-free interface --------===//
//
// The whole compiler behind a few MLIR-free calls. The stages, in order:
//   input   - the spec's textbook MLP as `mlp` dialect IR
//   passes  - the IR after each pass of mlp-default-pipeline
//   kernels - one KernelDesc per planned GEMM kernel and token bucket
//   cuda    - the generated translation unit of each kernel
//   ptx     - NVRTC's PTX for each kernel (through the kernel cache)
// Each stage function returns its artifact; mlpjit-dump prints any of them.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_PIPELINE_COMPILE_H
#define MLPJIT_PIPELINE_COMPILE_H

#include "mlpjit/Frontend/MlpSpec.h"
#include "mlpjit/KernelDesc.h"
#include "mlpjit/MlpProgram.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlpjit {

struct CompileOptions {
  std::string arch;     // "" = the spec's arch, else the device's, else sm_90a
  bool useCache = true; // the in-memory and on-disk kernel cache (KernelCache)
  /// Each kernel's cubin too, from the same NVRTC run (up to 1.8x its CPU
  /// time; the same wall time on a 16-core H100 host): the runtime loads it
  /// without the driver's JIT, which otherwise compiles every kernel's PTX
  /// one after another at load (llama-3-8b: 9.1 s against 0.03 s). For
  /// callers that load the kernels; PTX alone when only stages are wanted.
  bool cubin = false;
  /// Measured plans over the heuristic's (TunedPlans.h): unset = the default
  /// file (defaultTuningFile(); unreadable: a warning, then the heuristic);
  /// "" = none; a path = that file (unreadable: an error).
  std::optional<std::string> tuningFile;
  /// NVRTC worker threads: 0 = one per core; never more than one per kernel.
  int threads = 0;
  /// The largest gate/up interleave block (rows: 8, 16, 32 or 64) the
  /// concatenation may choose; 0 = $MLPJIT_GATE_UP_BLOCK, else 16
  /// (kDefaultGateUpBlock: gated tiles of every width from 64 to 256 rows).
  int maxGateUpBlock = 0;
  /// The GPU the planner's cost model is scaled to (DeviceModel::forGpu):
  /// 0 = the GPU present when the target arch is its arch, else the H200
  /// the model was fitted on. For ahead-of-time builds for another GPU.
  int smCount = 0;
  double memoryGBs = 0; // peak DRAM bandwidth, GB/s
};

/// $MLPJIT_TUNING_FILE when set (empty: no tuning), else tuning.json in the
/// kernel cache directory (where `mlpjit-bench --tune` writes).
std::string defaultTuningFile();

/// The target a spec compiles for: --arch, else the spec's, else the GPU's
/// (when a driver and GPU are present), else sm_90a.
std::string resolveArch(const MlpSpec &spec, const CompileOptions &options);

/// The GPU the planner plans for when compiling for `arch`: the options'
/// smCount and memoryGBs where set, the rest from the GPU present when
/// `arch` is its target (zeros otherwise: the fitted H200's values).
std::pair<int, double> resolveTargetGpu(llvm::StringRef arch,
                                        const CompileOptions &options);

/// Stage `input`: the textbook MLP as MLIR text.
llvm::Expected<std::string> inputIR(llvm::ArrayRef<MlpSpec> specs);

/// Stages `passes` and `kernels`: runs mlp-default-pipeline for `arch`; when
/// `printAfterEach` is set, the IR after each pass is written there, each
/// headed by the pass name.
llvm::Expected<std::vector<KernelDesc>>
planKernels(const MlpSpec &spec, llvm::StringRef arch,
            llvm::raw_ostream *printAfterEach = nullptr,
            const CompileOptions &options = {});

struct CompiledKernel {
  KernelDesc desc;
  std::string cudaSource; // stage `cuda`
  std::string ptx;        // stage `ptx`
  std::string cubin;      // with CompileOptions::cubin
  std::string nvrtcLog;
  bool cacheHit = false;
};

struct CompiledMlp {
  MlpSpec spec; // arch resolved
  std::vector<CompiledKernel> kernels; // gate_up and down kernels per bucket
  double compileSeconds = 0;
  /// The first of each kernel name: token buckets planned alike share one
  /// kernel (collectKernels), compiled once.
  std::vector<const CompiledKernel *> distinctKernels() const;
  int kernelCount() const { return int(distinctKernels().size()); }
  /// Distinct kernels that came from the cache.
  int cacheHits() const;
};

/// All stages; kernels compile in parallel. Thread-safe.
llvm::Expected<CompiledMlp> compileMlp(const MlpSpec &spec,
                                       const CompileOptions &options = {});

/// What the runtime loads (mlpjit::Mlp::load).
MlpProgram toProgram(const CompiledMlp &compiled);

} // namespace mlpjit

#endif // MLPJIT_PIPELINE_COMPILE_H
