// RUN: mlpjit-opt %s | mlpjit-opt | FileCheck %s
// Round trip of every op of the mlp dialect.

// CHECK-LABEL: func.func @swiglu
func.func @swiglu(%x: tensor<?x64xbf16>, %wg: tensor<128x64xbf16>, %wu: tensor<128x64xbf16>, %wd: tensor<64x128xbf16>) -> tensor<?x64xbf16> {
  // CHECK: mlp.linear %{{.*}}, %{{.*}} : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %g = mlp.linear %x, %wg : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %u = mlp.linear %x, %wu : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  // CHECK: mlp.activation silu
  %a = mlp.activation silu %g : tensor<?x128xbf16>
  // CHECK: mlp.mul
  %h = mlp.mul %a, %u : tensor<?x128xbf16>
  %y = mlp.linear %h, %wd : tensor<?x128xbf16>, tensor<64x128xbf16> -> tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// CHECK-LABEL: func.func @fused
func.func @fused(%x: tensor<?x64xf16>, %wg: tensor<128x64xf16>, %wu: tensor<128x64xf16>, %bg: tensor<128xf16>, %bu: tensor<128xf16>) -> (tensor<?x128xf16>, tensor<?x128xf16>) {
  // CHECK: mlp.concat_weights interleaved(64)
  %w = mlp.concat_weights interleaved(64) %wg, %wu : tensor<128x64xf16>, tensor<128x64xf16> -> tensor<256x64xf16>
  // CHECK: mlp.concat_weights stacked(1)
  %b = mlp.concat_weights stacked(1) %bg, %bu : tensor<128xf16>, tensor<128xf16> -> tensor<256xf16>
  // CHECK: mlp.fused_linear geglu_tanh interleaved(64) %{{.*}}, %{{.*}} bias %{{.*}} {plans = [#mlp.plan<"sm90_tma_ws", m = [1, 64], tile = [64, 128, 64], stages = 6, cluster = [1, 1], split_k = 1, swap_ab = true>]}
  %f = mlp.fused_linear geglu_tanh interleaved(64) %x, %w bias %b {plans = [#mlp.plan<"sm90_tma_ws", m = [1, 64], tile = [64, 128, 64], stages = 6, cluster = [1, 1], split_k = 1, swap_ab = true>]} : tensor<?x64xf16>, tensor<256x64xf16>, tensor<256xf16> -> tensor<?x128xf16>
  %l = mlp.linear %x, %w bias %b : tensor<?x64xf16>, tensor<256x64xf16>, tensor<256xf16> -> tensor<?x256xf16>
  // CHECK: mlp.split interleaved(64)
  %g, %u = mlp.split interleaved(64) %l : tensor<?x256xf16> -> tensor<?x128xf16>, tensor<?x128xf16>
  return %f, %g : tensor<?x128xf16>, tensor<?x128xf16>
}

// CHECK-LABEL: func.func @collectives
func.func @collectives(%p: tensor<?x64xbf16>, %q: tensor<16x64xf16>) -> (tensor<?x64xbf16>, tensor<2x64xf16>) {
  // CHECK: mlp.all_reduce ranks(8) %{{.*}} : tensor<?x64xbf16>
  %y = mlp.all_reduce ranks(8) %p : tensor<?x64xbf16>
  // CHECK: mlp.reduce_scatter ranks(8) %{{.*}} : tensor<16x64xf16> -> tensor<2x64xf16>
  %z = mlp.reduce_scatter ranks(8) %q : tensor<16x64xf16> -> tensor<2x64xf16>
  return %y, %z : tensor<?x64xbf16>, tensor<2x64xf16>
}
