//===- Driver.h - the CUDA driver API, loaded at run time ------------------===//
//
// mlpjit never links libcuda: build machines and CI have no driver. The
// driver is dlopen'ed ("libcuda.so.1") on first use; without it everything up
// to PTX still works and GPU entry points return a clear error.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_DRIVER_H
#define MLPJIT_DRIVER_H

#include <cuda.h>

#include "llvm/Support/Error.h"

namespace mlpjit {

// X(name): each entry point by its cuda.h name; the table's member has the
// type of the cuda.h function, and Driver.cpp loads the versioned symbol that
// cuda.h maps the name to.
#define MLPJIT_DRIVER_FUNCTIONS(X)                                             \
  X(cuInit)                                                                    \
  X(cuDriverGetVersion)                                                        \
  X(cuGetErrorName)                                                            \
  X(cuGetErrorString)                                                          \
  X(cuDeviceGet)                                                               \
  X(cuDeviceGetCount)                                                          \
  X(cuDeviceGetName)                                                           \
  X(cuDeviceGetAttribute)                                                      \
  X(cuDevicePrimaryCtxRetain)                                                  \
  X(cuDevicePrimaryCtxRelease)                                                 \
  X(cuCtxSetCurrent)                                                           \
  X(cuCtxGetCurrent)                                                           \
  X(cuCtxGetDevice)                                                            \
  X(cuCtxSynchronize)                                                          \
  X(cuModuleLoadDataEx)                                                        \
  X(cuModuleUnload)                                                            \
  X(cuModuleGetFunction)                                                       \
  X(cuFuncGetAttribute)                                                        \
  X(cuFuncSetAttribute)                                                        \
  X(cuOccupancyMaxActiveBlocksPerMultiprocessor)                               \
  X(cuOccupancyMaxActiveClusters)                                              \
  X(cuLaunchKernel)                                                            \
  X(cuLaunchKernelEx)                                                          \
  X(cuTensorMapEncodeTiled)                                                    \
  X(cuMemAlloc)                                                                \
  X(cuMemFree)                                                                 \
  X(cuMemcpyHtoD)                                                              \
  X(cuMemcpyDtoH)                                                              \
  X(cuMemcpyDtoD)                                                              \
  X(cuMemsetD8)                                                                \
  X(cuMemsetD8Async)                                                           \
  X(cuMemcpyAsync)                                                             \
  X(cuMemcpy2DAsync)                                                           \
  X(cuPointerGetAttribute)                                                     \
  X(cuStreamCreate)                                                            \
  X(cuStreamDestroy)                                                           \
  X(cuStreamSynchronize)                                                       \
  X(cuEventCreate)                                                             \
  X(cuEventDestroy)                                                            \
  X(cuEventRecord)                                                             \
  X(cuEventSynchronize)                                                        \
  X(cuEventElapsedTime)                                                        \
  X(cuStreamBeginCapture)                                                      \
  X(cuStreamEndCapture)                                                        \
  X(cuGraphInstantiate)                                                        \
  X(cuGraphLaunch)                                                             \
  X(cuGraphDestroy)                                                            \
  X(cuGraphExecDestroy)                                                        \
  X(cuMemGetInfo)

/// Function table of the loaded driver. Obtain it with Driver::get().
struct Driver {
#define MLPJIT_DECLARE_DRIVER_FN(name) decltype(&::name) name = nullptr;
  MLPJIT_DRIVER_FUNCTIONS(MLPJIT_DECLARE_DRIVER_FN)
#undef MLPJIT_DECLARE_DRIVER_FN

  /// Loads libcuda.so.1 and calls cuInit once (thread-safe). Fails with a
  /// message saying why when there is no driver or no GPU.
  static llvm::Expected<const Driver &> get();

  /// True when get() would succeed; never prints.
  static bool available();

  /// "CUDA_ERROR_X: message" for a driver result code.
  std::string describe(CUresult result) const;

  /// Turns a driver result into an llvm::Error naming the call that failed.
  llvm::Error check(CUresult result, const char *what) const;
};

} // namespace mlpjit

#endif // MLPJIT_DRIVER_H
