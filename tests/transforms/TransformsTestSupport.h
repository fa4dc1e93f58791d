//===- TransformsTestSupport.h - what the pass tests share ----------------===//
#ifndef MLPJIT_TESTS_TRANSFORMS_TRANSFORMSTESTSUPPORT_H
#define MLPJIT_TESTS_TRANSFORMS_TRANSFORMSTESTSUPPORT_H

#include "mlpjit/Frontend/MlpSpec.h"

#include "mlir/IR/Diagnostics.h"

#include <cstdint>
#include <random>
#include <string>

namespace mlpjit::testing {

/// Every activation the spec language has.
inline constexpr Activation kAllActivations[] = {
    Activation::swiglu, Activation::geglu_tanh, Activation::geglu_erf,
    Activation::reglu,  Activation::gelu_tanh,  Activation::gelu_erf,
    Activation::relu,   Activation::silu};

/// A fresh seed per run, printed on failure, so each run tests new inputs.
inline uint64_t freshSeed() {
  static std::random_device device;
  return (uint64_t(device()) << 32) | device();
}

/// Collects diagnostics so a failing pipeline explains itself.
struct Diagnostics {
  explicit Diagnostics(mlir::MLIRContext &context)
      : handler(&context, [this](mlir::Diagnostic &d) {
          text += d.str() + "\n";
          return mlir::success();
        }) {}
  std::string text;
  mlir::ScopedDiagnosticHandler handler;
};

} // namespace mlpjit::testing

#endif // MLPJIT_TESTS_TRANSFORMS_TRANSFORMSTESTSUPPORT_H
