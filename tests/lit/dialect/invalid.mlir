// RUN: mlpjit-opt %s -split-input-file -verify-diagnostics

func.func @k_mismatch(%x: tensor<?x64xbf16>, %w: tensor<128x32xbf16>) {
  // expected-error @+1 {{input has K = 64 but weight has K = 32}}
  %y = mlp.linear %x, %w : tensor<?x64xbf16>, tensor<128x32xbf16> -> tensor<?x128xbf16>
  return
}

// -----

func.func @wrong_width(%x: tensor<?x64xbf16>, %w: tensor<128x64xbf16>) {
  // expected-error @+1 {{result has 100 columns, expected 128}}
  %y = mlp.linear %x, %w : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x100xbf16>
  return
}

// -----

func.func @f32(%x: tensor<?x64xf32>, %w: tensor<128x64xf32>) {
  // expected-error @+1 {{element type must be bf16 or f16}}
  %y = mlp.linear %x, %w : tensor<?x64xf32>, tensor<128x64xf32> -> tensor<?x128xf32>
  return
}

// -----

func.func @mixed(%x: tensor<?x64xbf16>, %w: tensor<128x64xf16>) {
  // expected-error @+1 {{must share one element type}}
  %y = mlp.linear %x, %w : tensor<?x64xbf16>, tensor<128x64xf16> -> tensor<?x128xbf16>
  return
}

// -----

func.func @bad_bias(%x: tensor<?x64xbf16>, %w: tensor<128x64xbf16>, %b: tensor<64xbf16>) {
  // expected-error @+1 {{bias must be 'tensor<128xbf16>'}}
  %y = mlp.linear %x, %w bias %b : tensor<?x64xbf16>, tensor<128x64xbf16>, tensor<64xbf16> -> tensor<?x128xbf16>
  return
}

// -----

func.func @gated_width(%x: tensor<?x64xbf16>, %w: tensor<256x64xbf16>) {
  // expected-error @+1 {{result has 256 columns, expected 128}}
  %y = mlp.fused_linear swiglu interleaved(64) %x, %w : tensor<?x64xbf16>, tensor<256x64xbf16> -> tensor<?x256xbf16>
  return
}

// -----

func.func @block(%wg: tensor<96x64xbf16>, %wu: tensor<96x64xbf16>) {
  // expected-error @+1 {{interleave block of 64 rows does not divide 96}}
  %w = mlp.concat_weights interleaved(64) %wg, %wu : tensor<96x64xbf16>, tensor<96x64xbf16> -> tensor<192x64xbf16>
  return
}

// -----

func.func @concat_types(%wg: tensor<128x64xbf16>, %wu: tensor<64x64xbf16>) {
  // expected-error @+1 {{gate and up must have the same type}}
  %w = mlp.concat_weights stacked(1) %wg, %wu : tensor<128x64xbf16>, tensor<64x64xbf16> -> tensor<192x64xbf16>
  return
}

// -----

func.func @split_odd(%y: tensor<?x129xbf16>) {
  // expected-error @+1 {{split dimension must be static and even}}
  %g, %u = mlp.split stacked(1) %y : tensor<?x129xbf16> -> tensor<?x64xbf16>, tensor<?x64xbf16>
  return
}

// -----

func.func @plan_range(%x: tensor<?x64xbf16>, %w: tensor<128x64xbf16>) {
  // expected-error @+1 {{token range [8, 4] is empty}}
  %y = mlp.linear %x, %w {plans = [#mlp.plan<"sm90_tma_ws", m = [8, 4], tile = [64, 128, 64], stages = 4, cluster = [1, 1], split_k = 1, swap_ab = false>]} : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  return
}

// -----

func.func @all_reduce_ranks(%p: tensor<?x64xbf16>) {
  // expected-error @+1 {{ranks must be between 1 and 1024, got 0}}
  %y = mlp.all_reduce ranks(0) %p : tensor<?x64xbf16>
  return
}

// -----

func.func @reduce_scatter_uneven(%p: tensor<12x64xbf16>) {
  // expected-error @+1 {{input rows (12) do not split into 8 equal blocks}}
  %y = mlp.reduce_scatter ranks(8) %p : tensor<12x64xbf16> -> tensor<?x64xbf16>
  return
}

// -----

func.func @reduce_scatter_rows(%p: tensor<16x64xbf16>) {
  // expected-error @+1 {{result has 4 rows, expected 2}}
  %y = mlp.reduce_scatter ranks(8) %p : tensor<16x64xbf16> -> tensor<4x64xbf16>
  return
}
