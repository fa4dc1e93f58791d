// RUN: mlpjit-opt --mlp-plan-kernels %s --split-input-file --verify-diagnostics | FileCheck %s
// RUN: mlpjit-opt --mlp-plan-kernels="arch=sm_86" %s --split-input-file --verify-diagnostics | FileCheck %s --check-prefix=SM86
// RUN: mlpjit-opt --mlp-plan-kernels="sm-count=66 memory-gbs=2458" %s --split-input-file --verify-diagnostics | FileCheck %s --check-prefix=SM66
// RUN: not mlpjit-opt --mlp-plan-kernels="sm-count=-1" %s --split-input-file 2>&1 | FileCheck %s --check-prefix=NEG

// Llama-3-8B over the default token range, planned by the cost model.
// Gate/up GEMM: N = 28672 is 224 weight tiles of 128, so no split-K; swapAB
// token tiles exactly as wide as each range needs up to 64 tokens, 2x1
// clusters of 128x256 tiles at large M. Down: N = 4096, split-K while
// tiles leave SMs idle, no clusters (they lose on the plain GEMM). Both GEMMs switch plans at the same token counts (one
// runtime bucket).
// CHECK-LABEL: func.func @llama3_8b
// CHECK: mlp.fused_linear swiglu interleaved(64) {{.*}} {plans = [
// CHECK-SAME: #mlp.plan<"sm90_tma_ws", m = [1, 16], tile = [16, 128, 64], stages = 8, cluster = [1, 1], split_k = 1, swap_ab = true>,
// CHECK-SAME: #mlp.plan<"sm90_tma_ws", m = [17, 24], tile = [24, 128, 64], stages = 8, cluster = [1, 1], split_k = 1, swap_ab = true>,
// CHECK-SAME: #mlp.plan<"sm90_tma_ws", m = [{{[0-9]+}}, 65536], tile = [128, 256, 64], stages = 4, cluster = [2, 1], split_k = 1, swap_ab = false>]}
// CHECK: mlp.linear {{.*}} {plans = [
// CHECK-SAME: m = [1, 16], tile = [16, 128, 64], stages = 8, cluster = [1, 1], split_k = 4, swap_ab = true>,
// CHECK-SAME: m = [17, 24], tile = [24, 128, 64], stages = 8, cluster = [1, 1], split_k = 4, swap_ab = true>,
// CHECK-SAME: m = [{{[0-9]+}}, 65536], tile = [128, 256, 64], stages = 4, cluster = [1, 1], split_k = 1, swap_ab = false>]}
// On a GPU of 66 SMs (half the H200's) the down GEMM splits K in 2, not 4.
// SM66-LABEL: func.func @llama3_8b
// SM66: mlp.linear {{.*}} {plans = [
// SM66-SAME: m = [1, 16], tile = [16, 128, 64], stages = 8, cluster = [1, 1], split_k = 2, swap_ab = true>,
// NEG: error: sm-count and memory-gbs must not be negative
// SM86-LABEL: func.func @llama3_8b
// SM86: mlp.fused_linear {{.*}} {plans = [#mlp.plan<"sm80_mma", m = [1, 64], tile = [64, 128, 32], stages = 4, cluster = [1, 1], split_k = 1, swap_ab = false>, #mlp.plan<"sm80_mma", m = [65, 65536], tile = [128, 128, 32], stages = 3, cluster = [1, 1], split_k = 1, swap_ab = false>]}
// SM86: mlp.linear {{.*}} {plans = [#mlp.plan<"sm80_mma", m = [1, 64], tile = [64, 128, 32], stages = 4, cluster = [1, 1], split_k = 4, swap_ab = false>, #mlp.plan<"sm80_mma", m = [65, 65536], tile = [128, 128, 32], stages = 3, cluster = [1, 1], split_k = 1
func.func @llama3_8b(%x: tensor<?x4096xbf16>, %w: tensor<28672x4096xbf16>, %wd: tensor<4096x14336xbf16>) -> tensor<?x4096xbf16> {
  %h = mlp.fused_linear swiglu interleaved(64) %x, %w : tensor<?x4096xbf16>, tensor<28672x4096xbf16> -> tensor<?x14336xbf16>
  %y = mlp.linear %h, %wd : tensor<?x14336xbf16>, tensor<4096x14336xbf16> -> tensor<?x4096xbf16>
  return %y : tensor<?x4096xbf16>
}

// -----

