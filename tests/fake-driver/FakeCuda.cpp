//===- FakeCuda.cpp - a libcuda.so.1 with no GPU behind it ----------------===//
//
// Exports every driver entry point the runtime looks up, under the names
// cuda.h maps them to, so the runtime's loading path can be tested without a
// GPU: FAKE_CUDA_INIT=<CUresult> makes cuInit fail with that code,
// FAKE_CUDA_DEVICES=<n> sets the device count, every other call fails with
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
  auto is = [&](const char *n) { return std::strcmp(name, n) == 0; };
  if (is("cuInit"))
    return envInt("FAKE_CUDA_INIT", CUDA_SUCCESS);
  if (is("cuDeviceGetCount")) {
    *reinterpret_cast<int *>(a0) = envInt("FAKE_CUDA_DEVICES", 0);
    return CUDA_SUCCESS;
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
