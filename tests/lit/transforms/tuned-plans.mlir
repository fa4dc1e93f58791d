// RUN: mlpjit-opt --mlp-default-pipeline="tuning-file=%S/Inputs/tuning.json" %s | FileCheck %s
// RUN: not mlpjit-opt --mlp-plan-kernels="tuning-file=%S/Inputs/tuning-bad-epilogue.json" %s 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: mlpjit-opt --mlp-plan-kernels="tuning-file=%S/Inputs/no-such-dir/x.json" %s 2>&1 | FileCheck %s --check-prefix=MISSING

// llama-3-70b/tp8: a measured plan replaces the heuristic's in the planner
// range holding its m, not in the whole bucket (gate-up m = 256 ->
// [241, 256]; down m = 16 -> [9, 16], while the heuristic's [1, 16] bucket
// keeps its plan for [1, 8]); other ranges, and the f16 entry (another
// dtype), leave the heuristic's plans alone.
// CHECK-LABEL: func.func @tp8
// CHECK: mlp.fused_linear swiglu {{.*}} {plans = [
// CHECK-SAME: m = [1, 8], tile = [8, 128, 64], stages = 8, cluster = [1, 1], split_k = 1, swap_ab = true>,
// CHECK-SAME: m = [241, 256], tile = [128, 256, 64], stages = 4, cluster = [1, 1], split_k = 1, swap_ab = false>,
// CHECK: mlp.linear {{.*}} {plans = [
// CHECK-SAME: m = [1, 8], tile = [16, 64, 64], stages = 8, cluster = [1, 1], split_k = 1, swap_ab = true>,
// CHECK-SAME: m = [9, 16], tile = [32, 64, 64], stages = 8, cluster = [1, 1], split_k = 2, swap_ab = true>,
// CHECK-SAME: m = [17, 24], tile = [24, 64, 64], stages = 8, cluster = [1, 1], split_k = 1, swap_ab = true>,
// CHECK-SAME: m = [{{[0-9]+}}, 65536], tile = [128, 256, 64], stages = 4, cluster = [1, 1], split_k = 1, swap_ab = false>]}
// BAD: tuning-bad-epilogue.json': unknown epilogue at tuning.plans[0].epilogue
// A missing file is an empty table: the heuristic's plans, no error.
// MISSING-NOT: error
// MISSING: {plans = [#mlp.plan<"sm90_tma_ws"
func.func @tp8(%x: tensor<?x8192xbf16> {mlp.role = "x"},
    %wg: tensor<3584x8192xbf16> {mlp.role = "gate"}, %wu: tensor<3584x8192xbf16> {mlp.role = "up"},
    %wd: tensor<8192x3584xbf16> {mlp.role = "down"}) -> tensor<?x8192xbf16> {
  %g = mlp.linear %x, %wg : tensor<?x8192xbf16>, tensor<3584x8192xbf16> -> tensor<?x3584xbf16>
  %u = mlp.linear %x, %wu : tensor<?x8192xbf16>, tensor<3584x8192xbf16> -> tensor<?x3584xbf16>
  %a = mlp.activation silu %g : tensor<?x3584xbf16>
  %h = mlp.mul %a, %u : tensor<?x3584xbf16>
  %y = mlp.linear %h, %wd : tensor<?x3584xbf16>, tensor<8192x3584xbf16> -> tensor<?x8192xbf16>
  return %y : tensor<?x8192xbf16>
}
