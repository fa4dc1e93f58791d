// RUN: mlpjit-opt --mlp-fuse-glu-epilogue %s | FileCheck %s

// CHECK-LABEL: func.func @swiglu
// CHECK-NEXT: %[[F:.*]] = mlp.fused_linear swiglu interleaved(64) %arg0, %arg1 : tensor<?x64xbf16>, tensor<256x64xbf16> -> tensor<?x128xbf16>
// CHECK-NEXT: return %[[F]]
func.func @swiglu(%x: tensor<?x64xbf16>, %w: tensor<256x64xbf16>) -> tensor<?x128xbf16> {
  %l = mlp.linear %x, %w : tensor<?x64xbf16>, tensor<256x64xbf16> -> tensor<?x256xbf16>
  %g, %u = mlp.split interleaved(64) %l : tensor<?x256xbf16> -> tensor<?x128xbf16>, tensor<?x128xbf16>
  %a = mlp.activation silu %g : tensor<?x128xbf16>
  %h = mlp.mul %a, %u : tensor<?x128xbf16>
  return %h : tensor<?x128xbf16>
}

// Bias folded in, product operands in the other order, stacked layout kept.
// CHECK-LABEL: func.func @geglu_tanh_bias
// CHECK-NEXT: mlp.fused_linear geglu_tanh stacked(1) %arg0, %arg1 bias %arg2 : tensor<?x64xf16>, tensor<256x64xf16>, tensor<256xf16> -> tensor<?x128xf16>
func.func @geglu_tanh_bias(%x: tensor<?x64xf16>, %w: tensor<256x64xf16>, %b: tensor<256xf16>) -> tensor<?x128xf16> {
  %l = mlp.linear %x, %w bias %b : tensor<?x64xf16>, tensor<256x64xf16>, tensor<256xf16> -> tensor<?x256xf16>
  %g, %u = mlp.split stacked(1) %l : tensor<?x256xf16> -> tensor<?x128xf16>, tensor<?x128xf16>
  %a = mlp.activation gelu_tanh %g : tensor<?x128xf16>
  %h = mlp.mul %u, %a : tensor<?x128xf16>
  return %h : tensor<?x128xf16>
}

// CHECK-LABEL: func.func @geglu_erf
// CHECK-NEXT: mlp.fused_linear geglu_erf interleaved(32)
func.func @geglu_erf(%x: tensor<?x64xbf16>, %w: tensor<256x64xbf16>) -> tensor<?x128xbf16> {
  %l = mlp.linear %x, %w : tensor<?x64xbf16>, tensor<256x64xbf16> -> tensor<?x256xbf16>
  %g, %u = mlp.split interleaved(32) %l : tensor<?x256xbf16> -> tensor<?x128xbf16>, tensor<?x128xbf16>
  %a = mlp.activation gelu_erf %g : tensor<?x128xbf16>
  %h = mlp.mul %a, %u : tensor<?x128xbf16>
  return %h : tensor<?x128xbf16>
}

// CHECK-LABEL: func.func @reglu
// CHECK-NEXT: mlp.fused_linear reglu interleaved(64)
func.func @reglu(%x: tensor<?x64xbf16>, %w: tensor<256x64xbf16>) -> tensor<?x128xbf16> {
  %l = mlp.linear %x, %w : tensor<?x64xbf16>, tensor<256x64xbf16> -> tensor<?x256xbf16>
  %g, %u = mlp.split interleaved(64) %l : tensor<?x256xbf16> -> tensor<?x128xbf16>, tensor<?x128xbf16>
  %a = mlp.activation relu %g : tensor<?x128xbf16>
  %h = mlp.mul %a, %u : tensor<?x128xbf16>
  return %h : tensor<?x128xbf16>
}

