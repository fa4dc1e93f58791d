//===- Module.h - device context and loaded kernels (RAII) ----------------===//
//
// Thin owners over the driver API: the primary context of a GPU, a PTX module
// loaded through the driver's JIT, and a kernel of it with its resource usage.
// Every failure is an llvm::Error carrying the driver's error name and text.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_MODULE_H
#define MLPJIT_MODULE_H

#include "mlpjit/Arch.h"
#include "mlpjit/Driver.h"
#include "mlpjit/MlpProgram.h"

#include <cstdint>
#include <memory>
#include <string>

namespace mlpjit {

/// The retained primary context of one GPU, made current on creation.
class DeviceContext {
public:
  /// Fails with a clear message without a driver, without a GPU, or on a GPU
  /// older than sm_80 (the oldest the templates support).
  static llvm::Expected<std::unique_ptr<DeviceContext>> create(int ordinal = 0);
  /// What the compiler reads of GPU `ordinal` without creating a context:
  /// its target (Arch::forDevice) and what the planner's cost model scales
  /// to (KernelHeuristic.h, DeviceModel::forGpu).
  struct Traits {
    std::string name; // "NVIDIA H100 80GB HBM3"
    Arch arch;
    int smCount = 0;
    double memoryGBs = 0; // peak DRAM bandwidth: memory clock x bus width x 2
  };
  static llvm::Expected<Traits> probe(int ordinal = 0);
  ~DeviceContext();
  DeviceContext(const DeviceContext &) = delete;
  DeviceContext &operator=(const DeviceContext &) = delete;

  const Driver &driver() const { return d; }
  CUcontext context() const { return ctx; }
  CUdevice device() const { return dev; }
  const std::string &name() const { return deviceName; }
  /// "sm_90a" on Hopper (wgmma needs the arch-specific target), else "sm_XY".
  const std::string &arch() const { return deviceArch; }
  int computeCapability() const { return cc; } // 90 for sm_90
  int numSMs() const { return smCount; }
  int64_t l2Bytes() const { return l2; }
  int64_t totalMemoryBytes() const { return totalMemory; }
  /// Free device memory now (cuMemGetInfo).
  llvm::Expected<int64_t> freeMemoryBytes() const;
  /// Binds the context to the calling thread.
  llvm::Error makeCurrent() const;
  /// makeCurrent unless it already is (one cheap query on the hot path).
  llvm::Error ensureCurrent() const;

private:
  explicit DeviceContext(const Driver &driver) : d(driver) {}
  const Driver &d;
  CUdevice dev = 0;
  CUcontext ctx = nullptr;
  std::string deviceName, deviceArch;
  int cc = 0, smCount = 0;
  int64_t l2 = 0, totalMemory = 0;
};

/// Whether code compiled for `kernelArch` ("sm_90a", "sm_80", ...) runs on a
/// GPU of `deviceArch`: an arch-specific target ("a") only on that very
/// arch, a plain one on its own or any later compute capability (the driver
/// JIT-compiles the PTX). Otherwise a message naming both.
llvm::Error checkArchRunsOn(llvm::StringRef kernelArch,
                            llvm::StringRef deviceArch);

/// Whether `kernel` can be loaded on a GPU of `deviceArch`: its cubin runs
/// there (Arch::cubinRunsOn), or it has PTX for a target that runs there
/// (Arch::runsOn). Otherwise a message naming the kernel's arch, what it
/// carries and the device's arch.
llvm::Error checkKernelRunsOn(const KernelArtifact &kernel,
                              llvm::StringRef deviceArch);

/// Device memory (cuMemAlloc / cuMemFree). Movable, not copyable.
class DeviceBuffer {
public:
  DeviceBuffer() = default;
  static llvm::Expected<DeviceBuffer> allocate(const DeviceContext &context,
                                               size_t bytes);
  ~DeviceBuffer() { reset(); }
  DeviceBuffer(DeviceBuffer &&other) noexcept { *this = std::move(other); }
  DeviceBuffer &operator=(DeviceBuffer &&other) noexcept;
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;

  CUdeviceptr ptr() const { return p; }
  void *get() const { return reinterpret_cast<void *>(p); }
  size_t size() const { return bytes; }
  void reset();

private:
  const Driver *d = nullptr;
  CUdeviceptr p = 0;
  size_t bytes = 0;
};

/// A non-blocking stream (cuStreamCreate / cuStreamDestroy).
class Stream {
public:
  static llvm::Expected<std::unique_ptr<Stream>>
  create(const DeviceContext &context);
  ~Stream();
  Stream(const Stream &) = delete;
  Stream &operator=(const Stream &) = delete;

  CUstream get() const { return s; }
  llvm::Error synchronize() const;

private:
  explicit Stream(const Driver &driver) : d(driver) {}
  const Driver &d;
  CUstream s = nullptr;
};

/// What the driver reports about a loaded kernel.
struct KernelResources {
  int registers = 0;
  int localBytes = 0; // stack frame and spills; 0 for a healthy kernel
  int staticSharedBytes = 0;
  int maxThreadsPerBlock = 0;
  std::string jitLog; // the driver JIT's info log (PTX -> SASS)
  bool fromCubin = false; // loaded from a cubin (no driver JIT)
};

/// One generated kernel: its module (unloaded on destruction), entry point,
/// descriptor and resources. Loads the artifact's cubin when it runs on the
/// device, else its PTX. Dynamic shared memory above 48 KB is enabled
/// at load time for the amount the kernel's launch shape needs.
class LoadedKernel {
public:
  static llvm::Expected<std::unique_ptr<LoadedKernel>>
  load(const DeviceContext &context, const KernelArtifact &artifact);
  ~LoadedKernel();
  LoadedKernel(const LoadedKernel &) = delete;
  LoadedKernel &operator=(const LoadedKernel &) = delete;

  CUfunction function() const { return fn; }
  const KernelDesc &desc() const { return kernelDesc; }
  const KernelResources &resources() const { return res; }
  /// CTAs of this kernel the device holds at once, from the driver's
  /// occupancy queries (whole clusters for clustered kernels); 0 when the
  /// driver could not say. Persistent grids are sized with it.
  int residentCtas() const { return resident; }
  int numSMs() const { return smCount; }

private:
  explicit LoadedKernel(const Driver &driver) : d(driver) {}
  const Driver &d;
  CUmodule module = nullptr;
  CUfunction fn = nullptr;
  KernelDesc kernelDesc;
  KernelResources res;
  int resident = 0, smCount = 0;
};

} // namespace mlpjit

#endif // MLPJIT_MODULE_H
