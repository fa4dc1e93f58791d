//===- epilogue.cuh - pointwise epilogues of the GEMM templates -----------===//
//
// Each epilogue is a type whose comment is its formula. Plain epilogues map
// one accumulator (plus bias) to one output; gated ones (kGated) map a
// (gate, up) pair to one output. Math in fp32; the same formulas as the CPU
// oracle (compiler/lib/Reference).
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_EPILOGUE_CUH
#define MLPJIT_EPILOGUE_CUH

namespace mlpjit {
namespace epilogue {

struct Act {
  // Hardware approximations (MUFU.EX2 and MUFU.RCP, relative error ~2^-22)
  // instead of IEEE division and tanhf: far below the 2^-8 of a bf16 output,
  // and the epilogue is on the GEMM's critical path.
  static __device__ __forceinline__ float exp2Approx(float x) {
    float y;
    asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
    return y;
  }
  static __device__ __forceinline__ float rcpApprox(float x) {
    float y;
    asm("rcp.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
    return y;
  }
  // sigmoid(x) = 1 / (1 + exp(-x)); exp overflowing to +inf gives 0
  static __device__ __forceinline__ float sigmoid(float x) {
    const float kLog2e = 1.4426950408889634f;
    return rcpApprox(1.0f + exp2Approx(-kLog2e * x));
  }
  // silu(x) = x / (1 + exp(-x))
  static __device__ __forceinline__ float silu(float x) {
    return x * sigmoid(x);
  }
  // gelu_tanh(x) = 0.5 x (1 + tanh(u)) = x sigmoid(2u),
  // u = sqrt(2/pi) (x + 0.044715 x^3); the sigmoid form keeps the relative
  // error small where 1 + tanh(u) cancels (x << 0)
  static __device__ __forceinline__ float geluTanh(float x) {
    const float k2 = 2.0f * 0.7978845608028654f; // 2 sqrt(2/pi)
    return x * sigmoid(k2 * (x + 0.044715f * x * x * x));
  }
  // gelu_erf(x) = 0.5 x (1 + erf(x / sqrt(2)))
  static __device__ __forceinline__ float geluErf(float x) {
    return 0.5f * x * (1.0f + erff(x * 0.7071067811865476f));
  }
  // relu(x) = max(x, 0)
  static __device__ __forceinline__ float relu(float x) { return fmaxf(x, 0.0f); }
};

// D = acc
struct Identity {
  static constexpr bool kGated = false;
  static __device__ __forceinline__ float apply(float acc) { return acc; }
};
// D = silu(acc)
struct Silu {
  static constexpr bool kGated = false;
  static __device__ __forceinline__ float apply(float acc) { return Act::silu(acc); }
};
// D = gelu_tanh(acc)
struct GeluTanh {
  static constexpr bool kGated = false;
  static __device__ __forceinline__ float apply(float acc) { return Act::geluTanh(acc); }
};
// D = gelu_erf(acc)
struct GeluErf {
  static constexpr bool kGated = false;
  static __device__ __forceinline__ float apply(float acc) { return Act::geluErf(acc); }
};
// D = relu(acc)
struct Relu {
  static constexpr bool kGated = false;
  static __device__ __forceinline__ float apply(float acc) { return Act::relu(acc); }
};
// D = silu(gate) * up
struct SwiGLU {
  static constexpr bool kGated = true;
  static __device__ __forceinline__ float apply(float gate, float up) { return Act::silu(gate) * up; }
};
// D = gelu_tanh(gate) * up
struct GeGLUTanh {
  static constexpr bool kGated = true;
  static __device__ __forceinline__ float apply(float gate, float up) { return Act::geluTanh(gate) * up; }
};
// D = gelu_erf(gate) * up
struct GeGLUErf {
  static constexpr bool kGated = true;
  static __device__ __forceinline__ float apply(float gate, float up) { return Act::geluErf(gate) * up; }
};
// D = relu(gate) * up
struct ReGLU {
  static constexpr bool kGated = true;
  static __device__ __forceinline__ float apply(float gate, float up) { return Act::relu(gate) * up; }
};

} // namespace epilogue
} // namespace mlpjit

#endif // MLPJIT_EPILOGUE_CUH
