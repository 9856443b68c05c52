"""Bylines in markup without a byline class: author-classed compound words, labels, "von Jane Doe"
lines, "Posted on DATE by" blogs, forum posts; and the text shapes that must not pass for a name."""

from __future__ import annotations

import pytest

import fetch_article as fa

PARAGRAPHS = "".join(f"<p>Paragraph {n} of the story, with commas, clauses, and words enough to be read.</p>"
                     for n in range(3))


def authors_of(byline: str, head: str = "", after: str = "") -> tuple[str, ...]:
    html = (f"<html><head><title>A story</title>{head}</head><body><article><h1>A story</h1>"
            f"{byline}{PARAGRAPHS}{after}</article></body></html>")
    return fa.extract_article(html, "https://www.example.com/news/story").authors


@pytest.mark.parametrize("byline, expected", [
    # "author" inside a class word (BEM, Drupal fields, ids), the text a full name
    ("<div class='post-meta--author'>Jane Doe</div>", ("Jane Doe",)),
    ("<div class='field field-name-author'><div class='field-items'>von <a href='/u/jd'>Jane Doe</a></div></div>",
     ("Jane Doe",)),
    ("<div id='author_header'>Jane Doe</div>", ("Jane Doe",)),
    ("<ul class='metaInfoAuthorList'><li><a href='/author/jd/'>Jane Doe</a></li></ul>", ("Jane Doe",)),
    # ...but not a teaser list's authors (the class repeated), a label, a single word, a blog entry
    ("<div class='teaser__author'>Jane Doe</div><div class='teaser__author'>John Roe</div>", ()),
    ("<span class='meta-prep-author'>By </span>", ()),
    ("<div class='date-cat-author'>TECHNOLOGY</div>", ()),
    ("<div class='entry-author-jdoe'><h2>Other Post</h2><p>Jane Doe</p></div>", ()),
    ("<span class='authority-name'>Federal Aviation Administration</span>", ()),
])
def test_author_in_a_class_word(byline, expected):
    assert authors_of(byline) == expected


@pytest.mark.parametrize("byline, expected", [
    # a label and the name after it: inline, after line breaks, in the next block
    ("<p><strong>Autor:</strong> <a href='/profil/1'>Jane Doe</a><br><strong>Tags:</strong> ferries</p>", ("Jane Doe",)),
    ("<div><b>Von:</b><br><br>Jane Doe</div>", ("Jane Doe",)),
    ("<div><h4>Autor</h4><p><a href='/profil/jd'>Jane Doe</a>, </p></div>", ("Jane Doe",)),
    # ...not another label, nor a sentence
    ("<table><tr><td><b>Author</b></td><td>Text</td></tr></table>", ()),
    ("<p><strong>Von:</strong> einer Reise nach Kiel</p>", ()),
    # ...nor the labels and values after the name, nor a table's next header cell
    ("<dl><dt>Autor</dt><dd>Jane Doe</dd><dt>Rubrik</dt><dd>Politik</dd></dl>", ("Jane Doe",)),
    ("<table><tr><th>Author</th><th>Topic</th><th>Replies</th></tr></table>", ()),
    ("<div><strong>Text</strong><div>" + "word " * 60 + "</div><p>Kiel Harbour Office</p></div>", ()),
])
def test_author_after_a_label(byline, expected):
    assert authors_of(byline) == expected


@pytest.mark.parametrize("byline, expected", [
    ("<p> von <em>Jane Doe</em></p>", ("Jane Doe",)),
    ("<span class='teaser-cat'> von Jane Doe und John Roe </span>", ("Jane Doe", "John Roe")),
    ("<span><strong><em>---- by Jane Doe</em></strong></span>", ("Jane Doe",)),
    # navigation and titles are not bylines: a link, one word, words in lower case
    ("<p><a href='/archive'>By Month</a></p>", ()),
    ("<p>By Month</p>", ()),
    ("<p>von hier bis dort</p>", ()),
])
def test_a_line_that_is_a_byline(byline, expected):
    assert authors_of(byline) == expected


@pytest.mark.parametrize("after", [
    "<div class='comments'><div class='comment'><p>by Jane Doe</p><p>First!</p></div></div>",
    "<ul class='commentlist'><li><span><b>Author:</b> Jane Doe</span> I disagree.</li></ul>",
])
def test_a_readers_comment_names_no_author(after):
    assert authors_of("", after=after) == ()


def test_a_printed_byline_outranks_the_sites_own_credit():
    head = "<meta name='author' content='Example News'><meta property='og:site_name' content='Example News'>"
    assert authors_of("<p>Von Jane Doe und John Roe</p>", head) == ("Jane Doe", "John Roe")
    # the site when nobody is named and the page shows it; a credit no reader sees, nobody
    assert authors_of("<p>Kiel, a port on the Baltic. Example News</p>", head) == ("Example News",)
    assert authors_of("<p>Kiel, a port on the Baltic</p>", head) == ()


@pytest.mark.parametrize("byline, expected", [
    ("<div class='byline'>Posted on September 21, 2020 by Jane Doe</div>", ("Jane Doe",)),
    ("<p class='byline'>Posted by Jane Doe on | October 3, 2012</p>", ("Jane Doe",)),
    ("<p class='author'><span title='Beitrag'>Beitrag</span>von <strong>jdoe</strong> » 21.01.2009, 05:42</p>",
     ("jdoe",)),
])
def test_blog_and_forum_bylines(byline, expected):
    assert authors_of(byline) == expected