// Plain MLP (GPT-2): the down projection is left alone.
// CHECK-LABEL: func.func @plain_gelu
// CHECK-NEXT: %[[F:.*]] = mlp.fused_linear gelu_tanh stacked(1) %arg0, %arg1 bias %arg3 : tensor<?x64xbf16>, tensor<256x64xbf16>, tensor<256xbf16> -> tensor<?x256xbf16>
// CHECK-NEXT: mlp.linear %[[F]], %arg2 bias %arg4
func.func @plain_gelu(%x: tensor<?x64xbf16>, %wu: tensor<256x64xbf16>, %wd: tensor<64x256xbf16>, %bu: tensor<256xbf16>, %bd: tensor<64xbf16>) -> tensor<?x64xbf16> {
  %u = mlp.linear %x, %wu bias %bu : tensor<?x64xbf16>, tensor<256x64xbf16>, tensor<256xbf16> -> tensor<?x256xbf16>
  %a = mlp.activation gelu_tanh %u : tensor<?x256xbf16>
  %y = mlp.linear %a, %wd bias %bd : tensor<?x256xbf16>, tensor<64x256xbf16>, tensor<64xbf16> -> tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}

// CHECK-LABEL: func.func @plain_relu
// CHECK-NEXT: mlp.fused_linear relu stacked(1)
func.func @plain_relu(%x: tensor<?x64xbf16>, %w: tensor<256x64xbf16>) -> tensor<?x256xbf16> {
  %u = mlp.linear %x, %w : tensor<?x64xbf16>, tensor<256x64xbf16> -> tensor<?x256xbf16>
  %a = mlp.activation relu %u : tensor<?x256xbf16>
  return %a : tensor<?x256xbf16>
}

// Negative cases: nothing may be fused.

// The activation reads the up half.
// CHECK-LABEL: func.func @activation_on_up
// CHECK-NOT: mlp.fused_linear
func.func @activation_on_up(%x: tensor<?x64xbf16>, %w: tensor<256x64xbf16>) -> tensor<?x128xbf16> {
  %l = mlp.linear %x, %w : tensor<?x64xbf16>, tensor<256x64xbf16> -> tensor<?x256xbf16>
  %g, %u = mlp.split interleaved(64) %l : tensor<?x256xbf16> -> tensor<?x128xbf16>, tensor<?x128xbf16>
  %a = mlp.activation silu %u : tensor<?x128xbf16>
  %h = mlp.mul %a, %g : tensor<?x128xbf16>
  return %h : tensor<?x128xbf16>
}

// The halves come from two different splits.
// CHECK-LABEL: func.func @two_splits
// CHECK-NOT: mlp.fused_linear
func.func @two_splits(%x: tensor<?x64xbf16>, %w: tensor<256x64xbf16>, %w2: tensor<256x64xbf16>) -> tensor<?x128xbf16> {
  %l = mlp.linear %x, %w : tensor<?x64xbf16>, tensor<256x64xbf16> -> tensor<?x256xbf16>
  %l2 = mlp.linear %x, %w2 : tensor<?x64xbf16>, tensor<256x64xbf16> -> tensor<?x256xbf16>
  %g, %u = mlp.split interleaved(64) %l : tensor<?x256xbf16> -> tensor<?x128xbf16>, tensor<?x128xbf16>
  %g2, %u2 = mlp.split interleaved(64) %l2 : tensor<?x256xbf16> -> tensor<?x128xbf16>, tensor<?x128xbf16>
  %a = mlp.activation silu %g : tensor<?x128xbf16>
  %h = mlp.mul %a, %u2 : tensor<?x128xbf16>
  %z = mlp.mul %g2, %u : tensor<?x128xbf16>
  %r = mlp.mul %h, %z : tensor<?x128xbf16>
  return %r : tensor<?x128xbf16>
}

// The product multiplies act(gate) by the gate half, not by up.
// CHECK-LABEL: func.func @mul_gate_gate
// CHECK-NOT: mlp.fused_linear
func.func @mul_gate_gate(%x: tensor<?x64xbf16>, %w: tensor<256x64xbf16>) -> (tensor<?x128xbf16>, tensor<?x128xbf16>) {
  %l = mlp.linear %x, %w : tensor<?x64xbf16>, tensor<256x64xbf16> -> tensor<?x256xbf16>
  %g, %u = mlp.split interleaved(64) %l : tensor<?x256xbf16> -> tensor<?x128xbf16>, tensor<?x128xbf16>
  %a = mlp.activation silu %g : tensor<?x128xbf16>
  %h = mlp.mul %a, %g : tensor<?x128xbf16>
  return %h, %u : tensor<?x128xbf16>, tensor<?x128xbf16>
}

