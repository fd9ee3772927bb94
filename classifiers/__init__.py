"""leadwatch text analysis: sectors, partners and cooperation leads in Chinese news.

Pure text in, tags out: no I/O apart from reading the taxonomy file and the jieba
dictionary cache it keeps in the temp dir (see classifiers.dictionary), no database, no
Scrapy, nothing imported from the rest of leadwatch.

>>> from classifiers import load_taxonomy, Classifier
>>> clf = Classifier(load_taxonomy("config/taxonomy.toml"))   # doctest: +SKIP
>>> clf.classify(title, body).to_dict()                       # doctest: +SKIP
"""

from .amounts import Amount, parse_amounts
from .classifier import Classifier
from .models import Classification, Lead, PartnerTag, SectorTag
from .normalize import fold
from .sentences import split_sentences
from .taxonomy import Problem, Taxonomy, TaxonomyError, check_taxonomy, load_taxonomy

__all__ = [
    "Amount",
    "Classification",
    "Classifier",
    "Lead",
    "PartnerTag",
    "Problem",
    "SectorTag",
    "Taxonomy",
    "TaxonomyError",
    "check_taxonomy",
    "fold",
    "load_taxonomy",
    "parse_amounts",
    "split_sentences",
]
