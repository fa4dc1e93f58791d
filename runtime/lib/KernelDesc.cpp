//===- KernelDesc.cpp -----------------------------------------------------===//
#include "mlpjit/KernelDesc.h"

namespace mlpjit {
const char *toString(DType t) { return t == DType::bf16 ? "bf16" : "f16"; }
const char *toString(Epilogue e) {
  static const char *names[] = {"none",      "silu",       "gelu_tanh",
                                "gelu_erf",  "relu",       "swiglu",
                                "geglu_tanh", "geglu_erf", "reglu"};
  return names[static_cast<int>(e)];
}
const char *toString(KernelRole r) {
  return r == KernelRole::gate_up ? "gate_up" : "down";
}
} // namespace mlpjit
