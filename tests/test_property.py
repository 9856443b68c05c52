"""extract_article raises only ExtractionError, whatever bytes it gets (property test)."""

from __future__ import annotations

import importlib.util
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fetch_article as fa
from conftest import PAGES, PROJECT

spec = importlib.util.spec_from_file_location("fuzz_bench", PROJECT / "bench" / "fuzz.py")
fuzz = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fuzz)

# Handwritten pages always; the shared real pages too when ../shared is there.
SEEDS = fuzz.seed_pages()[:12] or [path.read_bytes() for path in sorted(PAGES.glob("*.html"))]


def only_extraction_errors(data: bytes) -> None:
    try:
        article = fa.extract_article(data, "https://example.com/news/story")
    except fa.ExtractionError:
        return
    assert isinstance(article, fa.Article) and article.text  # a headline may be missing, the body never


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SEEDS), st.randoms(use_true_random=False))
def test_mutated_pages(page, rnd: random.Random):
    only_extraction_errors(fuzz.mutate(page, rnd))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(data):
    only_extraction_errors(data)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text(text):
    only_extraction_errors(text)


@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                        st.sampled_from(["@type", "@graph", "headline", "author", "name", "datePublished",
                                         "articleBody", "image", "url", "mainEntity", "publisher"]), inner, max_size=5),
                    max_leaves=30))
def test_arbitrary_json_ld(value):
    import json
    block = json.dumps(value)
    page = (PAGES / "several_json_ld.html").read_text(encoding="utf-8").replace(
        "<head>", f'<head><script type="application/ld+json">{block}</script>', 1)
    only_extraction_errors(page)


# Pieces a tag's attributes are made of, the awkward ones too: quoted '<' and '>', names holding
# a quote or '<', a name straight after a closing quote; rarely, what ends the tag early.
ATTRIBUTE_PIECES = [' a="x"', " b", "/c", ' d=">"', " e='<p>'", 'i"j', " k = l", '"m', " <n", "\t", "<", "'o'p"] * 20 + [">", ' f="']
# What may stand around the tag: a script or comment may hide a '<' that starts no tag.
SURROUNDINGS = ["", "<p>text</p>", "<script>if (a<b) {", "</script>", "<!-- ", " -->", "<title>", '<a href="x">']


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(SURROUNDINGS), max_size=3), st.sampled_from(["p", "/p", "script", "div"]),
       st.lists(st.sampled_from(ATTRIBUTE_PIECES), min_size=240, max_size=600), st.lists(st.sampled_from(SURROUNDINGS), max_size=3))
def test_a_tag_past_the_attribute_limit_is_never_missed_by_the_quick_search(before, name, pieces, after):
    """cap_tag_attributes skips the tag-by-tag read when one search finds no tag near the limit;
    that search must find every tag the tag-by-tag read would cut."""
    data = ("".join(before) + f"<{name}" + "".join(pieces) + ">text" + "".join(after)).encode()
    if fa.cap_each_tag(data) != data:
        assert fa.MANY_ATTRIBUTES.search(data)


# Pieces of tags in the shapes that tell attributes apart: quotes, equals signs, slashes, spaces.
TAG_PIECES = [b" ", b"\t", b"\n", b"/", b"=", b'"', b"'", b">", b"<", b"a", b"b", b"x=1", b'"q"', b"'q'",
              b"<a", b"</a", b"==", b"\f", b"\r", b"-"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(TAG_PIECES), min_size=1, max_size=30), st.sampled_from([1, 2, 3, 5]))
def test_the_attribute_count_search_misses_no_tag_the_tokenizer_reads(pieces, count):
    """MANY_ATTRIBUTES (its possessive copy of TAG_ATTRIBUTE on 3.11+) flags every tag in which
    MARKUP_PIECE, the tokenizer's model, reads `count` attributes or more."""
    data = b"".join(pieces)
    search = fa.tags_with_attributes(count)
    tokenized = (fa.MARKUP_PIECE.match(data, start) for start in range(len(data)) if data[start:start + 1] == b"<")
    most = max((len(fa.TAG_ATTRIBUTE_RE.findall(piece.group("attributes"))) for piece in tokenized
                if piece and piece.group("attributes") is not None), default=0)
    if most >= count:
        assert search.search(data)
