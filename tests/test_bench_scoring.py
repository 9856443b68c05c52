"""The benchmark's scorer, checked on tiny handwritten cases."""

from __future__ import annotations

import collections
import importlib.util
import sys

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


# ---------------------------------------------------------------- WCEB token F1

@pytest.mark.parametrize("predicted, expected, f1", [
    ("the cat sat", "the cat sat", 1.0),
    ("the  cat\n\tsat ", " the cat sat", 1.0),                  # any whitespace splits, none counts
    ("sat cat the", "the cat sat", 1.0),                        # order-free
    ("the cat", "the cat sat on it", 2 * 1 * 0.4 / 1.4),        # P 2/2, R 2/5
    ("the the the", "the cat", 2 * (1 / 3) * 0.5 / (1 / 3 + 0.5)),  # a token counts at most as often as in the gold
    ("The cat.", "the cat", 0.0),                               # case and punctuation kept
    ("", "the cat", 0.0),                                       # refused or empty output
    ("", "", 1.0),                                              # empty gold, empty output
    ("  \n ", "\t", 1.0),                                       # whitespace only is empty
    ("anything", "", 0.0),                                      # empty gold, some output
])
def test_token_f1_on_whitespace_token_multisets(predicted, expected, f1):
    assert bench.token_f1(predicted, expected) == pytest.approx(f1)


def test_token_f1_multiset_overlap_takes_the_smaller_count():
    # gold a a b c, output a b b d: overlap a 1 + b 1 = 2; P 2/4, R 2/4
    assert bench.token_f1("a b b d", "a a b c") == pytest.approx(0.5)


def test_macro_mean_weighs_data_sets_not_pages():
    assert bench.macro_mean([1.0, 0.5]) == pytest.approx(0.75)
    assert bench.macro_mean([]) == 0.0


def test_wceb_refusals_score_as_empty_and_are_counted():
    def refuses(html):
        raise bench.fetch_article.ExtractionError("no headline found")

    output, ms, refusal = bench.timed_call(refuses, "<p>x</p>")
    assert (output, refusal) == ("", "no headline found") and ms >= 0
    assert bench.timed_call(lambda html: "kept", "<p>x</p>")[::2] == ("kept", None)


def test_dragnet_gold_without_its_comments_is_the_article_alone():
    gold = "The post.\n\n!@#$%^&*()  COMMENTS\n\n    Eva\n    Great post!"
    assert bench.article_only(gold).split() == ["The", "post."]
    assert bench.article_only("No comments here.") == "No comments here."


meta_spec = importlib.util.spec_from_file_location("metadata_bench", PROJECT / "bench" / "metadata.py")
meta_bench = importlib.util.module_from_spec(meta_spec)
meta_spec.loader.exec_module(meta_bench)


@pytest.mark.parametrize("predicted, gold, day, minute", [
    ("2016-09-26T10:43:00+00:00", "2016-09-26T06:43:00-04:00", True, True),
    ("2016-09-27T01:30:00+00:00", "2016-09-26T21:30:00-04:00", True, True),   # the gold's zone decides the day
    ("2016-09-26", "2016-09-26T06:43:00-04:00", True, False),                  # a day has no minute
    ("2016-09-26T06:43:00", "2016-09-26T10:43:00+00:00", True, True),          # zoneless: whole hours apart
    ("2016-09-26T06:44:00-04:00", "2016-09-26T06:43:00-04:00", True, False),
    (None, "2016-09-26", False, False),
])
def test_metadata_dates_are_scored_by_day_and_minute(predicted, gold, day, minute):
    assert meta_bench.same_day(predicted, gold) is day
    assert meta_bench.same_minute(predicted, gold) is minute


def test_metadata_authors_are_a_set_of_normalised_names_and_none_means_none():
    assert meta_bench.authors_ok(("José Pérez", "A. B. Smith"), ["a b smith", "jose perez"])
    assert not meta_bench.authors_ok(("Jane Doe",), [])
    assert meta_bench.authors_ok((), [])
    scores = meta_bench.verdicts(meta_bench.Prediction(published="2020-01-01"), {"published": None}, ("published",))
    assert scores == {"spurious": True}


