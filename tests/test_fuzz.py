"""A few hundred mutated inputs through analyze, check and convert (tests/fuzzing.py): no
traceback, no hang, one-line errors, inputs unchanged, no stray files.  benchmarks/fuzz.py
runs thousands, and bench too."""

from __future__ import annotations

import pytest

from fuzzing import BUDGET, SPEC, cases, run_case

N = 300


def test_fuzz_cases(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DSCOST_DEBUG", raising=False)
    (tmp_path / "seed.yaml").write_bytes(SPEC)
    codes = {0: 0, 1: 0, 2: 0}
    for i, (name, data, argv) in enumerate(cases(N, seed=1)):
        for stale in ("out.onnx",):
            (tmp_path / stale).unlink(missing_ok=True)
        if name in ("budget.yaml", "limits.yaml"):
            (tmp_path / "seed.yaml").write_bytes(SPEC)
        try:
            code, _ = run_case(tmp_path, name, data, argv)
        except AssertionError as err:
            pytest.fail(f"case {i}: dscost {' '.join(argv)} on a mutated {name}: {err}")
        codes[code] += 1
        (tmp_path / "out.onnx").unlink(missing_ok=True)
    assert codes[2] > N // 10 and codes[0] > N // 10, codes  # the mutations reach both the errors and the happy path


def test_seeds_are_valid(tmp_path, monkeypatch):
    import json

    from fuzzing import seed_classical, seed_modern, seed_onnx

    monkeypatch.chdir(tmp_path)
    (tmp_path / "seed.yaml").write_bytes(SPEC)
    assert run_case(tmp_path, "seed.onnx", seed_onnx(), ["analyze", "seed.onnx", "-f", "json"])[0] == 0
    assert run_case(tmp_path, "modern.onnx", seed_modern(), ["analyze", "modern.onnx", "-f", "json", "--strict", "-o", "m.json"])[0] == 0
    doc = json.loads((tmp_path / "m.json").read_text())
    # every contrib node counted: QKV 6x16x48 + attention 4*6*6*(4+4) + 6x16x32 + 6x32x16 MACs
    assert doc["uncounted"] == [] and doc["totals"]["macs"] == 4_608 + 1_152 + 3_072 + 3_072
    # ONNX-ML ops: MatMul 6x8 + LinearClassifier 8x3 + LinearRegressor 4x2 MACs at batch 1
    assert run_case(tmp_path, "classical.onnx", seed_classical(), ["analyze", "classical.onnx", "-f", "json", "--strict", "-o", "c.json"])[0] == 0
    assert json.loads((tmp_path / "c.json").read_text())["totals"]["macs"] == 48 + 24 + 8
    from fuzzing import seed_lowbit

    # Conv 3x3 4 -> 8 at 8x8 + MatMulNBits 5x16x32 MACs; an int4 table of 100x16 and conv weight of 288, 512 2-bit values:
    # 1,888 x 4 / 8 + 512 x 2 / 8 = 1,072 weight bytes; the graph's activations are fp16
    assert run_case(tmp_path, "lowbit.onnx", seed_lowbit(), ["analyze", "lowbit.onnx", "-f", "json", "--strict", "-o", "l.json"])[0] == 0
    doc = json.loads((tmp_path / "l.json").read_text())
    assert doc["totals"]["macs"] == 9 * 4 * 8 * 64 + 5 * 16 * 32 and doc["totals"]["params"] == 1_600 + 512 + 288
    assert doc["memory"]["weight_types"] == {"int4": 1_888, "int2": 512} and doc["memory"]["weight_bytes"] == 1_072 and doc["memory"]["dtype"] == "fp16"
    assert run_case(tmp_path, "lowbit.onnx", seed_lowbit(), ["check", "lowbit.onnx", "--max-weight-bytes", "1072"])[0] == 0
    assert run_case(tmp_path, "lowbit.onnx", seed_lowbit(), ["check", "lowbit.onnx", "--max-weight-bytes", "1071"])[0] == 1
    assert run_case(tmp_path, "budget.yaml", BUDGET, ["check", "--budget", "budget.yaml"])[0] == 0
    from fuzzing import seed_tflite

    tfl = seed_tflite()
    if tfl is not None:  # (a depthwise 3x3 of 64 channels at 56x56, then a pointwise 64 -> 128)
        assert run_case(tmp_path, "seed.tflite", tfl, ["analyze", "seed.tflite", "-f", "json", "--strict", "-o", "t.json"])[0] == 0
        assert json.loads((tmp_path / "t.json").read_text())["totals"]["macs"] == 9 * 64 * 56 * 56 + 64 * 128 * 56 * 56