// Token range [8, 100] cuts the ranges; mlp.arch wins over the option.
// N = 1024 is 16 tiles of 64 but K = 256 is only 4 k-tiles: no split-K,
// so above 64 tokens no 64x64 tiles either (they run there only split).
// CHECK-LABEL: func.func @range_and_arch
// CHECK: mlp.linear {{.*}} {plans = [
// CHECK-SAME: m = [8, 8], tile = [8, 64, 64], stages = 8, cluster = [1, 1], split_k = 1, swap_ab = true>,
// CHECK-SAME: m = [9, 16], tile = [16, 64, 64], stages = 8, cluster = [1, 1], split_k = 1, swap_ab = true>,
// CHECK-SAME: m = [33, 64], tile = [64, 64, 64], stages = 8, cluster = [1, 1], split_k = 1, swap_ab = false>,
// CHECK-SAME: m = [65, 100], tile = [64, 96, 64], stages = 8, cluster = [1, 1], split_k = 1, swap_ab = false>]}
// SM86-LABEL: func.func @range_and_arch
// SM86: "sm90_tma_ws", m = [8, 8]
func.func @range_and_arch(%h: tensor<?x256xf16>, %wd: tensor<1024x256xf16>) -> tensor<?x1024xf16> attributes {mlp.token_range = array<i64: 8, 100>, mlp.arch = "sm_90a"} {
  %y = mlp.linear %h, %wd : tensor<?x256xf16>, tensor<1024x256xf16> -> tensor<?x1024xf16>
  return %y : tensor<?x1024xf16>
}

// -----

// One token only: a single plan.
// CHECK-LABEL: func.func @decode_only
// CHECK: {plans = [#mlp.plan<"sm90_tma_ws", m = [1, 1], tile = [8, 64, 64], stages = 8, cluster = [1, 1], split_k = 1, swap_ab = true>]}
func.func @decode_only(%h: tensor<?x512xbf16>, %wd: tensor<256x512xbf16>) -> tensor<?x256xbf16> attributes {mlp.token_range = array<i64: 1, 1>} {
  %y = mlp.linear %h, %wd : tensor<?x512xbf16>, tensor<256x512xbf16> -> tensor<?x256xbf16>
  return %y : tensor<?x256xbf16>
}

// -----

// Plain epilogue (GPT-2 up projection) with bias: planned like any GEMM.
// CHECK-LABEL: func.func @plain_gelu
// CHECK: mlp.fused_linear gelu_tanh stacked(1) {{.*}} {plans = [#mlp.plan<"sm90_tma_ws", m = [1, 16]
func.func @plain_gelu(%x: tensor<?x768xbf16>, %w: tensor<3072x768xbf16>, %b: tensor<3072xbf16>) -> tensor<?x3072xbf16> {
  %h = mlp.fused_linear gelu_tanh stacked(1) %x, %w bias %b : tensor<?x768xbf16>, tensor<3072x768xbf16>, tensor<3072xbf16> -> tensor<?x3072xbf16>
  return %h : tensor<?x3072xbf16>
}

// -----

// Errors: a stacked gated weight has no kernel.
func.func @gated_stacked(%x: tensor<?x64xbf16>, %w: tensor<256x64xbf16>) -> tensor<?x128xbf16> {
  // expected-error @+1 {{no kernel plan: gated epilogue swiglu needs weights interleaved in blocks of 8, 16, 32 or 64 rows}}
  %h = mlp.fused_linear swiglu stacked(1) %x, %w : tensor<?x64xbf16>, tensor<256x64xbf16> -> tensor<?x128xbf16>
  return %h : tensor<?x128xbf16>
}

// -----

func.func @n_not_multiple_of_8(%x: tensor<?x64xbf16>, %w: tensor<100x64xbf16>) -> tensor<?x100xbf16> {
  // expected-error @+1 {{no kernel plan: N = 100 and K = 64 must be positive multiples of 8 (16-byte rows)}}
  %y = mlp.linear %x, %w : tensor<?x64xbf16>, tensor<100x64xbf16> -> tensor<?x100xbf16>
  return %y : tensor<?x100xbf16>
}

// -----

func.func @unknown_arch(%x: tensor<?x64xbf16>, %w: tensor<128x64xbf16>) -> tensor<?x128xbf16> attributes {mlp.arch = "sm_75"} {
  // expected-error @+1 {{no kernel template for arch 'sm_75' (supported: sm_80..sm_89, sm_90, sm_90a)}}
  %y = mlp.linear %x, %w : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  return %y : tensor<?x128xbf16>
}

// -----

// expected-error @+1 {{mlp.token_range must be array<i64: min, max> with 1 <= min <= max}}
func.func @bad_range(%x: tensor<?x64xbf16>, %w: tensor<128x64xbf16>) -> tensor<?x128xbf16> attributes {mlp.token_range = array<i64: 0, 8>} {
  %y = mlp.linear %x, %w : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  return %y : tensor<?x128xbf16>
}
