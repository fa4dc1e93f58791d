//===- FakeCuda.cpp - a libcuda.so.1 with no GPU behind it ----------------===//
//
// Exports every driver entry point the runtime looks up, under the names
// cuda.h maps them to, so the runtime's loading path can be tested without a
// GPU: FAKE_CUDA_INIT=<CUresult> makes cuInit fail with that code,
// FAKE_CUDA_DEVICES=<n> sets the device count, FAKE_CUDA_CC=<XY> makes the
// device queries and the primary context succeed for a device of compute
// capability X.Y (enough for DeviceContext::create and the arch checks that
// precede any module load) with FAKE_CUDA_SMS=<n> SMs and a 6144-bit memory
// bus at FAKE_CUDA_MEMORY_KHZ=<kHz> (default: an H200's 132 and 3201000),
// every other call fails with
// CUDA_ERROR_NOT_SUPPORTED. Built with FAKE_CUDA_UNVERSIONED it exports the
// plain names instead (cuMemAlloc for cuMemAlloc_v2), as a driver from
// before those ABI changes would. Linux x86-64 only: each stub reads its
// first two integer arguments whatever the real signature. Too little for
// NVRTC, which loads libcuda.so.1 too: tests compile their kernels first.
//
//===----------------------------------------------------------------------===//
#include "mlpjit/Driver.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace {

int envInt(const char *name, int fallback) {
  const char *v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

int dispatch(const char *name, uintptr_t a0, uintptr_t a1) {
  // The name as the stub was declared: cuda.h's versioned one (cuMemGetInfo
  // is cuMemGetInfo_v2) unless FAKE_CUDA_UNVERSIONED.
  auto is = [&](const char *n) {
    size_t len = std::strlen(n);
    return std::strncmp(name, n, len) == 0 &&
           (name[len] == 0 || std::strcmp(name + len, "_v2") == 0);
  };
  if (is("cuInit"))
    return envInt("FAKE_CUDA_INIT", CUDA_SUCCESS);
  if (is("cuDeviceGetCount")) {
    *reinterpret_cast<int *>(a0) = envInt("FAKE_CUDA_DEVICES", 0);
    return CUDA_SUCCESS;
  }
  if (int cc = envInt("FAKE_CUDA_CC", 0)) {
    if (is("cuDeviceGet")) {
      *reinterpret_cast<CUdevice *>(a0) = CUdevice(a1);
      return CUDA_SUCCESS;
    }
    if (is("cuDeviceGetName")) {
      std::strncpy(reinterpret_cast<char *>(a0), "Fake GPU", size_t(int(a1)));
      return CUDA_SUCCESS;
    }
    if (is("cuDeviceGetAttribute")) {
      int value = 1;
      switch (CUdevice_attribute(a1)) {
      case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR:
        value = cc / 10;
        break;
      case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR:
        value = cc % 10;
        break;
      case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT:
        value = envInt("FAKE_CUDA_SMS", 132);
        break;
      case CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE:
        value = envInt("FAKE_CUDA_MEMORY_KHZ", 3201000);
        break;
      case CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH:
        value = 6144;
        break;
      case CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE:
        value = 50 << 20;
        break;
      default:
        break;
      }
      *reinterpret_cast<int *>(a0) = value;
      return CUDA_SUCCESS;
    }
    static int fakeContext;
    if (is("cuDevicePrimaryCtxRetain") || is("cuCtxGetCurrent")) {
      *reinterpret_cast<CUcontext *>(a0) =
          reinterpret_cast<CUcontext>(&fakeContext);
      return CUDA_SUCCESS;
    }
    if (is("cuDevicePrimaryCtxRelease") || is("cuCtxSetCurrent"))
      return CUDA_SUCCESS;
    if (is("cuMemGetInfo")) {
      *reinterpret_cast<size_t *>(a0) = size_t(1) << 30;
      *reinterpret_cast<size_t *>(a1) = size_t(1) << 30;
      return CUDA_SUCCESS;
    }
  }
  const bool noDevice = int(a0) == CUDA_ERROR_NO_DEVICE;
  if (is("cuGetErrorName")) {
    *reinterpret_cast<const char **>(a1) =
        noDevice ? "CUDA_ERROR_NO_DEVICE" : "CUDA_ERROR_NOT_SUPPORTED";
    return CUDA_SUCCESS;
  }
  if (is("cuGetErrorString")) {
    *reinterpret_cast<const char **>(a1) =
        noDevice ? "no CUDA-capable device is detected"
                 : "operation not supported";
    return CUDA_SUCCESS;
  }
  return CUDA_ERROR_NOT_SUPPORTED;
}

} // namespace

#define FAKE_STR2(x) #x
#define FAKE_STR(x) FAKE_STR2(x)
// One stub per entry point; the asm label gives it the driver's symbol
// while its C++ name (fake_<name>) keeps clear of cuda.h's declaration.
#define FAKE_STUB_AS(name, symbol)                                             \
  extern "C" __attribute__((visibility("default"))) int fake_##name(           \
      uintptr_t a0, uintptr_t a1) __asm__(symbol);                             \
  int fake_##name(uintptr_t a0, uintptr_t a1) {                                \
    return dispatch(#name, a0, a1);                                            \
  }
// The symbol: the name as written (#name here, before cuda.h's macros
// apply), or what cuda.h maps it to.
#ifdef FAKE_CUDA_UNVERSIONED
#define FAKE_STUB(name) FAKE_STUB_AS(name, #name)
#else
#define FAKE_STUB(name) FAKE_STUB_AS(name, FAKE_STR(name))
#endif
MLPJIT_DRIVER_FUNCTIONS(FAKE_STUB)
