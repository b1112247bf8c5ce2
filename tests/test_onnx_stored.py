"""onnxruntime reads an ONNX file's weights from the file itself (:func:`dscost.readers.onnx_stored.referring`):
the copy it is handed refers to each large tensor's values where the file holds them."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from dscost import runtime
from dscost.errors import InputError
from dscost.readers.onnx_stored import referring

REFERRED = tuple(int(p) for p in runtime.ort_version().split(".")[:2]) >= runtime.REFERRED_FROM


def _model(tmp_path):
    """x (1x64) -> MatMul by a raw_data weight (64x512) -> Add a packed float_data bias -> Mul by a
    Constant node's tensor -> Add a slice of a float16 tensor (int32_data varints: kept whole)
    cast to float -> MatMul by a weight beside the file (external data already) -> Mul by a scalar
    (small: inline)."""
    rng = np.random.default_rng(3)
    w = numpy_helper.from_array(rng.standard_normal((64, 512)).astype(np.float32), "w")  # raw_data, 128 KB
    b = helper.make_tensor("b", TensorProto.FLOAT, [512], rng.standard_normal(512).astype(np.float32).tolist())  # float_data, packed
    k = numpy_helper.from_array(rng.standard_normal((16, 512)).astype(np.float32), "k")  # (a node over 16 KB: not copied as it is)
    half = np.float16(rng.standard_normal(1024)).view(np.uint16)
    big_int = helper.make_tensor("i", TensorProto.FLOAT16, [1024], half.tolist())  # int32_data: values as varints, 2.9 KB
    w2 = numpy_helper.from_array(rng.standard_normal((512, 64)).astype(np.float32), "w2")
    small = numpy_helper.from_array(np.array([2.0], np.float32), "s")
    nodes = [
        helper.make_node("MatMul", ["x", "w"], ["h"], name="mm"),
        helper.make_node("Add", ["h", "b"], ["hb"], name="add"),
        helper.make_node("Constant", [], ["kc"], name="const", value=k),
        helper.make_node("Mul", ["hb", "kc"], ["hk"], name="mul"),
        helper.make_node("Slice", ["i", "st", "en"], ["i64"], name="slice"),
        helper.make_node("Cast", ["i64"], ["f64"], name="cast", to=TensorProto.FLOAT),
        helper.make_node("Add", ["hk", "f64"], ["h2"], name="add2"),
        helper.make_node("MatMul", ["h2", "w2"], ["h3"], name="mm2"),
        helper.make_node("Mul", ["h3", "s"], ["y"], name="scale"),
    ]
    inits = [w, b, big_int, w2, small, numpy_helper.from_array(np.array([0], np.int64), "st"), numpy_helper.from_array(np.array([512], np.int64), "en")]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [16, 64])], inits)  # fmt: skip
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(proto)
    path = tmp_path / "a model.onnx"  # (a space in its name: the location is the file's own name)
    onnx.external_data_helper.convert_model_to_external_data(proto, all_tensors_to_one_file=True, location="beside.data", size_threshold=0)
    for t in proto.graph.initializer:  # only w2 beside the file
        if t.name != "w2":
            t.ClearField("data_location")
            del t.external_data[:]
    onnx.save(proto, str(path))
    return path


def test_the_copy_refers_to_each_large_tensor_where_the_file_holds_its_values(tmp_path):
    path = _model(tmp_path)
    before = path.read_bytes()
    data = referring(path)
    assert path.read_bytes() == before and len(data) < 8_000  # (the file: 173 KB)
    copy = onnx.ModelProto.FromString(data)
    tensors = {t.name: t for t in copy.graph.initializer} | {"kc": copy.graph.node[2].attribute[0].t}
    original = onnx.load(str(path), load_external_data=False)
    file_tensors = {t.name: t for t in original.graph.initializer} | {"kc": original.graph.node[2].attribute[0].t}
    for name, values in (("w", 64 * 512), ("b", 512), ("kc", 16 * 512)):  # raw_data, packed float_data, a Constant node's tensor
        t = tensors[name]
        where = {e.key: e.value for e in t.external_data}
        assert t.data_location == TensorProto.EXTERNAL and where["location"] == "a model.onnx" and int(where["length"]) == 4 * values, where
        assert not t.raw_data and not t.float_data
        at = int(where["offset"])
        assert before[at: at + 4 * values] == numpy_helper.to_array(file_tensors[name]).astype("<f4").tobytes()
    for name in ("i", "w2", "s", "st"):  # varints, external already, small: as the file has them
        assert tensors[name] == file_tensors[name], name


@pytest.mark.skipif(not REFERRED, reason="onnxruntime before 1.21 cannot find external data of a model given as bytes")
def test_onnxruntime_runs_the_referred_copy_as_it_runs_the_file(tmp_path):
    import onnxruntime as ort

    path = _model(tmp_path)
    x = {"x": np.random.default_rng(0).standard_normal((1, 64)).astype(np.float32)}
    from_path = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, x)[0]
    given = runtime.referred(str(path), runtime.ort_version())
    assert given is not None and len(given) < 8_000
    assert np.array_equal(runtime.make_session(path, "m").run(None, x)[0], from_path)  # (make_session hands the copy)
    assert np.array_equal(runtime.make_session(str(path), "m", optimization="none").run(None, x)[0], from_path)


def test_older_onnxruntimes_and_files_without_large_tensors_get_the_path(tmp_path):
    path = _model(tmp_path)
    assert runtime.referred(str(path), "1.20.1") is None
    assert runtime.referred(str(path), "1.21.0") is not None
    small = tmp_path / "small.onnx"
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])])  # fmt: skip
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), str(small))
    assert referring(small) is None and runtime.referred(str(small), "1.32.0") is None
    (tmp_path / "junk.onnx").write_bytes(b"\xff\xff\xff")  # (not a model: onnxruntime is given the path and says why)
    assert runtime.referred(str(tmp_path / "junk.onnx"), "1.32.0") is None


@pytest.mark.skipif(not REFERRED, reason="onnxruntime before 1.21 cannot find external data of a model given as bytes")
def test_measure_sizes_runs_the_referred_copy_without_loading_the_weights(tmp_path, monkeypatch):
    """--measure-sizes edits a copy of the graph for its run (in its child process, here in this
    one): the referred copy, not the whole file loaded (onnx.load, which reads every weight); the
    sizes it measures are the run's."""
    from dscost.readers import load

    rng = np.random.default_rng(5)
    w = numpy_helper.from_array(rng.standard_normal((64, 512)).astype(np.float32), "w")
    nodes = [helper.make_node("MatMul", ["x", "w"], ["h"], name="mm"), helper.make_node("Relu", ["h"], ["r"], name="relu"),
             helper.make_node("NonZero", ["r"], ["nz"], name="nonzero"), helper.make_node("Cast", ["nz"], ["y"], name="cast", to=TensorProto.FLOAT)]  # fmt: skip
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], [w])  # fmt: skip
    path = tmp_path / "nz.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), str(path))

    def refused(*args, **kwargs):
        raise AssertionError("the whole file was loaded")

    from dscost import sandbox

    monkeypatch.setattr(sandbox, "run", lambda fn, *args, **limits: fn(*args))  # (the child's work in this process, where the patch holds)
    monkeypatch.setattr(runtime, "load_onnx", refused)
    model = load(path, measure_sizes=True)
    x = runtime.feeds_for(model.inputs, "m")["x"]  # (the run's input: seed 1, as the measurement feeds it)
    positive = int((x @ numpy_helper.to_array(w) > 0).sum())
    assert 0 < positive < 512
    assert [layer.output_shape for layer in model.layers if layer.name == "nonzero"] == [(2, positive)]


