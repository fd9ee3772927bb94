"""Every command README.md shows runs against the demo store and returns something.

The commands are read from README.md's ``sh`` blocks (the `make` lines are not ours to
run here) and run one after the other, as a reader would, in an instance that
`leadwatch init` and `leadwatch demo` made. Two differences from the reader's machine,
both so that nothing here needs a fixed port: the demo site is served on a free port
(the instance's sources.toml points the two demo sources there, by name, as an office
would override a shipped source), and [smtp] points at a real aiosmtpd server on
loopback, so `digest --send` really sends. `serve` and `schedule run` run until stopped:
they are checked with ``--help``, as are `worker` and `workers`, which need PostgreSQL.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from crawler.shipped import shipped_sources
from tests.helpers.cli import CliResult, run_cli
from tests.helpers.paths import REPO
from tests.helpers.smtp import Mailbox

pytestmark = pytest.mark.integration

RUN_UNTIL_STOPPED = ("leadwatch serve", "leadwatch schedule run")
# `worker` and `workers` share their queue through PostgreSQL, which the demo store (SQLite)
# is not; tests/test_workers*.py run them against a real PostgreSQL.
NEEDS_POSTGRESQL = ("leadwatch worker",)


def readme_commands() -> list[str]:
    """The command lines of README.md's ``sh`` blocks that run leadwatch, comments cut."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            command = re.split(r"\s{2,}#", line)[0].strip()
            if re.search(r"(^|[\s|=])leadwatch\b", command) and not command.startswith("make"):
                commands.append(command)
    return commands


def _demo_sources(site_url: str) -> str:
    """The shipped demo sources, pointed at ``site_url`` (an instance's override)."""
    shipped = tomllib.loads(shipped_sources().read_text(encoding="utf-8"))["sources"]
    out = []
    for entry in shipped:
        if entry.get("group") != "demo":
            continue
        lines = ["[[sources]]"]
        for key, value in entry.items():
            if key == "selectors":
                continue
            if key == "start_urls":
                value = [u.replace("http://127.0.0.1:8765", site_url) for u in value]
            lines.append(f"{key} = {_toml(value)}")
        if "selectors" in entry:
            lines.append("[sources.selectors]")
            lines += [f"{k} = {_toml(v)}" for k, v in entry["selectors"].items()]
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def test_the_readme_shows_the_commands_an_operator_needs():
    commands = readme_commands()
    assert len(commands) >= 25
    for needed in ("sources check", "--mark-verified", "crawl", "items", "search", "export",
                   "serve", "digest --send", "schedule run", "init"):  # fmt: skip
        assert any(needed in c for c in commands), needed


def test_every_readme_command_runs_against_the_demo_store(
    tmp_path: Path, demo_site: str, smtp_server: Mailbox, monkeypatch: pytest.MonkeyPatch
):
    bin_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADWATCH_")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    for name in [k for k in os.environ if k.startswith("LEADWATCH_")]:
        monkeypatch.delenv(name)

    def run_script(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-c", command],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def run(command: str) -> subprocess.CompletedProcess[str] | CliResult:
        """A plain `leadwatch ARGS` in this process (the installed script runs `init` and
        `demo` below); one that needs the shell (a pipe, a variable) in bash."""
        words = shlex.split(command, comments=True)
        if words[0] == "leadwatch" and not set("|<>;&$") & set(command.split("#")[0]):
            return run_cli(words[1:], cwd=tmp_path)
        return run_script(command)

    # what `make demo` does in the repository root
    assert run_script("leadwatch init .").returncode == 0
    (tmp_path / "demo").symlink_to(REPO / "demo")  # the README's paths are the repository's
    (tmp_path / "sources.toml").write_text(_demo_sources(demo_site), encoding="utf-8")
    config = (tmp_path / "leadwatch.toml").read_text(encoding="utf-8")
    (tmp_path / "leadwatch.toml").write_text(
        config.replace("port = 25\n", f"port = {smtp_server.port}\n"), encoding="utf-8"
    )
    demo = run_script("leadwatch demo --port 0")
    assert demo.returncode == 0, demo.stdout + demo.stderr

    for command in readme_commands():
        if command.startswith(RUN_UNTIL_STOPPED + NEEDS_POSTGRESQL):
            command += " --help"
        proc = run(command)
        said = f"$ {command}\nstdout:\n{proc.stdout[-2000:]}\nstderr:\n{proc.stderr[-2000:]}"
        assert proc.returncode == 0, said
        assert (proc.stdout + proc.stderr).strip(), said
        assert "Traceback" not in proc.stderr, said
        if command.startswith(("leadwatch items", "leadwatch search", "leadwatch show")):
            assert proc.stdout.strip() and "none of the" not in proc.stderr, said
    assert smtp_server.messages  # `digest --send` really sent