DATED_PAGE = ("<html><body><article><h1>Rain falls on the town</h1><p>Posted on 3 May 2021</p>"
              + "<p>" + "The story goes on with enough words to be read as its body text. " * 6 + "</p></article></body></html>")
UNDATED_PAGE = DATED_PAGE.replace("<p>Posted on 3 May 2021</p>", "")


def test_htmldate_trial_is_only_asked_where_our_rules_find_no_date(monkeypatch):
    monkeypatch.setattr(meta_bench, "htmldate_date", lambda page, url: meta_bench.Prediction(published="2001-02-03"))
    assert meta_bench.ours_then_htmldate(DATED_PAGE, "https://example.org/a").published == "2021-05-03"
    found = meta_bench.ours_then_htmldate(UNDATED_PAGE, "https://example.org/a")
    assert (found.published, found.date_source) == ("2001-02-03", "htmldate")


def test_dateparser_trial_reads_written_dates_in_place_of_ours_and_then_gives_ours_back(monkeypatch):
    ours = meta_bench.fetch_article.parse_date_text
    monkeypatch.setattr(meta_bench, "dateparser_date_text", lambda text, month_first=False, max_start=None: "2001-02-03")
    assert meta_bench.ours_reading_with_dateparser(DATED_PAGE, "https://example.org/a").published == "2001-02-03"
    assert meta_bench.fetch_article.parse_date_text is ours
    assert meta_bench.ours(DATED_PAGE, "https://example.org/a").published == "2021-05-03"


def test_library_dependencies_are_followed_through_and_leave_extras_out():
    needed = meta_bench.distributions_needed("requests")
    assert {"urllib3", "idna", "certifi", "charset_normalizer"} <= needed
    assert "pysocks" not in needed  # requests[socks], an extra
    if sys.platform != "win32":
        assert "colorama" not in meta_bench.distributions_needed("pytest")  # pytest's need on Windows alone


quotes_spec = importlib.util.spec_from_file_location("quotes_bench", PROJECT / "bench" / "quotes.py")
quotes_bench = importlib.util.module_from_spec(quotes_spec)
sys.modules["quotes_bench"] = quotes_bench  # its dataclasses look their module up there
quotes_spec.loader.exec_module(quotes_bench)


@pytest.mark.parametrize("name, expected", [
    ("Donald J. Trump", "trump"), ("Trump's", "trump"), ("Martin Luther King Jr.", "king"),
    ("Henry Ford III", "ford"), ("“Sen. Warren,”", "warren"), ("", None), (None, None),
])
def test_quote_speakers_compare_by_last_word(name, expected):
    assert quotes_bench.last_word(name) == expected


def test_quote_blocks_map_to_the_next_equal_paragraph_then_any():
    paragraphs = ["A.", "B.", "A.", "C."]
    assert quotes_bench.map_paragraphs("A.\n\nA.\n\nB.\n\nZ.", paragraphs) == [0, 2, 1, None]


def test_quotes_match_on_half_their_tokens_in_the_same_paragraph():
    Quote = collections.namedtuple("Quote", "text speaker paragraph")
    gold = [quotes_bench.Gold({"paragraph": 0, "speaker": "Ann Lee", "text": "we will build it here"},
                              quotes_bench.tokens("we will build it here"))]
    predicted = quotes_bench.predictions_of([Quote("we will build", "Lee", 0), Quote("elsewhere", None, 0),
                                             Quote("we will build it here", "Lee", 1)], [0, 1])
    quotes_bench.match_quotes(gold, predicted)
    assert gold[0].match is predicted[0] and quotes_bench.speaker_right(gold[0]) is True
    assert [p.right for p in predicted] == [True, False, False]  # the third is in another paragraph
