// RUN: mlpjit-opt --mlp-shard-tensor-parallel %s -split-input-file -verify-diagnostics | FileCheck %s
// RUN: mlpjit-opt --mlp-shard-tensor-parallel="tp=2 output=reduce-scatter" %S/Inputs/tp-swiglu.mlir | FileCheck %s --check-prefix=RS
// RUN: not mlpjit-opt --mlp-shard-tensor-parallel="output=gather" %S/Inputs/tp-swiglu.mlir 2>&1 | FileCheck %s --check-prefix=BADOUT
// BADOUT: output must be all-reduce or reduce-scatter, got 'gather'

// Gate/up keep 1/4 of their rows, down 1/4 of its columns; the partial
// result is summed across the ranks.
// CHECK-LABEL: func.func @swiglu
// CHECK-SAME: (%arg0: tensor<?x64xbf16> {mlp.role = "x", mlp.shard = "replicated"}, %arg1: tensor<32x64xbf16> {mlp.role = "gate", mlp.shard = "rows"}, %arg2: tensor<32x64xbf16> {mlp.role = "up", mlp.shard = "rows"}, %arg3: tensor<64x32xbf16> {mlp.role = "down", mlp.shard = "cols"}) -> tensor<?x64xbf16>
// CHECK: mlp.linear %arg0, %arg1 : tensor<?x64xbf16>, tensor<32x64xbf16> -> tensor<?x32xbf16>
// CHECK: mlp.activation silu %{{.*}} : tensor<?x32xbf16>
// CHECK: %[[P:.*]] = mlp.linear %{{.*}}, %arg3 : tensor<?x32xbf16>, tensor<64x32xbf16> -> tensor<?x64xbf16>
// CHECK: %[[Y:.*]] = mlp.all_reduce ranks(4) %[[P]] : tensor<?x64xbf16>
// CHECK: return %[[Y]]
// The option overrides the attribute; reduce-scatter keeps a row block.
// RS-LABEL: func.func @swiglu
// RS-SAME: %arg1: tensor<64x64xbf16>
// RS-SAME: mlp.tensor_parallel = 2
// RS: mlp.reduce_scatter ranks(2) %{{.*}} : tensor<?x64xbf16> -> tensor<?x64xbf16>
func.func @swiglu(%x: tensor<?x64xbf16> {mlp.role = "x"}, %wg: tensor<128x64xbf16> {mlp.role = "gate"}, %wu: tensor<128x64xbf16> {mlp.role = "up"}, %wd: tensor<64x128xbf16> {mlp.role = "down"}) -> tensor<?x64xbf16> attributes {mlp.tensor_parallel = 4 : i64} {
  %g = mlp.linear %x, %wg : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %u = mlp.linear %x, %wu : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %a = mlp.activation silu %g : tensor<?x128xbf16>
  %h = mlp.mul %a, %u : tensor<?x128xbf16>
  %y = mlp.linear %h, %wd : tensor<?x128xbf16>, tensor<64x128xbf16> -> tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// -----

// Biases: gate/up biases are sliced like their rows; the down bias stays
// whole and is added by rank 0 only.
// CHECK-LABEL: func.func @gelu_bias
// CHECK-SAME: %arg2: tensor<64x32xf16> {mlp.role = "down", mlp.shard = "cols"}, %arg3: tensor<32xf16> {mlp.role = "up_bias", mlp.shard = "rows"}, %arg4: tensor<64xf16> {mlp.role = "down_bias", mlp.shard = "first_rank"}
// CHECK: mlp.all_reduce ranks(4)
func.func @gelu_bias(%x: tensor<?x64xf16> {mlp.role = "x"}, %wu: tensor<128x64xf16> {mlp.role = "up"}, %wd: tensor<64x128xf16> {mlp.role = "down"}, %bu: tensor<128xf16> {mlp.role = "up_bias"}, %bd: tensor<64xf16> {mlp.role = "down_bias"}) -> tensor<?x64xf16> attributes {mlp.tensor_parallel = 4 : i64} {
  %u = mlp.linear %x, %wu bias %bu : tensor<?x64xf16>, tensor<128x64xf16>, tensor<128xf16> -> tensor<?x128xf16>
  %a = mlp.activation gelu_tanh %u : tensor<?x128xf16>
  %y = mlp.linear %a, %wd bias %bd : tensor<?x128xf16>, tensor<64x128xf16>, tensor<64xf16> -> tensor<?x64xf16>
  return %y : tensor<?x64xf16>
}

// -----

// No degree: left alone.
// CHECK-LABEL: func.func @unsplit
// CHECK-NOT: mlp.shard
// CHECK-NOT: mlp.all_reduce
func.func @unsplit(%x: tensor<?x64xbf16> {mlp.role = "x"}, %wu: tensor<128x64xbf16> {mlp.role = "up"}, %wd: tensor<64x128xbf16> {mlp.role = "down"}) -> tensor<?x64xbf16> {
  %u = mlp.linear %x, %wu : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %a = mlp.activation relu %u : tensor<?x128xbf16>
  %y = mlp.linear %a, %wd : tensor<?x128xbf16>, tensor<64x128xbf16> -> tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// -----

// expected-error @+1 {{mlp-shard-tensor-parallel: gate 'tensor<12x64xbf16>' does not split 8 ways along dimension 0}}
func.func @uneven(%x: tensor<?x64xbf16> {mlp.role = "x"}, %wg: tensor<12x64xbf16> {mlp.role = "gate"}, %wu: tensor<12x64xbf16> {mlp.role = "up"}, %wd: tensor<64x12xbf16> {mlp.role = "down"}) -> tensor<?x64xbf16> attributes {mlp.tensor_parallel = 8 : i64} {
  %g = mlp.linear %x, %wg : tensor<?x64xbf16>, tensor<12x64xbf16> -> tensor<?x12xbf16>
  %u = mlp.linear %x, %wu : tensor<?x64xbf16>, tensor<12x64xbf16> -> tensor<?x12xbf16>
  %a = mlp.activation silu %g : tensor<?x12xbf16>
  %h = mlp.mul %a, %u : tensor<?x12xbf16>
  %y = mlp.linear %h, %wd : tensor<?x12xbf16>, tensor<64x12xbf16> -> tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// -----

// Down applied to x directly: the split would change the meaning.
func.func @wrong_input(%x: tensor<?x128xbf16> {mlp.role = "x"}, %wd: tensor<64x128xbf16> {mlp.role = "down"}) -> tensor<?x64xbf16> attributes {mlp.tensor_parallel = 2 : i64} {
  // expected-error @+1 {{mlp-shard-tensor-parallel: cannot split this linear}}
  %y = mlp.linear %x, %wd : tensor<?x128xbf16>, tensor<64x128xbf16> -> tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// -----

// The gated product returned unreduced: not the block's output.
func.func @no_down(%x: tensor<?x64xbf16> {mlp.role = "x"}, %wu: tensor<128x64xbf16> {mlp.role = "up"}) -> tensor<?x128xbf16> attributes {mlp.tensor_parallel = 2 : i64} {
  %u = mlp.linear %x, %wu : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  // expected-error @+1 {{mlp-shard-tensor-parallel: expects one result, the output of the down linear}}
  return %u : tensor<?x128xbf16>
}

// -----

// expected-error @+1 {{argument #1 needs an mlp.role}}
func.func @no_role(%x: tensor<?x64xbf16> {mlp.role = "x"}, %w: tensor<128x64xbf16>) -> tensor<?x128xbf16> attributes {mlp.tensor_parallel = 2 : i64} {
  %u = mlp.linear %x, %w : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  return %u : tensor<?x128xbf16>
}