@pytest.mark.skipif(not REFERRED, reason="onnxruntime before 1.21 cannot find external data of a model given as bytes")
def test_a_link_to_a_file_of_another_folder_gets_the_path(tmp_path):
    """onnxruntime refuses external data whose real path is outside the model's folder: a link to
    a model elsewhere is handed over as a path (as before), a link beside its file as the copy."""
    path = tmp_path / "inline.onnx"
    onnx.save(onnx.load(str(_model(tmp_path))), str(path))  # (every weight in the file)
    x = {"x": np.zeros((1, 64), np.float32)}
    elsewhere = tmp_path / "links"
    elsewhere.mkdir()
    (elsewhere / "m.onnx").symlink_to(path)
    (tmp_path / "next.onnx").symlink_to(path)
    assert runtime.referred(elsewhere / "m.onnx") is None and runtime.referred(tmp_path / "next.onnx") is not None
    expected = runtime.make_session(path, "m").run(None, x)[0]
    for link in (elsewhere / "m.onnx", tmp_path / "next.onnx"):
        assert np.array_equal(runtime.make_session(link, "m").run(None, x)[0], expected)


def test_a_copy_onnxruntime_refuses_gives_way_to_the_path(tmp_path, monkeypatch):
    """Should onnxruntime refuse the copy for a reason of its own, the file itself is run, as
    before the copies, and a model it refuses either way is refused in the path's words."""
    path = _model(tmp_path)
    monkeypatch.setattr(runtime, "referred", lambda *a, **k: b"\x08\x08:\x00")  # (a model with an empty graph)
    x = {"x": np.zeros((1, 64), np.float32)}
    assert runtime.make_session(path, "m").run(None, x)[0].shape == (16, 64)
    refused = runtime.Given(b"\x08\x08:\x00", str(tmp_path), str(path))  # (a named copy refused: the file loaded, named, handed over whole)
    assert runtime.make_session(refused, "m").run(None, x)[0].shape == (16, 64)
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x08\x08:\x02\x0a\x00")  # (a graph with one node of no op type)
    with pytest.raises(InputError, match="m: onnxruntime cannot run this model") as err:
        runtime.make_session(bad, "m")
    assert "\n" not in str(err.value)


