"""The pre-commit hooks (.pre-commit-hooks.yaml) as README.md and examples/ document them.

pre-commit clones this repository at a commit and pip installs dscost into a virtualenv of
its own (about half a minute per fresh hook environment).  `run` uses the rev of the config
(HEAD here); `try-repo` uses HEAD too, plus -- through a temporary commit in a shadow clone --
the staged and modified tracked files, never untracked ones, and builds its environment in a
fresh store each time.  The tests that run pre-commit skip only where pre-commit is not installed;
.ci/run installs it and runs them.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ci_repo import git
from conftest import ROOT

VERSION = re.search(r'^version = "(.+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
HAS_PRE_COMMIT = importlib.util.find_spec("pre_commit") is not None
needs_pre_commit = pytest.mark.skipif(not HAS_PRE_COMMIT, reason="pre-commit is not installed (.ci/run installs it and runs these tests)")

OK_BUDGET = "budgets:\n  - path: models/*.yaml\n    max_macs: 600M\n    max_params: 4.5M\n"
OVER_BUDGET = "budgets:\n  - path: models/*.yaml\n    max_macs: 100M\n"
# 3x3 convs on 512x512: 9*3*64*512^2 + 9*64*64*512^2 = 10.1G MACs (over the README's 2G), 38.6K params
HEAVY_SPEC = "name: heavy\ninput: [3, 512, 512]\nlayers:\n  - {type: conv, channels: 64, kernel: 3}\n  - {type: conv, channels: 64, kernel: 3}\n"


def readme_repos() -> list[dict]:
    section = (ROOT / "README.md").read_text().split("### pre-commit", 1)[1]
    return yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))["repos"]


def example_config() -> str:
    return (ROOT / "examples" / "pre-commit-config.yaml").read_text()


def local_variant() -> list[dict]:
    """The commented-out `repo: local` entry of examples/pre-commit-config.yaml, uncommented."""
    lines = example_config().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "# - repo: local")
    block = [re.sub(r"^  # ?", "  ", line) for line in lines[start:] if line.startswith("  #")]
    return yaml.safe_load("repos:\n" + "\n".join(block))["repos"]


def test_readme_entry_is_the_example_and_names_real_hooks():
    [entry] = readme_repos()
    example = yaml.safe_load(example_config())["repos"]
    assert example == [entry]
    assert entry["repo"] == "https://github.com/OWNER/dscost" and entry["rev"] == f"v{VERSION}"
    manifest = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert [h["id"] for h in entry["hooks"]] == list(manifest)
    [local] = local_variant()
    assert local["repo"] == "local" and local["hooks"][0]["entry"] == "dscost check --budget dscost-budget.yaml"
    assert local["hooks"][0]["files"] == manifest["dscost-check"]["files"]


def head_rev() -> str:
    try:
        return git(ROOT, "rev-parse", "HEAD")
    except (OSError, subprocess.CalledProcessError) as e:  # e.g. an unpacked sdist
        pytest.fail(f"pre-commit needs the dscost repository to be a git checkout: {e}")


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    """One hook store for the module: the hook environment is built once, not per test."""
    return tmp_path_factory.mktemp("pre-commit-home")


def project(tmp_path: Path, budget: str, onnx_spec: str | None) -> Path:
    """A user's repository: a YAML model, optionally an ONNX model, and dscost-budget.yaml."""
    work = tmp_path / "project"
    (work / "models").mkdir(parents=True)
    shutil.copy(ROOT / "models" / "mobilenet_v1.yaml", work / "models")
    (work / "dscost-budget.yaml").write_text(budget)
    if onnx_spec is not None:
        (tmp_path / "net.yaml").write_text(onnx_spec)
        p = subprocess.run([sys.executable, "-m", "dscost", "export", str(tmp_path / "net.yaml"), "-o", str(work / "models" / "net.onnx")], capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
    git(work, "init", "-q")
    git(work, "add", ".")
    git(work, "commit", "-q", "-m", "models")
    return work


def pre_commit(cwd: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("DSCOST_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@needs_pre_commit
def test_readme_entry_passes_and_fails(tmp_path, pre_commit_home):
    """The README's `repos:` entry with the URL pointed at this checkout and the rev at HEAD."""
    [entry] = readme_repos()
    config = yaml.safe_dump({"repos": [{**entry, "repo": str(ROOT), "rev": head_rev()}]})

    ok = project(tmp_path / "ok", OK_BUDGET, "name: small\ninput: [3, 32, 32]\nlayers:\n  - {type: conv, channels: 8, kernel: 3}\n")
    (ok / ".pre-commit-config.yaml").write_text(config)
    p = pre_commit(ok, pre_commit_home, "run", "--all-files")
    assert p.returncode == 0, p.stdout + p.stderr
    assert re.search(r"dscost check \(model budgets\)\.+Passed", p.stdout), p.stdout
    assert re.search(r"dscost check \(changed models\)\.+Passed", p.stdout), p.stdout

    over = project(tmp_path / "over", OVER_BUDGET, HEAVY_SPEC)
    (over / ".pre-commit-config.yaml").write_text(config)
    p = pre_commit(over, pre_commit_home, "run", "--all-files")
    assert p.returncode == 1, p.stdout + p.stderr
    assert re.search(r"dscost check \(model budgets\)\.+Failed", p.stdout), p.stdout
    assert re.search(r"dscost check \(changed models\)\.+Failed", p.stdout), p.stdout
    assert "OVER BUDGET" in p.stdout and "models/net.onnx" in p.stdout


@needs_pre_commit
def test_try_repo(tmp_path):
    """`pre-commit try-repo` on this checkout, with its uncommitted changes, in a fresh store."""
    work = project(tmp_path, OK_BUDGET, None)
    p = pre_commit(work, tmp_path / "home", "try-repo", str(ROOT), "dscost-check", "--all-files")
    assert p.returncode == 0, p.stdout + p.stderr
    assert re.search(r"dscost check \(model budgets\)\.+Passed", p.stdout), p.stdout


@needs_pre_commit
def test_local_variant(tmp_path, pre_commit_home):
    """The `repo: local` variant runs the dscost on PATH (this environment's)."""
    work = project(tmp_path, OVER_BUDGET, None)
    (work / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": local_variant()}))
    p = pre_commit(work, pre_commit_home, "run", "--all-files")
    assert p.returncode == 1 and "OVER BUDGET" in p.stdout, p.stdout + p.stderr
