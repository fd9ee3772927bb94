"""Evaluate crawler.extract on the real article pages in shared/realpages/.

Ground truth below was established by reading each page as a human: the title
and publish date the page visibly shows for the article (for gov.cn, which
shows no date, the ``firstpublishedtime`` the page carries).  Only these short
facts are kept here; no page content is copied into the project.

Any other set of saved pages is measured the same way with a labels file::

    python tools/eval_realpages.py --pages DIR --labels DIR/labels.tsv

where each line of ``labels.tsv`` is ``file<TAB>title<TAB>YYYY-MM-DD[<TAB>url]``
(``-`` for a page with no date; more accepted titles after the title, joined
with `` || ``; ``#`` starts a comment line), or ``labels.json`` maps each file to
``{"title": …, "date": …, "url": …, "also": […]}``.  Dates are compared on the
day in Asia/Shanghai; a wrong date and a missing one are counted apart (a wrong
date is worse than none).  ``--compare gne,trafilatura`` runs those extractors
too when they are installed (they are not project dependencies).

Usage::

    python tools/eval_realpages.py [--pages DIR] [--labels FILE] [--verbose]
        [--bench N] [--compare NAMES]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.extract import Extracted, extract_article  # noqa: E402
from crawler.extract.dates import parse_meta_date  # noqa: E402

DEFAULT_PAGES = Path(__file__).resolve().parents[2] / "shared" / "realpages"

# {filename: (title, "YYYY-MM-DD")}
TRUTH: dict[str, tuple[str, str]] = {
    "gne_gzggw_1.html": ("1-10月德清县固定资产投资结构趋稳趋优", "2016-11-22"),
    "gne_shanxi_1.html": ("山西品牌丝路行（南美站）正式启动", "2019-09-18"),
    "gne_other_1.html": (
        "全国人民代表大会常务委员会关于批准财政部发行特别国债购买外汇及调整2007年末国债余额限额的决议",
        "2007-08-20",
    ),
    "gne_cmse_1.html": ("天宫一号与神舟九号载人交会对接任务第二场新闻发布会", "2012-06-24"),
    "gne_visiable_cmse_1.html": ("载人航天工程全线备战空间站建造任务", "2021-01-05"),
    "gne_sxmu_1.html": ("中华人民共和国监察法", "2018-05-17"),
    "gne_zsnews_1.html": (
        "顺德区大良街道党工委委员潘卓辉一行到众创金融街开展调研工作",
        "2019-03-06",
    ),
    "gne_cjddsb_1.html": (
        "常德市金融系统积极开展“金融知识普及月 金融知识进万家”活动",
        "2019-09-23",
    ),
    "gne_cjn_1.html": ("外媒眼中的武汉长假：蓬勃发展，欢声笑语", "2020-10-04"),
    "gne_163_9.html": ("5月20日至31日，京沪高速无锡至江阴大桥至广陵枢纽段封闭！", "2019-05-17"),
    "gne_stcn_1.html": ("午间公告：天奇股份中标广汽丰田项目；运达股份中标7亿元项目", "2019-09-26"),
    "gne_hexun_1.html": ("交通运输部：着力打造京津冀区域综合立体交通网络", "2019-09-26"),
    "gne_people_1.html": ("女儿出嫁，郑板桥画了几笔兰花当嫁妆", "2019-06-15"),
    "gne_qq_2.html": ("棱镜|数据业大整顿：爬虫与现金贷共生共荣，用户信息几元不等", "2019-09-23"),
    "gne_xinhuanet_1.html": ("法国全国大罢工再次严重影响交通", "2019-12-10"),
    "gne_zyyfy_1.html": (
        "【不忘初心 牢记使命】我院医技药剂党支部举办2019年中药、药学理论知识与专业技能大赛",
        "2019-10-31",
    ),
    "gne_gsc_1.html": ("2019年中国人文地理学术年会在重庆•西南大学成功举行！", "2019-05-18"),
    "gne_thepaper_2.html": ("定了！广州南沙邮轮母港即将开通！地铁直达+无敌免...", "2019-08-13"),
    "traf_he_xinhuanet_25340717.html": ("话剧《约定无期限》河北各市巡演结束", "2012-06-04"),
    "traf_banyuetan_yiyang.html": ("益阳：“数字”是优长", "2020-01-02"),
    "traf_xinhuanet_c_1125597921.html": ("武汉的声音：有英勇的你，才有英雄的城！", "2020-02-19"),
    "readability_qq.html": ("DeepMind新电脑已可利用记忆自学 人工智能迈上新台阶", "2016-10-14"),
    "readability_youth.html": ("海外留学生看两会：出国前后关注点大不同", "2017-03-10"),
    "readability_gmw.html": ("宇航员在太空中喝酒会怎么样？后果很严重", "2017-03-10"),
    "np4k_chinadaily_001.html": ("外国专家：中美合作共赢符合国际社会利益", "2023-11-17"),
    "np4k_xinhuanet_002.html": ("短缺药品保供稳价 全力保障临床用药需求", "2023-11-17"),
    "gerapy_chinanews1.html": ("【中国稳健前行】坚定实施扩大内需战略", "2020-07-04"),
    "magichtml_090704b0.html": ("新华视界｜河北遵化：数字农机服务助力农业生产", "2024-05-15"),
    "magichtml_9c642bd5.html": (
        "我国首届养老专业本科生迎来毕业季 “银发浪潮”到来，年轻人可大展拳脚",
        "2024-05-13",
    ),
    "magichtml_5da9b27b.html": (
        "呼和浩特：对生育二孩、三孩的呼市户籍家庭发放一次性育儿津贴5000元",
        "2024-05-13",
    ),
    "magichtml_39ab22e7.html": ("亚洲首艘圆筒型“海上油气加工厂”启运珠江口盆地", "2024-05-12"),
    "magichtml_1f930df3.html": ("经济日报评论员：再驳“中国新能源产能过剩论”", "2024-05-13"),
    "magichtml_1e20e027.html": (
        "在新时代中部地区崛起中争先出彩（推动高质量发展·权威发布）",
        "2024-05-10",
    ),
    "magichtml_acce09a6.html": ("中国“太空养鱼”项目进展顺利 “鱼航员”状态良好", "2024-05-20"),
    "magichtml_14b709df.html": (
        "李强在新疆调研时强调 彰显特色优势 提高开放水平 在高质量发展中增进民生福祉促进长治久安",
        "2024-05-09",
    ),
    "magichtml_ea5bdb58.html": ("2024年4月全国CPI同比上涨0.3% 食品价格下降2.7%", "2024-05-11"),
    "magichtml_e25d0dd8.html": (
        "新华全媒+丨积极因素不断增多 “质升量稳”动能增强——前4个月我国外贸向好态势进一步巩固",
        "2024-05-09",
    ),
    "jx_wanzai_2015_tjgb.html": ("万载县2015年国民经济和社会发展统计公报", "2017-05-15"),
    "jx_wanzai_2022_tjgb.html": ("万载县2022年国民经济和社会发展统计公报", "2023-05-11"),
    "jx_yichun_2022_tjgb.html": ("宜春市2022年国民经济和社会发展统计公报", "2023-04-18"),
    "jx_jiangxi_2022_tjgb_yichunsite.html": (
        "江西省2022年国民经济和社会发展统计公报",
        "2023-03-31",
    ),
    "nfra_penalty_2024_36_rendered.html": (
        "国家金融监督管理总局行政处罚信息公开表(金罚决字〔2024〕36号)",
        "2024-07-12",
    ),
    "nfra_penalty_zj_2024_52_rendered.html": (
        "国家金融监督管理总局浙江监管局行政处罚信息公开表（浙金罚决字〔2024〕52号）",
        "2025-06-03",
    ),
}

# Other readings a human would also accept: 引题/副题 joined to the main title,
# or the visible heading without the document number the page shows under it.
ALSO_ACCEPTED: dict[str, tuple[str, ...]] = {
    "gne_shanxi_1.html": (
        "山西品牌丝路行（南美站）正式启动 成功举办中国（山西）－巴西双向经贸投资推介会",
    ),
    "magichtml_1e20e027.html": (
        "河南着力培育新动能塑造新优势 在新时代中部地区崛起中争先出彩（推动高质量发展·权威发布）",
    ),
    "nfra_penalty_2024_36_rendered.html": ("国家金融监督管理总局行政处罚信息公开表",),
}

_ROW = re.compile(r"^\|\s*([^|]+?)\s*\|\s*(\w+)\s*\|(.*)$")
_URL = re.compile(r"\burl (https?://\S+)")


@dataclass
class Label:
    """What a human reads on one page."""

    file: str
    title: str
    date: str  # YYYY-MM-DD, or "-" when the page shows none
    url: str = ""
    also: tuple[str, ...] = ()


def norm(text: str) -> str:
    """Whitespace-normalised text for comparison."""
    return re.sub(r"[\s\u3000\u00a0]+", " ", text or "").strip()


def article_rows(readme: Path) -> list[tuple[str, str]]:
    """(filename, url) of every article row of the README table."""
    rows = []
    for line in readme.read_text(encoding="utf-8").splitlines():
        m = _ROW.match(line)
        if m and m.group(2) == "article":
            url = _URL.search(m.group(3))
            rows.append((m.group(1), url.group(1) if url else ""))
    return rows


def builtin_labels(pages: Path) -> list[Label]:
    """The shared/realpages truth above, for the article rows of its README."""
    rows = article_rows(pages / "README.md")
    missing = [n for n, _ in rows if n not in TRUTH]
    if missing:
        print(f"no ground truth for: {', '.join(missing)}")
    return [
        Label(name, *TRUTH[name], url=url, also=ALSO_ACCEPTED.get(name, ()))
        for name, url in rows
        if name in TRUTH
    ]


def read_labels(path: Path) -> list[Label]:
    """Labels from a ``.json`` or tab-separated file (see the module docstring)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        data = json.loads(text)
        return [
            Label(
                name,
                entry["title"],
                entry.get("date") or "-",
                entry.get("url", ""),
                tuple(entry.get("also", ())),
            )
            for name, entry in data.items()
        ]
    labels = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.rstrip("\n").split("\t")
        if len(cells) < 3:
            raise SystemExit(f"{path}:{number}: want file<TAB>title<TAB>date[<TAB>url]")
        titles = [t.strip() for t in cells[1].split(" || ")]
        url = cells[3].strip() if len(cells) > 3 else ""
        labels.append(Label(cells[0].strip(), titles[0], cells[2].strip(), url, tuple(titles[1:])))
    return labels


