#!/usr/bin/env python3
"""Our feed reader against feedparser (the well-kept library for it), side by side in one process.

    python bench/feed_parsers.py          # needs feedparser (requirements-bench.txt)

On feeds built here: the time to read a 2,000-item RSS feed (best of five), what each makes of an
XML sitemap, of a billion-laughs document (entities nested ten deep, nine levels) and of an
external-entity one (a file's contents as an item's title). The README's "Feeds and sitemaps" has
the figures and the decision they support.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import fetch_article as fa  # noqa: E402

ITEMS = 2000
RSS = ("<?xml version='1.0'?><rss version='2.0'><channel><title>News</title>" + "".join(
    f"<item><title>Story {n}</title><link>https://news.example/story-{n}</link>"
    f"<pubDate>Mon, 02 Mar 2025 14:{n % 60:02d}:00 GMT</pubDate><description>{'words ' * 60}</description></item>"
    for n in range(ITEMS)) + "</channel></rss>").encode()
SITEMAP = ("<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>" + "".join(
    f"<url><loc>https://news.example/s{n}</loc><lastmod>2025-03-02</lastmod></url>" for n in range(ITEMS)) + "</urlset>").encode()
LAUGHS = (b"<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY a 'ha'>"
          + b"".join(f"<!ENTITY {chr(98 + n)} '{('&' + chr(97 + n) + ';') * 10}'>".encode() for n in range(9))
          + b"]><rss><channel><item><link>https://x.example/&j;</link></item></channel></rss>")
XXE = (b"<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY e SYSTEM 'file:///etc/hostname'>]>"
       b"<rss><channel><item><title>&e;</title><link>https://x.example/a</link></item></channel></rss>")


def best_of(runs: int, work):
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result


def ours(body: bytes) -> str:
    try:
        feed = fa.parse_feed(body, "https://news.example/")
    except fa.FeedError as error:
        return str(error)
    return f"{len(feed.items)} items"


def theirs(feedparser, body: bytes) -> str:
    parsed = feedparser.parse(body)
    return f"{len(parsed.entries)} entries" + (f" (bozo: {type(parsed.bozo_exception).__name__})" if parsed.bozo else "")


def main() -> int:
    try:
        import feedparser
    except ImportError:
        print("feedparser is not installed: pip install -r requirements-bench.txt", file=sys.stderr)
        return 1
    ours_time, ours_result = best_of(5, lambda: ours(RSS))
    theirs_time, theirs_result = best_of(5, lambda: theirs(feedparser, RSS))
    print(f"{ITEMS}-item RSS ({len(RSS) // 1024} KiB): fetch_article {ours_time * 1000:.0f} ms ({ours_result}), "
          f"feedparser {feedparser.__version__} {theirs_time * 1000:.0f} ms ({theirs_result}); ratio {theirs_time / ours_time:.1f}")
    print(f"sitemap of {ITEMS} URLs: fetch_article {ours(SITEMAP)}; feedparser {theirs(feedparser, SITEMAP)}")
    for name, body in (("billion laughs", LAUGHS), ("external entity", XXE)):
        ours_time, ours_result = best_of(1, lambda: ours(body))
        theirs_time, theirs_result = best_of(1, lambda: theirs(feedparser, body))
        parsed = feedparser.parse(body)
        first = parsed.entries[0] if parsed.entries else {}
        print(f"{name}: fetch_article {ours_time * 1000:.0f} ms ({ours_result}); feedparser {theirs_time * 1000:.0f} ms "
              f"({theirs_result}; first entry's title {first.get('title')!r}, link {first.get('link')!r})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
