"""`dscost check`: load budget files, expand their globs, load and check every model.

The I/O half of the budget gate (the pure half is :mod:`dscost.gate`).
Everything the user got wrong -- the budget file, a glob that matches nothing,
a model that does not load -- raises :class:`InputError` (exit 2) with one
line naming the budget file, the entry and the model.
"""

from __future__ import annotations

import os
from pathlib import Path

from dscost import gate
from dscost.errors import InputError

_GLOB_CHARS = set("*?[")


def shown_path(p: str | Path) -> str:
    """``p`` relative to the working directory when it lies below it (what GitHub annotations want)."""
    p = Path(p)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


class _ShiftedErrors:
    """A ValidationError seen through ``budgets``: the bare-list form reports ``[0]: max_macs`` locations."""

    def __init__(self, err) -> None:
        self._err = err

    def errors(self, include_url: bool = False) -> list[dict]:
        out = []
        for e in self._err.errors(include_url=include_url):
            loc = tuple(e.get("loc", ()))
            out.append({**e, "loc": loc[1:] if loc[:1] == ("budgets",) else loc})
        return out


def load_budget(path: str | Path):
    """Read and validate a budget file -> :class:`dscost.spec.Budget`."""
    from pydantic import ValidationError

    from dscost.spec import Budget
    from dscost.yamlfile import format_validation_error, load_yaml, validate

    data = load_yaml(path)
    if isinstance(data, list):
        try:
            return Budget.model_validate({"budgets": data})
        except ValidationError as err:
            raise InputError(format_validation_error(path, data, _ShiftedErrors(err))) from None
    return validate(path, Budget, data, what="budget file")


def expand(budget_path: str | Path, entry_path: str, where: str = "") -> list[Path | str]:
    """The model files an entry names: a file or a glob (``**`` allowed), relative to the budget file;
    or a PyTorch target (a str), whose ``file.py`` is relative to the budget file too.
    Directory symlinks are not followed and each real file is listed once, so a link loop
    (``up -> ..``) can neither repeat a model nor hang the walk."""
    from dscost.readers import torch_target

    base = Path(budget_path).parent
    target = torch_target(entry_path)
    if target is not None:
        module, attr = target
        if not module.lower().endswith(".py"):
            return [entry_path]  # imported like `dscost analyze pkg.mod:factory` (installed packages, working directory)
        file = Path(module).expanduser()
        return [f"{file if file.is_absolute() else base / file}:{attr}"]
    pattern = Path(entry_path).expanduser()
    if not pattern.is_absolute():
        pattern = base / pattern
    if not _GLOB_CHARS & set(entry_path):
        return [pattern]
    matches = _glob(pattern)
    if not matches:
        raise InputError(f"{budget_path}: {where or 'path'}: {entry_path!r} matches no model file (looked for {shown_path(pattern)}); a glob that matches nothing is an error, not a pass")
    return matches


def _glob(pattern: Path) -> list[Path]:
    """Regular files matching ``pattern`` (``*``, ``?``, ``[...]`` within a name, ``**`` across
    folders), found by one ``os.walk`` that does not follow directory symlinks."""
    import re

    parts = pattern.parts
    fixed = next((i for i, p in enumerate(parts) if _GLOB_CHARS & set(p)), len(parts))
    root = Path(*parts[:fixed]) if fixed else Path(".")
    rest = parts[fixed:]
    regex = "/".join(("(?:.*/)?" if i < len(rest) - 1 else ".*") if p == "**" else _translate(p) for i, p in enumerate(rest))
    regex = regex.replace("(?:.*/)?/", "(?:.*/)?")
    matcher = re.compile(regex + r"\Z", re.DOTALL)
    seen: set[str] = set()
    out: list[Path] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            full = Path(folder) / name
            rel = full.relative_to(root).as_posix()
            if matcher.match(rel) and os.path.isfile(full):
                real = os.path.realpath(full)
                if real not in seen:
                    seen.add(real)
                    out.append(full)
    return sorted(out)


def _translate(part: str) -> str:
    """One path component of a glob as a regex: ``*`` and ``?`` do not cross ``/``."""
    import re

    out, i = [], 0
    while i < len(part):
        c = part[i]
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = part.find("]", i + 2)
            if j < 0:
                out.append(re.escape(c))
            else:
                body = part[i + 1 : j]
                body = "^" + body[1:] if body.startswith("!") else body
                out.append(f"[{body.replace(chr(92), chr(92) * 2)}]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


# How budget entries name the reader options (in messages).
OPTION_LABELS = {"width": "width/resolution", "resolution": "width/resolution", "input_shapes": "input_shapes"}


def analyze_path(path: str | Path, options: dict, labels: dict[str, str] | None = None):
    """Load a model with reader options (one that does not apply to the model's kind is an
    error naming it by ``labels``: CLI flags by default) and analyze it."""
    from dscost.cost import analyze
    from dscost.readers import load

    return analyze(load(path, labels=labels, **options))


def check_budget(budget_path: str | Path, *, flops: bool | None = None) -> gate.CheckReport:
    """Check every model of a budget file.  ``flops`` is the CLI flag (None: not given)."""
    budget = load_budget(budget_path)
    if flops and budget.convention == "macs":
        raise InputError(f"{budget_path}: convention: macs contradicts --flops; drop one of them")
    use_flops = bool(flops) or budget.convention == "flops"
    report = gate.CheckReport("flops" if use_flops else "macs", budget=shown_path(budget_path))
    cache: dict = {}  # a model named by several entries (a file and a glob) is read once per option set
    for i, entry in enumerate(budget.budgets):
        files = expand(budget_path, entry.path, f"budgets[{i}]")
        for f in files:
            try:
                options = entry.load_options()
                key = (str(f.resolve()) if isinstance(f, Path) else f, repr(sorted(options.items())))
                if key not in cache:
                    cache[key] = analyze_path(f, options, OPTION_LABELS)
                analysis = cache[key]
            except InputError as err:
                msg = str(err)
                shown = shown_path(f)
                raise InputError(f"{budget_path}: budgets[{i}]: {msg if str(f) in msg or shown in msg else f'cannot check {shown}: {msg}'}") from None
            result = gate.evaluate(analysis, entry.limits(), flops=use_flops, path=shown_path(f))
            if entry.name and len(files) == 1:
                result.name = entry.name
            report.models.append(result)
    return report


def check_models(paths: list[str], limits: gate.Limits, *, flops: bool = False, options: dict | None = None) -> gate.CheckReport:
    """Check one-off limits (CLI flags) on each model of ``paths``."""
    report = gate.CheckReport("flops" if flops else "macs")
    for p in paths:
        try:
            analysis = analyze_path(Path(p), options or {})
        except InputError as err:
            msg = str(err)
            raise InputError(msg if p in msg else f"cannot check {p}: {msg}") from None
        report.models.append(gate.evaluate(analysis, limits, flops=flops, path=shown_path(p)))
    return report
