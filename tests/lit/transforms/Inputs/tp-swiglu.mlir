// A SwiGLU block asking for a 4-way split (used by shard-tensor-parallel.mlir).
func.func @swiglu(%x: tensor<?x64xbf16> {mlp.role = "x"}, %wg: tensor<128x64xbf16> {mlp.role = "gate"}, %wu: tensor<128x64xbf16> {mlp.role = "up"}, %wd: tensor<64x128xbf16> {mlp.role = "down"}) -> tensor<?x64xbf16> attributes {mlp.tensor_parallel = 4 : i64} {
  %g = mlp.linear %x, %wg : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %u = mlp.linear %x, %wu : tensor<?x64xbf16>, tensor<128x64xbf16> -> tensor<?x128xbf16>
  %a = mlp.activation silu %g : tensor<?x128xbf16>
  %h = mlp.mul %a, %u : tensor<?x128xbf16>
  %y = mlp.linear %h, %wd : tensor<?x128xbf16>, tensor<64x128xbf16> -> tensor<?x64xbf16>
  return %y : tensor<?x64xbf16>
}
