//===- MlpOps.td - ops of the mlp dialect ------------------*- tablegen -*-===//
#ifndef MLPJIT_DIALECT_MLP_OPS_TD
#define MLPJIT_DIALECT_MLP_OPS_TD

include "mlpjit/Dialect/Mlp/MlpDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def Mlp_ActivationKind : I32EnumAttr<"ActivationKind", "pointwise activation", [
    I32EnumAttrCase<"silu", 0>,
    I32EnumAttrCase<"gelu_tanh", 1>,
    I32EnumAttrCase<"gelu_erf", 2>,
    I32EnumAttrCase<"relu", 3>]> {
  let cppNamespace = "::mlpjit::mlp";
}

// What the GEMM epilogue computes from the accumulator (plus bias, if any).
// Gated kinds read a (gate, up) column pair and write one column.
def Mlp_EpilogueKind : I32EnumAttr<"EpilogueKind", "GEMM epilogue", [
    I32EnumAttrCase<"none", 0>,        // D = acc
    I32EnumAttrCase<"silu", 1>,        // D = silu(acc)
    I32EnumAttrCase<"gelu_tanh", 2>,   // D = gelu_tanh(acc)
    I32EnumAttrCase<"gelu_erf", 3>,    // D = gelu_erf(acc)
    I32EnumAttrCase<"relu", 4>,        // D = relu(acc)
    I32EnumAttrCase<"swiglu", 5>,      // D = silu(gate) * up
    I32EnumAttrCase<"geglu_tanh", 6>,  // D = gelu_tanh(gate) * up
    I32EnumAttrCase<"geglu_erf", 7>,   // D = gelu_erf(gate) * up
    I32EnumAttrCase<"reglu", 8>]> {    // D = relu(gate) * up
  let cppNamespace = "::mlpjit::mlp";
}

