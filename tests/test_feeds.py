"""Feeds and sitemaps as input: reading them (as hostile input), choosing items, robots.txt, and
two nights of a cron job over a loopback feed."""

from __future__ import annotations

import gzip
import io
import json
import time
from datetime import date

import pytest

import fetch_article as fa
from conftest import folders_of, html_response

FEED = "https://news.example/feed.xml"


def rss(*items: tuple[str, str | None]) -> bytes:
    entries = "".join(f"<item><title>t</title><link>{link}</link>{f'<pubDate>{day}</pubDate>' if day else ''}</item>"
                      for link, day in items)
    return f"<?xml version='1.0'?><rss version='2.0'><channel><title>News</title>{entries}</channel></rss>".encode()


def test_rss_items_are_their_links_with_their_dates():
    feed = fa.parse_feed(rss(("https://news.example/a", "Mon, 02 Mar 2025 14:30:00 GMT"), ("/b", None)), FEED)
    assert feed.items == [fa.FeedItem("https://news.example/a", "2025-03-02T14:30:00+00:00"),
                          fa.FeedItem("https://news.example/b", None)]
    assert feed.sitemaps == []


def test_an_rss_item_without_a_link_is_its_permalink_guid_and_never_a_guid_that_is_not_one():
    body = (b"<rss><channel><item><guid>https://news.example/by-guid</guid></item>"
            b"<item><guid isPermaLink='false'>tag:news.example,2025:1</guid></item>"
            b"<item><link>mailto:desk@news.example</link></item></channel></rss>")
    assert [item.url for item in fa.parse_feed(body, FEED).items] == ["https://news.example/by-guid"]


def test_rss_1_0_items_in_their_namespace_are_read():
    body = (b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' xmlns='http://purl.org/rss/1.0/'"
            b" xmlns:dc='http://purl.org/dc/elements/1.1/'><channel><title>N</title></channel>"
            b"<item><link>https://news.example/rdf</link><dc:date>2025-03-02T10:00Z</dc:date></item></rdf:RDF>")
    assert fa.parse_feed(body, FEED).items == [fa.FeedItem("https://news.example/rdf", "2025-03-02T10:00:00+00:00")]


def test_atom_entries_are_their_alternate_links_resolved_against_xml_base():
    body = (b"<feed xmlns='http://www.w3.org/2005/Atom' xml:base='https://news.example/world/'>"
            b"<entry><link rel='edit' href='/edit/1'/><link href='story-1'/><published>2025-03-02</published></entry>"
            b"<entry><link rel='alternate' type='text/html' href='https://other.example/2'/>"
            b"<updated>2025-03-01T09:00:00+01:00</updated></entry></feed>")
    assert fa.parse_feed(body, FEED).items == [fa.FeedItem("https://news.example/world/story-1", "2025-03-02"),
                                               fa.FeedItem("https://other.example/2", "2025-03-01T09:00:00+01:00")]


def test_a_news_sitemap_dates_each_page_by_its_publication_date_else_its_lastmod():
    body = (b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'"
            b" xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'>"
            b"<url><loc>https://news.example/a</loc><lastmod>2025-03-05</lastmod>"
            b"<news:news><news:publication_date>2025-03-01T08:00:00Z</news:publication_date></news:news></url>"
            b"<url><loc> https://news.example/b </loc><lastmod>2025-03-04</lastmod></url></urlset>")
    assert fa.parse_feed(body, FEED).items == [fa.FeedItem("https://news.example/a", "2025-03-01T08:00:00+00:00"),
                                               fa.FeedItem("https://news.example/b", "2025-03-04")]


def test_a_sitemap_index_lists_sitemaps_not_articles():
    body = (b"<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            b"<sitemap><loc>https://news.example/sitemap-1.xml</loc></sitemap><sitemap><loc>/sitemap-2.xml.gz</loc></sitemap>"
            b"</sitemapindex>")
    assert fa.parse_feed(body, FEED) == fa.Feed([], ["https://news.example/sitemap-1.xml", "https://news.example/sitemap-2.xml.gz"])


BILLION_LAUGHS = (b"<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY a 'ha'>"
                  + b"".join(f"<!ENTITY {chr(98 + n)} '{('&' + chr(97 + n) + ';') * 10}'>".encode() for n in range(9))
                  + b"]><rss><channel><item><link>https://x.example/&j;</link></item></channel></rss>")


@pytest.mark.parametrize("body, message", [
    (BILLION_LAUGHS, "refused: the feed declares XML entities"),
    (b"<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
     b"<rss><channel><item><link>&e;</link></item></channel></rss>", "refused: the feed declares XML entities"),
    (b"<html><body><p>A page, not a feed</p></body></html>", "not a feed: the document is <html>"),
    (b"<rss><channel><item><link>https://x.example/a</link></channel>", "not a feed: broken XML"),
    (b"", "not a feed: broken XML"),
])
def test_hostile_and_broken_feeds_are_refused_with_a_reason(body, message):
    started = time.monotonic()
    with pytest.raises(fa.FeedError, match="^" + message):
        fa.parse_feed(body, FEED)
    assert time.monotonic() - started < 5  # nothing expanded: a billion laughs would take minutes and gigabytes


