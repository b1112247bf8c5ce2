"""`dscost check`: load budget files, expand their globs, load and check every model.

The I/O half of the budget gate (the pure half is :mod:`dscost.gate`).
Everything the user got wrong -- the budget file, a glob that matches nothing,
a model that does not load -- raises :class:`InputError` (exit 2) with one
line naming the budget file, the entry and the model.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from dscost import gate
from dscost.errors import InputError
from dscost.files import glob_files

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


def load_budget(path: str | Path, warnings: dict | None = None):
    """Read and validate a budget file -> :class:`dscost.budget_schema.Budget`; a count limit without
    its unit (:func:`dscost.gate.missing_unit`) adds ``(entry index, key): line`` to ``warnings``."""
    from pydantic import ValidationError

    from dscost.budget_schema import Budget, BudgetEntry, OneBudget
    from dscost.yamlfile import close_matches, did_you_mean, format_validation_error, load_yaml, validate, where

    data = load_yaml(path)
    if isinstance(data, list):
        try:
            budget = Budget.model_validate({"budgets": data})
        except ValidationError as err:
            raise InputError(format_validation_error(path, data, _ShiftedErrors(err), list[BudgetEntry])) from None
    elif _one_entry(data):
        typo = next((k for k in data if k not in OneBudget.model_fields and close_matches(k, ["budgets"])), None)
        if typo is not None:  # (`budget:` over a list of entries: not one entry's unknown key)
            raise InputError(f"{where(path, data, (typo,))}: {typo}: unknown key; {did_you_mean(['budgets'])}")
        budget = validate(path, OneBudget, data, what="budget file").budget()
    else:
        budget = validate(path, Budget, data, what="budget file")
    if warnings is not None:
        warnings.update(_unit_warnings(path, data))
    return budget


def _one_entry(data) -> bool:
    """Whether a loaded budget file is one entry's keys at its top level (`max_macs: 600M`)."""
    return isinstance(data, dict) and "budgets" not in data


def _unit_warnings(path: str | Path, data) -> dict[tuple[int, str], str]:
    from dscost.yamlfile import where

    if _one_entry(data):
        return {(0, key): w for key, w in gate.unit_warnings(data, lambda key: f"{where(path, data, (key,))}: {key}").items()}
    entries, outer = (data, ()) if isinstance(data, list) else (data["budgets"], ("budgets",))
    out = {}
    for i, entry in enumerate(entries):
        label = lambda key: f"{where(path, data, (*outer, i, key))}: {'budgets' if outer else ''}[{i}]: {key}"  # noqa: E731
        out.update(((i, key), w) for key, w in gate.unit_warnings(entry, label).items())
    return out


def expand(budget_path: str | Path, entry_path: str, where: str = "") -> list[Path | str]:
    """The model files an entry names: a file (an existing one even when its name holds glob
    characters, as on the command line) or a glob (``**`` allowed), relative to the budget file;
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
        return [f"{file if file.is_absolute() else _tidy(base / file)}:{attr}"]
    pattern = Path(entry_path).expanduser()
    if not pattern.is_absolute():
        pattern = _tidy(base / pattern)
    if not _GLOB_CHARS & set(entry_path) or os.path.exists(pattern):  # (an existing file is that file, as on the command line: model[v2].onnx)
        return [pattern]
    matches = glob_files(pattern)
    if not matches:
        raise InputError(f"{budget_path}: {where or 'path'}: {entry_path!r} matches no model file (looked for {shown_path(pattern)}); a glob that matches nothing is an error, not a pass")
    return matches


def _tidy(p: Path) -> Path:
    """``examples/../models/m.yaml`` as ``models/m.yaml`` (what reports show), unless a symbolic
    link makes the two different files."""
    import os

    tidy = Path(os.path.normpath(p))
    return tidy if tidy == p or tidy.resolve() == p.resolve() else p


def analyze_path(path: str | Path, options: dict):
    """Load a model with reader options (one that does not apply to the model's kind is an
    error) and analyze it."""
    from dscost.cost import analyze
    from dscost.readers import load

    return analyze(load(path, **options))


def _evaluate(job: tuple) -> list:
    """(A worker task.)  Analyze one model once and evaluate every limit set that names it."""
    path, options, evaluations = job
    analysis = analyze_path(path, options)
    return [gate.evaluate(analysis, limits, flops=flops, path=shown) for limits, flops, shown in evaluations]


def _identity(f: Path | str) -> str:
    """What a model file (or PyTorch target) is, however it was written: its real path."""
    from dscost.readers import torch_target

    if isinstance(f, Path):
        return str(f.resolve())
    target = torch_target(f)
    return f"{Path(target[0]).expanduser().resolve()}:{target[1]}" if target and target[0].lower().endswith(".py") else f


def _given(models: list[str]) -> dict[str, Path | str]:
    """The command line's models (globs expanded) by :func:`_identity`; a file that does not exist is an error."""
    from dscost import batch
    from dscost.readers import torch_target

    out: dict[str, Path | str] = {}
    for p in batch.expand(models):
        f: Path | str = p if torch_target(p) else Path(p)
        if isinstance(f, Path) and not f.exists():
            raise InputError(f"{p}: no such file")
        out.setdefault(_identity(f), f)
    return out