@pytest.mark.parametrize("byline, expected", [
    ("<div class='byline'>Jane Doe Monday, 3 May</div>", ("Jane Doe",)),  # a weekday ends the name
    ("<div class='byline'>Jane Doe, Tuesday</div>", ("Jane Doe",)),
    ("<div class='comment-author'>Jane Doe</div>", ()),  # a comment's writer, not the story's
])
def test_what_ends_or_rules_out_a_byline(byline, expected):
    assert authors_of(byline) == expected


@pytest.mark.parametrize("name, expected", [
    ("Jane Doe", True), ("Ursula von der Leyen", True), ("Jane", True), ("김태연", True),
    ("Stand:", False), ("MES*", False), ("Posted on", False), ("Veröffentlicht am", False),
    ("von Jane", False), ("Text", False), ("", False),
    ("Al Gore", True), ("Van Morrison", True), ("राहुल गांधी", True), ("สมชาย ใจดี", True), ("علی\u200cرضا", True),
])
def test_looks_like_person_name(name, expected):
    assert fa.looks_like_person_name(name) is expected


@pytest.mark.parametrize("byline, expected", [
    ("", ()),  # a meta author no reader sees: the site's owner or a theme's default
    ("<p class='meta'>Ein Beitrag von Jane Doe</p>", ("Jane Doe",)),  # shown, in any case and form
    ("<p class='meta'>JANE DOE</p>", ("Jane Doe",)),
])
def test_a_meta_author_counts_where_the_page_shows_it(byline, expected):
    assert authors_of(byline, head="<meta name='author' content='Jane Doe'>") == expected


# --- co-writers marked one by one (rel=author / itemprop=author)

CO_BODY = "<p>" + "The story goes on with enough words to be read as its body text. " * 6 + "</p>"


@pytest.mark.parametrize("byline, expected", [
    ("By <a rel='author' href='/a'>Ingrid Treborg</a> and <a rel='author' href='/b'>Marlene Holm</a>",
     ("Ingrid Treborg", "Marlene Holm")),
    ("<div class='bylines'><div class='byline'><address><a rel='author' href='/a'>Ingrid Treborg</a></address></div>"
     "<div class='byline'><address><a rel='author' href='/b'>Marlene Holm</a></address></div></div>",
     ("Ingrid Treborg", "Marlene Holm")),
    # a profile link beside the name is not a co-writer, nor is a writer named further on
    ("<div><a rel='author' href='/a'>Ingrid Treborg</a> <a rel='author' href='/a'>View my complete profile</a></div>",
     ("Ingrid Treborg",)),
    ("<div>By <a rel='author' href='/a'>Ingrid Treborg</a><p>More stories from the week, read by many.</p>"
     "<a rel='author' href='/b'>Marlene Holm</a></div>", ("Ingrid Treborg",)),
])
def test_co_writers_marked_one_by_one(byline, expected):
    html = f"<html><body><article><h1>Rain falls on the town</h1><div>{byline}</div>{CO_BODY}</article></body></html>"
    assert fa.extract_article(html, "https://example.org/news/story").authors == expected


def test_marked_byline_naming_more_writers_than_the_json_ld():
    ld = '{"@type": "NewsArticle", "headline": "Rain falls on the town", "author": {"@type": "Person", "name": "Marlene Holm"}}'
    byline = ("<div class='bylines'><address><a rel='author' href='/a'>Ingrid Treborg</a></address>"
              "<address><a rel='author' href='/b'>Marlene Holm</a></address></div>")
    html = (f"<html><head><script type='application/ld+json'>{ld}</script></head><body><article>"
            f"<h1>Rain falls on the town</h1>{byline}{CO_BODY}</article></body></html>")
    assert fa.extract_article(html, "https://example.org/news/story").authors == ("Ingrid Treborg", "Marlene Holm")


@pytest.mark.parametrize("second, href", [
    ("View All Posts", "/a"),  # the writer's page again
    ("Follow Ingrid Treborg", "/a/follow"), ("Senior Political Correspondent", "/a/bio"),
])
def test_a_profile_or_role_link_beside_the_writer_is_no_co_writer(second, href):
    byline = f"By <a rel='author' href='/a'>Ingrid Treborg</a> | <a rel='author' href='{href}'>{second}</a>"
    html = f"<html><body><article><h1>Rain falls on the town</h1><div>{byline}</div>{CO_BODY}</article></body></html>"
    assert fa.extract_article(html, "https://example.org/news/story").authors == ("Ingrid Treborg",)


def test_three_co_writers_and_nested_marks():
    byline = ("By <span itemprop='author'><a rel='author' href='/a'>Ingrid Treborg</a></span>, "
              "<span itemprop='author'><a rel='author' href='/b'>Marlene Holm</a></span> and "
              "<span itemprop='author'><a rel='author' href='/c'>Jonas Berg</a></span>")
    html = f"<html><body><article><h1>Rain falls on the town</h1><div>{byline}</div>{CO_BODY}</article></body></html>"
    assert fa.extract_article(html, "https://example.org/news/story").authors == ("Ingrid Treborg", "Marlene Holm", "Jonas Berg")
