"""Evaluate the classifier on the real article pages in shared/realpages/.

These are real news pages nobody on the team wrote, and no rule was tuned on them: the
closest we have to "news it has never seen". Most are not about the office's sectors
and report no cooperation lead (national statistics, court rulings, culture, space
flight), so the set mostly measures false alarms; gne_shanxi_1 reports signings.

The labels below were written by reading each page as an analyst of the 招商局 would,
following tests/data/labelled/README.md. Only labels are kept here; no page content is
copied into the project (the pages are read from ``--pages`` at run time).

Usage::

    python tools/eval_realpages_classify.py [--pages DIR] [--verbose]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classifiers import Classifier, load_taxonomy  # noqa: E402
from classifiers.evaluation import evaluate  # noqa: E402
from crawler.extract import extract_article  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PAGES = ROOT.parent / "shared" / "realpages"

NONE: dict[str, Any] = {"sectors": [], "lead": False, "events": [], "amounts_yuan": []}

# {filename: labels}; pages not listed (list pages) are skipped.
LABELS: dict[str, dict[str, Any]] = {
    "gerapy_chinanews1.html": NONE,
    "gne_163_9.html": NONE,  # a motorway closure notice
    "gne_cjddsb_1.html": NONE,
    "gne_cjn_1.html": NONE,
    "gne_cmse_1.html": NONE,  # space docking: 目标飞行器 is a spacecraft, not 低空经济
    "gne_gsc_1.html": NONE,
    "gne_gzggw_1.html": NONE,  # investment statistics
    "gne_hexun_1.html": NONE,  # a transport-network plan, no technology
    "gne_other_1.html": NONE,
    "gne_people_1.html": NONE,
    "gne_qq_2.html": NONE,
    "gne_shanxi_1.html": {
        **NONE,
        "lead": True,
        "events": ["signing"],
        "counterparts": ["山西金兰化工有限公司", "巴西佛罗伊特国际公司"],
    },
    # Company announcements: a lithium-materials base and a wind-turbine order lead it,
    # but winning a bid or buying land elsewhere is no cooperation with the office.
    "gne_stcn_1.html": {**NONE, "sectors": ["new_energy"]},
    "gne_sxmu_1.html": NONE,
    "gne_thepaper_2.html": NONE,
    "gne_visiable_cmse_1.html": NONE,
    "gne_xinhuanet_1.html": NONE,
    "gne_zsnews_1.html": NONE,  # an official's inspection of a local street
    "gne_zyyfy_1.html": NONE,  # a hospital's party study session
    "jx_jiangxi_2022_tjgb_yichunsite.html": NONE,  # statistics bulletins: no lead
    "jx_wanzai_2015_tjgb.html": NONE,
    "jx_wanzai_2022_tjgb.html": NONE,
    "jx_yichun_2022_tjgb.html": NONE,
    "magichtml_090704b0.html": NONE,
    "magichtml_14b709df.html": NONE,
    "magichtml_1e20e027.html": NONE,  # a province's economy, 生物医药 in a list
    "magichtml_1f930df3.html": {**NONE, "sectors": ["new_energy"]},
    "magichtml_39ab22e7.html": NONE,  # an oil platform leaves the yard
    "magichtml_5da9b27b.html": NONE,
    "magichtml_9c642bd5.html": {**NONE, "sectors": ["silver"]},
    "magichtml_acce09a6.html": NONE,
    "magichtml_e25d0dd8.html": NONE,  # foreign trade, 电动汽车 in one list
    "magichtml_ea5bdb58.html": NONE,
    "nfra_penalty_2024_36_rendered.html": NONE,
    "nfra_penalty_zj_2024_52_rendered.html": NONE,
    "np4k_chinadaily_001.html": NONE,
    "np4k_xinhuanet_002.html": {**NONE, "sectors": ["biomed"]},  # drug supply and production
    "readability_gmw.html": NONE,
    "readability_qq.html": NONE,
    # One student's long answer on new-energy-vehicle rules: a substantial paragraph.
    "readability_youth.html": {**NONE, "sectors": ["new_energy"]},
    "traf_banyuetan_yiyang.html": NONE,  # rural e-commerce; 入驻 of unnamed platforms
    "traf_he_xinhuanet_25340717.html": NONE,
    "traf_xinhuanet_c_1125597921.html": NONE,
}


def samples(pages: Path) -> list[tuple[str, dict[str, Any]]]:
    """``(file name, sample)`` for every labelled page present in ``pages``."""
    out = []
    for name, labels in sorted(LABELS.items()):
        path = pages / name
        if path.is_file():
            page = extract_article(path.read_bytes(), f"http://example.gov.cn/{name}")
            out.append((name, {**labels, "title": page.title, "body": page.body}))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    if not args.pages.is_dir():
        print(f"no pages at {args.pages}; pass --pages DIR", file=sys.stderr)
        return 2
    taxonomy = load_taxonomy(ROOT / "config" / "taxonomy.toml")
    report = evaluate(Classifier(taxonomy).classify, samples(args.pages), taxonomy.sectors)
    lead_fp = report.lead.fp
    negatives = sum(1 for labels in LABELS.values() if not labels["lead"])
    print(f"{report.articles} real pages from {args.pages}")
    for key, value in report.figures().items():
        if not key.startswith("sector."):
            print(f"  {key:22s} {value:.3f}")
    print(f"  sector tags: {report.sector_micro.fp} false, {report.sector_micro.fn} missed")
    print(f"  articles with a false lead: {lead_fp} of {negatives} without one")
    if args.verbose:
        for name, problem in report.mistakes:
            print(f"    {name}: {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
