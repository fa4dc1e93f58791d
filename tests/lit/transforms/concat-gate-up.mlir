// RUN: mlpjit-opt --mlp-concat-gate-up="max-block-rows=64" %s | FileCheck %s
// RUN: mlpjit-opt --mlp-concat-gate-up %s | FileCheck %s --check-prefix=DEFAULT
// RUN: mlpjit-opt --mlp-concat-gate-up="layout=stacked" %s | FileCheck %s --check-prefix=STACKED
// RUN: mlpjit-opt --mlp-concat-gate-up="block-rows=64" %s | FileCheck %s --check-prefix=EXPLICIT
// RUN: not mlpjit-opt --mlp-concat-gate-up="layout=diagonal" %s 2>&1 | FileCheck %s --check-prefix=BADLAYOUT
// BADLAYOUT: layout must be 'interleaved' or 'stacked', got 'diagonal'
// RUN: not mlpjit-opt --mlp-concat-gate-up="max-block-rows=48" %s 2>&1 | FileCheck %s --check-prefix=BADMAX
// BADMAX: max-block-rows must be 8, 16, 32 or 64, got 48

// With max-block-rows=64 the block is the largest of 64, 32, 16, 8 that
// divides N; by default at most 16 rows (kDefaultGateUpBlock), so gated
// tiles may be 192 or 224 rows wide.

