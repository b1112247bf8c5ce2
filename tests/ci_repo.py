"""A scratch git repository standing in for a user's project, for the CI example tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from conftest import ROOT


def git(cwd: Path, *args: str) -> str:
    cmd = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args]
    return subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True, timeout=60).stdout.strip()


def user_repo(tmp_path: Path, models: tuple[str, ...] = ("mobilenet_v1.yaml", "mobilenet_v2.yaml")) -> Path:
    """``models`` from models/ and lenient budget files (budget.yaml, examples/budget.yaml) on
    branch main of an origin repository, cloned to tmp_path/work with branch feature checked out."""
    origin = tmp_path / "origin"
    (origin / "models").mkdir(parents=True)
    for name in models:
        shutil.copy(ROOT / "models" / name, origin / "models" / name)
    (origin / "budget.yaml").write_text("budgets:\n  - path: models/*.yaml\n    max_params: 150M\n")
    (origin / "examples").mkdir()
    (origin / "examples" / "budget.yaml").write_text("budgets:\n  - path: ../models/*.yaml\n    max_params: 150M\n")
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "models")
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(origin), str(work))
    git(work, "checkout", "-q", "-b", "feature")
    return work
