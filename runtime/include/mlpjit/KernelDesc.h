//===- KernelDesc.h - what the runtime knows about a generated kernel ------===//
//
// The contract between the compiler (which plans and generates kernels) and
// the runtime (which loads and launches them). Deliberately MLIR-free: the
// runtime receives PTX plus one KernelDesc per kernel.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_KERNELDESC_H
#define MLPJIT_KERNELDESC_H

#include <cstdint>
#include <string>

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

/// Gate/up interleave blocks the gated kernels implement: a power of two
/// from 8 to 64 rows. The pipeline picks the largest one that divides the
/// (per-rank) intermediate size, so every multiple of 8 has one and every
/// multiple of 64 keeps 64.
constexpr int64_t kMaxGateUpBlock = 64;
constexpr bool isSupportedGateUpBlock(int64_t rows) {
  return rows == 8 || rows == 16 || rows == 32 || rows == 64;
}
/// The largest supported block dividing `intermediate`, or 0 when there is
/// none (intermediate not a positive multiple of 8).
constexpr int64_t gateUpBlockFor(int64_t intermediate) {
  for (int64_t b = kMaxGateUpBlock; b >= 8; b /= 2)
    if (intermediate > 0 && intermediate % b == 0)
      return b;
  return 0;
}

/// Which projection of the MLP block a kernel computes.
enum class KernelRole : uint8_t { gate_up, down };

/// One GEMM kernel: D[M, Nout] = epilogue(A[M, K] · W[N, K]ᵀ (+ bias[N])),
/// Nout = N/2 for gated epilogues (W holds gate and up rows interleaved in
/// blocks of `interleaveRows`), else N. M is a run-time argument in
/// [mMin, mMax]; everything else is a compile-time constant of the kernel.
struct KernelDesc {
  std::string name;         // entry point symbol, unique within its MLP
  std::string templateName; // kernel template, e.g. "sm90_tma_ws", "sm80_mma"
  std::string arch = "sm_90a";
  KernelRole role = KernelRole::gate_up;
  Epilogue epilogue = Epilogue::none;
  DType dtype = DType::bf16;
  bool hasBias = false;
  int64_t n = 0, k = 0;
  int64_t interleaveRows = 0; // gated epilogues only
  int64_t mMin = 1, mMax = 1;
  // Template constants.
  int tileM = 128, tileN = 128, tileK = 64;
  int stages = 4;
  int clusterM = 1, clusterN = 1;
  int splitK = 1;
  bool swapAB = false;

  int64_t outputColumns() const { return isGated(epilogue) ? n / 2 : n; }
};

const char *toString(DType);
const char *toString(Epilogue);
const char *toString(KernelRole);

} // namespace mlpjit

#endif // MLPJIT_KERNELDESC_H
