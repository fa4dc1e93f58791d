// RUN: mlpjit-opt --mlp-plan-kernels --mlp-plan-block-kernels %s --split-input-file | FileCheck %s

// Llama-3-8B: the buckets up to 32 tokens are narrow swapAB in both GEMMs
// (gate-up without split-K, down split 4): each runs as one block kernel.
// From 33 tokens the gate-up tiles are not swapAB: two kernels.
// CHECK-LABEL: func.func @llama3_8b
// CHECK-SAME: attributes {mlp.block_kernels = array<i64: 1, 16, 17, 24, 25, 32>}
func.func @llama3_8b(%x: tensor<?x4096xbf16>, %w: tensor<28672x4096xbf16>, %wd: tensor<4096x14336xbf16>) -> tensor<?x4096xbf16> {
  %h = mlp.fused_linear swiglu interleaved(16) %x, %w : tensor<?x4096xbf16>, tensor<28672x4096xbf16> -> tensor<?x14336xbf16>
  %y = mlp.linear %h, %wd : tensor<?x14336xbf16>, tensor<4096x14336xbf16> -> tensor<?x4096xbf16>
  return %y : tensor<?x4096xbf16>
}

// -----

// A plain (GPT-2 style) MLP: its narrow gate-up tiles store with TMA, which
// the block kernel does not wait for. A stale list is dropped.
// CHECK-LABEL: func.func @plain_gelu
// CHECK-NOT: mlp.block_kernels
func.func @plain_gelu(%x: tensor<?x768xbf16>, %w: tensor<3072x768xbf16>, %wd: tensor<768x3072xbf16>) -> tensor<?x768xbf16> attributes {mlp.block_kernels = array<i64: 1, 16>} {
  %h = mlp.fused_linear gelu_tanh stacked(1) %x, %w : tensor<?x768xbf16>, tensor<3072x768xbf16> -> tensor<?x3072xbf16>
  %y = mlp.linear %h, %wd : tensor<?x3072xbf16>, tensor<768x3072xbf16> -> tensor<?x768xbf16>
  return %y : tensor<?x768xbf16>
}

// -----

// Not the two-GEMM form (one GEMM alone): left alone.
// CHECK-LABEL: func.func @one_gemm
// CHECK-NOT: mlp.block_kernels
func.func @one_gemm(%h: tensor<?x256xbf16>, %wd: tensor<1024x256xbf16>) -> tensor<?x1024xbf16> {
  %y = mlp.linear %h, %wd : tensor<?x256xbf16>, tensor<1024x256xbf16> -> tensor<?x1024xbf16>
  return %y : tensor<?x1024xbf16>
}
