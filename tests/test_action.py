"""action.yml (the reusable GitHub Action) and the documented workflows, run locally.

tests/gha.py executes the `run:` steps as the Actions runner does (bash -eo pipefail, the
$GITHUB_OUTPUT / $GITHUB_STEP_SUMMARY / $GITHUB_PATH files, `${{ }}` inputs, `if:`);
`uses:` steps of other actions (checkout, setup-python, upload-artifact) are checked for
their inputs, not run.  These tests use the dscost of this environment (input
install: 'false'); the install step itself -- a fresh venv and `pip install` of this
checkout -- runs in test_install_step_installs_from_the_action_checkout, which needs
DSCOST_INSTALL_TESTS=1 (set by .ci/run) because it takes a minute.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import gha
import pytest
import yaml
from ci_repo import user_repo
from conftest import ROOT

ACTION = ROOT / "action.yml"
BIN = Path(sys.executable).parent
VERSION = re.search(r'^version = "(.+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
USES = f"OWNER/dscost@v{VERSION}"


def clean_env() -> dict[str, str]:
    """This environment without the real runner's variables; this venv's dscost and python first on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_", "DSCOST_DEBUG"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def run(tmp_path: Path, **inputs: str) -> gha.Result:
    assert (BIN / "dscost").exists(), f"no dscost script next to {sys.executable}"
    return gha.run_action(ACTION, {"install": "false", **inputs}, ROOT, tmp_path, clean_env())


def report_files(r: gha.Result) -> dict[str, str]:
    d = Path(r.outputs["report-dir"])
    return {p.name: p.read_text() for p in d.iterdir()}


# ---- action.yml itself


def test_action_is_composite_with_documented_inputs():
    action = yaml.safe_load(ACTION.read_text())
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"budget", "models", "format", "args", "working-directory", "python-version", "install", "artifact-name"}
    assert set(action["outputs"]) == {"exit-code", "report-dir"}
    steps = action["runs"]["steps"]
    uses = [s["uses"].split("@")[0] for s in steps if "uses" in s]
    assert uses == ["actions/setup-python", "actions/upload-artifact"]
    # the install step installs from the action's own checkout, passed through env (never ${{ }} in a script)
    install = next(s for s in steps if s.get("name") == "Install dscost")
    assert install["env"]["DSCOST_SRC"] == "${{ github.action_path }}"
    assert all(s.get("shell") == "bash" for s in steps if "run" in s)


# ---- the check step, with this environment's dscost


def test_budget_within_limits_passes(tmp_path):
    r = run(tmp_path, budget="examples/budget.yaml")
    assert r.returncode == 0, r.output
    assert r.outputs["exit-code"] == "0"
    files = report_files(r)
    assert set(files) == {"dscost-check.md"}
    assert files["dscost-check.md"].startswith("## dscost check") and "limits hold" in files["dscost-check.md"]
    assert r.summary.count("## dscost check") == 1 and files["dscost-check.md"] in r.summary
    assert "::error" not in r.output
    assert not r.step("Set up Python").ran and not r.step("Install dscost").ran
    upload = r.step("Upload the report")
    assert upload.ran and upload.uses == "actions/upload-artifact@v4"
    assert upload.with_ == {"name": "dscost-report", "path": r.outputs["report-dir"], "if-no-files-found": "ignore"}


def test_models_over_budget_fail_with_annotations(tmp_path):
    r = run(tmp_path, models="models/mobilenet_v1.yaml", args="--max-macs 500M --max-params '4.5M'")
    assert r.returncode == 1, r.output
    assert r.outputs["exit-code"] == "1"
    assert "::error file=models/mobilenet_v1.yaml,title=dscost check max_macs::" in r.output
    assert "OVER BUDGET" in r.summary and r.summary.count("## dscost check") == 1
    assert "OVER BUDGET" in report_files(r)["dscost-check.md"]
    assert r.step("Upload the report").ran  # the report is kept when the check fails


def test_junit_format_saves_the_report_and_globs_expand(tmp_path):
    r = run(tmp_path, models="models/mobilenet_v*.yaml\n", args="--max-params 150M", format="JUnit")
    assert r.returncode == 0, r.output
    files = report_files(r)
    assert set(files) == {"dscost-check.md", "dscost-check.xml"}
    cases = ET.fromstring(files["dscost-check.xml"]).iter("testcase")
    assert len(list(cases)) == 2  # mobilenet_v1 and mobilenet_v2, one limit each
    assert "<testsuite" in r.output  # the log shows the chosen format
    assert "| params |" in r.summary  # the job summary always gets the Markdown table


