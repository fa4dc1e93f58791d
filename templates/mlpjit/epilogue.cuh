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
  // silu(x) = x / (1 + exp(-x))
  static __device__ __forceinline__ float silu(float x) {
    return x / (1.0f + __expf(-x));
  }
  // gelu_tanh(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
  static __device__ __forceinline__ float geluTanh(float x) {
    const float k = 0.7978845608028654f; // sqrt(2/pi)
    return 0.5f * x * (1.0f + tanhf(k * (x + 0.044715f * x * x * x)));
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
