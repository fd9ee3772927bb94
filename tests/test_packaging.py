"""What the wheel holds, checked without building it (tests/test_wheel.py builds one)."""

from __future__ import annotations

import tomllib

from tests.helpers.paths import REPO


def _setuptools() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]


def test_every_python_package_of_the_project_is_listed():
    listed = set(_setuptools()["packages"])
    found = {
        ".".join(init.parent.relative_to(REPO).parts)
        for top in ("crawler", "spiders", "classifiers", "alerts")
        for init in (REPO / top).rglob("__init__.py")
    }
    assert found <= listed, sorted(found - listed)


def test_data_folders_are_package_data_not_packages():
    tool = _setuptools()
    assert tool["include-package-data"] is False  # else every data folder is a "package"
    assert not [p for p in tool["packages"] if p.split(".")[-1] in ("templates", "static")]
    mapped = tool["package-dir"]
    assert mapped == {"crawler.defaults": "config", "crawler.demo_site": "demo"}
    data = tool["package-data"]
    assert {"*.toml", "instance/*.toml"} <= set(data["crawler.defaults"])
    assert data["crawler.demo_site"] == ["site/**/*"]
