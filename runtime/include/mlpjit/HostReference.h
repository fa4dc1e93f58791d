//===- HostReference.h - the float64 numerics every check compares with ---===//
//
// The one host-side definition of what a kernel computes, element by
// element: each epilogue's activation in double precision, and the 16-bit
// float formats converted to and from their bits. The float64 evaluator
// (compiler/lib/Reference), the tools' checks (tools/harness), the runtime
// tests, the embedding example and the GPU harness (tests/gpu) use it.
// Header-only and free of MLIR and LLVM.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_HOSTREFERENCE_H
#define MLPJIT_HOSTREFERENCE_H

#include "mlpjit/ElementKinds.h"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace mlpjit {
namespace host {

/// The activation of `e` applied to x: the plain activation itself, or the
/// one a gated epilogue applies to its gate (silu for swiglu, ...).
inline double activation(Epilogue e, double x) {
  switch (e) {
  case Epilogue::none:
    return x;
  case Epilogue::silu:
  case Epilogue::swiglu:
    return x / (1.0 + std::exp(-x));
  case Epilogue::gelu_tanh:
  case Epilogue::geglu_tanh:
    return 0.5 * x *
           (1.0 + std::tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
  case Epilogue::gelu_erf:
  case Epilogue::geglu_erf:
    return 0.5 * x * (1.0 + std::erf(x * 0.7071067811865476));
  case Epilogue::relu:
  case Epilogue::reglu:
    return x > 0.0 ? x : 0.0;
  }
  return NAN;
}

/// One output element of epilogue `e`: act(gate) * up when gated, else
/// act(acc) (`up` unused).
inline double epilogue(Epilogue e, double gateOrAcc, double up) {
  double a = activation(e, gateOrAcc);
  return isGated(e) ? a * up : a;
}

/// float -> bf16 or IEEE half bits, rounding to nearest even. Half: values
/// below its normal range flush to zero (the checks use inputs far from it).
inline uint16_t toBits(float f, DType t) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if (t == DType::bf16)
    return uint16_t((u + 0x7fff + ((u >> 16) & 1)) >> 16);
  uint32_t sign = (u >> 16) & 0x8000;
  int exp = int((u >> 23) & 0xff) - 127 + 15;
  if (exp <= 0)
    return uint16_t(sign);
  uint32_t mant = u & 0x7fffff, h = (uint32_t(exp) << 10) | (mant >> 13);
  uint32_t rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (h & 1)))
    ++h;
  return uint16_t(sign | h);
}

/// bf16 or IEEE half bits -> their exact value (subnormals, Inf and NaN
/// included: an unwritten, poisoned element reads as NaN).
inline double fromBits(uint16_t bits, DType t) {
  if (t == DType::bf16) {
    uint32_t u = uint32_t(bits) << 16;
    float f;
    std::memcpy(&f, &u, 4);
    return f;
  }
  int exp = (bits >> 10) & 0x1f, mant = bits & 0x3ff;
  double v = exp == 0    ? std::ldexp(double(mant), -24)
             : exp == 31 ? (mant ? NAN : INFINITY)
                         : std::ldexp(double(1024 + mant), exp - 25);
  return (bits & 0x8000) ? -v : v;
}

} // namespace host
} // namespace mlpjit

#endif // MLPJIT_HOSTREFERENCE_H