def test_a_gzipped_sitemap_is_unpacked_up_to_its_cap_and_no_further():
    assert fa.gunzipped(gzip.compress(b"<urlset/>"), 100) == b"<urlset/>"
    bomb = gzip.compress(b"\0" * 1_000_000)  # about a kilobyte that unpacks to a megabyte
    with pytest.raises(fa.TooLargeError):
        fa.gunzipped(bomb, 100_000)
    with pytest.raises(fa.FeedError, match="broken gzip"):
        fa.gunzipped(fa.GZIP_MAGIC + b"not gzip at all", 100)


def test_the_newest_items_and_those_since_a_day_are_chosen_in_the_feeds_order():
    items = [fa.FeedItem("https://n.example/old", "2025-03-01T23:00:00-05:00"),  # 04:00 UTC on the 2nd
             fa.FeedItem("https://n.example/undated", None),
             fa.FeedItem("https://n.example/new", "2025-03-03"),
             fa.FeedItem("https://n.example/mid", "2025-03-02T01:00:00+00:00")]
    assert [item.url.rsplit("/", 1)[1] for item in fa.chosen_items(items, 2, None)] == ["old", "new"]
    assert [item.url.rsplit("/", 1)[1] for item in fa.chosen_items(items, None, date(2025, 3, 2))] == ["undated", "new", "mid"]
    assert fa.chosen_items(items, None, None) == items


def test_urls_are_deduplicated_by_their_history_key():
    urls = ["https://n.example/a?utm_source=rss", "http://n.example/a", "https://n.example/b#top", "https://n.example/a"]
    assert [url for url, _ in fa.once_each_story([(url, FEED) for url in urls])] == [
        "https://n.example/a?utm_source=rss", "https://n.example/b#top"]


# ---------------------------------------------------------------- over loopback

def article_html(title: str, words: str = "") -> str:
    paragraphs = "".join(f"<p>Paragraph {n} of {title}, with commas, clauses, and words enough to be read{words}.</p>"
                         for n in range(4))
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>"


def run(argv, clock):
    out = io.StringIO()
    code = fa.main(["--host-delay", "0", *argv], clock=clock, stdout=out)  # (politeness has tests of its own)
    return code, folders_of(out.getvalue())


def index_lines(archive):
    return [json.loads(line) for line in (archive / fa.INDEX_NAME).read_text(encoding="utf-8").splitlines()]


def test_two_nights_of_a_feed_archive_new_and_changed_articles_once_each(server, tmp_path, fixed_clock):
    stories = {name: article_html(f"Story {name}") for name in ("one", "two", "three")}
    for name, html in stories.items():
        server.route(f"/{name}", html_response(html))
    links = [(server.url(f"/{name}"), None) for name in stories] + [(server.url("/one?utm_source=rss"), None)]
    server.route("/feed.xml", (200, {"Content-Type": "application/rss+xml"}, rss(*links)))
    code, folders = run(["-o", str(tmp_path), "--feed", server.url("/feed.xml")], fixed_clock)
    assert code == 0 and len(folders) == 3 and len(set(folders)) == 3

    # The second night: story two changed, a fourth added, the feed now also listing it.
    server.route("/two", html_response(article_html("Story two", ", and a correction")))
    server.route("/four", html_response(article_html("Story four")))
    server.route("/feed.xml", (200, {"Content-Type": "application/rss+xml"}, rss(*links, (server.url("/four"), None))))
    code, second = run(["-o", str(tmp_path), "--feed", server.url("/feed.xml")], fixed_clock)
    assert code == 0
    statuses = [(entry["url"].rsplit("/", 1)[1], entry["status"]) for entry in index_lines(tmp_path)[3:]]
    assert statuses == [("one", "unchanged"), ("two", "archived"), ("three", "unchanged"), ("four", "archived")]
    assert second[1].endswith("-2") and second[1] != folders[1]  # a new version beside the first night's


def test_a_feed_line_in_the_url_list_and_a_url_given_twice_are_archived_once(server, tmp_path, fixed_clock):
    server.route("/one", html_response(article_html("Story one")))
    server.route("/feed.xml", (200, {"Content-Type": "application/rss+xml"}, rss((server.url("/one"), None))))
    url_list = tmp_path / "urls.txt"
    url_list.write_text(f"{server.url('/one')}\nfeed:{server.url('/feed.xml')}   # the world section\n", encoding="utf-8")
    code, folders = run(["-o", str(tmp_path / "archive"), "-i", str(url_list), "http://[::1/x"], fixed_clock)
    assert code == fa.ExitCode.USAGE and len(folders) == 1  # (a URL urllib cannot parse is its own error line)
    assert len(server.routes["/one"].requests) == 1


