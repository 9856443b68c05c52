#!/usr/bin/env python3
"""Hostile pages: the shapes that once made extraction quadratic, timed end to end.

    python bench/hostile.py                        # each page twice, with its size and what came out
    python bench/hostile.py --module old.py --once # another version (git show REV:fetch_article.py)

Each page is built here, from a family that a server or a page could send on purpose: runs of
quotes and abbreviations (the sentence scan), one element with 100,000 attributes (libxml2's
duplicate-attribute check), block quotes, bylines, decks, source lines and captions nested 200 or
250 deep around a megabyte of words (text read once per level), and 20,000 siblings each with a
class of its own (the search for records and tab panels of one class), a broken JSON-LD block
of unclosed comments (its repair), an author of 100,000 commas (the byline's end), spans nested
250 deep and 20,000 teaser authors of one class (the bylines read from labels and classes), captions
nested, by the thousand, with and without images (each caption's climb to its image), and 20,000
elements each a classed date, hidden, an author link and a microdata date (libxml2's sorting of
"//@attribute/.." results, quadratic in their number), 50,000 microdata <meta>s under 250
nested items (each placed among its items by climbing them all), 20,000 headings before 20
dates, or 40,000 before 20 dates under empty headings (each date's card heading sought above
it), 50,000 paragraphs before a sidebar of labelled dates (each label placed in the page), a
<dialog> beside 20,000 hidden elements (libxml2's sorting of a union of elements and attributes),
50,000 paragraphs after stray end tags (each part placed in page order) and 20,000 author links
naming a company (each link's co-writers sought).
tests/test_faults.py runs the same pages through the command line with a generous ceiling; this
prints the real times.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

PAGE = ("<html><head><title>A hostile page</title></head><body><article><h1>A hostile page</h1>{body}"
        "<p>One ordinary sentence of prose, long enough to be a paragraph of the story.</p></article></body></html>")
WORDS = "a b c d e f g h i j k l m n o p q r s t u v w x y z "


def quote_paragraphs(total: int, opening: str = "") -> bytes:
    """Paragraphs of 'A. "b," ' repeated to 10 kB each (after `opening`), up to `total` bytes."""
    paragraph = "<p>" + opening + 'A. "b," ' * ((10_000 - len(opening)) // 8) + "</p>"
    return PAGE.format(body=paragraph * max(1, total // 10_000)).encode()


def many_attributes(count: int) -> bytes:
    attributes = " ".join(f'a{n}="x"' for n in range(count))
    return PAGE.format(body=f"<div {attributes}>Text in the element with too many attributes.</div>").encode()


def nested(opening: str, closing: str, depth: int, total: int = 1_200_000) -> bytes:
    """`depth` levels of an element, each holding its share of `total` bytes of words."""
    words = WORDS * (total // depth // len(WORDS) + 1)
    prose = "<p>Some ordinary sentence text, long enough to be a paragraph of prose in the story.</p>" * 3
    return PAGE.format(body=prose + (opening + words) * depth + closing * depth).encode()


def siblings(element: str, count: int) -> bytes:
    """`count` sibling elements, each with a class of its own ({n} in `element` numbers them)."""
    prose = "<p>Some ordinary sentence text, long enough to be a paragraph of prose in the story.</p>" * 3
    return PAGE.format(body=prose + "".join(element.format(n=n) for n in range(count))).encode()


HOSTILE_PAGES = {
    "quotes, 10 kB paragraph": lambda: quote_paragraphs(10_000),
    "quotes, 100 kB page": lambda: quote_paragraphs(100_000),
    "quotes, 1 MB page": lambda: quote_paragraphs(1_000_000),
    "quotes after a verb of saying, 1 MB": lambda: quote_paragraphs(1_000_000, "Ann Lee said "),
    "100,000 attributes": lambda: many_attributes(100_000),
    "250 nested blockquotes with authors": lambda: nested('<blockquote><span class="author">Jane Doe</span>', "</blockquote>", 250, 15_000),
    "200 nested blockquotes, 1.2 MB of words": lambda: nested("<blockquote><p>x</p>", "</blockquote>", 200),
    "200 nested bylines, 1.2 MB": lambda: nested('<div class="byline">', "</div>", 200),
    "200 nested figures, 1.2 MB": lambda: nested('<figure><img src="x.jpg"><figcaption>', "</figcaption></figure>", 200),
    "200 nested source lines, 1.2 MB": lambda: nested("<div>with files from ", "</div>", 200),
    "200 nested quotes with cites, 1.2 MB": lambda: nested('<blockquote>"Words," she said. <cite>', "</cite></blockquote>", 200),
    "20,000 hidden siblings, each its own class": lambda: siblings('<div class="c{n}" hidden>x</div>', 20_000),
    "20,000 sibling records, each its own class": lambda: siblings('<div class="c{n}"><p>x</p></div>', 20_000),
    "200 nested hidden elements, 1.2 MB": lambda: nested("<div hidden>", "</div>", 200),
    "a meta author of 100,000 commas": lambda: PAGE.replace("</title>", "</title><meta name='author' content='{body}'>")
        .format(body="," * 100_000 + "x").encode(),
    "250 nested spans under 100 blocks (labels)": lambda: PAGE.format(
        body=("<div>" + "<span class='a'>" * 250 + "x" + "</span>" * 250 + "</div>") * 100).encode(),
    "20,000 teaser authors of one class": lambda: siblings("<span class='teaser__author'>Jane Doe</span>", 20_000),
    "200 nested captions, 1.2 MB": lambda: nested('<div class="caption">', "</div>", 200),
    "20,000 captions and no image": lambda: siblings('<p class="caption">x</p>', 20_000),
    "20,000 images captioned without a figure": lambda: siblings(
        '<div class="wp-caption"><img src="/i{n}.jpg"><p class="wp-caption-text">x</p></div>', 20_000),
    "20,000 dates, hidden spans, authors and microdata": lambda: siblings(
        '<span class="date" style="display:none" rel="author" itemprop="datePublished">x</span>', 20_000),
    "50,000 microdata metas under 250 nested items": lambda: PAGE.format(
        body='<div itemscope itemtype="https://schema.org/Thing">' * 250
        + '<span><meta itemprop="x" content="y"></span>' * 50_000 + "</div>" * 250).encode(),
    "20,000 headings, then 20 dates": lambda: PAGE.format(
        body="<div>" + "<h2>x</h2><p>y</p>" * 20_000 + "<time datetime='2020-01-01'>x</time>" * 20 + "</div>").encode(),
    "40,000 headings, then 20 dates under empty headings": lambda: PAGE.format(
        body="<div>" + "<h2>x</h2>" * 40_000 + "<div><h3></h3><time datetime='2020-01-01'>x</time></div>" * 20 + "</div>").encode(),
    "50,000 paragraphs, then 25 labelled dates in a sidebar": lambda: PAGE.format(
        body="<div>" + "<p>y</p>" * 50_000 + "<div class='sidebar'>" + "<p>Datum: 01.01.2020</p>" * 25 + "</div></div>").encode(),
    "JSON-LD of 100,000 unclosed comments": lambda: PAGE.format(
        body='<script type="application/ld+json">' + "/*x" * 100_000 + "</script>").encode(),
    "a <dialog> and 20,000 hidden elements": lambda: PAGE.format(
        body="<dialog>z</dialog>" + "<div hidden>y</div>" * 20_000).encode(),
    "stray end tags, then 50,000 paragraphs": lambda: (
        "<html><body><div id='page'><div class='story'><h1>A hostile page</h1>"
        + "<p>One ordinary sentence of prose, long enough to be a paragraph of the story.</p>" * 9
        + "</div></div></div>" + "<p>Ok.</p>" * 50_000 + "</body></html>").encode(),
    "20,000 author links naming a company": lambda: PAGE.format(
        body="<p><a rel='author' href='/a'>Acme GmbH</a></p>" * 20_000).encode(),
}


def load(path: Path):
    spec = importlib.util.spec_from_file_location("fetch_article_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", type=Path, default=PROJECT / "fetch_article.py", help="the fetch_article.py to time")
    parser.add_argument("--once", action="store_true", help="one run a page, not two")
    options = parser.parse_args(argv)
    module = load(options.module)
    print(f"{options.module}")
    print("| page | kB | seconds | outcome |")
    print("| --- | --- | --- | --- |")
    for name, build in HOSTILE_PAGES.items():
        html = build()
        times = []
        for _ in range(1 if options.once else 2):
            started = time.perf_counter()
            try:
                article = module.extract_article(html, "https://example.com/news/story")
                outcome = f"article, {len(article.text):,} characters, {len(article.quotes):,} quotes"
            except module.ExtractionError as error:
                outcome = f"not an article: {error}"
            times.append(time.perf_counter() - started)
        print(f"| {name} | {len(html) // 1000:,} | {' / '.join(f'{t:.3f}' for t in times)} | {outcome} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
