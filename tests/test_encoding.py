"""Tests for crawler.extract.encoding.decode_html."""

from __future__ import annotations

import codecs

import pytest

from crawler.extract import extract_article
from crawler.extract.encoding import (
    CHARSET_MISMATCH,
    UNDECODABLE,
    declared_charsets,
    decode_html,
    decode_page,
    normalize_charset,
)

TEXT = "示例市招商引资项目签约仪式在市民中心举行"


def page(head: str, body: str = TEXT) -> str:
    return f"<html><head>{head}<title>{body}</title></head><body><p>{body}</p></body></html>"


def test_gbk_bytes_with_gbk_meta() -> None:
    raw = page('<meta http-equiv="Content-Type" content="text/html; charset=gbk">').encode("gbk")
    assert TEXT in decode_html(raw)


def test_gb2312_declared_but_bytes_are_utf8() -> None:
    raw = page('<meta charset="gb2312">').encode("utf-8")
    out = decode_html(raw)
    assert TEXT in out
    assert "\ufffd" not in out


def test_gb2312_header_but_bytes_are_utf8() -> None:
    raw = page("").encode("utf-8")
    assert TEXT in decode_html(raw, "text/html; charset=GB2312")


def test_gb2312_label_decoded_as_gb18030() -> None:
    # 𠀀 and the euro-less rare ideograph only exist in GB18030, not in GB2312/GBK.
    body = TEXT + "𠀀䶮"
    raw = page('<meta charset="gb2312">', body).encode("gb18030")
    assert body in decode_html(raw)


def test_conflicting_metas_first_is_wrong() -> None:
    head = (
        '<meta charset="utf-8"><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    )
    raw = page(head).encode("gbk")
    assert TEXT in decode_html(raw)


def test_script_charset_before_real_meta_is_not_a_declaration() -> None:
    head = '<script src="/wb.js" charset="utf-8"></script><meta charset="gb2312">'
    raw = page(head).encode("gbk")
    assert declared_charsets(raw) == ["gb18030"]
    assert TEXT in decode_html(raw)


def test_utf8_bom_wins_over_gbk_meta_and_is_stripped() -> None:
    raw = codecs.BOM_UTF8 + page('<meta charset="gbk">').encode("utf-8")
    out = decode_html(raw)
    assert TEXT in out
    assert not out.startswith("\ufeff")


def test_utf16_bom() -> None:
    raw = codecs.BOM_UTF16_LE + page("").encode("utf-16-le")
    out = decode_html(raw, "text/html; charset=gbk")
    assert TEXT in out
    assert out.startswith("<html>")


def test_header_charset_used_without_meta() -> None:
    raw = page("").encode("gbk")
    assert TEXT in decode_html(raw, "text/html; charset=GBK")


def test_wrong_utf8_header_falls_back_to_detection() -> None:
    raw = page("").encode("gbk")
    assert TEXT in decode_html(raw, "text/html; charset=utf-8")


def test_big5_page() -> None:
    text = "示例市招商引資項目簽約"
    raw = page('<meta charset="big5">', text).encode("big5")
    assert text in decode_html(raw)


def test_bad_bytes_never_raise() -> None:
    raw = page('<meta charset="utf-8">').encode("utf-8")[:-30] + b"\xff\xfe\x81" + b"</p></html>"
    out = decode_html(raw)
    assert "示例市" in out


def test_truncated_gbk_keeps_text() -> None:
    raw = page('<meta charset="gbk">').encode("gbk") + b"\xb0"
    out = decode_html(raw)
    assert TEXT in out


def test_empty_and_ascii() -> None:
    assert decode_html(b"") == ""
    assert decode_html(b"<p>hello</p>", "text/html; charset=gbk") == "<p>hello</p>"


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("GB2312", "gb18030"),
        ("gbk", "gb18030"),
        ("x-gbk", "gb18030"),
        ("UTF8", "utf-8"),
        ("iso-8859-1", "cp1252"),
        ("no-such-charset", None),
        (None, None),
    ],
)
def test_normalize_charset(label: str | None, codec: str | None) -> None:
    assert normalize_charset(label) == codec


def test_truncated_utf8_declared_gb2312_stays_utf8() -> None:
    raw = page('<meta charset="gb2312">').encode("utf-8")
    raw = raw[: raw.rindex(TEXT.encode("utf-8")) + 4]  # cut inside a character
    out = decode_html(raw)
    assert out.count(TEXT) == 1  # the title survives, the paragraph was cut
    assert "示" in out[-3:]


def test_gbk_page_declaring_utf8_first_and_gbk_second_with_one_bad_byte() -> None:
    head = '<meta charset="utf-8"><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
    raw = page(head, TEXT * 20).encode("gbk") + b"\xff"
    assert TEXT * 20 in decode_html(raw)


# --- decoded by the bytes, with a warning ------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(codec: str) -> None:
    decoded = decode_page(page('<meta charset="utf-16">').encode(codec))
    assert decoded.codec == codec
    assert TEXT in decoded.text
    assert decoded.text.startswith("<html>")


def test_utf16_without_bom_through_extraction() -> None:
    raw = page("", TEXT).encode("utf-16-le")
    assert extract_article(raw).title == TEXT


def test_gbk_page_declared_utf8_is_decoded_as_gbk_with_a_warning() -> None:
    raw = page('<meta charset="utf-8">').encode("gbk")
    decoded = decode_page(raw)
    assert TEXT in decoded.text
    assert decoded.warnings == [
        f"{CHARSET_MISMATCH}: declared utf-8, decoded as gb18030 by its bytes"
    ]


def test_utf8_page_with_a_gbk_title_is_decoded_run_by_run() -> None:
    title = "示例县外资项目签约"
    body = "示例县今天签约三个外资项目，总投资十二亿元，涵盖新材料和高端装备。" * 20
    raw = (
        b'<html><head><meta charset="utf-8"><title>'
        + title.encode("gbk")
        + b"</title></head><body><h1>"
        + title.encode("gbk")
        + b"</h1><div class='content'><p>"
        + body.encode("utf-8")
        + b"</p></div></body></html>"
    )
    decoded = decode_page(raw)
    assert decoded.codec == "mixed"
    assert title in decoded.text and body in decoded.text
    assert decoded.warnings and decoded.warnings[0].startswith(f"{CHARSET_MISMATCH}: ")
    r = extract_article(raw, content_type="text/html; charset=utf-8")
    assert r.title == title
    assert r.body == body
    assert any(w.startswith(CHARSET_MISMATCH) for w in r.warnings)


def test_utf8_bytes_declared_gb2312_warn() -> None:
    decoded = decode_page(page('<meta charset="gb2312">').encode("utf-8"))
    assert TEXT in decoded.text
    assert decoded.warnings == [
        f"{CHARSET_MISMATCH}: declared gb18030, decoded as utf-8 by its bytes"
    ]


def test_matching_declaration_gives_no_warning() -> None:
    assert decode_page(page('<meta charset="gbk">').encode("gbk")).warnings == []
    assert decode_page(page('<meta charset="utf-8">').encode("utf-8")).warnings == []
    assert decode_page(page("").encode("utf-8")).warnings == []  # nothing declared


def test_bytes_no_codec_reads_are_replaced_and_counted() -> None:
    raw = page('<meta charset="utf-8">').encode("utf-8").replace(b"<p>", b"<p>\xff\xfe", 1)
    decoded = decode_page(raw)
    assert TEXT in decoded.text
    assert decoded.warnings == [f"{UNDECODABLE}: 2 bytes not valid utf-8 replaced"]