def title_ok(label: Label, got: str) -> bool:
    """True when ``got`` is the human title or an accepted other reading."""
    return norm(got) in {norm(a) for a in (label.title, *label.also)}


@dataclass
class Tally:
    """Titles and dates right, dates wrong (not just missing), time spent."""

    titles: int = 0
    dates: int = 0
    wrong_dates: int = 0
    seconds: float = 0.0
    runs: int = 0
    misses: list[str] = field(default_factory=list)

    def summary(self, name: str, n: int) -> str:
        missing = n - self.dates - self.wrong_dates
        ms = 1000 * self.seconds / max(1, self.runs)
        return (
            f"{name:<13} titles {self.titles}/{n}  dates {self.dates}/{n} "
            f"(wrong {self.wrong_dates}, missing {missing})  {ms:.2f} ms/page"
        )


def _leadwatch(raw: bytes, url: str) -> tuple[str, str, object]:
    result = extract_article(raw, url)
    day = result.published_at.strftime("%Y-%m-%d") if result.published_at else "-"
    return result.title, day, result


def _gne(raw: bytes, url: str) -> tuple[str, str, object]:
    from gne import GeneralNewsExtractor  # noqa: PLC0415 - optional, not a dependency

    from crawler.extract.encoding import decode_html  # noqa: PLC0415

    found = GeneralNewsExtractor().extract(decode_html(raw))
    parsed = parse_meta_date(found.get("publish_time") or "")
    return found.get("title") or "", parsed[0].strftime("%Y-%m-%d") if parsed else "-", found


