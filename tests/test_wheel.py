"""An installed wheel (not the checkout, not editable) runs `leadwatch init` and `demo`.

The wheel is built from the working tree with pip (isolated build, setuptools from the
package index) and installed without dependencies into a fresh virtual environment whose
dependencies come from the test's own environment (a .pth line, which does not bring
the editable install along). Every command then runs outside the repository, so the
shipped sources, taxonomy, instance templates and demo site must come from the wheel.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.helpers.instance import load_truth
from tests.helpers.paths import REPO

pytestmark = pytest.mark.integration


def _run(*cmd: str | Path, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEADWATCH_", "PYTHON"))}
    proc = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout}\n{proc.stderr}"
    return proc


def test_an_installed_wheel_runs_init_and_demo(tmp_path: Path):
    wheels = tmp_path / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, REPO, cwd=tmp_path)
    (wheel,) = wheels.glob("leadwatch-*.whl")

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    site = Path(
        _run(
            python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp_path
        ).stdout.strip()
    )
    (site / "test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    _run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel, cwd=tmp_path)

    where = _run(python, "-c", "import crawler, crawler.shipped as s; print(crawler.__file__);"
                 "print(s.shipped_sources()); print(s.demo_site())", cwd=tmp_path).stdout  # fmt: skip
    assert all(line.startswith(str(site)) for line in where.split()), where

    leadwatch = env_dir / "bin" / "leadwatch"
    init = _run(leadwatch, "init", "office", cwd=tmp_path)
    assert "wrote leadwatch.toml" in init.stdout
    demo = _run(leadwatch, "demo", "--port", "0", cwd=tmp_path / "office")
    assert "demo-yixing: ok — 28 pages, 25 articles fetched, 25 new" in demo.stdout
    truth = load_truth()
    leads = sum(1 for t in truth if t["lead"])
    assert f"{leads} lead article(s) among {len(truth)} stored article(s)" in demo.stdout
    items = _run(leadwatch, "items", "--leads", "--sector", "低空经济", cwd=tmp_path / "office")
    assert "低空经济" in items.stdout
