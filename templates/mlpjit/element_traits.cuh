//===- element_traits.cuh - bf16/fp16 conversions of the GEMM templates ---===//
//
// One home for what differs between the two element types, so each template
// family is written once for both: the conversions to and from fp32, the
// two-element pair the epilogues store, and whether the MMAs take bf16.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_ELEMENT_TRAITS_CUH
#define MLPJIT_ELEMENT_TRAITS_CUH

#include <cuda_bf16.h>
#include <cuda_fp16.h>

namespace mlpjit {

template <typename Element> struct ElementTraits;

template <> struct ElementTraits<__nv_bfloat16> {
  static constexpr bool kBf16 = true; // picks the MMA's operand type
  using Pair = __nv_bfloat162;
  static __device__ __forceinline__ float toFloat(__nv_bfloat16 x) {
    return __bfloat162float(x);
  }
  static __device__ __forceinline__ __nv_bfloat16 fromFloat(float x) {
    return __float2bfloat16_rn(x);
  }
  // Rounded to nearest even, `a` at the lower address.
  static __device__ __forceinline__ Pair pack(float a, float b) {
    return __floats2bfloat162_rn(a, b);
  }
};

template <> struct ElementTraits<__half> {
  static constexpr bool kBf16 = false;
  using Pair = __half2;
  static __device__ __forceinline__ float toFloat(__half x) {
    return __half2float(x);
  }
  static __device__ __forceinline__ __half fromFloat(float x) {
    return __float2half_rn(x);
  }
  static __device__ __forceinline__ Pair pack(float a, float b) {
    return __floats2half2_rn(a, b);
  }
};

/// pack(a, b) as the 32 bits a vector store takes.
template <typename Element>
__device__ __forceinline__ unsigned packBits(float a, float b) {
  typename ElementTraits<Element>::Pair v = ElementTraits<Element>::pack(a, b);
  return *reinterpret_cast<unsigned *>(&v);
}

} // namespace mlpjit

#endif // MLPJIT_ELEMENT_TRAITS_CUH
