"""The fast classifier against the jieba-boundary reference: the same tags, exactly.

The reference (classifiers.reference.ReferenceClassifier) segments every whole title and
body with a ``jieba.Tokenizer`` over the same dictionary and counts terms on its tokens;
the fast path decides boundaries only between cut points around each hit. Both must give
the very same sectors, partners and leads, with the same scores and evidence.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from classifiers import Classifier, load_taxonomy
from classifiers.reference import ReferenceClassifier
from classifiers.words import JiebaWords, TextWords
from crawler.extract import extract_article

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "tests" / "data" / "labelled"
DEMO = ROOT / "demo" / "site"


def _texts() -> list[tuple[str, str, str]]:
    out = []
    for path in sorted(LABELLED.glob("*.json")) + sorted((LABELLED / "heldout").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out.append((path.stem, data["title"], data["body"]))
    pages = sorted(DEMO.glob("doc/**/*.shtml")) + sorted(DEMO.glob("sdic/xwzx/2*/*.html"))
    for page in pages:
        extracted = extract_article(page.read_bytes(), "http://127.0.0.1/" + page.name)
        out.append((page.name, extracted.title, extracted.body))
    seed = Path(
        os.environ.get("LEADWATCH_SEED_ARTICLE", ROOT.parent / "shared" / "seed-article.txt")
    )
    if seed.is_file():
        title, _, body = seed.read_text(encoding="utf-8").partition("\n")
        out.append(("seed", title, body))
    return out


TEXTS = _texts()


@pytest.fixture(scope="module")
def pair() -> tuple[Classifier, ReferenceClassifier]:
    taxonomy = load_taxonomy(ROOT / "config" / "taxonomy.toml")
    return Classifier(taxonomy), ReferenceClassifier(taxonomy)


def test_corpus_is_the_labelled_set_and_the_demo_site() -> None:
    assert len(TEXTS) >= 80 + 20 + 30


@pytest.mark.parametrize(("name", "title", "body"), TEXTS, ids=[t[0] for t in TEXTS])
def test_fast_path_gives_the_reference_tags(pair, name: str, title: str, body: str) -> None:
    fast, reference = pair
    assert fast.classify(title, body).to_dict() == reference.classify(title, body).to_dict()


def test_every_boundary_and_token_matches_jieba(pair) -> None:
    fast, reference = pair
    checked = 0
    for _, title, body in TEXTS:
        for raw in (title, body):
            text = fast._fold(raw)
            mine = TextWords(fast._segmenter, text)
            jieba_words = JiebaWords(reference.tokenizer, text)
            for pos in range(len(text) + 1):
                assert mine.boundary(pos) == jieba_words.boundary(pos), (text, pos)
            for pos in range(len(text)):
                assert mine.token(pos) == jieba_words.token(pos), (text, pos)
            checked += len(text)
    assert checked > 30_000


def test_reference_tokenizer_is_a_real_jieba_tokenizer_over_the_same_dictionary(pair) -> None:
    fast, reference = pair
    import jieba

    assert isinstance(reference.tokenizer, jieba.Tokenizer)
    assert reference.tokenizer.total == fast.dictionary.total
    assert fast.dictionary.freq == reference.tokenizer.FREQ
