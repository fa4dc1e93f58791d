"""The op's fake implementation and argument checks, with PyTorch but without
a GPU or the library: a Layer stand-in carries only what the fake reads."""
from types import SimpleNamespace

import pytest

torch = pytest.importorskip("torch")
from mlpjit import Block  # noqa: E402
from mlpjit import ops  # noqa: E402


def stand_in(hidden=64, dtype="bf16", tokens=(1, 128)):
    layer = object.__new__(ops.Layer)
    layer.block = Block(index=0, name="t", hidden=hidden, intermediate=2 * hidden,
                        tokens_min=tokens[0], tokens_max=tokens[1], tensor_parallel=1,
                        gated=True, has_bias=False, dtype=dtype, activation="swiglu")
    layer.dtype = ops.TORCH_DTYPES[dtype]
    layer.program = SimpleNamespace(device=0)
    ops._register(layer)
    return layer


@pytest.fixture
def fake_mode():
    from torch._subclasses.fake_tensor import FakeTensorMode
    mode = FakeTensorMode()
    try:
        with mode:
            torch.empty(1, device="cuda:0")
    except Exception as e:  # an old torch cannot fake CUDA without a GPU
        pytest.skip(f"FakeTensorMode cannot make CUDA tensors here: {e}")
    return mode


def test_op_is_registered_with_its_schema():
    schema = str(torch.ops.mlpjit.mlp.default._schema)
    assert schema == "mlpjit::mlp(Tensor x, int layer) -> Tensor", schema


@pytest.mark.parametrize("shape", [(5, 64), (2, 3, 64), (64,), (0, 64)])
def test_fake_output_is_shaped_like_x(fake_mode, shape):
    layer = stand_in()
    with fake_mode:
        x = torch.empty(*shape, dtype=torch.bfloat16, device="cuda:0")
        y = torch.ops.mlpjit.mlp(x, layer.id)
    assert y.shape == x.shape and y.dtype == x.dtype and y.device == x.device
    assert y.is_contiguous()


def test_fake_checks(fake_mode):
    layer = stand_in(tokens=(1, 16))
    with fake_mode:
        ok = torch.empty(4, 64, dtype=torch.bfloat16, device="cuda:0")
        with pytest.raises(TypeError, match="x is torch.float16; the block computes in torch.bfloat16"):
            torch.ops.mlpjit.mlp(ok.half(), layer.id)
        with pytest.raises(ValueError, match=r"x has shape \[4, 32\]; expected \[\.\.\., 64\]"):
            torch.ops.mlpjit.mlp(ok[:, :32], layer.id)
        with pytest.raises(ValueError, match="not contiguous"):
            torch.ops.mlpjit.mlp(torch.empty(64, 4, dtype=torch.bfloat16, device="cuda:0").t(),
                                 layer.id)
        with pytest.raises(ValueError, match="17 tokens; block 't' was compiled for 1..16"):
            torch.ops.mlpjit.mlp(torch.empty(17, 64, dtype=torch.bfloat16, device="cuda:0"),
                                 layer.id)
        with pytest.raises(ValueError, match="x is on cpu"):
            torch.ops.mlpjit.mlp(torch.empty(4, 64, dtype=torch.bfloat16), layer.id)


def test_unknown_layer_id():
    with pytest.raises(ValueError, match="no live layer with id 999999"):
        torch.ops.mlpjit.mlp(torch.empty(1, 64, dtype=torch.bfloat16), 999999)


def test_layers_die_with_their_owner():
    import gc
    layer = stand_in()
    lid = layer.id
    assert ops._layers.get(lid) is layer
    del layer
    gc.collect()
    assert ops._layers.get(lid) is None


def test_activation_probe():
    from mlpjit.nn import activation_of
    assert activation_of(torch.nn.SiLU()) == "swiglu"
    assert activation_of(torch.nn.GELU(approximate="tanh")) == "geglu_tanh"
    assert activation_of(torch.nn.GELU()) == "geglu_erf"
    assert activation_of(torch.nn.ReLU()) == "reglu"
    with pytest.raises(ValueError, match="activation Tanh is none of"):
        activation_of(torch.nn.Tanh())
