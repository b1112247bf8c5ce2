"""dscost.readers.onnx_lib: a plain graph is read with onnx's protobuf classes and C++ extension
only (no numpy, no onnx.helper); a graph that needs folding, and anyone importing onnx after,
get the full package -- and the counts are the stored golden JSON either way."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import onnx

from conftest import ROOT
from dscost.cli import run
from dscost.readers import onnx_lib
from test_golden import GOLDEN

# In a fresh process: analyze each path (JSON to a file beside it), noting after each which of
# numpy and onnx's Python package were imported; then use onnx as any program would.
CHILD = """
import io, contextlib, json, sys
import dscost.cli
seen = []
runs = json.loads(sys.argv[1])
for path, *extra in runs:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = dscost.cli.run(["analyze", path, "-f", "json", "-q", *extra])
    open(path + ".json", "w").write(out.getvalue())
    seen.append([rc, "numpy" in sys.modules, "onnx.helper" in sys.modules])
import onnx, numpy as np
from onnx import helper, checker
from onnx.reference import ReferenceEvaluator
m = onnx.load(runs[0][0])
checker.check_model(m)
assert onnx.onnx_ml_pb2.ModelProto is onnx.ModelProto and onnx.onnx_cpp2py_export.ONNX_ML in (True, False)
g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [helper.make_tensor_value_info("x", 1, [2])], [helper.make_tensor_value_info("y", 1, [2])])
relu = ReferenceEvaluator(helper.make_model(g)).run(None, {"x": np.array([-1.0, 2.0], dtype=np.float32)})[0].tolist()
print(json.dumps({"seen": seen, "relu": relu, "inferred": len(onnx.shape_inference.infer_shapes(m).graph.value_info)}))
"""


def _golden(tmp_path: Path):
    from onnx_models import init, model, node, save
    from test_onnx_realworld import tf_same_pad

    plain = tmp_path / "resnet18.onnx"
    assert run(["export", str(ROOT / "models" / "resnet18.yaml"), "-o", str(plain)]) == 0
    nodes = tf_same_pad("x", "p1", 3, 2) + [node("Conv", ["p1_xp", "W1"], "c1", strides=[2, 2])]
    folded = save(tmp_path, model(nodes, [("x", [1, 3, 9, 9])], inits=[init("W1", 8, 3, 3, 3)]), "tfpad.onnx")
    return plain, folded


def _legacy(tmp_path: Path) -> Path:
    from onnx_models import save
    from test_onnx_legacy import _caffe2_era_net

    return save(tmp_path, _caffe2_era_net(3), "caffe2.onnx")


def _pool_resize(tmp_path: Path) -> Path:
    """A MaxPool with ceil_mode=0 (as torch's exporter writes every pool) and a Resize by 2: both are
    looked at for the runtime's size (onnx_runtime_sizes.runtime_sizes), with nothing to correct."""
    import numpy as np
    from onnx_models import init, model, node, save

    nodes = [node("MaxPool", ["x"], "p", kernel_shape=[2, 2], strides=[2, 2], ceil_mode=0), node("Conv", ["p", "W1"], "c", pads=[1, 1, 1, 1]),
             node("Resize", ["c", "", "s"], "r"), node("Conv", ["r", "W2"], "y")]  # fmt: skip
    inits = [init("W1", 8, 3, 3, 3), init("s", 4, value=np.array([1, 1, 2, 2], np.float32)), init("W2", 4, 8, 1, 1)]
    return save(tmp_path, model(nodes, [("x", [1, 3, 8, 8])], ["y"], inits, opset=13), "pool_resize.onnx")


def _constants(tmp_path: Path) -> Path:
    """Constant nodes, as torch's exporter writes them: a Reshape's target shape [1, 256], a
    tensor of zeros added (one repeated value: a literal, not a parameter), a float16 scale
    given as its bits.  Whether each is one repeated value is read without onnx's numpy_helper
    (which imports all of onnx, and ml_dtypes: 0.5 s in ml_dtypes 0.7)."""
    import numpy as np
    from onnx import helper
    from onnx_models import init, model, node, save

    def const(name, **value):
        return helper.make_node("Constant", [], [name], name=name, **value)

    nodes = [node("Conv", ["x", "W1"], "c", pads=[1, 1, 1, 1]),
             const("shape", value=helper.make_tensor("v", 7, [2], np.array([1, 256], np.int64).tobytes(), raw=True)), node("Reshape", ["c", "shape"], "r"),
             const("zeros", value=helper.make_tensor("z", 1, [256], [0.0] * 256)), node("Add", ["r", "zeros"], "a"),
             const("half", value=helper.make_tensor("h", 10, [256], np.full(256, 0.5, np.float16).view(np.uint16).tolist())),
             node("Cast", ["a"], "a16", to=10), node("Mul", ["a16", "half"], "m"), node("Cast", ["m"], "m32", to=1),
             node("MatMul", ["m32", "W2"], "y")]  # fmt: skip
    return save(tmp_path, model(nodes, [("x", [1, 3, 8, 8])], ["y"], [init("W1", 4, 3, 3, 3), init("W2", 256, 2)]), "constants.onnx")


def test_plain_graph_reads_without_onnx_package_then_onnx_imports_whole(tmp_path, capsys):
    plain, folded = _golden(tmp_path)
    legacy = _legacy(tmp_path)
    pool_resize = _pool_resize(tmp_path)
    constants = _constants(tmp_path)
    capsys.readouterr()
    runs = [[str(plain), "--hardware", "t4"], [str(pool_resize)], [str(constants)], [str(legacy)], [str(folded)]]
    p = subprocess.run([sys.executable, "-c", CHILD, json.dumps(runs)], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    res = json.loads(p.stdout.strip().splitlines()[-1])
    # the plain CNN: neither numpy nor onnx.helper; a file of opset 3 needs the version converter,
    # the TF-style pad needs folding (the full package)
    assert res["seen"] == [[0, False, False], [0, False, False], [0, False, False], [0, True, True], [0, True, True]]
    assert json.loads(Path(str(pool_resize) + ".json").read_text())["totals"]["macs"] == 9 * 3 * 8 * 4 * 4 + 8 * 4 * 8 * 8  # 3,456 + 2,048
    consts = json.loads(Path(str(constants) + ".json").read_text())
    assert (consts["totals"]["macs"], consts["totals"]["params"]) == (27 * 4 * 64 + 256 * 2, 108 + 512)  # (the zeros and the scale: literals)
    assert consts["uncounted"] == []
    old = json.loads(Path(str(legacy) + ".json").read_text())
    assert old["totals"]["macs"] == 122_880 and old["uncounted"] == []  # (test_onnx_legacy's hand count)
    assert any("from a copy converted to opset 6" in n for n in old["notes"])
    assert res["relu"] == [0.0, 2.0]
    assert res["inferred"] == len(onnx.shape_inference.infer_shapes(onnx.load(plain)).graph.value_info) > 20
    for path, golden in ((plain, "resnet18.onnx.json"), (folded, "tfpad.onnx.json")):
        assert Path(str(path) + ".json").read_text().replace(str(tmp_path), "TMP") == (GOLDEN / golden).read_text()


def test_light_calls_equal_onnx(tmp_path):
    """The two calls it makes itself are onnx's; everything else is onnx's own attribute."""
    plain, _ = _golden(tmp_path)
    light = onnx_lib._Light(onnx.onnx_ml_pb2, onnx.onnx_cpp2py_export)
    m = onnx.load(plain)
    for kw in ({}, {"check_type": True, "strict_mode": True, "data_prop": True}):
        assert light.shape_inference.infer_shapes(m, **kw) == onnx.shape_inference.infer_shapes(m, **kw)
    assert light.defs.onnx_opset_version() == onnx.defs.onnx_opset_version() >= 21
    assert light.ModelProto is onnx.ModelProto and light.NodeProto is onnx.NodeProto and light.helper is onnx.helper
    assert light.defs.get_schema is onnx.defs.get_schema and light.shape_inference.infer_node_outputs is onnx.shape_inference.infer_node_outputs
    assert onnx_lib.load() is onnx  # (this process imported onnx first: the module itself)


def test_when_the_parts_do_not_work_it_is_import_onnx(tmp_path):
    """Any surprise in loading onnx in parts (here the first inference call fails) falls back to
    `import onnx`, and the count is the same."""
    plain, _ = _golden(tmp_path)
    code = f"""
import json, sys
from dscost.readers import onnx_lib
def broken(*a, **k):
    raise RuntimeError("not this onnx")
onnx_lib._Light.__init__ = broken
lib = onnx_lib.load()
from dscost.readers import load
m = load({str(plain)!r})
print(json.dumps([lib is sys.modules["onnx"], type(lib).__name__, "numpy" in sys.modules, sum(layer.cost.macs for layer in m.layers)]))
"""
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    assert json.loads(p.stdout.strip().splitlines()[-1]) == [True, "module", True, json.loads((GOLDEN / "resnet18.onnx.json").read_text())["totals"]["macs"]]


def test_protos_built_without_onnx_helper_are_onnx_helpers_bytes():
    """value_info, node and int64_tensor (the --measure-sizes child's copy is mended and declared
    with them) serialize to the very bytes onnx.helper's builders give; so do float_tensor and
    model (bench's one-layer models, calibrate's)."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    w = np.arange(2 * 3 * 3 * 3, dtype=np.float32).reshape(2, 3, 3, 3) / 7
    conv = helper.make_node("Conv", ["x", "w"], ["y"], name="c", kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    x, y = helper.make_tensor_value_info("x", 1, [1, 3, 8, 8]), helper.make_tensor_value_info("y", 1, [1, 2, 8, 8])

    same = [
        (onnx_lib.value_info("t", TensorProto.FLOAT, (1, 3, 224, 224)), helper.make_tensor_value_info("t", TensorProto.FLOAT, [1, 3, 224, 224])),
        (onnx_lib.value_info("s", TensorProto.INT64, ()), helper.make_tensor_value_info("s", TensorProto.INT64, [])),  # (a scalar: an empty shape)
        (onnx_lib.value_info("u", TensorProto.INT64, None), helper.make_tensor_value_info("u", TensorProto.INT64, None)),  # (no shape)
        (onnx_lib.value_info("e"), helper.make_empty_tensor_value_info("e")),
        (onnx_lib.node("Cast", ["a"], ["b"], "c", to=16), helper.make_node("Cast", ["a"], ["b"], name="c", to=16)),
        (onnx_lib.node("Squeeze", ["a"], ["b"], "q", axes=[0]), helper.make_node("Squeeze", ["a"], ["b"], name="q", axes=[0])),
        (onnx_lib.int64_tensor("k", [0]), helper.make_tensor("k", TensorProto.INT64, [1], [0])),
        (onnx_lib.node("LeakyRelu", ["a"], ["b"], "l", alpha=0.01), helper.make_node("LeakyRelu", ["a"], ["b"], name="l", alpha=0.01)),
        (onnx_lib.float_scalar("m", 6.0), helper.make_tensor("m", TensorProto.FLOAT, [], [6.0])),
        (onnx_lib.float_tensor("w", w), numpy_helper.from_array(w, "w")),
        (onnx_lib.model([conv], [x], [y], [onnx_lib.float_tensor("w", w)], "g", 17, 8, "dscost"),
         helper.make_model(helper.make_graph([conv], "g", [x], [y], [numpy_helper.from_array(w, "w")]), opset_imports=[helper.make_opsetid("", 17)],
                           ir_version=8, producer_name="dscost")),
    ]
    for ours, theirs in same:
        assert ours.SerializeToString() == theirs.SerializeToString(), theirs
    assert onnx_lib.value_info("s", TensorProto.INT64, ()).type.tensor_type.HasField("shape")
    assert not onnx_lib.value_info("u", TensorProto.INT64, None).type.tensor_type.HasField("shape")


def test_bench_of_one_layer_builds_its_models_without_onnx_helper():
    """`dscost bench --dk 3 ...` builds its two models with onnx_lib: no onnx.helper, so no
    ml_dtypes (~1 s to load in its release 0.7.0) in the process; the standard model holds a
    conv of 3*3*4*8 = 288 weights."""
    code = ("import sys; from dscost.bench import layer_models; from dscost.cost import make_conv_geom; "
            "m = layer_models(make_conv_geom((3, 3), 4, 8, (16, 16), (1, 1), (1, 1), 'same')); "
            "print(len(m['standard'].graph.initializer[0].raw_data) // 4, [n.name for n in m['separable'].graph.node], "
            "sorted({'onnx.helper', 'ml_dtypes'} & set(sys.modules)))")  # fmt: skip
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-500:]
    assert r.stdout.strip() == "288 ['depthwise', 'pointwise'] []"
