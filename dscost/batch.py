"""Many models in one run: `dscost analyze a.onnx b.onnx 'models/*.yaml' --jobs 2`.

Targets are expanded (a quoted glob is matched here, ``**`` included, without following
directory symlinks), analyzed one per task -- in worker processes with ``--jobs N`` -- and
written in input order: the documents one after another (tables, Markdown), one JSON
object per line (JSON Lines), or one CSV table with a leading ``model`` column.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterable

from dscost.errors import InputError

_GLOB_CHARS = set("*?[")


def expand(targets: list[str], output: str | None = None) -> list[str]:
    """Each target as given, or the files a glob in it matches (sorted; none is an error); noted
    as the command's inputs, ``output`` refused when it is one (:func:`note_inputs`)."""
    from dscost.files import glob_files

    out: list[str] = []
    for t in targets:
        if _GLOB_CHARS & set(t) and not os.path.exists(t):
            matches = glob_files(Path(t))
            if not matches:
                raise InputError(f"{t!r} matches no file; a glob that matches nothing is an error")
            out.extend(str(m) for m in matches)
        else:
            out.append(t)
    note_inputs(out, output)
    return out


def note_inputs(targets: list[str], output: str | None = None) -> None:
    """Remember ``targets``' files (a PyTorch target's code too, :func:`dscost.readers.code_file`)
    as the command's inputs, and refuse ``output`` (``--output``) when it is one of them: before
    any model is read, not after minutes of counting (the report's writer checks again, for
    files known only once read)."""
    from dscost.files import note_input, refuse_input_as_output
    from dscost.readers import code_file

    for t in targets:
        note_input(t)
        code = code_file(t)
        if code is not None:
            note_input(code)
    if output is not None:
        refuse_input_as_output(output)


def preload(targets: list) -> None:
    """Import the readers of ``targets``' kinds (and the part of onnx every ONNX graph needs,
    :func:`dscost.readers.onnx_lib.load`) before the workers fork, so that no worker pays the
    imports again.  The rest of onnx (numpy, the reference evaluator: ~80 ms) is imported by the
    workers whose graphs need it; PyTorch modules (targets, saved modules, Hugging Face configs) are
    not preloaded either: torch is imported in the workers that read them."""
    import importlib

    from dscost.readers import kind_of

    readers = {"spec": "dscost.readers.spec_reader", "onnx": "dscost.readers.onnx_reader", "tflite": "dscost.readers.tflite_reader"}
    for name in sorted({kind_of(t).name for t in targets} & readers.keys()):  # (not the PyTorch kinds: targets, saved modules, Hugging Face configs)
        importlib.import_module(readers[name])
        if name == "onnx":
            importlib.import_module("dscost.readers.onnx_lib").load()
    for module in ("dscost.cost", "dscost.memory", "dscost.roofline", "dscost.report.analyze"):
        importlib.import_module(module)


def check_jobs(jobs: int) -> int:
    if jobs < 1:
        raise InputError(f"--jobs {jobs}: must be >= 1")
    return min(jobs, os.cpu_count() or 1, 64)


def with_progress(options: dict, progress: bool, jobs: int) -> dict:
    """``options`` for reading one of several models: with a status line on a terminal when
    ``progress`` and they are read one by one in this process (not with ``jobs`` > 1: several
    workers' lines would overwrite each other)."""
    return {**options, "progress": True} if progress and jobs <= 1 else options


def run_ordered(fn: Callable, items: list, jobs: int, preload_targets: list | None = None) -> Iterable[Any]:
    """``fn(item)`` for every item, results in input order; ``jobs`` > 1 spreads them over
    that many worker processes (after :func:`preload` of ``preload_targets``).  An InputError
    from a worker is raised here, in order."""
    if jobs <= 1 or len(items) <= 1:
        for item in items:
            yield fn(item)
        return
    if preload_targets is not None:
        preload(preload_targets)
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    ctx = mp.get_context(start_method())
    done = 0
    with ProcessPoolExecutor(max_workers=min(jobs, len(items)), mp_context=ctx) as pool:
        try:
            for status, value in pool.map(_guarded, [fn] * len(items), items):
                if status == "input":
                    raise InputError(value)
                yield value
                done += 1
        except BrokenProcessPool:  # (a worker killed -- by the kernel for its memory? -- or a model's code calling os._exit)
            lost = f" (the first result lost: {preload_targets[done]})" if preload_targets is not None and done < len(preload_targets) else ""
            raise InputError(f"a worker process of --jobs {jobs} ended abruptly{lost}: killed (out of memory?) or exited by a model's code; "
                             "run with --jobs 1 to see which model") from None  # fmt: skip


def start_method() -> str:
    """How the workers start.  Linux: fork, so each worker starts with what the parent imported
    (see preload); macOS: forkserver and Windows: spawn (fork is unsafe there), each worker
    importing afresh (tests/test_batch.py runs both here)."""
    import sys

    return "fork" if sys.platform.startswith("linux") else "spawn" if os.name == "nt" else "forkserver"


def _guarded(fn: Callable, item: Any) -> tuple[str, Any]:
    try:
        return "ok", fn(item)
    except InputError as err:
        return "input", str(err)


def analyze_job(job: tuple) -> tuple[Any, int, list[str]]:
    """One model of a multi-model `analyze`: (what the format needs, uncounted nodes, their ops).
    ``job``: (target, load options, (hardware, peak, bandwidth, dtype) or None, format, flops, View)."""
    import json

    from dscost import cost, roofline
    from dscost.memory import model_memory
    from dscost.options import roofline_hardware
    from dscost.readers import load
    from dscost.report import analyze as rep

    target, options, roofline_args, fmt, flops, view = job
    model = load(target, **options)
    result = cost.analyze(model)
    hw, dt = roofline_hardware(*(roofline_args or (None, None, None, None)))
    roof = roofline.model_roofline(model, dt, hw) if roofline_args is not None or fmt == "json" else None
    memory = model_memory(model, dt, result.totals.params)
    if fmt == "json":
        payload: Any = json.dumps(rep.analysis_json(result, flops, roof, memory, view.depth))
    elif fmt == "csv":
        payload = rep.analysis_csv(result, flops, roof, memory, view.depth)
    else:
        payload = rep.analysis_doc(result, flops, roofline=roof, memory=memory, view=view)
    return payload, len(model.uncounted), sorted({u.op for u in model.uncounted})


def show_many(results: Iterable[tuple[str, Any]], fmt: str, output: str | None = None) -> None:
    """Write (target, payload) pairs as they come: documents one after another, JSON Lines, one CSV
    (to stdout, or to the file ``output``)."""
    from dscost.report.document import output_file

    with output_file(output, fmt) as f:
        _show_many(results, fmt, f)


def _show_many(results: Iterable[tuple[str, Any]], fmt: str, out) -> None:
    import sys

    from dscost.report.document import emit

    out = out or sys.stdout
    header_done = False
    for target, payload in results:
        if fmt == "json":
            out.write(payload + "\n")
        elif fmt == "csv":
            header, *rows = payload
            lines = ([["model", *header]] if not header_done else []) + [[target, *r] for r in rows]
            emit("csv", rows=lambda lines=lines: lines, out=out)
            header_done = True
        else:
            emit(fmt, doc=lambda payload=payload: payload, out=out)
        out.flush()