def check_budget(budget_path: str | Path, *, flops: bool | None = None, jobs: int = 1, models: list[str] | None = None,
                 progress: bool = False) -> gate.CheckReport:  # fmt: skip
    """Check every model of a budget file; with ``models`` (the command line's, globs expanded)
    only those, each against the entries naming it and the entries without a path (a model no
    entry holds for is an error: it would pass unchecked).  ``flops`` is the CLI flag (None: not
    given); ``jobs`` > 1 analyzes the models in that many processes (the report keeps the file's order);
    ``progress``: a status line on a terminal while each model is read (with one job)."""
    from dscost import batch

    warnings: dict[tuple[int, str], str] = {}
    budget = load_budget(budget_path, warnings)
    given = _given(models) if models else None
    label = (lambda i: "") if budget._single else (lambda i: f"budgets[{i}]")  # noqa: E731  (how messages name an entry)
    prefix = lambda i: f"{budget_path}: {label(i)}: " if label(i) else f"{budget_path}: "  # noqa: E731
    if flops and budget.convention == "macs":
        raise InputError(f"{budget_path}: convention: macs contradicts --flops; drop one of them")
    use_flops = bool(flops) or budget.convention == "flops"
    report = gate.CheckReport("flops" if use_flops else "macs", budget=shown_path(budget_path))
    # a model named by several entries (a file and a glob) is read once per option set
    groups: dict[tuple, list] = {}  # key -> [file, options, [(entry index, entry, one file?)]]
    order: list[tuple[tuple, int]] = []  # (key, position in its group) in the file's order
    for i, entry in enumerate(budget.budgets):
        if entry.path is None:
            if given is None:
                raise InputError(f"{prefix(i)}no path: such an entry holds for the models given on the command line "
                                 f"(dscost check MODEL... --budget {budget_path}), and none was given")  # fmt: skip
            files = list(given.values())
        else:
            files = expand(budget_path, entry.path, label(i) or "path")
        single = len(files) == 1  # (an entry's name labels its one model: a glob's match picked out by the command line keeps its own)
        if entry.path is not None and given is not None:
            files = [f for f in files if _identity(f) in given]
        options = entry.load_options()
        for f in files:
            key = (_identity(f), repr(sorted(options.items())))
            group = groups.setdefault(key, [f, options, []])
            order.append((key, len(group[2])))
            group[2].append((i, entry, single))
    held = {key[0] for key in groups}  # (the models some entry holds for)
    for key, f in (given or {}).items():
        if key not in held:
            raise InputError(f"{f}: no entry of {budget_path} holds for it (an entry's path is relative to the budget file); "
                             f"add one for it, or one without a path, which holds for every model given on the command line")  # fmt: skip
    keys = list(groups)
    tasks = [(f, batch.with_progress(options, progress, jobs), [(entry.limits(), use_flops, shown_path(f)) for _, entry, _ in uses])
             for f, options, uses in groups.values()]  # fmt: skip
    results: dict[tuple, list] = {}
    done = 0
    try:
        for res in batch.run_ordered(_evaluate, tasks, jobs, [t[0] for t in tasks]):
            results[keys[done]] = res
            done += 1
    except InputError as err:
        from dscost.wording import budget_terms

        f, _, uses = groups[keys[done]]
        msg, shown = budget_terms(str(err)), shown_path(f)  # (the entry's keys gave the options)
        raise InputError(f"{prefix(uses[0][0])}{msg if str(f) in msg or shown in msg else f'cannot check {shown}: {msg}'}") from None
    merged: dict[tuple, gate.ModelResult] = {}  # (one model under one name: the limits of all its entries in one result)
    for key, k in order:
        i, entry, single = groups[key][2][k]
        result = results[key][k]
        if entry.name and single:
            result.name = entry.name
        first = merged.setdefault((key, result.name), result)
        if first is result:
            report.models.append(result)
        else:  # (a limit another entry also sets for the model is labelled with its entry: two rows 'params' could not be told apart)
            have = {r.label for r in first.results}
            first.results.extend(replace(r, label=f"{r.label} ({label(i) or 'entry'}: {entry.path or 'every model'})") if r.label in have else r
                                 for r in result.results)  # fmt: skip
        for r in result.failures:  # a limit without its unit, shown when some model exceeds it
            warning = warnings.pop((i, r.key), None)
            if warning:
                report.warnings.append(warning)
    return report


def check_models(paths: list[str], limits: gate.Limits, *, flops: bool = False, options: dict | None = None, jobs: int = 1,
                 progress: bool = False) -> gate.CheckReport:  # fmt: skip
    """Check one-off limits (CLI flags) on each model of ``paths`` (globs expanded); ``progress``
    as :func:`check_budget`'s."""
    from dscost import batch

    report = gate.CheckReport("flops" if flops else "macs")
    paths = batch.expand(paths)
    tasks = [(Path(p), batch.with_progress(options or {}, progress, jobs), [(limits, flops, shown_path(p))]) for p in paths]
    done = 0
    try:
        for res in batch.run_ordered(_evaluate, tasks, jobs, paths):
            report.models.extend(res)
            done += 1
    except InputError as err:
        p, msg = paths[done], str(err)
        raise InputError(msg if p in msg else f"cannot check {p}: {msg}") from None
    return report
