"""The benchmark's scorer, checked on tiny handwritten cases."""

from __future__ import annotations

import importlib.util

import pytest

from conftest import PROJECT

spec = importlib.util.spec_from_file_location("extraction_bench", PROJECT / "bench" / "extraction.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def test_shingles_are_four_tokens_with_case_kept():
    assert bench.shingles("One two, three four five!") == {
        ("One", "two", "three", "four"): 1, ("two", "three", "four", "five"): 1}
    assert bench.shingles("Short text") == {("Short", "text"): 1}
    assert bench.shingles("") == {}
    assert bench.shingles("a b c d a b c d") [("a", "b", "c", "d")] == 2


@pytest.mark.parametrize("predicted, expected, counts", [
    ("one two three four five", "one two three four five", (1.0, 0.0, 0.0)),
    ("", "one two three four five", (0.0, 0.0, 1.0)),
    ("one two three four five six", "one two three four five", (2 / 3, 1 / 3, 0.0)),
    ("One two three four", "one two three four", (0.0, 0.5, 0.5)),
    ("", "", (0.0, 0.0, 0.0)),
])
def test_page_counts_are_normalised(predicted, expected, counts):
    assert bench.page_counts(predicted, expected) == pytest.approx(counts)


def test_corpus_scores_average_pages_not_shingles():
    pages = [
        bench.page_counts("a b c d e f g h", "a b c d e f g h"),  # exact: 1 and 1
        bench.page_counts("", "a b c d e"),                        # nothing found: recall 0, no precision
        bench.page_counts("a b c d e x y z", "a b c d e"),         # 2 of 5 shingles right, nothing missed
        bench.page_counts("", ""),                                 # both empty: fp = fn = 0, 1 and 1
    ]
    scores = bench.corpus_scores(pages)
    precision = (1 + 2 / 5 + 1) / 3
    recall = (1 + 0 + 1 + 1) / 4
    assert scores["precision"] == pytest.approx(precision)
    assert scores["recall"] == pytest.approx(recall)
    assert scores["f1"] == pytest.approx(2 * precision * recall / (precision + recall))
    assert scores["exact"] == pytest.approx(2 / 4)