@pytest.mark.skipif(not REFERRED, reason="onnxruntime before 1.21 cannot find external data of a model given as bytes")
def test_bench_names_unnamed_nodes_in_the_copy_without_loading_or_writing_the_weights(tmp_path, monkeypatch):
    """A file whose nodes have no names is run with dscost's layer names (the profile joins by
    them): in the copy referring to the file's weights, not a whole named file written (a 400 MB
    file: bench 1,207 -> 527 MB)."""
    from dscost import bench as bn
    from dscost.report import bench as report

    path = _model(tmp_path)
    proto = onnx.load(str(path), load_external_data=False)
    for node in proto.graph.node:
        node.name = ""
    onnx.save(proto, str(path))
    given = runtime.named(path)
    assert [n.name for n in onnx.ModelProto.FromString(given.data).graph.node][:3] == ["MatMul_0", "Add_1", "Constant_2"]
    assert given.folder == str(tmp_path) and len(given.data) < 8_000

    def refused(*args, **kwargs):
        raise AssertionError("the whole file was loaded")

    monkeypatch.setattr(bn, "load_onnx", refused)
    monkeypatch.setattr(runtime, "load_onnx", refused)
    r = bn.bench_model(path, budget_s=0.05, max_runs=5, warmup=1, profile_runs=1)
    rows = {row["name"]: row for row in report.model_bench_json(r)["layers"]}
    ran = rows["MatMul_0"]["onnxruntime_nodes"]  # (1.32: "MatMul_0/MatMulAddFusion", its Add fused in)
    assert [n.split("/")[0] for n in ran] == ["MatMul_0"] and rows["MatMul_0"]["macs"] == 64 * 512, ran
