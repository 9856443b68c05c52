"""Bodies in odd but ordinary markup, each family on a small inline page; and pages that still hold no article."""

from __future__ import annotations

import pytest

import fetch_article as fa

STORY = tuple(f"Story paragraph {n}, with commas, clauses, and words enough to be read as prose by anyone." for n in range(4))
FURNITURE = "Sign up for our newsletter, with commas, clauses, and words enough to be read as prose by anyone."


def page(body: str) -> str:
    return f"<!DOCTYPE html><html><head><title>A story</title></head><body>{body}</body></html>"


@pytest.mark.parametrize("body", [
    "<h1>A story</h1>" + "<br><br>".join(STORY),  # text straight in <body>, between <br>s
    " ".join(STORY),  # nothing but text
    "<h1>A story</h1>" + "".join(f"<font size='2'>{line}</font><br><br>" for line in STORY),
    "<center><h1>A story</h1></center><center>" + "<br><br>".join(STORY) + "</center>",
    "<center><font size='2'>" + "<br><br>".join(STORY) + "</font></center>",
    "<table><tr><td><center><h1>A story</h1><font size='2'>" + "<br><br>".join(STORY) + "</font></center></td></tr></table>",
    "<h1>A story</h1><blockquote>" + "<br><br>".join(STORY) + "</blockquote>",  # FrontPage's indent
    "<dl>" + "".join(f"<dt>Question {n}</dt><dd>{line}</dd>" for n, line in enumerate(STORY)) + "</dl>",
    "<div id='page'><div class='story'><h1>A story</h1><p>" + "</p><p>".join(STORY[:2]) + "</p></div></div>"
    "<p>" + "</p><p>".join(STORY[2:]) + "</p></div>",  # two stray </div>s
], ids=["br-in-body", "text-only", "font-lines", "center-lines", "center-font", "td-center-font", "blockquote-indent",
        "definition-list", "stray-end-tags"])
def test_a_story_in_odd_markup_is_read_whole(body):
    text = fa.extract_article(page(body), None).text
    assert all(line in text for line in STORY)


@pytest.mark.parametrize("box", [
    "<section><h2>3 Comments</h2><article><p>A reader says the council, with commas, and words enough, was right.</p></article></section>",
    f"<dialog><p>{FURNITURE}</p></dialog>",
    f"<div role='dialog'><p>{FURNITURE}</p></div>",
    f"<div role='alertdialog'><p>{FURNITURE}</p></div>",
], ids=["unclassed-comment-thread", "closed-dialog", "role-dialog", "role-alertdialog"])
def test_boxes_inside_the_story_are_left_out(box):
    body = "<article><h1>A story</h1><p>" + "</p><p>".join(STORY[:2]) + "</p>" + box + "<p>" + "</p><p>".join(STORY[2:]) + "</p></article>"
    text = fa.extract_article(page(body), None).text
    assert all(line in text for line in STORY) and "A reader says" not in text and "newsletter" not in text


@pytest.mark.parametrize("body", [
    "Sorry, the page you asked for could not be found.",  # loose text, but no story's worth of it
    "<ul><li><a href='/a'>First story</a></li><li><a href='/b'>Second story</a></li></ul>",
])
def test_pages_without_a_story_still_hold_no_article(body):
    with pytest.raises(fa.ExtractionError):
        fa.extract_article(page(body), None)


@pytest.mark.parametrize("inside", [
    "<section><h2>Responses</h2><p>The council received 3,000 responses, with commas, and words enough, to the plan.</p></section>",
    "<div role='alert'><p>Update, 3:40 pm: the police have now confirmed, with commas, and words enough, the arrest.</p></div>",
], ids=["section-headed-responses", "live-update-alert"])
def test_a_storys_own_blocks_stay_in_it(inside):
    body = "<article><h1>A story</h1><p>" + "</p><p>".join(STORY[:2]) + "</p>" + inside + "<p>" + "</p><p>".join(STORY[2:]) + "</p></article>"
    text = fa.extract_article(page(body), None).text
    assert all(line in text for line in STORY) and "words enough, t" in text


def test_a_fact_box_list_and_text_after_the_wrapper_do_not_join_or_replace_the_story():
    facts = "<div class='factbox'><h3>Facts</h3><dl>" + "".join(
        f"<dt>Fact {n}</dt><dd>The plant, built in 1960, with commas, clauses, and words enough to be read as prose.</dd>"
        for n in range(5)) + "</dl></div>"
    about = "<p>About us: Example News is an independent local newsroom, with commas, and words enough, since 1990.</p>"
    body = "<div id='main'><div class='content'><div class='story'><h1>A story</h1><p>" + "</p><p>".join(STORY) + "</p></div>" + facts + "</div></div>" + about
    text = fa.extract_article(page(body), None).text
    assert all(line in text for line in STORY) and "The plant" not in text and "About us" not in text