def test_robots_txt_is_obeyed_for_discovered_urls_but_not_for_the_users_own(server, tmp_path, fixed_clock):
    server.route("/robots.txt", (200, {"Content-Type": "text/plain"},
                                 b"User-agent: *\nAllow: /\n\nUser-agent: fetch_article\nDisallow: /private/\n"))
    for path in ("/open", "/private/one", "/private/two"):
        server.route(path, html_response(article_html(f"Story {path}")))
    server.route("/feed.xml", (200, {}, rss((server.url("/open"), None), (server.url("/private/one"), None))))
    code, folders = run(["-o", str(tmp_path), "--feed", server.url("/feed.xml"), server.url("/private/two")], fixed_clock)
    assert code == 0 and len(folders) == 2
    assert not server.routes["/private/one"].requests and server.routes["/private/two"].requests
    assert len(server.routes["/robots.txt"].requests) == 1


@pytest.mark.parametrize("status, archived", [(404, True), (503, False)])
def test_a_missing_robots_txt_allows_everything_and_a_failing_one_nothing(server, tmp_path, fixed_clock, status, archived):
    server.route("/robots.txt", (status, {"Content-Type": "text/plain"}, b"-"))
    server.route("/one", html_response(article_html("Story one")))
    server.route("/feed.xml", (200, {}, rss((server.url("/one"), None))))
    code, folders = run(["-o", str(tmp_path), "--feed", server.url("/feed.xml")], fixed_clock)
    assert code == 0 and len(folders) == int(archived)


def test_a_broken_feed_is_one_error_line_and_the_other_inputs_go_on(server, tmp_path, fixed_clock, capsys):
    server.route("/one", html_response(article_html("Story one")))
    server.route("/good.xml", (200, {}, rss((server.url("/one"), None))))
    server.route("/broken.xml", (200, {}, b"<rss><channel><item>"))
    server.route("/html", html_response(article_html("Not a feed")))
    argv = ["-o", str(tmp_path), "--feed", server.url("/broken.xml"), "--feed", server.url("/missing.xml"),
            "--feed", server.url("/html"), "--feed", server.url("/good.xml")]
    code, folders = run(argv, fixed_clock)
    assert code == fa.ExitCode.NOT_AN_ARTICLE and len(folders) == 1
    # (our lines only: the loopback server may print a client's dropped connection to the same stderr)
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("fetch_article:")]
    assert [line.split(" (", 1)[0] for line in errors] == [
        f"fetch_article: ERROR: {server.url('/broken.xml')}: not a feed: broken XML",
        f"fetch_article: ERROR: {server.url('/missing.xml')}: HTTP 404 Not Found",
        f"fetch_article: ERROR: {server.url('/html')}: not a feed: the document is <html>, not RSS, Atom or a sitemap"]


def test_a_sitemap_index_is_followed_one_level_and_its_gzipped_sitemaps_read(server, tmp_path, fixed_clock):
    server.route("/one", html_response(article_html("Story one")))
    server.route("/two", html_response(article_html("Story two")))
    urlset = (f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url><loc>{server.url('/one')}</loc></url>"
              f"</urlset>").encode()
    server.route("/sitemap-1.xml.gz", (200, {"Content-Type": "application/x-gzip"}, gzip.compress(urlset)))
    nested = (f"<sitemapindex><sitemap><loc>{server.url('/sitemap-1.xml.gz')}</loc></sitemap></sitemapindex>").encode()
    server.route("/nested.xml", (200, {}, nested))
    server.route("/index.xml", (200, {}, (f"<sitemapindex><sitemap><loc>{server.url('/sitemap-1.xml.gz')}</loc></sitemap>"
                                          f"<sitemap><loc>{server.url('/nested.xml')}</loc></sitemap></sitemapindex>").encode()))
    code, folders = run(["-o", str(tmp_path), "--feed", server.url("/index.xml")], fixed_clock)
    assert code == 0 and len(folders) == 1
    assert not server.routes["/two"].requests


def test_feed_options_are_checked_as_usage():
    assert fa.main(["--feed-items", "0", "--feed", FEED]) == fa.ExitCode.USAGE
    assert fa.main(["--since", "yesterday", "--feed", FEED]) == fa.ExitCode.USAGE
    assert fa.main(["--html", "page.html", "--feed", FEED]) == fa.ExitCode.USAGE


def test_a_robots_txt_urllib_cannot_read_skips_its_site_and_the_run_goes_on(server, tmp_path, fixed_clock, capsys):
    server.route("/robots.txt", (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: http://[x\n"))
    for name in ("one", "two"):
        server.route(f"/{name}", html_response(article_html(f"Story {name}")))
    server.route("/feed.xml", (200, {}, rss((server.url("/one"), None), (server.url("/two"), None))))
    code, folders = run(["-o", str(tmp_path), "--feed", server.url("/feed.xml"), server.url("/two")], fixed_clock)
    assert code == 0 and len(folders) == 1 and not server.routes["/one"].requests
    assert "robots.txt cannot be read" in capsys.readouterr().err
