//===- ElementKinds.h - element types and epilogues, dependency-free -----===//
//
// The element types and epilogues a kernel can have, without the rest of
// KernelDesc.h (which needs LLVM's JSON): HostReference.h and the nvcc-built
// GPU harness (tests/gpu) use them through this header alone.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_ELEMENTKINDS_H
#define MLPJIT_ELEMENTKINDS_H

#include <cstdint>

namespace mlpjit {

enum class DType : uint8_t { bf16, f16 };

/// Same order and meaning as the dialect's EpilogueKind.
enum class Epilogue : uint8_t {
  none,       // D = acc
  silu,       // D = silu(acc)
  gelu_tanh,  // D = gelu_tanh(acc)
  gelu_erf,   // D = gelu_erf(acc)
  relu,       // D = relu(acc)
  swiglu,     // D = silu(gate) * up
  geglu_tanh, // D = gelu_tanh(gate) * up
  geglu_erf,  // D = gelu_erf(gate) * up
  reglu,      // D = relu(gate) * up
};

inline bool isGated(Epilogue e) {
  return e == Epilogue::swiglu || e == Epilogue::geglu_tanh ||
         e == Epilogue::geglu_erf || e == Epilogue::reglu;
}

} // namespace mlpjit

#endif // MLPJIT_ELEMENTKINDS_H
