//===- Passes.td - the mlp graph passes ---------------------*- tablegen -*-===//
#ifndef MLPJIT_TRANSFORMS_PASSES_TD
#define MLPJIT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ShardTensorParallel : Pass<"mlp-shard-tensor-parallel", "mlir::func::FuncOp"> {
  let summary = "Rewrite an MLP into one rank's shard of an N-way tensor-parallel split";
  let description = [{
    For a function with `mlp.tensor_parallel = N` (or the `tp` option), N > 1:
    gate and up (and their biases) keep 1/N of their rows (column-parallel),
    down keeps 1/N of its columns (row-parallel), and the partial result of
    the down linear is summed over the ranks by `mlp.all_reduce` (or split
    into row blocks by `mlp.reduce_scatter` with `output=reduce-scatter`).
    The IR is the same on every rank; rank r's slices are rows / columns
    [r·I/N, (r+1)·I/N). Each argument records its slicing in `mlp.shard`:
    `replicated` (x), `rows` (gate, up, their biases), `cols` (down) or
    `first_rank` (the down bias: added by rank 0 only, zeros elsewhere, so
    the sum adds it once). Runs first, so the later passes concatenate and
    plan each rank's shard as an ordinary, smaller MLP.

    Before (tp = 2):
    ```mlir
    func.func @f(%x: tensor<?x64xbf16> {mlp.role = "x"}, %wg: tensor<128x64xbf16> {mlp.role = "gate"},
                 %wu: tensor<128x64xbf16> {mlp.role = "up"}, %wd: tensor<64x128xbf16> {mlp.role = "down"})
        -> tensor<?x64xbf16> attributes {mlp.tensor_parallel = 2 : i64} {
      %g = mlp.linear %x, %wg : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
      %u = mlp.linear %x, %wu : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
      %a = mlp.activation silu %g : tensor<?x128xbf16>
      %h = mlp.mul %a, %u : tensor<?x128xbf16>
      %y = mlp.linear %h, %wd : tensor<?x128xbf16>, tensor<64x128xbf16> -> tensor<?x64xbf16>
      return %y : tensor<?x64xbf16>
    }
    ```
    After:
    ```mlir
    func.func @f(%x: tensor<?x64xbf16> {mlp.role = "x", mlp.shard = "replicated"},
                 %wg: tensor<64x64xbf16> {mlp.role = "gate", mlp.shard = "rows"},
                 %wu: tensor<64x64xbf16> {mlp.role = "up", mlp.shard = "rows"},
                 %wd: tensor<64x64xbf16> {mlp.role = "down", mlp.shard = "cols"})
        -> tensor<?x64xbf16> attributes {mlp.tensor_parallel = 2 : i64} {
      %g = mlp.linear %x, %wg : tensor<?x64xbf16>, tensor<64x64xbf16> -> tensor<?x64xbf16>
      ...
      %p = mlp.linear %h, %wd : tensor<?x64xbf16>, tensor<64x64xbf16> -> tensor<?x64xbf16>
      %y = mlp.all_reduce ranks(2) %p : tensor<?x64xbf16>
      return %y : tensor<?x64xbf16>
    }
    ```
    The split is checked, not assumed: starting from the arguments' roles,
    every value is tracked as replicated, column-sharded or partial; only
    linear (replicated input, row-sharded weight), activation, mul and
    linear (column-sharded input, column-sharded weight) are accepted, and
    the returned value must be partial. Anything else, a size that does not
    divide by N, or a function already sharded by another degree is an error.
  }];
  let options = [
    Option<"tp", "tp", "int64_t", "0",
           "degree; 0 = the function's mlp.tensor_parallel attribute">,
    Option<"output", "output", "std::string", "\"all-reduce\"",
           "how the partial results are combined: all-reduce|reduce-scatter">,
  ];
  let dependentDialects = ["mlpjit::mlp::MlpDialect"];
}

def ConcatGateUp : Pass<"mlp-concat-gate-up", "mlir::func::FuncOp"> {
  let summary = "Concatenate the gate and up projections into one GEMM";
  let description = [{
    Finds a gated pair `act(x · Wgᵀ) * (x · Wuᵀ)`: two `mlp.linear` on the
    same input with weights of the same type, both with a bias or neither,
    whose results feed only that activation and that product. Rewrites it to
    one linear over `mlp.concat_weights` and an `mlp.split`, which
    `mlp-fuse-glu-epilogue` then absorbs.

    Before:
    ```mlir
    %g = mlp.linear %x, %wg : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
    %u = mlp.linear %x, %wu : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
    %a = mlp.activation silu %g : tensor<?x128xbf16>
    %h = mlp.mul %a, %u : tensor<?x128xbf16>
    ```
    After (layout=interleaved, block-rows=64):
    ```mlir
    %w = mlp.concat_weights interleaved(64) %wg, %wu : ... -> tensor<256x64xbf16>
    %l = mlp.linear %x, %w : tensor<?x64xbf16>, tensor<256x64xbf16> -> tensor<?x256xbf16>
    %g, %u = mlp.split interleaved(64) %l : tensor<?x256xbf16> -> tensor<?x128xbf16>, tensor<?x128xbf16>
    %a = mlp.activation silu %g : tensor<?x128xbf16>
    %h = mlp.mul %a, %u : tensor<?x128xbf16>
    ```
    The default block (block-rows=0) is the largest of 64, 32, 16 and 8 rows,
    up to max-block-rows (default 16), that divides N, which every N the
    front end accepts (a multiple of 8) has; the gated kernels implement
    exactly these blocks. Gated tiles hold whole block pairs: blocks of 16
    let them be 192 or 224 weight rows wide as well as 128 and 256.

    Left alone: different inputs, different weight shapes (K or N), a bias on
    only one side, an explicit block that does not divide N, and any pair whose result
    has another user (returned, or read by anything but the activation and
    the product): a concatenated GEMM would then need its split materialized
    as a copy, which costs more than it saves.
  }];
  let options = [
    Option<"layout", "layout", "std::string", "\"interleaved\"",
           "row arrangement of the concatenated weight: interleaved|stacked">,
    Option<"blockRows", "block-rows", "int64_t", "0",
           "rows per gate/up block of the interleaved layout; must divide N "
           "(0: the largest of 64, 32, 16, 8 up to max-block-rows that divides N)">,
    Option<"maxBlockRows", "max-block-rows", "int64_t", "16",
           "with block-rows=0: the largest block considered (8, 16, 32 or "
           "64)">,
  ];
  let dependentDialects = ["mlpjit::mlp::MlpDialect"];
}