// The up half is also returned.
// CHECK-LABEL: func.func @up_half_used_elsewhere
// CHECK-NOT: mlp.fused_linear
func.func @up_half_used_elsewhere(%x: tensor<?x64xbf16>, %w: tensor<256x64xbf16>) -> (tensor<?x128xbf16>, tensor<?x128xbf16>) {
  %l = mlp.linear %x, %w : tensor<?x64xbf16>, tensor<256x64xbf16> -> tensor<?x256xbf16>
  %g, %u = mlp.split interleaved(64) %l : tensor<?x256xbf16> -> tensor<?x128xbf16>, tensor<?x128xbf16>
  %a = mlp.activation silu %g : tensor<?x128xbf16>
  %h = mlp.mul %a, %u : tensor<?x128xbf16>
  return %h, %u : tensor<?x128xbf16>, tensor<?x128xbf16>
}

// The activation is also returned.
// CHECK-LABEL: func.func @activation_used_elsewhere
// CHECK-NOT: mlp.fused_linear
func.func @activation_used_elsewhere(%x: tensor<?x64xbf16>, %w: tensor<256x64xbf16>) -> (tensor<?x128xbf16>, tensor<?x128xbf16>) {
  %l = mlp.linear %x, %w : tensor<?x64xbf16>, tensor<256x64xbf16> -> tensor<?x256xbf16>
  %g, %u = mlp.split interleaved(64) %l : tensor<?x256xbf16> -> tensor<?x128xbf16>, tensor<?x128xbf16>
  %a = mlp.activation silu %g : tensor<?x128xbf16>
  %h = mlp.mul %a, %u : tensor<?x128xbf16>
  return %h, %a : tensor<?x128xbf16>, tensor<?x128xbf16>
}

// The wide GEMM result is also returned.
// CHECK-LABEL: func.func @linear_used_elsewhere
// CHECK-NOT: mlp.fused_linear
func.func @linear_used_elsewhere(%x: tensor<?x64xbf16>, %w: tensor<256x64xbf16>) -> (tensor<?x128xbf16>, tensor<?x256xbf16>) {
  %l = mlp.linear %x, %w : tensor<?x64xbf16>, tensor<256x64xbf16> -> tensor<?x256xbf16>
  %g, %u = mlp.split interleaved(64) %l : tensor<?x256xbf16> -> tensor<?x128xbf16>, tensor<?x128xbf16>
  %a = mlp.activation silu %g : tensor<?x128xbf16>
  %h = mlp.mul %a, %u : tensor<?x128xbf16>
  return %h, %l : tensor<?x128xbf16>, tensor<?x256xbf16>
}

// Plain: the linear's result is read by something besides the activation.
// CHECK-LABEL: func.func @plain_linear_used_elsewhere
// CHECK-NOT: mlp.fused_linear
func.func @plain_linear_used_elsewhere(%x: tensor<?x64xbf16>, %w: tensor<256x64xbf16>) -> (tensor<?x256xbf16>, tensor<?x256xbf16>) {
  %u = mlp.linear %x, %w : tensor<?x64xbf16>, tensor<256x64xbf16> -> tensor<?x256xbf16>
  %a = mlp.activation gelu_erf %u : tensor<?x256xbf16>
  return %a, %u : tensor<?x256xbf16>, tensor<?x256xbf16>
}

// Plain: an activation of a function argument has no GEMM to join.
// CHECK-LABEL: func.func @activation_of_argument
// CHECK-NOT: mlp.fused_linear
func.func @activation_of_argument(%x: tensor<?x64xbf16>) -> tensor<?x64xbf16> {
  %a = mlp.activation silu %x : tensor<?x64xbf16>
  return %a : tensor<?x64xbf16>
}
