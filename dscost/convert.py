"""`dscost convert`: read an ONNX file, rewrite it (:mod:`dscost.rewrite`), check the result, write it.

Checks: onnx.checker on the result; optionally one onnxruntime run of both
models comparing output shapes; and dscost's own analysis of the written file
against the what-if predicted for the original (:func:`dscost.cost.what_if`).
Nothing is written on error: the result goes to a unique temp file beside the
output and is renamed over it only when every check passed.
"""

from __future__ import annotations

import os
from pathlib import Path

from dscost.errors import InputError
from dscost.rewrite import BadWeight, ConversionReport, convert_model, reverse_model

def default_output(src: Path, reverse: bool) -> Path:
    return src.with_name(src.stem + ("_standard" if reverse else "_separable") + ".onnx")


def _check_output(src: Path, out: Path, force: bool) -> None:
    same = out.exists() and src.exists() and out.resolve() == src.resolve()
    if same and not force:
        raise InputError(f"{out}: would overwrite the input model; choose another -o or pass --force")
    if out.exists() and not force:
        raise InputError(f"{out}: already exists; pass --force to overwrite it")
    if out.exists() and out.is_dir():
        raise InputError(f"{out}: is a directory")
    if not out.parent.exists():
        raise InputError(f"{out}: directory {out.parent} does not exist")


def _totals(model) -> dict:
    from dscost.cost import totals

    t = totals(model)
    return {"macs": t.macs, "params": t.params}


def convert_file(
    src: str | Path,
    out: str | Path | None = None,
    *,
    force: bool = False,
    reverse: bool = False,
    min_kernel: int = 2,
    only=None,
    skip=None,
    init: str = "svd",
    seed: int = 0,
    verify: bool = True,
    input_shapes: dict | None = None,
    timeout_s: float = 300.0,
    max_memory: int | None = 4 << 30,
) -> ConversionReport:
    """`dscost convert`: read ``src``, rewrite, check, write ``out``; nothing is written on error.

    Checks: onnx.checker on the result; with ``verify``, one onnxruntime run of
    both models comparing output shapes; and dscost's own analysis of the result
    against the what-if predicted for the original (``all_separable`` /
    ``all_standard`` restricted to the converted layers)."""
    import onnx

    from dscost.cost import what_if
    from dscost.readers import load
    from dscost.runtime import load_onnx

    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:  # (numpy's generator takes no negative seed)
        raise InputError(f"--seed: expected an integer >= 0, got {seed!r}")
    src = Path(src)
    out = Path(out) if out is not None else default_output(src, reverse)
    _check_output(src, out, force)
    proto = load_onnx(src)
    original = load(src, input_shapes=input_shapes or None)
    if out.exists():  # (--force replaces the input model, never its external data)
        from dscost.readers.onnx_wire import strip

        if any(os.path.exists(f) and os.path.samefile(f, out) for f in strip(src)[1].external_files):
            raise InputError(f"-o {out}: is the input model's external data; choose another output file")
    try:
        onnx.checker.check_model(proto)
        input_ok = True
    except Exception:
        input_ok = False
    # the loaded proto is rewritten in place (no copy of the weights); the original stays on disk
    try:
        if reverse:
            new, report = reverse_model(proto, original.layers, only=only, skip=skip, copy=False)
        else:
            new, report = convert_model(proto, min_kernel=min_kernel, only=only, skip=skip, init=init, seed=seed, copy=False, counted=original)
    except BadWeight as err:
        raise InputError(f"{src}: {err}; nothing written") from None
    report.source, report.output = str(src), str(out)
    if input_ok:
        try:
            onnx.checker.check_model(new)
            report.checker_passed = True
        except Exception as exc:  # a bug in the rewrite: say so, write nothing
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
            raise InputError(f"{src}: the rewritten model fails onnx.checker ({msg}); nothing written") from None
    else:
        report.notes.append("the input model itself does not pass onnx.checker; the result was not checked either")
    # a unique temp file beside the output, renamed over it only when everything succeeded
    from dscost.files import temp_beside

    fd, tmp_name = temp_beside(out, ".dscost-tmp.onnx")
    os.close(fd)
    tmp_out = Path(tmp_name)
    try:
        try:
            onnx.save(new, str(tmp_out))
        except (OSError, ValueError) as exc:
            raise InputError(f"{out}: cannot write the converted model ({exc})") from None
        del new, proto
        result = load(tmp_out, input_shapes=input_shapes or None)
        if verify:  # in a child process that --timeout stops and --max-memory bounds
            from dscost import sandbox
            from dscost.bench import check_memory, model_tensor_bytes

            check_memory(model_tensor_bytes(original) + model_tensor_bytes(result), max_memory, f"{src}: --verify")
            report.output_shapes_equal = sandbox.run(_same_output_shapes, str(src), str(tmp_out), original.inputs, str(src),
                                                     timeout_s=timeout_s, memory_bytes=max_memory, label=f"{src}: --verify")  # fmt: skip
        changed = [c.removed_nodes[0] if reverse else c.name for c in report.converted]
        predicted = what_if(original, "standard" if reverse else "separable", only=set(changed))
        report.predicted = {"macs": predicted.macs, "params": predicted.params}
        report.actual = _totals(result)
        os.replace(tmp_out, out)
    finally:
        tmp_out.unlink(missing_ok=True)
    if not report.converted:
        report.notes.append("nothing to convert: the output is the input model (nodes named)")
    return report


def _same_output_shapes(a: str, b: str, inputs: list, label: str) -> bool:
    """(In a child process.)  Run the original file and the rewritten one once on the same random
    inputs (shaped as dscost read them); True when every output has the same shape."""
    from dscost.runtime import feeds_for, make_session, run

    feeds = feeds_for(inputs, label)
    ra = run(make_session(a, label, 1, "basic"), feeds, label)
    rb = run(make_session(b, f"{label} (rewritten)", 1, "basic"), feeds, f"{label} (rewritten)")
    return [x.shape for x in ra] == [y.shape for y in rb]