def FuseGluEpilogue : Pass<"mlp-fuse-glu-epilogue", "mlir::func::FuncOp"> {
  let summary = "Fold the activation (and gating product) into the GEMM";
  let description = [{
    Gated: `split` of a linear, an activation of the gate half and the product
    with the up half become one `mlp.fused_linear` with the gated epilogue
    (silu -> swiglu, gelu_tanh -> geglu_tanh, gelu_erf -> geglu_erf,
    relu -> reglu), bias included. The result is half as wide as the GEMM.

    Before:
    ```mlir
    %l = mlp.linear %x, %w bias %b : tensor<?x64xbf16>, tensor<256x64xbf16>, tensor<256xbf16> -> tensor<?x256xbf16>
    %g, %u = mlp.split interleaved(64) %l : tensor<?x256xbf16> -> tensor<?x128xbf16>, tensor<?x128xbf16>
    %a = mlp.activation silu %g : tensor<?x128xbf16>
    %h = mlp.mul %a, %u : tensor<?x128xbf16>
    ```
    After:
    ```mlir
    %h = mlp.fused_linear swiglu interleaved(64) %x, %w bias %b : tensor<?x64xbf16>, tensor<256x64xbf16>, tensor<256xbf16> -> tensor<?x128xbf16>
    ```
    Plain: a linear whose only user is an activation becomes
    `mlp.fused_linear <silu|gelu_tanh|gelu_erf|relu> stacked(1)`.

    Only when the meaning is identical: the activation reads the gate half
    (result 0 of the split), the product reads exactly that activation and
    the up half of the same split (in either order), and the linear, the
    split halves and the activation have no other users.
  }];
  let dependentDialects = ["mlpjit::mlp::MlpDialect"];
}

def PlanKernels : Pass<"mlp-plan-kernels", "mlir::func::FuncOp"> {
  let summary = "Attach kernel plans (template and constants per token bucket)";
  let description = [{
    Gives every `mlp.fused_linear` and every `mlp.linear` a `plans` array:
    one `#mlp.plan` per token bucket of the kernel heuristic
    (KernelHeuristic.h) intersected with the function's `mlp.token_range`
    (default [1, 65536]). The arch is the function's `mlp.arch`, else the
    `arch` option. An op no template can serve gets an error. With
    `tuning-file`, a bucket whose GEMM has a measured plan there
    (TunedPlans.h, written by `mlpjit-bench --tune`) takes that plan's
    constants instead of the heuristic's. The cost model is the H200's it
    was fitted on, scaled to `sm-count` SMs and `memory-gbs` of peak DRAM
    bandwidth when those are set (DeviceModel::forGpu).

    Before:
    ```mlir
    func.func @f(...) attributes {mlp.token_range = array<i64: 1, 64>} {
      %y = mlp.linear %h, %wd : tensor<?x128xbf16>, tensor<64x128xbf16> -> tensor<?x64xbf16>
    ```
    After:
    ```mlir
      %y = mlp.linear %h, %wd {plans = [
        #mlp.plan<"sm90_tma_ws", m = [1, 16], tile = [16, 128, 64], stages = 8, cluster = [1, 1], split_k = 2, swap_ab = true>,
        #mlp.plan<"sm90_tma_ws", m = [17, 64], tile = [64, 128, 64], stages = 6, cluster = [1, 1], split_k = 2, swap_ab = true>]} : ...
    ```
  }];
  let options = [
    Option<"arch", "arch", "std::string", "\"sm_90a\"",
           "target arch for functions without mlp.arch">,
    Option<"tuningFile", "tuning-file", "std::string", "",
           "measured plans (mlpjit-bench --tune) that replace the heuristic's">,
    Option<"smCount", "sm-count", "int64_t", "0",
           "the target GPU's SM count (0: the H200's 132)">,
    Option<"memoryGBs", "memory-gbs", "double", "0",
           "the target GPU's peak DRAM bandwidth in GB/s (0: the H200's)">,
  ];
  let dependentDialects = ["mlpjit::mlp::MlpDialect"];
}

#endif // MLPJIT_TRANSFORMS_PASSES_TD
