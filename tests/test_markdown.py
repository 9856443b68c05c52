"""article.md renders as the article: the page's text is never read as Markdown (checked by
rendering with a CommonMark parser)."""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

import fetch_article as fa

COMMONMARK = MarkdownIt("commonmark")
FILLER = "<p>" + "The council met on Tuesday to talk about the harbour, the boats and the new sign. " * 3 + "</p>"


def rendered(paragraphs: list[str], figure: str = "") -> str:
    body = "".join(f"<p>{html.escape(text)}</p>" for text in paragraphs)
    page = (f"<html><head><title>Harbour *vote* [live]</title></head><body><article><h1>Harbour *vote* [live]</h1>"
            f"{FILLER}{body}{figure}{FILLER}</article></body></html>")
    return COMMONMARK.render(fa.render_markdown(fa.extract_article(page, "https://a.example/news/vote")))


@pytest.mark.parametrize("text", [
    "# 1 in the polls, the mayor still trails her rival in the harbour wards.",
    "1. The first point the council raised was the cost of the new harbour sign.",
    "2) The second point was the opening hours of the harbour office in winter.",
    "* Correction: an earlier version of this story named the wrong harbour master.",
    "- The mayor, speaking after the vote, said the council would meet again soon.",
    "> A line that opens with an angle bracket is not a quotation of anything here.",
    "Literal <b>tags</b> and &amp; entities and a_snake_case_name and *stars* stay text.",
    "A [bracketed](aside) remark, a back\\slash and `backticks` stay as written too.",
])
def test_body_text_renders_as_itself(text):
    out = rendered([text])
    story = out.split("</h1>", 1)[1].rsplit("<p><a href=", 1)[0]  # from the headline to the link to the original
    assert not re.search(r"<(?:h[1-6]|ol|ul|li|blockquote|em|strong|code|a|b|hr)\b", story)
    assert html.escape(text, quote=False) in story


def test_the_headline_and_an_image_with_awkward_alt_text_and_url():
    figure = ('<figure><img src="https://a.example/img/harbour (1) final.jpg" alt="The [old] harbour">'
              "<figcaption>Boats at *dawn* (Photo: A_Person)</figcaption></figure>")
    out = rendered([], figure)
    assert "<h1>Harbour *vote* [live]</h1>" in out
    assert '<img src="https://a.example/img/harbour%20(1)%20final.jpg" alt="The [old] harbour"' in out \
        or '<img src="https://a.example/img/harbour%20%281%29%20final.jpg" alt="The [old] harbour"' in out
    assert "<em>Boats at *dawn* (A_Person)</em>" in out  # the credit read from "Photo: …"


@pytest.mark.parametrize("value, shown", [
    ("2016-09-26", "26 September 2016"),
    ("2016-09-26T06:43:00-04:00", "26 September 2016, 06:43 UTC−4"),
    ("2016-09-26T10:43:00+00:00", "26 September 2016, 10:43 UTC"),
    ("2020-01-01T05:30:00+05:30", "1 January 2020, 05:30 UTC+5:30"),
    ("2016-09-26T10:43:00", "26 September 2016, 10:43"),
])
def test_dates_read_as_a_reader_reads_them(value, shown):
    assert fa.reader_date(value) == shown


def test_captions_stand_apart_and_the_quotes_section_is_set_off_from_the_story():
    figure = '<figure><img src="https://a.example/img/boats.jpg" alt="Boats"><figcaption>Boats at dawn</figcaption></figure>'
    quote = "<p>“We will reopen the harbour before the summer,” said Jo Mills, the harbour master.</p>"
    page = (f"<html><body><article><h1>Harbour vote</h1><time datetime='2016-09-26T06:43:00-04:00'></time>"
            f"{FILLER}{figure}{quote}{FILLER}</article></body></html>")
    out = COMMONMARK.render(fa.render_markdown(fa.extract_article(page, "https://a.example/news/vote")))
    assert '<p><img src="https://a.example/img/boats.jpg" alt="Boats" /></p>\n<p><em>Boats at dawn</em></p>' in out
    assert "<hr />\n<h2>Quotes</h2>" in out
    assert "Published 26 September 2016, 06:43 UTC−4" in out
