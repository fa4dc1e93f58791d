//===- sm80/ptx.cuh - the PTX instructions of the sm80 GEMM ---------------===//
//
// One inline-asm wrapper per instruction the GEMM's roles issue that CUDA
// C++ has no intrinsic for: cp.async (zero-filling) and its groups,
// ldmatrix.x4, and mma.sync.m16n8k16 with fp32 accumulation.
//
//===----------------------------------------------------------------------===//
#ifndef MLPJIT_SM80_PTX_CUH
#define MLPJIT_SM80_PTX_CUH

namespace mlpjit {
namespace sm80 {

/// The PTX the kernel needs, as inline asm (NVRTC has no CUTLASS/CuTe).
namespace ptx {
__device__ __forceinline__ unsigned sharedAddress(const void *p) {
  return unsigned(__cvta_generic_to_shared(p));
}

// 16 bytes global -> shared, bypassing L1; zero-filled when !valid (then
// `src` is only required to be a valid address).
__device__ __forceinline__ void copyAsync16(unsigned dst, const void *src,
                                            bool valid) {
  int srcBytes = valid ? 16 : 0;
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst),
               "l"(src), "r"(srcBytes));
}
__device__ __forceinline__ void copyAsyncCommit() {
  asm volatile("cp.async.commit_group;\n" ::);
}
template <int Pending> __device__ __forceinline__ void copyAsyncWait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(Pending));
}

__device__ __forceinline__ void loadMatrixX4(unsigned (&r)[4], unsigned addr) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(addr));
}

/// d += a · b for one m16n8k16 tile, bf16 or fp16 operands.
template <bool Bf16>
__device__ __forceinline__ void mma(float (&d)[4], const unsigned (&a)[4],
                                    const unsigned (&b)[2]) {
  if constexpr (Bf16)
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 "
                 "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]),
                   "r"(b[1]));
  else
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 "
                 "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]),
                   "r"(b[1]));
}
} // namespace ptx

} // namespace sm80
} // namespace mlpjit

#endif // MLPJIT_SM80_PTX_CUH