// CHECK-LABEL: func.func @swiglu
// CHECK: %[[W:.*]] = mlp.concat_weights interleaved(64) %arg1, %arg2 : tensor<128x64xbf16>, tensor<128x64xbf16> -> tensor<256x64xbf16>
// CHECK: %[[L:.*]] = mlp.linear %arg0, %[[W]] : tensor<?x64xbf16>, tensor<256x64xbf16> -> tensor<?x256xbf16>
// CHECK: %[[G:.*]], %[[U:.*]] = mlp.split interleaved(64) %[[L]] : tensor<?x256xbf16> -> tensor<?x128xbf16>, tensor<?x128xbf16>
// CHECK: %[[A:.*]] = mlp.activation silu %[[G]]
// CHECK: mlp.mul %[[A]], %[[U]]
// CHECK-NOT: mlp.linear %arg0
// DEFAULT-LABEL: func.func @swiglu
// DEFAULT: mlp.concat_weights interleaved(16) %arg1, %arg2
// DEFAULT: mlp.split interleaved(16)
// STACKED-LABEL: func.func @swiglu
// STACKED: mlp.concat_weights stacked(1) %arg1, %arg2
// STACKED: mlp.split stacked(1)
func.func @swiglu(%x: tensor<?x64xbf16> {mlp.role = "x"}, %wg: tensor<128x64xbf16> {mlp.role = "gate"}, %wu: tensor<128x64xbf16> {mlp.role = "up"}, %wd: tensor<64x128xbf16> {mlp.role = "down"}) -> tensor<?x64xbf16> attributes {mlp.token_range = array<i64: 1, 8192>} {
  %g = mlp.linear %x, %wg : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %u = mlp.linear %x, %wu : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %a = mlp.activation silu %g : tensor<?x128xbf16>
  %h = mlp.mul %a, %u : tensor<?x128xbf16>
  %y = mlp.linear %h, %wd : tensor<?x128xbf16>, tensor<64x128xbf16> -> tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// Up written first and the product's operands swapped: gate is still the
// linear under the activation.
// CHECK-LABEL: func.func @swapped
// CHECK: mlp.concat_weights interleaved(64) %arg1, %arg2 :
// CHECK: mlp.concat_weights interleaved(64) %arg3, %arg4 : tensor<128xf16>, tensor<128xf16> -> tensor<256xf16>
// CHECK: mlp.linear %arg0, %{{.*}} bias %{{.*}} : tensor<?x64xf16>, tensor<256x64xf16>, tensor<256xf16> -> tensor<?x256xf16>
func.func @swapped(%x: tensor<?x64xf16>, %wg: tensor<128x64xf16>, %wu: tensor<128x64xf16>, %bg: tensor<128xf16>, %bu: tensor<128xf16>) -> tensor<?x128xf16> {
  %u = mlp.linear %x, %wu bias %bu : tensor<?x64xf16>, tensor<128x64xf16>, tensor<128xf16> -> tensor<?x128xf16>
  %g = mlp.linear %x, %wg bias %bg : tensor<?x64xf16>, tensor<128x64xf16>, tensor<128xf16> -> tensor<?x128xf16>
  %a = mlp.activation gelu_tanh %g : tensor<?x128xf16>
  %h = mlp.mul %u, %a : tensor<?x128xf16>
  return %h : tensor<?x128xf16>
}

// The activation comes before the up projection: it must move below the
// split it now reads.
// CHECK-LABEL: func.func @activation_before_up
// CHECK: %[[G:.*]], %[[U:.*]] = mlp.split
// CHECK-NEXT: %[[A:.*]] = mlp.activation relu %[[G]]
// CHECK-NEXT: mlp.mul %[[U]], %[[A]]
func.func @activation_before_up(%x: tensor<?x64xbf16>, %wg: tensor<128x64xbf16>, %wu: tensor<128x64xbf16>) -> tensor<?x128xbf16> {
  %g = mlp.linear %x, %wg : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %a = mlp.activation relu %g : tensor<?x128xbf16>
  %u = mlp.linear %x, %wu : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %h = mlp.mul %u, %a : tensor<?x128xbf16>
  return %h : tensor<?x128xbf16>
}

// CHECK-LABEL: func.func @different_inputs
// CHECK-NOT: mlp.concat_weights
func.func @different_inputs(%x: tensor<?x64xbf16>, %x2: tensor<?x64xbf16>, %wg: tensor<128x64xbf16>, %wu: tensor<128x64xbf16>) -> tensor<?x128xbf16> {
  %g = mlp.linear %x, %wg : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %u = mlp.linear %x2, %wu : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %a = mlp.activation silu %g : tensor<?x128xbf16>
  %h = mlp.mul %a, %u : tensor<?x128xbf16>
  return %h : tensor<?x128xbf16>
}

// The input's K is dynamic, so only the weights tell K apart.
// CHECK-LABEL: func.func @different_k
// CHECK-NOT: mlp.concat_weights
func.func @different_k(%x: tensor<?x?xbf16>, %wg: tensor<128x64xbf16>, %wu: tensor<128x32xbf16>) -> tensor<?x128xbf16> {
  %g = mlp.linear %x, %wg : tensor<?x?xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %u = mlp.linear %x, %wu : tensor<?x?xbf16>, tensor<128x32xbf16> -> tensor<?x128xbf16>
  %a = mlp.activation silu %g : tensor<?x128xbf16>
  %h = mlp.mul %a, %u : tensor<?x128xbf16>
  return %h : tensor<?x128xbf16>
}

// CHECK-LABEL: func.func @one_bias
// CHECK-NOT: mlp.concat_weights
func.func @one_bias(%x: tensor<?x64xbf16>, %wg: tensor<128x64xbf16>, %wu: tensor<128x64xbf16>, %bg: tensor<128xbf16>) -> tensor<?x128xbf16> {
  %g = mlp.linear %x, %wg bias %bg : tensor<?x64xbf16>, tensor<128x64xbf16>, tensor<128xbf16> -> tensor<?x128xbf16>
  %u = mlp.linear %x, %wu : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %a = mlp.activation silu %g : tensor<?x128xbf16>
  %h = mlp.mul %a, %u : tensor<?x128xbf16>
  return %h : tensor<?x128xbf16>
}

// The gate projection is also returned as it is: after concatenation the
// split would have to be materialized for it.
// CHECK-LABEL: func.func @gate_used_elsewhere
// CHECK-NOT: mlp.concat_weights
func.func @gate_used_elsewhere(%x: tensor<?x64xbf16>, %wg: tensor<128x64xbf16>, %wu: tensor<128x64xbf16>) -> (tensor<?x128xbf16>, tensor<?x128xbf16>) {
  %g = mlp.linear %x, %wg : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %u = mlp.linear %x, %wu : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %a = mlp.activation silu %g : tensor<?x128xbf16>
  %h = mlp.mul %a, %u : tensor<?x128xbf16>
  return %h, %g : tensor<?x128xbf16>, tensor<?x128xbf16>
}

// The up projection also feeds another product.
// CHECK-LABEL: func.func @up_used_elsewhere
// CHECK-NOT: mlp.concat_weights
func.func @up_used_elsewhere(%x: tensor<?x64xbf16>, %wg: tensor<128x64xbf16>, %wu: tensor<128x64xbf16>) -> tensor<?x128xbf16> {
  %g = mlp.linear %x, %wg : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %u = mlp.linear %x, %wu : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %a = mlp.activation silu %g : tensor<?x128xbf16>
  %h = mlp.mul %a, %u : tensor<?x128xbf16>
  %h2 = mlp.mul %h, %u : tensor<?x128xbf16>
  return %h2 : tensor<?x128xbf16>
}

// The activation is also read elsewhere: fusion could not absorb it.
// CHECK-LABEL: func.func @activation_used_elsewhere
// CHECK-NOT: mlp.concat_weights
func.func @activation_used_elsewhere(%x: tensor<?x64xbf16>, %wg: tensor<128x64xbf16>, %wu: tensor<128x64xbf16>) -> (tensor<?x128xbf16>, tensor<?x128xbf16>) {
  %g = mlp.linear %x, %wg : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %u = mlp.linear %x, %wu : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %a = mlp.activation silu %g : tensor<?x128xbf16>
  %h = mlp.mul %a, %u : tensor<?x128xbf16>
  return %h, %a : tensor<?x128xbf16>, tensor<?x128xbf16>
}

// 96 rows: the default block is the largest of 64, 32, 16, 8 that divides N
// (32); an explicit 64-row block does not divide N, so the pair is left alone.
// CHECK-LABEL: func.func @block_does_not_divide
// CHECK: mlp.concat_weights interleaved(32) %arg1, %arg2 : tensor<96x64xbf16>, tensor<96x64xbf16> -> tensor<192x64xbf16>
// CHECK: mlp.split interleaved(32)
// DEFAULT-LABEL: func.func @block_does_not_divide
// DEFAULT: mlp.concat_weights interleaved(16) %arg1, %arg2
// EXPLICIT-LABEL: func.func @block_does_not_divide
// EXPLICIT-NOT: mlp.concat_weights
// EXPLICIT: return
// STACKED-LABEL: func.func @block_does_not_divide
// STACKED: mlp.concat_weights stacked(1)
func.func @block_does_not_divide(%x: tensor<?x64xbf16>, %wg: tensor<96x64xbf16>, %wu: tensor<96x64xbf16>) -> tensor<?x96xbf16> {
  %g = mlp.linear %x, %wg : tensor<?x64xbf16>, tensor<96x64xbf16> -> tensor<?x96xbf16>
  %u = mlp.linear %x, %wu : tensor<?x64xbf16>, tensor<96x64xbf16> -> tensor<?x96xbf16>
  %a = mlp.activation silu %g : tensor<?x96xbf16>
  %h = mlp.mul %a, %u : tensor<?x96xbf16>
  return %h : tensor<?x96xbf16>
}

// The smallest sizes: 8 rows take an 8-row block, 1376 (Llama-2-7B's 11008
// over 8 ranks) a 32-row one.
// CHECK-LABEL: func.func @eight_rows
// DEFAULT-LABEL: func.func @eight_rows
// DEFAULT: mlp.concat_weights interleaved(8) %arg1, %arg2
// CHECK: mlp.concat_weights interleaved(8) %arg1, %arg2 : tensor<8x8xbf16>, tensor<8x8xbf16> -> tensor<16x8xbf16>
func.func @eight_rows(%x: tensor<?x8xbf16>, %wg: tensor<8x8xbf16>, %wu: tensor<8x8xbf16>) -> tensor<?x8xbf16> {
  %g = mlp.linear %x, %wg : tensor<?x8xbf16>, tensor<8x8xbf16> -> tensor<?x8xbf16>
  %u = mlp.linear %x, %wu : tensor<?x8xbf16>, tensor<8x8xbf16> -> tensor<?x8xbf16>
  %a = mlp.activation silu %g : tensor<?x8xbf16>
  %h = mlp.mul %a, %u : tensor<?x8xbf16>
  return %h : tensor<?x8xbf16>
}

// CHECK-LABEL: func.func @llama2_7b_tp8_rank
// CHECK: mlp.concat_weights interleaved(32) %arg1, %arg2 : tensor<1376x64xbf16>, tensor<1376x64xbf16> -> tensor<2752x64xbf16>
func.func @llama2_7b_tp8_rank(%x: tensor<?x64xbf16>, %wg: tensor<1376x64xbf16>, %wu: tensor<1376x64xbf16>) -> tensor<?x1376xbf16> {
  %g = mlp.linear %x, %wg : tensor<?x64xbf16>, tensor<1376x64xbf16> -> tensor<?x1376xbf16>
  %u = mlp.linear %x, %wu : tensor<?x64xbf16>, tensor<1376x64xbf16> -> tensor<?x1376xbf16>
  %a = mlp.activation silu %g : tensor<?x1376xbf16>
  %h = mlp.mul %a, %u : tensor<?x1376xbf16>
  return %h : tensor<?x1376xbf16>
}
