"""examples/gitlab-ci.yml, run locally: each job's before_script and script in one
`bash -eo pipefail` (as GitLab's bash shell runs them), in a scratch git repository that
stands in for the user's project.

The install line, `pip install "dscost @ git+https://github.com/OWNER/dscost@v<version>"`,
runs for real -- into a fresh venv, from this checkout's HEAD through a git+file:// URL --
only with DSCOST_INSTALL_TESTS=1 (.ci/run sets it: it takes a minute); the other tests use
this environment's dscost.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from ci_repo import git, user_repo
from conftest import ROOT

VERSION = re.search(r'^version = "(.+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
GITLAB = ROOT / "examples" / "gitlab-ci.yml"
URL = f"git+https://github.com/OWNER/dscost@v{VERSION}"
INSTALL = f'pip install "dscost @ {URL}"'


def job(name: str) -> dict:
    """A job of the GitLab example with its `extends:` template merged in."""
    config = yaml.safe_load(GITLAB.read_text())
    spec = dict(config[name])
    if "extends" in spec:
        spec = {**job(spec.pop("extends")), **spec}
    return spec


def run_job(name: str, work: Path, path: str, install: str | None = None) -> subprocess.CompletedProcess:
    spec = job(name)
    before = [install] if install else []  # None: this environment's dscost, no install line
    script = "\n".join(before + spec["script"]) + "\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CI_", "GITLAB_", "DSCOST_DEBUG"))}
    env.update(PATH=path, CI="true", CI_PIPELINE_SOURCE="merge_request_event", CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main")
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=900)


def this_path() -> str:
    return f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


def test_jobs_install_dscost_from_git():
    assert "pip install dscost" not in GITLAB.read_text()
    readme = (ROOT / "README.md").read_text()
    assert "pip install dscost" not in readme
    assert set(re.findall(r'pip install "dscost @ [^"]*"', readme)) == {INSTALL}  # the line run below
    for name in ("dscost-check", "dscost-diff"):
        assert job(name)["before_script"] == [INSTALL]
    assert job("dscost-check")["artifacts"]["reports"]["junit"] == "dscost-junit.xml"
    assert job("dscost-diff")["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]


@pytest.mark.parametrize("resolution", [224, 256])
def test_gitlab_jobs_run(tmp_path, resolution):
    work = user_repo(tmp_path)
    spec = work / "models" / "mobilenet_v1.yaml"
    spec.write_text(spec.read_text().replace("input: [3, 224, 224]", f"input: [3, {resolution}, {resolution}]"))

    check = run_job("dscost-check", work, this_path())
    assert check.returncode == 0, check.stdout + check.stderr
    suites = ET.parse(work / "dscost-junit.xml").getroot()
    assert len(list(suites.iter("testcase"))) == 2  # two models, one limit each

    diff = run_job("dscost-diff", work, this_path())
    table = (work / "dscost-diff.md").read_text()
    if resolution == 224:
        assert diff.returncode == 0, diff.stdout + diff.stderr
        assert "| MACs | 568.7M | 568.7M | 0 | +0.00% |" in table
    else:  # 1.31x the MACs: over the 5% gate
        assert diff.returncode == 1, diff.stdout + diff.stderr
        assert "| MACs | 568.7M | 742.5M | +173.8M | +30.56% |" in table and "exceeds +5%" in diff.stderr


def test_install_line_installs_from_git(tmp_path):
    if os.environ.get("DSCOST_INSTALL_TESTS") != "1":
        pytest.skip("installs dscost into a fresh venv (about a minute); .ci/run sets DSCOST_INSTALL_TESTS=1")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    head = git(ROOT, "rev-parse", "HEAD")
    install = INSTALL.replace(URL, f"git+file://localhost{ROOT}@{head}")  # pip wants a host in a name @ URL
    work = user_repo(tmp_path, models=("mobilenet_v1.yaml",))
    p = run_job("dscost-check", work, f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}", install=install)
    assert p.returncode == 0, p.stdout + p.stderr
    assert (work / "dscost-junit.xml").read_text().startswith("<?xml")
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import dscost; print(dscost.__file__)"], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout + where.stderr
