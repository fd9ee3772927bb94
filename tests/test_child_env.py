"""The processes leadwatch starts get only the environment they need: no SMTP password,
no webhook secret, nothing else of the parent's.

The real crawl job, article worker, fetch job (`leadwatch extract URL`) and check job
(`leadwatch sources check`) are caught while they run and their environment is read
from /proc.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.crawl.childenv import child_environment
from tests.helpers.badserver import BadServer
from tests.helpers.crawlproc import (
    SOURCE,
    cmdline,
    column_instance,
    crawl_processes,
    descendants,
    environ,
    reap,
    served_column,
    wait_for,
)
from tests.helpers.instance import write_instance

SECRETS = {
    "LEADWATCH_SMTP_PASSWORD": "smtp-secret-Zq81",
    "OFFICE_WEBHOOK_URL": "wxwork://secret-bot-key-77/",
    "AWS_SECRET_ACCESS_KEY": "aws-secret-31",
}


def test_child_environment_keeps_what_children_need_and_nothing_else():
    base = {
        "PATH": "/usr/bin",
        "HOME": "/home/office",
        "LANG": "zh_CN.UTF-8",
        "LC_ALL": "zh_CN.UTF-8",
        "https_proxy": "http://proxy.example:3128",
        "LEADWATCH_DATABASE_URL": "postgresql+psycopg://lw:pw@db/lw",
        **SECRETS,
    }
    env = child_environment({"EXTRA": "1"}, base=base)
    assert {k: env[k] for k in base if k in env} == {
        k: v for k, v in base.items() if k not in SECRETS
    }
    assert not set(SECRETS) & set(env)
    assert env["EXTRA"] == "1" and env["PYTHONPATH"]


def assert_no_secrets(pid: int, *, retitled: bool = False) -> dict[str, str]:
    """``pid``'s environment as /proc shows it, checked for secrets. A forked crawl
    process that set its title (setproctitle) has that area overwritten: it must then
    still hold no secret, but need not show its environment."""
    env = environ(pid)
    leaked = {k for k, v in env.items() if k in SECRETS or v in SECRETS.values()}
    assert not leaked, f"{cmdline(pid)} has {leaked}"
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    assert not any(v.encode() in raw for v in SECRETS.values())
    assert not any(v in cmdline(pid) for v in SECRETS.values())
    assert retitled or "PATH" in env
    return env


def secret_env() -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if k != "LEADWATCH_DATABASE_URL"}, **SECRETS}


@pytest.mark.integration
@pytest.mark.parametrize("forkserver", ["1", "0"], ids=["forked", "started-afresh"])
def test_crawl_job_and_article_worker_get_no_secrets(tmp_path: Path, forkserver: str):
    with served_column(tmp_path / "site", 60) as (site, server):
        (tmp_path / "inst").mkdir()
        inst = column_instance(tmp_path / "inst", site, server)
        parent = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "--config", str(inst.config)] + ["crawl", SOURCE],
            cwd=inst.dir,
            env={**secret_env(), "LEADWATCH_FORKSERVER": forkserver},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            job, worker = crawl_processes(parent.pid)
            assert_no_secrets(job, retitled=forkserver == "1")
            worker_env = assert_no_secrets(worker, retitled=forkserver == "1")
            forkservers = [p for p in descendants(parent.pid) if "forkserver" in cmdline(p)]
            if forkserver == "1":  # the server that forked the job had none either
                assert [assert_no_secrets(p) for p in forkservers]
            else:
                assert not forkservers
            parent.communicate(timeout=120)
        finally:
            reap(parent)
    assert parent.returncode == 0
    # the worker reaches the database through its environment (a fork: its memory), not
    # its argv (which any user of the machine can read with ps)
    assert "test.db" not in cmdline(worker)
    if forkserver == "0":
        assert worker_env["LEADWATCH_DATABASE_URL"].endswith("test.db")


@pytest.mark.integration
def test_fetch_and_check_jobs_get_no_secrets(tmp_path: Path):
    with BadServer() as server:
        slow = f"{server.url}/bad/sleep/0.shtml"  # held until each child was looked at
        inst = write_instance(
            tmp_path,
            f'[[sources]]\nname = "slow"\nkind = "media"\nstart_urls = ["{slow}"]\n'
            "download_delay = 0\n",
        )
        base = [sys.executable, "-m", "crawler.cli", "--config", str(inst.config)]
        for args, module in (
            (["extract", slow], "crawl.fetch_job"),
            (["sources", "check", "slow"], "crawl.check"),
        ):
            proc = subprocess.Popen(
                base + args,
                cwd=inst.dir,
                env=secret_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            release = server.gate("/bad/sleep/")
            try:
                child = wait_for(
                    lambda proc=proc, module=module: next(
                        (p for p in descendants(proc.pid) if module in cmdline(p)), None
                    ),
                    f"the {module} process",
                )
                assert_no_secrets(child)
                release.set()
                proc.communicate(timeout=120)
            finally:
                release.set()
                reap(proc)
