"""Taxonomy validation with line numbers, and `leadwatch taxonomy check` (the real CLI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers import TaxonomyError, load_taxonomy
from classifiers.taxonomy import check_taxonomy
from classifiers.tomllines import index_lines, locate
from tests.helpers.cli import leadwatch

ROOT = Path(__file__).resolve().parents[1]
TAXONOMY = ROOT / "config" / "taxonomy.toml"
SHIPPED = TAXONOMY.read_text(encoding="utf-8")


def _edited(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    assert old in SHIPPED, old
    text = SHIPPED.replace(old, new, 1)
    path = tmp_path / "taxonomy.toml"
    path.write_text(text, encoding="utf-8")
    return path, text


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_shipped_taxonomy_is_clean() -> None:
    assert check_taxonomy(TAXONOMY) == []
    proc = leadwatch("taxonomy", "check", "--taxonomy", str(TAXONOMY))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().endswith(": ok")


def test_keyword_shared_by_two_sectors_is_a_warning_with_its_line(tmp_path: Path) -> None:
    path, text = _edited(tmp_path, '"康复辅具" = 2,', '"康复辅具" = 2, "储能" = 2,')
    load_taxonomy(path)  # still loads: a warning, not an error
    (problem,) = check_taxonomy(path)
    assert problem.severity == "warning"
    assert "'储能' is scored for" in problem.message
    assert {"silver", "new_energy"} <= set(problem.message.replace("(", " ").split())
    assert problem.line in (_line_of(text, '"康复辅具" = 2, "储能"'), _line_of(text, '"新型储能"'))
    proc = leadwatch("taxonomy", "check", "--taxonomy", str(path))
    assert proc.returncode == 1
    assert f"warning: {path}:{problem.line}: sectors." in proc.stdout


def test_alias_shared_by_two_partners_is_an_error_with_its_line(tmp_path: Path) -> None:
    old = 'aliases = ["中国电信集团有限公司", "中国电信"]'
    path, text = _edited(tmp_path, old, 'aliases = ["中国电信集团有限公司", "中国电信", "国投"]')
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(path)
    line = _line_of(text, '"中国电信", "国投"]')
    assert f"{path}:{line}: partners[" in str(info.value)
    assert "国家开发投资集团" in str(info.value)
    proc = leadwatch("taxonomy", "check", "--taxonomy", str(path), "--json")
    assert proc.returncode == 2
    assert f'"line": {line}' in proc.stdout


def test_bad_weight_points_at_the_line_of_the_term(tmp_path: Path) -> None:
    path, text = _edited(tmp_path, '"养老院" = 2,', '"养老院" = -2,')
    (problem,) = check_taxonomy(path)
    assert problem.key == 'sectors.silver.keywords["养老院"]'
    assert problem.line == _line_of(text, '"养老院" = -2')
    assert "greater than 0" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "key", "needle"),
    [
        (
            'parent = "国家开发投资集团"',
            'parent = "国家开发投资公司"',
            ".parent",
            "国家开发投资公司",
        ),
        ('kind = "company"', 'kind = "bank"', ".kind", 'kind = "bank"'),
        ("min_sentences = 2", "min_sentence = 2", "matching.min_sentence", "min_sentence = 2"),
        (
            'title_boost = 2.0\nmin_score = 6.0\nkeywords = { "合成生物"',
            'title_boost = 0.5\nmin_score = 6.0\nkeywords = { "合成生物"',
            "sectors.synbio.title_boost",
            "title_boost = 0.5",
        ),
        (
            'exclude = ["养老保险",',
            'exclude = ["退休待遇", "养老保险",',
            "sectors.silver.exclude[0]",
            "退休待遇",
        ),
        (
            '"投运", "投入运营"',
            '"投运", "投入运营", "签约"',
            "leads.events.landing.signals",
            '"投入运营", "签约"',
        ),
    ],
)
def test_each_error_names_its_key_and_line(
    tmp_path: Path, old: str, new: str, key: str, needle: str
) -> None:
    path, text = _edited(tmp_path, old, new)
    problems = [p for p in check_taxonomy(path) if key in p.key]
    assert problems, check_taxonomy(path)
    assert problems[0].severity == "error"
    assert problems[0].line == _line_of(text, needle)


def test_toml_syntax_error_has_its_line(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.toml"
    path.write_text('[sectors.synbio]\nlabel = "合成生物"\nlabel = "again"\n', encoding="utf-8")
    (problem,) = check_taxonomy(path)
    assert problem.line == 3
    proc = leadwatch("taxonomy", "check", "--taxonomy", str(path))
    assert proc.returncode == 2
    assert f"{path}:3: invalid TOML" in proc.stdout


def test_line_index_follows_tables_arrays_and_multiline_values() -> None:
    text = (
        "[matching]\n"
        "list_damping = 0.3\n"
        "\n"
        "[sectors.silver]\n"
        "keywords = {\n"
        '  "养老" = 2,\n'
        '  "康养" = 2 }\n'
        "[[partners]]\n"
        'name = "甲"\n'
        "[[partners]]\n"
        'name = "乙"\n'
        'aliases = ["丙",\n'
        '  "丁"]\n'
    )
    index = index_lines(text)
    assert index[("sectors", "silver", "keywords")] == (5, 7)
    assert index[("partners", 1, "name")] == (11, 11)
    assert locate(text, ("sectors", "silver", "keywords", "康养")) == 7
    assert locate(text, ("partners", 1, "aliases", 1), needle="丁") == 13
    assert locate(text, ("partners", 1, "kind")) == 10  # missing key: its table
    assert locate(text, ("matching", "list_damping")) == 2