def _trafilatura(raw: bytes, url: str) -> tuple[str, str, object]:
    import trafilatura  # noqa: PLC0415 - optional, not a dependency

    meta = trafilatura.extract_metadata(raw, default_url=url or None)
    if meta is None:
        return "", "-", None
    return meta.title or "", (meta.date or "-")[:10], meta


EXTRACTORS: dict[str, Callable[[bytes, str], tuple[str, str, object]]] = {
    "leadwatch": _leadwatch,
    "gne": _gne,
    "trafilatura": _trafilatura,
}


def evaluate(
    labels: list[Label], pages: Path, names: list[str], *, verbose: bool = False, bench: int = 0
) -> dict[str, Tally]:
    """Run each extractor on each labelled page, print a line per page, return tallies."""
    tallies = {name: Tally() for name in names}
    for label in labels:
        raw = (pages / label.file).read_bytes()
        marks = []
        notes = []
        for name in names:
            tally = tallies[name]
            started = time.perf_counter()
            try:
                title, day, detail = EXTRACTORS[name](raw, label.url)
            except Exception as exc:  # an optional extractor failing is a miss, not a stop
                title, day, detail = "", "-", exc
            for _ in range(bench if name == "leadwatch" else 0):
                EXTRACTORS[name](raw, label.url)
            tally.seconds += time.perf_counter() - started
            tally.runs += 1 + (bench if name == "leadwatch" else 0)
            t_ok, d_ok = title_ok(label, title), day == label.date
            tally.titles += t_ok
            tally.dates += d_ok
            tally.wrong_dates += not d_ok and day != "-"
            marks.append(("T" if t_ok else "t") + ("D" if d_ok else "d"))
            if not t_ok:
                notes.append(f"      {name} title: got {title!r}\n{' ' * 13}want {label.title!r}")
            if not d_ok:
                notes.append(f"      {name} date:  got {day} want {label.date}")
            if name == "leadwatch" and verbose and isinstance(detail, Extracted):
                notes.append(f"      source: {detail.source!r}  warnings: {detail.warnings}")
                notes.append(f"      body[:120]: {detail.body[:120]!r}")
        ok = marks[0] == "TD"
        print(f"{'PASS' if ok else 'FAIL'} {' '.join(marks)} {label.file}")
        for note in notes:
            print(note)
    return tallies


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation; exit status 0 when every page passes."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    ap.add_argument("--labels", type=Path, help="labels file (.tsv or .json) for --pages")
    ap.add_argument("--verbose", "-v", action="store_true", help="show source, warnings, body")
    ap.add_argument("--bench", type=int, default=0, help="repeat each page N times and time it")
    ap.add_argument("--compare", default="", help="also run: gne,trafilatura (if installed)")
    args = ap.parse_args(argv)

    labels = read_labels(args.labels) if args.labels else builtin_labels(args.pages)
    names = ["leadwatch", *(n.strip() for n in args.compare.split(",") if n.strip())]
    unknown = [n for n in names if n not in EXTRACTORS]
    if unknown:
        ap.error(f"unknown extractor(s): {', '.join(unknown)}; known: {', '.join(EXTRACTORS)}")
    tallies = evaluate(labels, args.pages, names, verbose=args.verbose, bench=args.bench)
    n = len(labels)
    print()
    for name, tally in tallies.items():
        print(tally.summary(name, n))
    ours = tallies["leadwatch"]
    return 0 if ours.titles == ours.dates == n else 1


if __name__ == "__main__":
    raise SystemExit(main())
