"""Classifier quality on real news (``tools/eval_realtexts.py`` on ../shared/realtexts).

Skipped with a note when the shared texts are not beside the repository; set
LEADWATCH_REALTEXTS to another folder, LEADWATCH_BENCH_VERBOSE=1 to list every miss.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "eval_realtexts.py"


def main() -> None:
    """Print the tool's figures for the dev set (sets a, b and all, with the baseline)."""
    spec = importlib.util.spec_from_file_location("eval_realtexts", TOOL)
    if spec is None or spec.loader is None:
        print(f"cannot load {TOOL}")
        return
    tool = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = tool  # its dataclasses look their module up
    spec.loader.exec_module(tool)
    folder = Path(os.environ.get("LEADWATCH_REALTEXTS", tool.DEFAULT_DIR))
    if not folder.is_dir():
        print(f"skipped: no real texts at {folder} (set LEADWATCH_REALTEXTS)")
        return
    argv = ["--dir", str(folder)]
    if os.environ.get("LEADWATCH_BENCH_VERBOSE"):
        argv.append("-v")
    tool.main(argv)
