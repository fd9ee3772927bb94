"""The reference classifier: jieba segments every whole text, terms count on its tokens.

Slow (a full ``jieba`` pass per article) and exact by construction; it exists so that a
test can hold the fast path (:class:`classifiers.Classifier`) to the very same tags.
"""

from __future__ import annotations

from .classifier import Classifier
from .taxonomy import Taxonomy
from .words import JiebaWords


class ReferenceClassifier(Classifier):
    """A :class:`Classifier` whose word boundaries come from
    ``tokenizer.lcut(text, HMM=False)`` over the whole title and the whole body, with
    a ``jieba.Tokenizer`` over the same dictionary."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        super().__init__(taxonomy)
        self.tokenizer = self.dictionary.tokenizer()

    def _words(self, text: str) -> JiebaWords:
        return JiebaWords(self.tokenizer, text)