def test_markdown_format_in_a_working_directory(tmp_path):
    r = run(tmp_path, budget="budget.yaml", format="markdown", **{"working-directory": "examples"})
    assert r.returncode == 0, r.output
    files = report_files(r)
    assert set(files) == {"dscost-check.md"} and files["dscost-check.md"] in r.output
    assert r.summary.count("## dscost check") == 1


def test_input_error_exits_2_with_an_annotation(tmp_path):
    r = run(tmp_path, budget="no/such/budget.yaml")
    assert r.returncode == 2, r.output
    assert r.outputs["exit-code"] == "2"
    assert "::error title=dscost check::dscost: error: no/such/budget.yaml" in r.output
    assert "Error (exit 2)" in r.summary and "no/such/budget.yaml" in r.summary


# ---- the install step, for real


def test_install_step_installs_from_the_action_checkout(tmp_path):
    if os.environ.get("DSCOST_INSTALL_TESTS") != "1":
        pytest.skip("installs dscost into a fresh venv (about a minute); .ci/run sets DSCOST_INSTALL_TESTS=1")
    r = gha.run_action(ACTION, {"models": "models/mobilenet_v1.yaml", "args": "--max-macs 500M"}, ROOT, tmp_path, clean_env())
    assert r.step("Set up Python").ran and r.step("Set up Python").with_ == {"python-version": "3.12"}
    assert r.step("Install dscost").returncode == 0, r.output
    venv_bin = tmp_path / "runner_temp" / "dscost-venv" / "bin"
    assert r.path == [str(venv_bin)]  # later steps find this dscost first
    assert f"dscost {VERSION}" in r.output
    assert r.returncode == 1 and "::error file=models/mobilenet_v1.yaml" in r.output
    p = subprocess.run([str(venv_bin / "python"), "-c", "import dscost; print(dscost.__file__)"], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert Path(p.stdout.strip()).is_relative_to(venv_bin.parent), p.stdout + p.stderr


# ---- the workflows of README.md and examples/, with the action run locally


def workflows() -> dict[str, dict]:
    readme = (ROOT / "README.md").read_text().split("### GitHub Actions", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", readme, re.S).group(1)
    return {"README": yaml.safe_load(block), "examples/github-workflow.yml": yaml.safe_load((ROOT / "examples" / "github-workflow.yml").read_text())}


@pytest.mark.parametrize("source", list(workflows()))
def test_workflow_uses_the_action(source):
    steps = workflows()[source]["jobs"]["dscost"]["steps"]
    checkout = steps[0]
    assert checkout["uses"] == "actions/checkout@v4" and checkout["with"]["lfs"] is True and checkout["with"]["fetch-depth"] == 0
    [step] = [s for s in steps if s.get("uses", "").startswith("OWNER/dscost")]
    assert step["uses"] == USES
    assert set(step["with"]) <= set(yaml.safe_load(ACTION.read_text())["inputs"])
    assert not any("pip install" in s.get("run", "") for s in steps)


@pytest.mark.parametrize(("source", "resolution"), [("README", 256), ("examples/github-workflow.yml", 224), ("examples/github-workflow.yml", 256)])
def test_workflow_job_runs(tmp_path, source, resolution):
    work = user_repo(tmp_path)
    spec = work / "models" / "mobilenet_v1.yaml"
    spec.write_text(spec.read_text().replace("input: [3, 224, 224]", f"input: [3, {resolution}, {resolution}]"))
    r = gha.run_job(
        workflows()[source], "dscost", work, tmp_path / "gha", clean_env(),
        github={"event_name": "pull_request", "base_ref": "main"},
        actions={"OWNER/dscost": ACTION}, action_inputs={"OWNER/dscost": {"install": "false"}},
    )  # fmt: skip
    assert not r.step("actions/checkout").ran or r.step("actions/checkout").returncode is None  # recorded only
    assert r.step(USES).returncode == 0, r.output  # every model within the (params) budget
    assert "## dscost check" in r.summary and "mobilenet_v1" in r.summary
    diff = r.step("Diff against the target branch")
    assert diff.ran
    if resolution == 224:  # unchanged
        assert r.returncode == 0 and diff.returncode == 0, r.output
    else:  # 256x256 input: 1.31x the MACs, over the 5% gate
        assert r.returncode == 1 and diff.returncode == 1, r.output
        assert "| MACs | 568.7M | 742.5M | +173.8M | +30.56% |" in r.summary
        assert "exceeds +5%" in r.output
