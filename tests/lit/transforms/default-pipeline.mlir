// RUN: mlpjit-opt --mlp-default-pipeline %s | FileCheck %s
// RUN: mlpjit-opt --mlp-default-pipeline="arch=sm_80" %s | FileCheck %s --check-prefix=SM80
// RUN: not mlpjit-opt --mlp-default-pipeline="layout=stacked" %s 2>&1 | FileCheck %s --check-prefix=STACKED
// RUN: mlpjit-opt --mlp-default-pipeline --mlir-print-ir-after-all %s 2>&1 | FileCheck %s --check-prefix=AFTER

// The textbook form the front end emits becomes two planned GEMMs.
// CHECK-LABEL: func.func @llama3_8b
// CHECK-NEXT: %[[W:.*]] = mlp.concat_weights interleaved(16) %arg1, %arg2 : tensor<14336x4096xbf16>, tensor<14336x4096xbf16> -> tensor<28672x4096xbf16>
// CHECK-NEXT: %[[H:.*]] = mlp.fused_linear swiglu interleaved(16) %arg0, %[[W]] {plans = [#mlp.plan<"sm90_tma_ws", m = [1, 16], {{.*}}, #mlp.plan<"sm90_tma_ws", m = [{{[0-9]+}}, 8192], tile = [128, 256, 64], stages = 4, cluster = [2, 1], split_k = 1, swap_ab = false>]} : tensor<?x4096xbf16>, tensor<28672x4096xbf16> -> tensor<?x14336xbf16>
// CHECK-NEXT: %[[Y:.*]] = mlp.linear %[[H]], %arg3 {plans = [{{.*}}]} : tensor<?x14336xbf16>, tensor<4096x14336xbf16> -> tensor<?x4096xbf16>
// CHECK-NEXT: return %[[Y]]
// mlp.arch wins over the pipeline's arch option.
// SM80-LABEL: func.func @llama3_8b
// SM80: mlp.fused_linear swiglu interleaved(16) {{.*}}"sm90_tma_ws"
// STACKED: default-pipeline.mlir:[[@LINE+9]]:8: error: no kernel plan: gated epilogue swiglu needs weights interleaved in blocks of 8, 16, 32 or 64 rows
// AFTER: // -----// IR Dump After ConcatGateUp (mlp-concat-gate-up)
// AFTER: // -----// IR Dump After Canonicalizer (canonicalize)
// AFTER: // -----// IR Dump After FuseGluEpilogue (mlp-fuse-glu-epilogue)
// AFTER: // -----// IR Dump After PlanKernels (mlp-plan-kernels)
func.func @llama3_8b(%x: tensor<?x4096xbf16> {mlp.role = "x"},
    %gate: tensor<14336x4096xbf16> {mlp.role = "gate"}, %up: tensor<14336x4096xbf16> {mlp.role = "up"},
    %down: tensor<4096x14336xbf16> {mlp.role = "down"}) -> tensor<?x4096xbf16>
    attributes {mlp.token_range = array<i64: 1, 8192>, mlp.arch = "sm_90a"} {
  %g = mlp.linear %x, %gate : tensor<?x4096xbf16>, tensor<14336x4096xbf16> -> tensor<?x14336xbf16>
  %u = mlp.linear %x, %up : tensor<?x4096xbf16>, tensor<14336x4096xbf16> -> tensor<?x14336xbf16>
  %a = mlp.activation silu %g : tensor<?x14336xbf16>
  %h = mlp.mul %a, %u : tensor<?x14336xbf16>
  %y = mlp.linear %h, %down : tensor<?x14336xbf16>, tensor<4096x14336xbf16> -> tensor<?x4096xbf16>
  return %y : tensor<?x4096xbf16>
}

// GeGLU with biases: both bias vectors are concatenated like the weights.
// CHECK-LABEL: func.func @geglu_bias
// CHECK-NEXT: %[[W:.*]] = mlp.concat_weights interleaved(16) %arg1, %arg2
// CHECK-NEXT: %[[B:.*]] = mlp.concat_weights interleaved(16) %arg4, %arg5
// CHECK-NEXT: %[[H:.*]] = mlp.fused_linear geglu_tanh interleaved(16) %arg0, %[[W]] bias %[[B]] {plans
// CHECK-NEXT: mlp.linear %[[H]], %arg3 bias %arg6 {plans
// SM80-LABEL: func.func @geglu_bias
// SM80: mlp.fused_linear geglu_tanh interleaved(16) {{.*}}"sm80_mma"
func.func @geglu_bias(%x: tensor<?x64xf16> {mlp.role = "x"}, %gate: tensor<128x64xf16> {mlp.role = "gate"},
    %up: tensor<128x64xf16> {mlp.role = "up"}, %down: tensor<64x128xf16> {mlp.role = "down"},
    %gate_bias: tensor<128xf16> {mlp.role = "gate_bias"}, %up_bias: tensor<128xf16> {mlp.role = "up_bias"},
    %down_bias: tensor<64xf16> {mlp.role = "down_bias"}) -> tensor<?x64xf16>
    attributes {mlp.token_range = array<i64: 1, 64>} {
  %g = mlp.linear %x, %gate bias %gate_bias : tensor<?x64xf16>, tensor<128x64xf16>, tensor<128xf16> -> tensor<?x128xf16>
  %u = mlp.linear %x, %up bias %up_bias : tensor<?x64xf16>, tensor<128x64xf16>, tensor<128xf16> -> tensor<?x128xf16>
  %a = mlp.activation gelu_tanh %g : tensor<?x128xf16>
  %h = mlp.mul %a, %u : tensor<?x128xf16>
  %y = mlp.linear %h, %down bias %down_bias : tensor<?x128xf16>, tensor<64x128xf16>, tensor<64xf16> -> tensor<?x64xf16>
  return %y : tensor<?x64xf16>
}

// Plain MLP (GPT-2).
// CHECK-LABEL: func.func @gpt2
// CHECK-NEXT: %[[H:.*]] = mlp.fused_linear gelu_tanh stacked(1) %arg0, %arg1 bias %arg3 {plans
// CHECK-NEXT: mlp.linear %[[H]], %arg2 bias %arg4 {plans
// CHECK-NEXT: return
func.func @gpt2(%x: tensor<?x768xbf16> {mlp.role = "x"}, %up: tensor<3072x768xbf16> {mlp.role = "up"},
    %down: tensor<768x3072xbf16> {mlp.role = "down"}, %up_bias: tensor<3072xbf16> {mlp.role = "up_bias"},
    %down_bias: tensor<768xbf16> {mlp.role = "down_bias"}) -> tensor<?x768xbf16>
    attributes {mlp.token_range = array<i64: 1, 1024>} {
  %u = mlp.linear %x, %up bias %up_bias : tensor<?x768xbf16>, tensor<3072x768xbf16>, tensor<3072xbf16> -> tensor<?x3072xbf16>
  %a = mlp.activation gelu_tanh %u : tensor<?x3072xbf16>
  %y = mlp.linear %a, %down bias %down_bias : tensor<?x3072xbf16>, tensor<768x3072xbf16>, tensor<768xbf16> -> tensor<?x768xbf16>
  return %y : tensor<?x768xbf16>
}