// How gate and up rows are arranged in a concatenated weight of 2N rows.
def Mlp_WeightLayout : I32EnumAttr<"WeightLayout", "gate/up row arrangement", [
    // rows [0, N) are gate, rows [N, 2N) are up.
    I32EnumAttrCase<"stacked", 0>,
    // blocks of B rows alternate: gate[0:B), up[0:B), gate[B:2B), up[B:2B)...
    I32EnumAttrCase<"interleaved", 1>]> {
  let cppNamespace = "::mlpjit::mlp";
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

def Mlp_KernelPlanAttr : Mlp_Attr<"KernelPlan", "plan"> {
  let summary = "compile-time constants of one GEMM kernel for a token range";
  let description = [{
    Names the kernel template and every constant it is instantiated with, for
    token counts M in [m_min, m_max]. Chosen by `mlp-plan-kernels`; an autotuned
    table can produce the same attribute.

    Example:
    `#mlp.plan<"sm90_tma_ws", m = [1, 64], tile = [64, 128, 64], stages = 6,
      cluster = [1, 1], split_k = 1, swap_ab = true>`

    `split_k = 0` asks for stream-K: the persistent grid shares the k-tiles
    of the tiles that do not fill whole waves equally among all CTAs.
  }];
  let parameters = (ins
    StringRefParameter<"kernel template name">:$templateName,
    "int64_t":$mMin, "int64_t":$mMax,
    "int64_t":$tileM, "int64_t":$tileN, "int64_t":$tileK,
    "int64_t":$stages,
    "int64_t":$clusterM, "int64_t":$clusterN,
    "int64_t":$splitK,
    "bool":$swapAB);
  let assemblyFormat = [{
    `<` $templateName `,` `m` `=` `[` $mMin `,` $mMax `]` `,`
        `tile` `=` `[` $tileM `,` $tileN `,` $tileK `]` `,`
        `stages` `=` $stages `,`
        `cluster` `=` `[` $clusterM `,` $clusterN `]` `,`
        `split_k` `=` $splitK `,` `swap_ab` `=` $swapAB `>`
  }];
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

def Mlp_LinearOp : Mlp_Op<"linear", [Pure]> {
  let summary = "y = x · Wᵀ (+ b)";
  let description = [{
    A projection as stored by PyTorch: `input` is [M, K], `weight` is [N, K]
    (row-major, out_features × in_features), the optional `bias` is [N], the
    result is [M, N].

    ```mlir
    %y = mlp.linear %x, %w : tensor<?x4096xbf16>, tensor<14336x4096xbf16> -> tensor<?x14336xbf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                       Optional<AnyRankedTensor>:$bias,
                       OptionalAttr<ArrayAttr>:$plans);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`bias` $bias^)? attr-dict `:` type($input) `,`
    type($weight) (`,` type($bias)^)? `->` type($result)
  }];
  let hasVerifier = 1;
}

def Mlp_ActivationOp : Mlp_Op<"activation", [Pure, SameOperandsAndResultType]> {
  let summary = "pointwise activation";
  let description = [{
    ```mlir
    %a = mlp.activation silu %g : tensor<?x14336xbf16>
    ```
  }];
  let arguments = (ins Mlp_ActivationKind:$kind, AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$kind $input attr-dict `:` type($input)";
}

def Mlp_MulOp : Mlp_Op<"mul", [Pure, SameOperandsAndResultType, Commutative]> {
  let summary = "elementwise product";
  let arguments = (ins AnyRankedTensor:$lhs, AnyRankedTensor:$rhs);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($result)";
}

def Mlp_ConcatWeightsOp : Mlp_Op<"concat_weights", [Pure]> {
  let summary = "gate and up weights (or biases) as one tensor of 2N rows";
  let description = [{
    Concatenates along dimension 0 in the given `layout`. With `interleaved`,
    blocks of `block_rows` gate rows and up rows alternate, so that one GEMM
    output tile of 2·block_rows columns holds matching gate and up columns.

    ```mlir
    %w = mlp.concat_weights interleaved(64) %wg, %wu
        : tensor<14336x4096xbf16>, tensor<14336x4096xbf16> -> tensor<28672x4096xbf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$gate, AnyRankedTensor:$up,
                       Mlp_WeightLayout:$layout, I64Attr:$block_rows);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $layout `(` $block_rows `)` $gate `,` $up attr-dict `:` type($gate) `,`
    type($up) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Mlp_SplitOp : Mlp_Op<"split", [Pure]> {
  let summary = "inverse of concat_weights along the last dimension";
  let description = [{
    Splits the [M, 2N] result of a linear over concatenated weights back into
    its gate and up halves, each [M, N], undoing `layout`.
  }];
  let arguments = (ins AnyRankedTensor:$input, Mlp_WeightLayout:$layout,
                       I64Attr:$block_rows);
  let results = (outs AnyRankedTensor:$gate, AnyRankedTensor:$up);
  let assemblyFormat = [{
    $layout `(` $block_rows `)` $input attr-dict `:` type($input) `->`
    type($gate) `,` type($up)
  }];
  let hasVerifier = 1;
}

def Mlp_FusedLinearOp : Mlp_Op<"fused_linear", [Pure]> {
  let summary = "one GEMM with a fused epilogue: y = epilogue(x · Wᵀ (+ b))";
  let description = [{
    For gated epilogues (swiglu, geglu_*, reglu) `weight` holds gate and up
    rows in `layout` and the result is half as wide as the GEMM:
    `y = act(x · Wgᵀ + bg) * (x · Wuᵀ + bu)`. For the other epilogues the
    result is `act(x · Wᵀ + b)`.

    ```mlir
    %h = mlp.fused_linear swiglu interleaved(64) %x, %w
        : tensor<?x4096xbf16>, tensor<28672x4096xbf16> -> tensor<?x14336xbf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, AnyRankedTensor:$weight,
                       Optional<AnyRankedTensor>:$bias,
                       Mlp_EpilogueKind:$epilogue, Mlp_WeightLayout:$layout,
                       I64Attr:$block_rows, OptionalAttr<ArrayAttr>:$plans);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $epilogue $layout `(` $block_rows `)` $input `,` $weight (`bias` $bias^)?
    attr-dict `:` type($input) `,` type($weight) (`,` type($bias)^)? `->`
    type($result)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// True for epilogues that combine a gate and an up column.
    bool isGated();
  }];
}

//===----------------------------------------------------------------------===//
// Tensor-parallel collectives (inserted by mlp-shard-tensor-parallel)
//===----------------------------------------------------------------------===//

// Not Pure: every rank of the group must take part, so a collective is never
// folded away or hoisted even when its result looks unused.
def Mlp_AllReduceOp : Mlp_Op<"all_reduce", [SameOperandsAndResultType]> {
  let summary = "sum of each rank's tensor over a tensor-parallel group";
  let description = [{
    Every one of the `ranks` ranks passes its partial tensor and receives the
    elementwise sum of all of them (NCCL all-reduce, sum).

    ```mlir
    %y = mlp.all_reduce ranks(8) %p : tensor<?x8192xbf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$ranks);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "`ranks` `(` $ranks `)` $input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Mlp_ReduceScatterOp : Mlp_Op<"reduce_scatter", []> {
  let summary = "sum over a tensor-parallel group, each rank keeping a row block";
  let description = [{
    The sum of the ranks' [M, H] tensors, split into `ranks` blocks of M / ranks
    rows; rank r receives block r (NCCL reduce-scatter, sum). M must be a
    multiple of `ranks`.

    ```mlir
    %y = mlp.reduce_scatter ranks(8) %p : tensor<?x8192xbf16> -> tensor<?x8192xbf16>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, I64Attr:$ranks);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    `ranks` `(` $ranks `)` $input attr-dict `:` type($input) `->` type($result)
  }];
  let hasVerifier = 1;
}

#endif // MLPJIT_DIALECT_MLP_OPS_TD
