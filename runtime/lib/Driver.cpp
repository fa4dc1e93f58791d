//===- Driver.cpp - dlopen of libcuda.so.1 --------------------------------===//
#include "mlpjit/Driver.h"
#include "mlpjit/Errors.h"

#include <dlfcn.h>
#include <mutex>
#include <string>

using namespace mlpjit;

namespace {
struct LoadResult {
  Driver driver;
  std::string error; // empty on success
};

LoadResult load() {
  LoadResult r;
  void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char *why = dlerror();
    r.error = std::string("mlpjit: no CUDA driver (libcuda.so.1): ") +
              (why ? why : "unknown reason") +
              "; GPU features need an NVIDIA driver";
    return r;
  }
  // Exactly the symbol cuda.h maps each name to (cuMemcpy2DAsync ->
  // cuMemcpy2DAsync_v2): an older unversioned entry point of the same name
  // has another ABI, so a driver without the versioned one is too old.
#define MLPJIT_STR2(x) #x
#define MLPJIT_STR(x) MLPJIT_STR2(x)
#define MLPJIT_LOAD_DRIVER_FN(name)                                            \
  r.driver.name =                                                              \
      reinterpret_cast<decltype(&::name)>(dlsym(lib, MLPJIT_STR(name)));       \
  if (!r.driver.name) {                                                        \
    r.error =                                                                  \
        "mlpjit: CUDA driver too old: libcuda.so.1 lacks " MLPJIT_STR(name);   \
    return r;                                                                  \
  }
  MLPJIT_DRIVER_FUNCTIONS(MLPJIT_LOAD_DRIVER_FN)
#undef MLPJIT_LOAD_DRIVER_FN
  CUresult res = r.driver.cuInit(0);
  if (res != CUDA_SUCCESS) {
    r.error = "mlpjit: CUDA driver present but cuInit failed: " +
              r.driver.describe(res);
    return r;
  }
  int count = 0;
  if (r.driver.cuDeviceGetCount(&count) != CUDA_SUCCESS || count == 0)
    r.error = "mlpjit: CUDA driver present but no GPU is visible";
  return r;
}

const LoadResult &loaded() {
  static LoadResult result = load();
  return result;
}
} // namespace

llvm::Expected<const Driver &> Driver::get() {
  const LoadResult &r = loaded();
  if (!r.error.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(), r.error);
  return r.driver;
}

bool Driver::available() { return loaded().error.empty(); }

std::string Driver::describe(CUresult result) const {
  const char *name = nullptr, *msg = nullptr;
  if (cuGetErrorName)
    cuGetErrorName(result, &name);
  if (cuGetErrorString)
    cuGetErrorString(result, &msg);
  return std::string(name ? name : "CUDA_ERROR_UNKNOWN") + ": " +
         (msg ? msg : "unknown error code " + std::to_string(int(result)));
}

llvm::Error Driver::check(CUresult result, const char *what) const {
  if (result == CUDA_SUCCESS)
    return llvm::Error::success();
  return llvm::make_error<DriverError>(std::string(what) +
                                       " failed: " + describe(result));
}
