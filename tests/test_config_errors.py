"""Bad input gets a clear error naming the file, the key and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.errors import ConfigError, UnknownSourceError
from tests.helpers.instance import Instance, write_instance

GOOD_SOURCE = """
[[sources]]
name = "site-a"
kind = "municipal"
start_urls = ["http://127.0.0.1:9/a/index.html"]
"""


def test_missing_config_names_the_file_and_says_how_to_create_it(tmp_path: Path):
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path / "nope.toml")
    assert "nope.toml" in str(err.value)
    assert "leadwatch init" in str(err.value)


def test_malformed_toml_names_the_file(tmp_path: Path):
    inst = write_instance(tmp_path, GOOD_SOURCE)
    inst.config.write_text("[crawl\nuser_agent = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(inst.config)
    assert str(inst.config) in str(err.value)
    assert "not valid TOML" in str(err.value)


def test_bad_value_names_the_key(tmp_path: Path):
    inst = write_instance(tmp_path, GOOD_SOURCE)
    text = inst.config.read_text(encoding="utf-8").replace(
        "download_delay = 0", "download_delay = -3"
    )
    inst.config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(inst.config)
    assert "[crawl]: download_delay: -3 is out of range" in str(err.value)


def test_bad_source_names_file_line_source_and_key_and_leaves_it_out(tmp_path: Path):
    inst = write_instance(
        tmp_path,
        GOOD_SOURCE + '\n[[sources]]\nname = "b"\nkind = "blog"\nstart_urls = ["http://x"]\n',
    )
    config = load_config(inst.config)  # the other sources still load
    assert "site-a" in [s.name for s in config.sources]
    message = str(config.broken["b"])
    assert message.startswith(f'{tmp_path / "sources.toml"}:9: source "b": kind: "blog"')
    with pytest.raises(ConfigError):
        config.source("b")


def test_unknown_key_is_reported_with_the_closest_known_one(tmp_path: Path):
    inst = write_instance(tmp_path, GOOD_SOURCE.replace("start_urls", "start_url"))
    message = str(load_config(inst.config).broken["site-a"])
    assert 'source "site-a": start_url: unknown key; did you mean start_urls?' in message


def test_unknown_source_lists_known_ones(tmp_path: Path):
    inst = write_instance(tmp_path, GOOD_SOURCE)
    config = load_config(inst.config)
    with pytest.raises(UnknownSourceError) as err:
        config.source("site-b")
    assert "site-a" in str(err.value)


def test_cli_reports_config_errors_without_traceback(tmp_path: Path):
    inst = Instance(tmp_path, tmp_path / "missing.toml", tmp_path / "x.db")
    proc = inst.run("runs", check=False)
    assert proc.returncode == 2
    assert "missing.toml" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.integration
def test_cli_unknown_source(tmp_path: Path):
    inst = write_instance(tmp_path, GOOD_SOURCE)
    proc = inst.run("crawl", "nosuch", check=False)
    assert proc.returncode == 2
    assert "site-a" in proc.stderr
