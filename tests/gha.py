"""Run GitHub Actions steps locally: the `run:` steps of action.yml and of the example workflows.

Just enough of the runner for dscost's own files: `${{ }}` expressions over the inputs, github,
env and steps contexts with ==, !=, &&, ||, ! and the status functions; `if:` conditions (with
the implicit success()); `env:` and `working-directory:`; the files behind $GITHUB_OUTPUT,
$GITHUB_STEP_SUMMARY, $GITHUB_PATH and $GITHUB_ENV; `run:` scripts executed the way the runner
does for `shell: bash` (bash --noprofile --norc -eo pipefail).  A `uses:` step is recorded with
its evaluated `with:`, not run -- except an action given in `actions` (name -> action.yml path),
whose steps run here as a composite action would.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.S)
TOKEN = re.compile(r"\s*(?:('(?:[^']|'')*')|(&&|\|\||==|!=|!|\(|\))|([A-Za-z_][A-Za-z0-9_.-]*\(\))|([A-Za-z_][A-Za-z0-9_.-]*))")
STATUS = {"success()", "failure()", "always()", "cancelled()"}


@dataclass
class StepRecord:
    name: str
    ran: bool
    uses: str | None = None
    with_: dict[str, str] = field(default_factory=dict)
    returncode: int | None = None


@dataclass
class Result:
    returncode: int
    output: str  # stdout and stderr of every run step, in order
    summary: str
    outputs: dict[str, str]
    steps: list[StepRecord]
    path: list[str]  # directories added through $GITHUB_PATH

    def step(self, name_or_uses: str) -> StepRecord:
        return next(s for s in self.steps if s.name == name_or_uses or (s.uses or "").startswith(name_or_uses))


def evaluate(expr: str, ctx: dict[str, Any], failed: bool = False) -> Any:
    """One GitHub expression (without the ${{ }}) over ``ctx``; strings, booleans or None."""
    py: list[str] = []
    names: dict[str, Any] = {}
    pos = 0
    while pos < len(expr):
        m = TOKEN.match(expr, pos)
        if not m or m.end() == pos:
            if expr[pos:].strip() == "":
                break
            raise ValueError(f"unsupported expression: {expr!r} at {expr[pos:]!r}")
        pos = m.end()
        literal, op, func, ref = m.groups()
        if literal is not None:
            py.append(repr(literal[1:-1].replace("''", "'")))
        elif op is not None:
            py.append({"&&": " and ", "||": " or ", "!": " not "}.get(op, op))
        elif func is not None:
            if func not in STATUS:
                raise ValueError(f"unsupported function {func} in {expr!r}")
            py.append({"success()": str(not failed), "failure()": str(failed), "always()": "True", "cancelled()": "False"}[func])
        else:
            value: Any = ctx
            for part in ref.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            key = f"_v{len(names)}"
            names[key] = "" if value is None else value  # a missing property is null, which equals ''
            py.append(key)
    return eval("".join(py) or "None", {"__builtins__": {}}, names)  # noqa: S307 -- tokens checked above


def substitute(text: Any, ctx: dict[str, Any]) -> str:
    def one(m: re.Match) -> str:
        value = evaluate(m.group(1), ctx)
        return "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)

    return EXPR.sub(one, str(text))


def condition(cond: Any, ctx: dict[str, Any], failed: bool) -> bool:
    if cond is None or cond == "":
        return not failed
    if isinstance(cond, bool):
        return cond and not failed
    text = str(cond).strip()
    m = EXPR.fullmatch(text)
    text = m.group(1) if m else text
    if not any(s in text for s in STATUS):
        text = f"success() && ({text})"
    return bool(evaluate(text, ctx, failed))


def _read_output_file(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    lines = path.read_text().splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            end = lines.index(delim, i + 1)
            out[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
            continue
        if "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        i += 1
    return out


class Runner:
    """Executes steps in ``workspace`` with fresh $GITHUB_* files under ``tmp``."""

    def __init__(self, workspace: Path, tmp: Path, env: dict[str, str], github: dict[str, Any], actions: dict[str, Path] | None = None, action_inputs: dict[str, dict[str, str]] | None = None):
        self.workspace = Path(workspace)
        self.tmp = Path(tmp)
        self.env = dict(env)
        self.github = dict(github)
        self.actions = actions or {}
        self.action_inputs = action_inputs or {}  # extra inputs per action name (e.g. install: 'false')
        self.runner_temp = self.tmp / "runner_temp"
        self.runner_temp.mkdir(parents=True, exist_ok=True)
        self.summary = self.tmp / "step_summary.md"
        self.github_path = self.tmp / "github_path"
        self.github_env = self.tmp / "github_env"
        for f in (self.summary, self.github_path, self.github_env):
            f.touch()
        self.output: list[str] = []
        self.records: list[StepRecord] = []
        self._n = 0

    # -- environment shared by every step
    def _base_env(self) -> dict[str, str]:
        env = dict(self.env)
        env.update(_read_output_file(self.github_env))
        added = [line for line in self.github_path.read_text().splitlines() if line.strip()]
        env["PATH"] = os.pathsep.join([*reversed(added), env.get("PATH", "")])
        env.update(
            GITHUB_STEP_SUMMARY=str(self.summary),
            GITHUB_PATH=str(self.github_path),
            GITHUB_ENV=str(self.github_env),
            GITHUB_WORKSPACE=str(self.workspace),
            RUNNER_TEMP=str(self.runner_temp),
            GITHUB_ACTIONS="true",
            CI="true",
        )
        return env

    def run_steps(self, steps: list[dict], ctx: dict[str, Any]) -> tuple[bool, dict[str, dict]]:
        """Run ``steps`` under ``ctx`` (inputs, github, env); returns (failed, steps context)."""
        failed = False
        steps_ctx: dict[str, dict] = {}
        ctx = {**ctx, "steps": steps_ctx}
        for step in steps:
            name = step.get("name") or step.get("uses") or step.get("run", "").splitlines()[0]
            if not condition(step.get("if"), ctx, failed):
                self.records.append(StepRecord(name, False, step.get("uses")))
                continue
            if "uses" in step:
                uses = step["uses"]
                with_ = {k: substitute(v, ctx) for k, v in (step.get("with") or {}).items()}
                record = StepRecord(name, True, uses, with_)
                self.records.append(record)
                action = next((p for n, p in self.actions.items() if uses.split("@")[0] == n), None)
                if action is None:
                    continue  # actions/checkout, setup-python, upload-artifact: recorded only
                rc, outputs = self.run_action(action, {**with_, **self.action_inputs.get(uses.split("@")[0], {})})
                record.returncode = rc
                if "id" in step:
                    steps_ctx[step["id"]] = {"outputs": outputs, "outcome": "failure" if rc else "success"}
                failed = failed or rc != 0
                continue
            rc, outputs = self._run_script(step, ctx)
            self.records.append(StepRecord(name, True, None, {}, rc))
            if "id" in step:
                steps_ctx[step["id"]] = {"outputs": outputs, "outcome": "failure" if rc else "success"}
            failed = failed or rc != 0
        return failed, steps_ctx

    def _run_script(self, step: dict, ctx: dict[str, Any]) -> tuple[int, dict[str, str]]:
        script = step["run"]
        assert "${{" not in script, f"step {step.get('name')!r}: pass values to run: through env:, not ${{{{ }}}} in the script"
        shell = step.get("shell", "bash")
        assert shell == "bash", f"only bash steps are run here, not {shell}"
        env = self._base_env()
        env.update({k: substitute(v, ctx) for k, v in (ctx.get("env") or {}).items()})
        env.update({k: substitute(v, ctx) for k, v in (step.get("env") or {}).items()})
        self._n += 1
        out_file = self.tmp / f"github_output_{self._n}"
        out_file.touch()
        env["GITHUB_OUTPUT"] = str(out_file)
        script_file = self.tmp / f"step_{self._n}.sh"
        script_file.write_text(script)
        cwd = self.workspace / substitute(step.get("working-directory", "."), ctx)
        p = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
        self.output.append(p.stdout + p.stderr)
        return p.returncode, _read_output_file(out_file)

    def run_action(self, action_yml: Path, with_: dict[str, str]) -> tuple[int, dict[str, str]]:
        """A composite action: its inputs (defaults + ``with_``), steps and outputs."""
        action = yaml.safe_load(Path(action_yml).read_text())
        assert action["runs"]["using"] == "composite"
        declared = action.get("inputs") or {}
        unknown = set(with_) - set(declared)
        assert not unknown, f"inputs not declared by {action_yml}: {sorted(unknown)}"
        inputs = {k: str(v.get("default", "")) for k, v in declared.items()}
        inputs.update(with_)
        ctx = {"inputs": inputs, "github": {**self.github, "action_path": str(Path(action_yml).parent)}}
        failed, steps_ctx = self.run_steps(action["runs"]["steps"], ctx)
        outputs = {k: substitute(v["value"], {**ctx, "steps": steps_ctx}) for k, v in (action.get("outputs") or {}).items()}
        rc = 0
        if failed:
            rc = next((r.returncode for r in reversed(self.records) if r.returncode), 1)
        return rc, outputs

    def result(self, rc: int, outputs: dict[str, str]) -> Result:
        added = [line for line in self.github_path.read_text().splitlines() if line.strip()]
        return Result(rc, "".join(self.output), self.summary.read_text(), outputs, self.records, added)


def run_action(action_yml: Path, inputs: dict[str, str], workspace: Path, tmp: Path, env: dict[str, str], github: dict[str, Any] | None = None) -> Result:
    runner = Runner(workspace, tmp, env, github or {})
    rc, outputs = runner.run_action(action_yml, inputs)
    return runner.result(rc, outputs)


def run_job(workflow: dict, job: str, workspace: Path, tmp: Path, env: dict[str, str], github: dict[str, Any], actions: dict[str, Path], action_inputs: dict[str, dict[str, str]] | None = None) -> Result:
    """The steps of one job of a workflow, with ``actions`` (name -> action.yml) run locally."""
    runner = Runner(workspace, tmp, env, github, actions, action_inputs)
    spec = workflow["jobs"][job]
    failed, _ = runner.run_steps(spec["steps"], {"github": github, "env": {**(workflow.get("env") or {}), **(spec.get("env") or {})}})
    rc = next((r.returncode for r in reversed(runner.records) if r.returncode), 1) if failed else 0
    return runner.result(rc, {})
