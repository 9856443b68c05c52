#!/usr/bin/env python3
# /// script
# requires-python = ">=3.10"
# dependencies = [
#     "requests>=2.32",
#     "urllib3>=2.8,<3",
#     "beautifulsoup4>=4.12",
#     "charset-normalizer>=3.0",
#     "lxml>=5.0",
#     "warcio>=1.7",
# ]
# ///
"""fetch_article: download a news article, extract it, and keep it in a dated archive.

Usage:
    python fetch_article.py [URL ...]          archive each URL (default: the CBC Aleppo story)
    python fetch_article.py -i urls.txt        URLs one per line ('#' comments; '-' reads stdin)
    python fetch_article.py --feed FEED_URL    every article an RSS/Atom feed or a sitemap lists
    python fetch_article.py --warc FILE        the HTML pages a WARC file recorded (no network)
    python fetch_article.py --html page.html URL   use a saved page instead of the network
    python fetch_article.py --stdout URL       print the article JSON, write nothing

For each new version of an article it writes one folder, archive/<YYYY-MM-DD>/<slug>[-N]/:
    page.html        the page's bytes exactly as served
    article.json     {"schema_version", "capture", "article", "images", "changes"}, keys sorted
    article.md       the article for reading: headline, deck, byline, figures, body, quotes
    capture.warc.gz  WARC records of the page, its images and its requisites (stylesheets, fonts, scripts)
    images/          the figures' images
    changes.diff     article.md against the previous version (from the second version on)
The folder is built under a temporary name and renamed into place, so it appears complete or not
at all. A URL archived before is asked for conditionally; an unchanged article writes no folder
and names the latest one. archive/index.jsonl gets one line per URL per run; archive/index.html
and archive/site/ are the archive to browse, rewritten after a run that archived something.

stdout carries data: a line per URL, "archived" or "unchanged", a tab, and the folder; stderr
carries diagnostics and is quiet unless something fails, so cron mails only failures. -v tells more.

From cron, every night at 06:15 (the folders go to the log; cron mails stderr, empty unless
something failed):
    15 6 * * * /path/to/.venv/bin/python /path/to/fetch_article.py -i /path/to/urls.txt >>/path/to/fetch.log

Exit codes (with several URLs every URL is attempted and the worst code is returned):
    0    every URL archived
    2    usage: bad arguments, or a URL that is not http(s)
    3    fetch failed: network error, HTTP error, not HTML, too large, too slow
    4    not an article: no body text found; or a feed that is not one
    5    the archive could not be written
    6    another run is archiving into the same folder
    70   internal error: a bug in fetch_article (the line names the URL; -v shows the traceback)
    130  interrupted
"""

from __future__ import annotations

import argparse
import base64
import bisect
import codecs
import collections
import contextlib
import contextvars
import dataclasses
import difflib
import enum
import errno
import functools
import hashlib
import http
import io
import itertools
import ipaddress
import json
import logging
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
import unicodedata
import urllib.robotparser
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html import escape
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, NamedTuple, TextIO, TypeAlias, cast
from urllib.parse import urljoin, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

try:
    import charset_normalizer
    import lxml.etree
    import lxml.html
    import requests
    import urllib3
    import urllib3.connection
    import urllib3.exceptions
    from bs4.dammit import EncodingDetector
    from urllib3.util.retry import Retry
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed
    from warcio.recordloader import ArcWarcRecord
    from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParserException
    from warcio.warcwriter import WARCWriter
except ModuleNotFoundError as missing:  # a Python without the dependencies: one line that says what to do
    sys.exit(f"fetch_article: the package {(missing.name or '?').split('.')[0]} is missing: install the dependencies "
             f"with 'python -m pip install -r requirements.txt' beside this file, or run 'uv run fetch_article.py'")

# ---------------------------------------------------------------- constants

__version__ = "0.1.0"

# Where the project lives; sites that see our User-Agent can find out who we are.
PROJECT_URL = "https://github.com/fetch-article/fetch_article"
# An honest, identifying User-Agent (as trafilatura and wget do), not a browser's disguise.
USER_AGENT = f"fetch_article/{__version__} (+{PROJECT_URL})"

# The article this tool was built for; archived when no URL is given.
DEFAULT_URL = "https://www.cbc.ca/news/world/aleppo-airstrikes-1.3778667"
# Beside the script, not the working directory: cron starts jobs in $HOME.
DEFAULT_ARCHIVE_DIR = Path(__file__).resolve().parent / "archive"

# A TCP connect to a healthy news site takes well under a second; 10 s allows for a slow DNS.
CONNECT_TIMEOUT = 10.0
# Longest silence allowed between two reads of one response.
READ_TIMEOUT = 30.0
# Default bound on all one URL costs: the page with its redirects, retries and backoff, the
# extraction, and the images (--timeout).
DEFAULT_DEADLINE = 60.0
# News pages run 50 KB to 2 MB (CBC's are ~300 KB with their inline state); 8 MB leaves room
# for the heaviest while stopping a runaway download early.
MAX_PAGE_BYTES = 8 * 1024 * 1024
# News photos run 100 KB to 2 MB; a larger file is a print original no reader needs.
MAX_IMAGE_BYTES = 15 * 1024 * 1024
# A long photo gallery has 30 to 40 pictures; past 50 a page is a gallery index, not an article.
MAX_IMAGES = 50
# All of one capture's images together: room for 50 ordinary photos, and a bound on the disk a
# page can make us fill whatever it links to.
MAX_IMAGES_TOTAL_BYTES = 100 * 1024 * 1024
# Read the body in pieces this size, checking the byte cap and the deadline between pieces.
READ_CHUNK_BYTES = 64 * 1024
# Transient failures worth trying again: rate limiting and server-side errors (never 404).
RETRY_STATUSES = (429, 500, 502, 503, 504)
# Three retries after the first try, backoff 0.5 s, 1 s, 2 s: rides out a restart or a blip.
RETRY_ATTEMPTS = 3
RETRY_BACKOFF_FACTOR = 0.5
# A Retry-After longer than this is not worth a nightly job's wait.
RETRY_AFTER_MAX = 30
# Browsers stop at 20; a news article needs two or three (http -> https -> canonical).
MAX_REDIRECTS = 10
HTML_CONTENT_TYPES = ("text/html", "application/xhtml+xml")
DEFAULT_PORTS = {"http": 80, "https": 443}

# Slugs stay well under the 255-byte name limit of common file systems.
SLUG_MAX_CHARS = 120
# Bytes of an unlabelled body inspected to tell markup from binary.
SNIFF_BYTES = 1024
# Charset detection looks at this much of a page: enough text to tell encodings apart.
DETECTION_SAMPLE_BYTES = 64 * 1024
# The HTML spec's encoding prescan looks at the first 1024 bytes; some pages put <meta charset>
# after long comments, so look a little further.
META_CHARSET_SCAN_BYTES = 4096

log = logging.getLogger("fetch_article")
# An element of a parsed page (lxml ships no types: to mypy it is Any, to a reader it says what).
Element: TypeAlias = lxml.html.HtmlElement

# --- Site templates: exact selectors for layouts we know, tried before the generic path.
# CBC News "detail page" React template (2022-2024 pages; see shared/fixtures/README.md).
# Newer CBC pages hash some class names (imageMedia-IspZw): a class also matches with a hash appended.
@dataclass(frozen=True)
class SiteTemplate:
    """CSS selectors for one site's layout. A page is taken to be in it when its headline and
    body selectors both match; each other selector that matches fills its field, and the generic
    rules find the rest."""

    name: str
    headline: str
    body: str
    deck: str
    authors: str
    published: str  # elements whose datetime attribute is the publication time
    section: str
    source_note: str
    pull_quote: str  # looked for inside the body


CBC_TEMPLATE = SiteTemplate(
    name="cbc",
    headline="h1.detailHeadline",
    body="div.story",
    deck="h2.deck",
    authors=".bylineDetails .authorText",
    published="time.timeStamp",
    section=".detail-link-label a",
    source_note="div.source",
    pull_quote="blockquote.pullquote",
)
SITE_TEMPLATES = (CBC_TEMPLATE,)

# --- One list per concept, composed into the patterns that use it.

def words_pattern(words: Iterable[str]) -> str:
    """An alternation of plain words, written as a tree of their letters ("sa(?:id|ys)"): re
    reads a tree in one pass at each place rather than trying the words one by one (twice as
    fast on every paragraph). Which word matches is the same, since each is followed by \\b."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for letter in word:
            node = node.setdefault(letter, {})
        node[""] = {}  # a word ends here

    def branch(node: dict[str, dict]) -> str:
        endings = [re.escape(letter) + branch(rest) for letter, rest in sorted(node.items()) if letter]
        if not endings or (len(endings) == 1 and "" not in node):
            return "".join(endings)
        return f"(?:{'|'.join(endings)})" + ("?" if "" in node else "")

    return branch(tree)


# Dashes pages put before a source or an attribution: en dash, em dash, horizontal bar, hyphen
# (last, so that it stays a literal inside a [] class).
DASHES = "–—―-"
DASH = f"[{DASHES}]"
# Month names, one table per language: month n at index n-1. Their first three letters (and a
# few customary abbreviations below) are read too.
MONTH_TABLES = {
    "en": "january february march april may june july august september october november december",
    "de": "januar februar märz april mai juni juli august september oktober november dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "ca": "gener febrer març abril maig juny juliol agost setembre octubre novembre desembre",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "ar": "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر",
}
MONTH_NAMES = tuple(name.capitalize() for name in MONTH_TABLES["en"].split())
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = "(?:" + "|".join(MONTH_NAMES) + ")"
# "Sep", "Sept.", "Sept" all begin with these; patterns add [a-z]* for the rest of the name.
MONTH_ABBREVIATIONS = tuple(name[:3].lower() for name in MONTH_NAMES)
MONTH_ABBREVIATION = "(?:" + "|".join(MONTH_ABBREVIATIONS) + ")"
# Lower-case words that bind to the surname after them ("Abu Amer", "al-Aref", "van der Berg").
NAME_PARTICLES = frozenset({"abu", "al", "el", "bin", "ibn", "bint", "de", "del", "della", "di", "da", "dos",
                            "das", "du", "van", "von", "der", "den", "ter", "la", "le"})
# Subject pronouns that stand for a speaker named earlier.
SUBJECT_PRONOUNS = ("he", "she", "they", "it", "we", "I")

# --- Generic extraction: signals, each naming the family of pages it serves.
# JSON-LD @type values of articles (schema.org Article and its news and blog subtypes).
ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "reviewnewsarticle", "backgroundnewsarticle", "askpublicnewsarticle", "blogposting",
    "liveblogposting", "report", "scholarlyarticle", "techarticle", "socialmediaposting",
}
# class/id words of page furniture: sharing, comments, related stories, ads, newsletters, cookies.
# (Older WordPress and Movable Type themes name comment parts in one word: commentlist,
# commentbody, commentform, and "respond" and "nocomments" for the form's box and its "Comments are
# closed." line; a reader's long comment would otherwise outscore a short post.)
# ("related" also begins a word: WordPress Jetpack's jp-relatedposts, relatedArticles.)
BOILERPLATE_HINTS = re.compile(
    r"(?:^|[-_\s])(?:share|sharing|social|comments?(?:body|text|content|list|entry|container|box|form)?|nocomments|respond|"
    r"related[a-z]*|recommend|newsletter|signup|"
    r"subscribe|subscription|promo|advert|ad|ads|adslot|advertisement|sponsor|cookie|consent|"
    r"banner|breadcrumbs?|nav|navbar|menu|footer|sidebar|sidebars?|popup|modal|outbrain|taboola|"
    r"trending|most-?popular|similar|similarlinks|tags|toolbar|widget|author-?bio|authorprofile|"
    # Family: the "about the author" box a blog theme or plugin appends to each post
    # (wp-about-author, StudioPress's author-box): the writer's bio, not the post.
    r"about-?(?:the-?)?author|author-?box|"
    # Family: a post's meta line, above or below it ("This entry was posted on … You can follow
    # any responses …", "by … on <date> · 1 comment"): themes' div.metadata, p.headline_meta.
    # (Kubrick's one-word "postmetadata" is left out: a CleanEval gold keeps that line.)
    r"meta|metadata|"
    r"mediaembed|player|video-item|disclaimer|hidden|a11y|sr-only|visually-hidden|read-?more|more-?on|also-?on|caption|captions|gallery|slideshow|carousel|print-header)"
    r"(?:$|[-_\s\d])",
    re.I,
)
# The same furniture words inside camelCase class and id names, which BOILERPLATE_HINTS reads as one
# word: hand-written templates of the 2000s ("readerComments", "commentText", "ctl00_..._YahooAds")
# and CSS-in-JS class names ("StyledNavWrapper"). A word starts after a separator or as a capital
# after a lowercase letter, and ends at a separator, a digit or the next capital. Short or ambiguous
# words stay out ("outerAd" wraps a story; image captions are story text to some readers).
CAMEL_CASE_FURNITURE_WORDS = (
    "comment", "comments", "related", "share", "sharing", "social", "sidebar", "footer", "tags", "newsletter",
    "promo", "sponsor", "ads", "nav", "navbar", "menu", "banner", "advert", "advertisement", "toolbar", "widget",
    "breadcrumb", "breadcrumbs", "subscribe", "signup",
)
CAMEL_CASE_FURNITURE = re.compile(
    r"(?:^|[-_\s])(?:" + "|".join(CAMEL_CASE_FURNITURE_WORDS) + r")(?=[A-Z])"
    r"|(?<=[a-z])(?:" + "|".join(map(str.capitalize, CAMEL_CASE_FURNITURE_WORDS)) + r")(?:$|[-_\s\d]|(?=[A-Z]))"
)
# Blogger's templates put the posts themselves in <div class="widget Blog" id="Blog1">: that widget
# is the blog, not a sidebar box (its sidebar widgets are "widget Text", "widget Profile", …).
BLOGGER_POSTS_CLASS = re.compile(r"(?:^|\s)widget Blog(?:$|\s)")
# A "read more" box (see _is_read_more_expander).
READ_MORE = re.compile(r"read-?more", re.I)
# Family: WordPress's post_class() and body_class() (and the Sandbox themes' s-category-…) add one
# class per category and tag of the post ("tag-notebook-gallery", "category-social-media"): the
# post's topics, which name furniture words by chance, not the block's role.
TAXONOMY_CLASSES = re.compile(r"(?:^|(?<=\s))(?:s-)?(?:category|tag)-\S+")
# Words that mark the article itself; they outweigh a boilerplate word in the same class.
CONTENT_HINTS = re.compile(r"article|story|body|content|entry|post-?text|main|text", re.I)
# The names blog engines give a post's own text (WordPress's and Movable Type's entry-content,
# Blogger's post-body, TypePad's entry-body): the post, even where a sidebar or comments outscore it.
POST_BODY_CLASS = re.compile(r"(?:^|[-_\s])(?:entry|post)[-_]?(?:content|body|text)(?:$|[-_\s])", re.I)
# The record a blog engine wraps one post in, heading and text (WordPress's div.post and
# div.hentry, posterous's div.entry, a news template's div#article): see _post_around_headline.
POST_RECORD = re.compile(r"(?:^|\s)(?:article|post|entry|hentry)(?:$|\s)", re.I)
# Elements with hAtom's class for a post's title (see _lone_entry_title).
ENTRY_TITLE_XPATH = lxml.etree.XPath("//@class[contains(., 'entry-title')]")
# A form holding this many paragraphs wraps the page (ASP.NET) rather than a sign-up box.
FORM_PARAGRAPHS_KEPT = 3
# ...and so does a form or hidden element holding at least this share of the page's text
# (table-laid ASP.NET pages; stories a script reveals).
SHARE_KEPT = 0.5
# Classes of elements that are never text a reader sees in the story: hover cards inside
# paragraphs, and text for screen readers only ("Opens in a new window").
NEVER_CONTENT_CLASS_WORDS = (
    "rollover-people-block", "tooltip", "hovercard", "popover", "sr-only", "visually-hidden", "screen-reader-text",
)
NEVER_CONTENT_CLASSES = re.compile(r"(?:^|[-_\s])(?:" + "|".join(map(re.escape, NEVER_CONTENT_CLASS_WORDS)) + r")(?:$|\s)", re.I)
NEVER_CONTENT_CLASS_BYTES = tuple(word.encode() for word in NEVER_CONTENT_CLASS_WORDS)
# (Searches for elements by an attribute select the attributes, "//@class[…]", which libxml2
# finds two to three times faster than testing every element; attribute_holders gives their
# elements.)
NEVER_CONTENT_XPATH = lxml.etree.XPath("//@class[" + " or ".join(f"contains(., '{word}')" for word in NEVER_CONTENT_CLASS_WORDS) + "]")
# Elements the page itself hides from readers (the `hidden` attribute, an inline display:none or
# visibility:hidden, a <dialog> not opened, which browsers show only once a script opens it: a
# sign-up or cookie box): text kept for scripts or search engines, not the story (Mozilla
# Readability's isProbablyVisible), unless it is one of a set of tab panels.
HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\b", re.I)
HIDDEN_XPATH = lxml.etree.XPath("//@style[contains(., 'none') or contains(., 'hidden')] | //@hidden")
# (Dialogs are sought only on pages that hold one: a search by tag walks every element.)
CLOSED_DIALOG_BYTES = re.compile(rb"<dialog", re.I)
# Real class and id attributes run under a few hundred characters.
MAX_HINT_CHARS = 500
# Elements never part of an article's text.
NEVER_CONTENT_TAGS = (
    "script", "style", "noscript", "template", "svg", "iframe", "form", "button", "input",
    "select", "textarea", "nav", "object", "embed", "canvas", "video", "audio", "map",
)
# ...but for these, kept when they hold most of the page's text (see drop_never_content).
KEPT_IF_THE_PAGE = ("form", "noscript")
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Blocks inside an article that are never its running text (captions are read with figures).
NON_TEXT_TAGS = {"figure", "figcaption", "picture", "img", "hr", "aside", "footer", "time"}
# Elements that start a new block of text; a div holding none of these is itself a paragraph.
BLOCK_TAGS = HEADING_TAGS | {
    "p", "div", "section", "article", "main", "aside", "header", "footer", "blockquote", "ul",
    "ol", "li", "dl", "table", "figure", "pre", "hr", "form", "address", "details",
}
# Characters lxml refuses in text it is given (C0 controls but tab and line ends, lone surrogates,
# U+FFFE and U+FFFF).
NOT_XML_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Elements whose text ends a line: blocks, and the cells, terms and captions of tables and lists
# ("<td>Home</td><td>The first…" read as "HomeThe first").
LINE_ENDING_TAGS = BLOCK_TAGS | {"tr", "td", "th", "dt", "dd", "caption", "figcaption", "tbody", "thead", "tfoot"}
# A paragraph this short is a label or a widget, not prose (readability-lxml uses 25 too).
MIN_PARAGRAPH_CHARS = 25
# What score_containers reads as paragraphs: each scores for its parent and grandparent.
SCORED_TAGS = ("p", "pre", "td", "li", "div", "section", "article", "main", "span", "font", "center")
# Family: text written straight into <body> (hand-written pages and old CMS exports: lines between
# <br>s, <font>- or <center>-wrapped text with no block around it): where nothing else scores,
# what <body> holds beside its blocks scores for <body> itself, as a block's inline text does,
# once it is a story's worth of prose (see is_loose_story): less is a stray line or an error
# message, and a file that is no HTML at all (a binary one decoded as text) lands there too.
# (Read on every page, a copyright text loose in <body> joined a short story.)
SELF_SCORED_TAGS = ("body",)
# Prose is mostly word characters (about four fifths in English; in Arabic or Chinese too); bytes
# of a binary file read as text are mostly not.
MIN_PROSE_WORD_SHARE = 0.6
# A list item this long is a paragraph (a guestbook's or a forum's entries written as <li>s);
# shorter ones are menus, teasers, ingredients or steps, and do not make their list the body.
MIN_LIST_PARAGRAPH_CHARS = 300
# A block whose text is mostly link text is navigation or a related-stories card.
MAX_LINK_DENSITY = 0.5
# ...unless this many of its words are outside links: a blogger's paragraph that links most of
# its phrases yet says something of its own (a sentence runs to a dozen words or more)...
MIN_OWN_WORDS = 12
# ...and it is not a menu bar: three or more "|", "•" or "·" separators between its items.
MENU_SEPARATORS = re.compile(r"(?:\s[|•·]\s.*){3}")
# Only the best-scoring blocks are weighed by their class hints; the rest cannot win anyway.
CANDIDATES_WEIGHED = 20
# Containers tried in turn when the best holds no body text once furniture is left out.
BODY_CONTAINERS_TRIED = 3
# Sibling blocks of the best container join the body when they score this share of it, and at
# least this much (readability-lxml's figures).
SIBLING_SCORE_SHARE = 0.2
# A table cell scoring this share of the best cell's score continues the story (table layouts;
# 0.5 and 0.2 gave within a point of it on the WCEB dev pages).
TABLE_CELL_SHARE = 0.3
MIN_SIBLING_SCORE = 10
# A block's score is multiplied by its class weight: furniture (or inside it), plain, marked as content.
FURNITURE_WEIGHT = 0.2
CONTENT_WEIGHT = 1.25
# A block holding the headline and this share of the page's text wraps the page (see _layout_wrappers).
WRAPPER_SHARE = 0.9
# A post body with this score (about one paragraph) goes before furniture that outscores it.
MIN_POST_BODY_SCORE = 100
# What the block that beats a post around the headline scores at most (see _post_around_headline):
# a profile, a widget, a form's lines, a few paragraphs' worth. A winner scoring more is the
# story, and a post record around the headline (a header <article> with a credit line) does not
# replace it, unless that winner is furniture.
MAX_BEATING_BLOCK_SCORE = 5 * MIN_POST_BODY_SCORE
# How far above the best block a repeated record (a post on a blog's front page) is looked for.
RECORD_LEVELS = 3
# A table-laid page's side column is a cell declared at most this share of its row, or this many
# pixels wide (the 760-1000 px pages of the 2000s gave their side columns 120-250 px).
MAX_SIDE_COLUMN_PERCENT = 30
MAX_SIDE_COLUMN_PIXELS = 250
CELL_WIDTH = re.compile(r"\s*(\d{1,4})\s*(%|px)?\s*$")
# Inline elements old editors wrap a whole cell's text in; one holding this share of its cell's
# text stands for the cell (FrontPage wraps a cell in <font>; stray spaces and <br>s are the rest).
INLINE_WRAPPERS = ("font", "span", "center")
CELL_FILLED_SHARE = 0.8
# What a table-laid page wraps a cell's whole story in: inline styling, and the <blockquote> that
# editors of that era (FrontPage, Dreamweaver) used to indent a text, not to quote one.
CELL_WRAPPERS = (*INLINE_WRAPPERS, "blockquote")
# A block holding the best one and this share of text more is the same block in a wrapper.
FILLED_SHARE = 0.9
# Posts of one list share at least this share of their classes.
TWIN_CLASS_SHARE = 0.5
# Tags too common to make two blocks twins by themselves, without a class.
GENERIC_BLOCKS = ("div", "section", "p", "span", "table")
# Table cells and rows are left to _table_cell_chunks (the twins of a layout's cell are its sidebar
# and footer); a figure is read with the figures, not as text.
NOT_POSTS = ("td", "th", "tr", "tbody", *NON_TEXT_TAGS)
# Below this many characters of DOM text, a sane JSON-LD articleBody is trusted instead.
MIN_BODY_CHARS = 200

# --- Field thresholds, each with the family of pages it was set for.
# Headlines: a lone <h1> this long is the headline whatever social titles say (shorter ones are
# often the site's name); an <h1> shares this share of its words with a title that names it.
MIN_LONE_H1_CHARS = 15
MIN_TITLE_OVERLAP = 0.6
# "Headline | CBC News": the last part of a title, shorter than this, is the site's name.
MAX_SITE_SUFFIX_CHARS = 40
# Decks run a sentence or two; shorter is a label, longer is the story's first paragraph.
MIN_DECK_CHARS = 10
MAX_DECK_CHARS = 400
# A name in a byline: "Al" to a long double-barrelled name, at most five words.
MIN_NAME_CHARS = 2
MAX_NAME_CHARS = 60
MAX_NAME_WORDS = 5
# "Smart News, Smart News Science, …": three or more sections listed is a list to take the first of.
MIN_SECTION_LIST_ITEMS = 3
# A section link beside the headline ("World", "New Brunswick") is short.
MAX_KICKER_CHARS = 40
# Link paths that resolve to a folder whatever they end in: "./" and "../".
RELATIVE_SEGMENTS = {".", ".."}
# "With files from Reuters": a source line is one short line.
MAX_SOURCE_NOTE_CHARS = 200
# JSON-LD as real pages write it nests two or three levels; json.loads allows ~1000, deeper than
# the stack of the functions that read it.
MAX_JSON_LD_DEPTH = 8
# A sibling of the story's block continues it when it is prose: longer than this with few links,
# or shorter with no link and a full stop.
SHORT_PROSE_CHARS = 80
MAX_SIBLING_LINK_DENSITY = 0.25
SENTENCE_END = re.compile(r"\.( |$)")
# Text between <br>s shorter than three words is a label or a stray word, not a paragraph.
MIN_LOOSE_TEXT_WORDS = 3
# srcset widths ("800w"): more digits than this is no real width (and int() refuses 4,300).
MAX_WIDTH_DIGITS = 12
# Lines at a body's edges that belong to the template: datelines ("segunda-feira 22 de janeiro
# de 2018 às 0:13", "Nov. 19, 2019 5:44 a.m.") before it, sign-offs after it.
MAX_DATELINE_CHARS = 120
DATE_IN_TEXT = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b(?:19|20)\d{2}-\d{2}-\d{2}\b|"
    r"\b\d{1,2}:\d{2}\b.*\b(?:19|20)\d{2}\b|\b(?:19|20)\d{2}\b.*\b\d{1,2}:\d{2}\b|"
    rf"\b{MONTH_ABBREVIATION}[a-z]*\.?\s+\d{{1,2}},?\s+(?:19|20)\d{{2}}\b",
    re.I,
)
MAX_SIGN_OFF_CHARS = 200
SIGN_OFF = re.compile(
    r"^(?:like this story|share (?:this|it)|follow (?:us|him|her|them|@)|write to |have a (?:news )?tip|"
    r"contact (?:us|the (?:author|writer))|sign up|subscribe|click here|read more|©|copyright|"
    r"all rights reserved|comments?$)|(?:may|can) be reached at|^https?://\S+$",
    re.I,
)
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
# Lines that credit agencies or co-reporters at an article's foot ("With files from CBC News").
SOURCE_NOTE = re.compile(
    rf"^\s*(?:{DASH}\s*)?(?:with (?:files|reporting|a report) from|additional reporting by|"
    r"reporting by|with reporting by|written by .{0,60} with)\b",
    re.I,
)
# Text nodes that may start a source line, found by libxml2 before any Python runs.
SOURCE_NOTE_WORDS = ("files from", "eporting by", "report from", "ritten by")
SOURCE_NOTE_XPATH = lxml.etree.XPath(".//text()[" + " or ".join(f"contains(., '{words}')" for words in SOURCE_NOTE_WORDS) + "]")
# An image file under more captions than this is a lazy-loading placeholder shared by a list of
# teasers (Times of India, BBC), not a photo reused by an older template (two figures, one file).
MAX_CAPTIONS_PER_IMAGE = 2
# What sets a credit apart from its caption: "… | Foto: X", "… ∙ © X", "… – Photo: X".
CREDIT_SEPARATORS = f"|·∙•{DASHES}"
# A caption's trailing credit: CBC's "(Name/Agency)", or "Photo: Name" / "Credit: Name", the
# German and Dutch "Foto: Name" / "Bild: Name", or "© Name/Agency" (German papers).
TRAILING_CREDIT = re.compile(r"\s*\(([^()]{2,120})\)\s*$")
LABELLED_CREDIT = re.compile(
    rf"\s*[{CREDIT_SEPARATORS}]?\s*(?:\b(?:photo(?:graph)?s?|image|picture|credit|illustration|foto|bild)\s*(?:credit)?\s*:|©)\s*"
    r"(.{2,120})$",
    re.I,
)
# A parenthesis at a caption's end is a credit when it names a source ("Name/Agency") or follows
# the caption's last sentence; "(file)" or "(left)" are part of the caption.
CREDIT_WORDS = re.compile(
    r"/|\b(?:photo|foto|bild|press|reuters|getty|afp|ap|cbc|courtesy|submitted|images?|news|agency|file photo)\b",
    re.I,
)
# A byline's lead-in and separators: "By Jane Doe and John Roe, Reuters", in the languages of
# the European press ("Par ... et ...", "Por ... y ...", "Von ... und ...").
# Blog templates put the date first ("Posted on September 21, 2020 by Jane Doe"); forums head a
# post with its icon's title glued on ("Beitragvon jdoe »").
BYLINE_PREFIX = re.compile(r"^\s*(?:(?:written|geschrieben|verfasst|posted|published)\s+(?:on\s+[^|]{1,40}?\s+)?|beitrag\s*)?"
                           r"(?:by|par|por|von|door|av|di|autor(?:in)?|author|text|texte)\s*:?\s+", re.I)
BYLINE_ROLE = re.compile(r"\b(?:writer|reporter|correspondent|editor|staff|contributor|columnist|media|for|"
                         r"news|press|journalist|photographer|producer)\b", re.I)
# A byline runs a line or two; an element classed as one with more text holds the story (nested
# bylines read it once per level).
MAX_BYLINE_CHARS = 1000
# (The conjunctions in lower case only: "Sarah E. Needleman" and "Jean Y. Smith" are one name.)
BYLINE_SPLIT = re.compile(r"\s*(?:[,;]|\b(?:and|AND|et|y|e|und|en|och|og|ja)\b|&|\||·)\s*")
# Meta names that carry the author, in order of trust.
AUTHOR_META_NAMES = ("author", "article:author", "og:article:author", "article:byline", "byl", "sailthru.author",
                     "parsely-author", "cxenseparse:author", "dc.creator")
# Author values that name a company by its legal form, not a person ("wegewerk GmbH",
# "Olympia-Verlag GmbH, Nürnberg"); a newsroom's credit ("Redaktion") stays, as labellers keep
# it. (Bodies quoted in a story: ORGANISATION_WORDS.)
COMPANY_WORDS = re.compile(r"\b(?:GmbH|AG|Inc|Ltd|LLC|Verlag|S\.A|e\.V)\b", re.I)
# "mdr.de", "www.example.com": a domain standing for the site.
DOMAIN_NAME = re.compile(r"(?:[\w-]+\.)+[a-z]{2,}", re.I)
# Accounts a CMS credits when nobody signed the post (WordPress's default "admin"); a login
# name with an underscore ("sv_team") is an account too, never how a person signs.
CMS_ACCOUNTS = {"admin", "administrator", "wordpressadmin", "webmaster", "editor", "user", "guest"}
# A host's label this short is not taken for the site's name ("de", "co", "m").
MIN_SITE_LABEL_CHARS = 4
# Dates in article URLs: /2016/09/26/ or /20160926/.
URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:/|$|[-_])")
# ...and a day written the German way into a slug ("bericht_vom_22.04.2020_…"): day first, always.
URL_DOTTED_DATE = re.compile(r"(?<![\d.])(0?[1-9]|[12]\d|3[01])\.(0?[1-9]|1[0-2])\.((?:19|20)\d{2})(?![\d])")
# The oldest articles publishers put online (newspaper archives) go back to the 1800s; an older
# year is a placeholder.
MIN_YEAR = 1800
ISO_DATE = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?\s*$",
    re.I,
)
# Runs of white space, no-break spaces included, fold to one space (as readers and fundus see them).
WHITESPACE = re.compile(r"\s+")
WORD = re.compile(r"\w+")
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Browsers read these labels as windows-1252 (WHATWG Encoding Standard), and so do we.
WINDOWS_1252_ALIASES = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "us-ascii", "ascii"}


# ---------------------------------------------------------------- outcomes and errors

class ExitCode(enum.IntEnum):
    """Exit codes, ordered by severity: a batch exits with the worst one met."""

    OK = 0
    USAGE = 2
    FETCH_FAILED = 3
    NOT_AN_ARTICLE = 4
    ARCHIVE_FAILED = 5
    LOCKED = 6
    INTERNAL_ERROR = 70  # a bug in fetch_article (70 is sysexits' EX_SOFTWARE)
    INTERRUPTED = 130


class FetchArticleError(Exception):
    """An expected failure for one URL; carries the exit code it maps to."""

    exit_code = ExitCode.FETCH_FAILED


class UsageError(FetchArticleError):
    exit_code = ExitCode.USAGE


class FetchError(FetchArticleError):
    exit_code = ExitCode.FETCH_FAILED


class UnreachableError(FetchError):
    """The host did not resolve, refused the connection, or did not answer it in time."""


class TooLargeError(FetchError):
    """A body passed its byte cap."""


# A failure line names the page by its headline, cut to this length (one line in a cron mail).
MAX_HEADLINE_IN_ERROR = 100


class ExtractionError(FetchArticleError):
    """The page holds no article: no body text, or nothing decodable. The only error extract_article raises.

    `article` holds what was found all the same (headline, byline, dates, with empty text) when
    the page could be read: a section front or a page whose body the rules miss still names
    itself, and the failure line says so."""

    exit_code = ExitCode.NOT_AN_ARTICLE

    def __init__(self, message: str, article: Article | None = None) -> None:
        super().__init__(message)
        self.article = article

    def __str__(self) -> str:
        found = self.article
        if found is None or not (found.headline or found.published):
            return super().__str__()
        headline = found.headline or ""
        if len(headline) > MAX_HEADLINE_IN_ERROR:
            headline = headline[:MAX_HEADLINE_IN_ERROR].rstrip() + "…"
        parts = [f'headline "{headline}"'] if headline else []
        parts += [f"published {found.published}"] if found.published else []
        return f"{super().__str__()} (the page: {', '.join(parts)})"


class ArchiveError(FetchArticleError):
    exit_code = ExitCode.ARCHIVE_FAILED


class LockedError(FetchArticleError):
    exit_code = ExitCode.LOCKED


# ---------------------------------------------------------------- data

@dataclass(frozen=True)
class Capture:
    """How a page was obtained: the "capture" object of article.json."""

    url: str
    final_url: str
    status: int | None
    fetched_at: str
    content_type: str | None
    encoding: str
    encoding_source: str
    bytes: int
    sha256: str
    etag: str | None
    last_modified: str | None
    tool_version: str = __version__


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its response, as they went over the wire, for the WARC file."""

    url: str
    request_headers: tuple[tuple[str, str], ...]
    status: int
    reason: str
    response_headers: tuple[tuple[str, str], ...]
    body: bytes = b""
    body_file: Path | None = None  # where the body is instead, for images streamed to disk
    # (URI, WARC-Date) of an earlier capture's record with the same payload: written as a revisit
    revisit_of: tuple[str, str] | None = None


@dataclass(frozen=True)
class Page:
    """A page's bytes as served, with the record of its capture and the HTTP exchanges (redirects
    first) that brought it; a 304 Not Modified has an empty body."""

    body: bytes
    capture: Capture
    exchanges: tuple[Exchange, ...] = ()


@dataclass(frozen=True)
class Image:
    """A figure's image as downloaded into images/, or the reason it is not there."""

    src: str
    file: str | None
    content_type: str | None = None
    bytes: int = 0
    sha256: str | None = None
    error: str | None = None
    exchanges: tuple[Exchange, ...] = ()  # the redirects that led to it, then the image itself


@dataclass(frozen=True)
class Figure:
    src: str | None
    alt: str | None
    caption: str | None
    credit: str | None
    # How many paragraphs of `text` stand before it, so article.md can put it where it stood.
    position: int = 0


@dataclass(frozen=True)
class PullQuote:
    text: str
    attribution: str | None
    position: int = 0


class QuoteKind(str, enum.Enum):
    SPEECH = "speech"  # quoted words in a paragraph
    BLOCK = "block"  # a block quote of the story


@dataclass(frozen=True)
class Quote:
    text: str  # the quoted words, without the marks
    speaker: str | None  # as the article names them, in the fullest form it gives; None if unattributed
    speaker_title: str | None  # "civil defence worker", "Kremlin spokesman"
    cue: str | None  # "said", "told reporters", "according to", "described him as"
    paragraph: int  # index of the paragraph of `text` (split on blank lines) that holds it
    kind: QuoteKind
    rule: str | None  # the speaker rule that named the speaker (SPEAKER_RULES); None if unattributed


@dataclass(frozen=True)
class Article:
    """Everything extracted from one page; dataclasses.asdict() is article.json's "article"."""

    url: str | None
    canonical_url: str | None
    site_name: str | None
    language: str | None
    section: str | None
    headline: str | None  # None only when the page names none: no <h1>, no title of any kind
    deck: str | None
    summary: str | None
    authors: tuple[str, ...]
    published: str | None
    modified: str | None
    text: str
    headings: tuple[str, ...]
    figures: tuple[Figure, ...]
    pull_quotes: tuple[PullQuote, ...]
    quotes: tuple[Quote, ...]
    source_note: str | None
    # field name -> where its value came from ("json-ld", "meta og:title", "h1.detailHeadline"...)
    provenance: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PreviousCapture:
    """The latest capture of a URL in the archive, as read from its folder."""

    folder: Path
    document: dict
    markdown: str

    def conditional_headers(self) -> dict[str, str]:
        capture = self.document["capture"]
        headers = {"If-None-Match": capture.get("etag"), "If-Modified-Since": capture.get("last_modified")}
        return {name: value for name, value in headers.items() if isinstance(value, str) and value}


# ---------------------------------------------------------------- decoding

def decode_html(body: bytes, http_charset: str | None = None) -> tuple[str, str, str]:
    """Decode a page: BOM, then the HTTP charset, then <meta charset>, then detection.

    Returns (text, encoding, which one decided). A declared charset that cannot decode the bytes
    is passed over, since servers often mislabel pages.
    """
    for bom, encoding in BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, "replace"), encoding, "bom"
    declared = (
        (http_charset, "http"),
        (_meta_charset(body), "meta"),
    )
    for label, source in declared:
        codec = _codec_name(label)
        if codec and codec != "utf-8" and _is_utf8_beyond_ascii(body):
            # A site that moved to UTF-8 and kept its old <meta charset="iso-8859-1"> (or a server
            # default): non-ASCII text that decodes as UTF-8 is UTF-8, and read as Latin-1 it
            # came out as "fÃ¼r".
            return body.decode("utf-8"), "utf-8", "detected"
        if codec:
            try:
                return body.decode(codec), codec, source
            except (UnicodeError, LookupError):
                # UnicodeError, not only UnicodeDecodeError: "undefined", "idna" and "punycode" raise
                # the plain class; LookupError: "hex", "base64", "rot13" are codecs but not text encodings
                log.debug("declared %s charset %s does not decode the page", source, label)
    try:
        # Non-ASCII text that decodes as UTF-8 is UTF-8: other encodings almost never do.
        return body.decode("utf-8"), "utf-8", "detected"
    except UnicodeDecodeError:
        pass
    # charset_normalizer, not UnicodeDammit's detection: where chardet is installed, UnicodeDammit
    # hands it the page, and chardet took 69 s on a 32 KB page in our fuzzing (6 ms here).
    best = charset_normalizer.from_bytes(body[:DETECTION_SAMPLE_BYTES]).best()
    detected = _codec_name(best.encoding if best else None)
    if detected:
        return body.decode(detected, "replace"), detected, "detected"
    return body.decode("utf-8", "replace"), "utf-8", "fallback"


def _is_utf8_beyond_ascii(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _meta_charset(body: bytes) -> str | None:
    """The encoding the page declares: <meta charset>, <meta http-equiv> or <?xml encoding?>."""
    return EncodingDetector.find_declared_encoding(body[:META_CHARSET_SCAN_BYTES], is_html=True)


def _codec_name(label: str | None) -> str | None:
    """Python's name for an encoding label, or None when it names no codec we may use."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in WINDOWS_1252_ALIASES:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):  # ValueError: a label holding a NUL character
        return None
    # A page cannot really be UTF-16 without a BOM here; such a label is a server's mistake.
    return None if name.startswith(("utf-16", "utf-32")) else name


def charset_from_content_type(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type or "", re.I)
    return match.group(1) if match else None


# ---------------------------------------------------------------- fetching (I/O edge)

class Budget:
    """One URL's wall-clock budget (--timeout): the page with its redirects and retries, the
    extraction, and the images all draw on it.

    Socket timeouts bound each read, never their sum: a server that sends its headers a byte at
    a time resets them forever. So a timer shuts down every connection still working for the
    budget when it runs out, and whatever was reading fails at once."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.deadline_at = time.monotonic() + seconds
        self._connections: list[urllib3.connection.HTTPConnection] = []
        self._lock = threading.Lock()
        self._spent = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def __enter__(self) -> Budget:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()
        with self._lock:
            self._connections.clear()

    def remaining(self) -> float:
        return max(0.0, self.deadline_at - time.monotonic())

    @property
    def spent(self) -> bool:
        return self._spent or self.remaining() == 0.0

    def watch(self, connection: urllib3.connection.HTTPConnection) -> None:
        with self._lock:
            if self._spent:
                _shut_down(connection)
            elif connection not in self._connections:
                self._connections.append(connection)

    def _expire(self) -> None:
        with self._lock:
            self._spent = True
            for connection in self._connections:
                _shut_down(connection)
            self._connections.clear()


def _shut_down(connection: urllib3.connection.HTTPConnection) -> None:
    """Wake whatever is blocked reading the connection: a shut-down socket reads as closed."""
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            # socket.socket's own shutdown, not SSLSocket's, which would drop the TLS state
            # under a reader in another thread
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


@dataclass(frozen=True)
class Guard:
    """What the connections opened for one fetch must respect: its budget and, for addresses
    a page merely mentions (images), which places on the network they may reach."""

    budget: Budget
    public_only: bool = False
    # With public_only, the page's own origin may still be private (an intranet page's images).
    trusted_origin: tuple[str, str, int] | None = None


ACTIVE_GUARD: contextvars.ContextVar[Guard | None] = contextvars.ContextVar("fetch_article_guard", default=None)


@contextlib.contextmanager
def guarded(guard: Guard) -> Iterator[Guard]:
    token = ACTIVE_GUARD.set(guard)
    try:
        yield guard
    finally:
        ACTIVE_GUARD.reset(token)


def guard_for(budget: Budget, listed_by: str | None) -> Guard:
    """The guard of a fetch: an address the user gave may be anywhere; one a feed or a page
    listed (`listed_by`) may not lead to a private address, unless on that listing's own site."""
    if listed_by is None:
        return Guard(budget)
    return Guard(budget, public_only=True, trusted_origin=origin_of(listed_by))


def origin_of(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) URL; None for anything else."""
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return None
    if not parts.hostname or port is None:
        return None
    return parts.scheme.lower(), parts.hostname.lower(), port


def host_of(url: str) -> str:
    """The host name of an http(s) URL, lower case ("" when it has none)."""
    origin = origin_of(url)
    return origin[1] if origin else ""


def is_public_address(address: str) -> bool:
    """A globally routable unicast address: not loopback, RFC 1918, link-local (cloud metadata
    at 169.254.169.254), unique-local, shared, reserved or multicast."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class GuardedConnection(urllib3.connection.HTTPConnection):
    """An HTTP connection that answers to the active Guard: it joins the budget, so running out
    of time shuts it, and it refuses to talk to a private address it is not allowed to reach."""

    def connect(self) -> None:
        guard = ACTIVE_GUARD.get()
        if guard is not None:
            guard.budget.watch(self)  # from the start, so a TLS handshake that drips is cut too
            if not self.proxy_is_forwarding:  # (a forwarding proxy's target is checked in request)
                _check_destination(self, guard)  # an address written out is refused before connecting
        super().connect()
        if guard is not None:
            guard.budget.watch(self)  # the budget may have run out while connecting
            if not self.proxy_is_forwarding:
                _check_destination(self, guard)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> None:
        guard = ACTIVE_GUARD.get()
        if guard is not None:
            if self.sock is not None:  # a kept-alive connection joins this fetch's budget
                guard.budget.watch(self)
            if self.sock is not None or self.proxy_is_forwarding:
                _check_destination(self, guard, url)
        super().request(method, url, *args, **kwargs)


class GuardedHTTPSConnection(GuardedConnection, urllib3.connection.HTTPSConnection):
    pass


class GuardedHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = GuardedConnection


class GuardedHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


def _check_destination(connection: GuardedConnection, guard: Guard, url: str = "") -> None:
    """Raise FetchError, before a byte is sent, when the guard keeps this fetch off the private
    network and the connection leads there. The address checked is the one connected to, so a
    name that resolves differently a second time cannot slip through; an address written in the
    URL is checked before connecting; through a proxy, the target's name is resolved instead."""
    if not guard.public_only:
        return
    if connection.proxy_is_forwarding:
        destination = origin_of(url)
    else:
        scheme = "https" if isinstance(connection, urllib3.connection.HTTPSConnection) else "http"
        host = connection._tunnel_host or connection.host
        destination = scheme, host.lower().strip("[]"), connection._tunnel_port or connection.port or DEFAULT_PORTS[scheme]
    if destination is None or destination == guard.trusted_origin:
        return
    _, host, port = destination
    if _is_ip_literal(host):
        addresses = [host]
    elif connection.proxy is not None:
        try:
            addresses = [str(info[4][0]) for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)]
        except OSError as error:
            raise FetchError(f"cannot resolve {host}: {error.strerror or error}") from None
    elif connection.sock is not None:
        addresses = [connection.sock.getpeername()[0]]
    else:
        return  # a name, not connected yet: checked once connected
    private = [address for address in addresses if not is_public_address(address)]
    if private:
        connection.close()
        raise FetchError(f"refused: {host} is on a private network ({private[0]}), and only the page's own site may be")


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


class DeadlineRetry(Retry):
    """urllib3's Retry, bounded by a moment on the monotonic clock: no retry starts after it,
    and no backoff or Retry-After wait runs past it. A name that does not resolve is not
    retried: DNS has already tried its servers, and asking again only makes a dead host slow;
    nor is a failed TLS handshake (an http:// server, a bad certificate: the same next time)."""

    deadline_at = float("inf")

    def until(self, deadline_at: float) -> DeadlineRetry:
        retry = self.new()
        retry.deadline_at = deadline_at
        return retry

    def new(self, **changes: Any) -> DeadlineRetry:
        retry = super().new(**changes)
        retry.deadline_at = self.deadline_at
        return retry

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None) -> DeadlineRetry:
        where = f"{_pool.scheme}://{_pool.host}:{_pool.port}{url}" if _pool is not None and (url or "").startswith("/") else url
        log.debug("%s %s: %s; asking again if the policy allows", method, where,
                  f"HTTP {response.status}" if response is not None else _short_reason(error) if error else "no answer")
        if isinstance(error, (urllib3.exceptions.NameResolutionError, urllib3.exceptions.SSLError)):
            raise urllib3.exceptions.MaxRetryError(_pool, url, error) from error
        if response is not None and self._wait(response) >= self.deadline_at - time.monotonic():
            # no time to wait and ask again: the answer we have (a 503, a 429) is the answer
            raise urllib3.exceptions.MaxRetryError(_pool, url, urllib3.exceptions.ResponseError("no time to retry"))
        return cast(DeadlineRetry, super().increment(method, url, response, error, _pool, _stacktrace))

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        return time.monotonic() < self.deadline_at and super().is_retry(method, status_code, has_retry_after)

    def is_exhausted(self) -> bool:
        return time.monotonic() >= self.deadline_at or super().is_exhausted()

    def sleep(self, response=None) -> None:
        time.sleep(max(0.0, min(self._wait(response), self.deadline_at - time.monotonic())))

    def _wait(self, response=None) -> float:
        wait = self.get_retry_after(response) if response is not None and self.respect_retry_after_header else None
        return self.get_backoff_time() if wait is None else wait


# The retry policy; each fetch bounds it with its own deadline (DeadlineRetry.until).
RETRY_POLICY = DeadlineRetry(
    total=RETRY_ATTEMPTS,
    connect=RETRY_ATTEMPTS,
    read=1,  # a read that timed out once will likely time out again
    status=RETRY_ATTEMPTS,
    redirect=False,  # requests follows redirects itself, up to session.max_redirects
    allowed_methods=frozenset({"GET"}),
    status_forcelist=RETRY_STATUSES,
    backoff_factor=RETRY_BACKOFF_FACTOR,
    respect_retry_after_header=True,
    retry_after_max=RETRY_AFTER_MAX,
    raise_on_status=False,  # the last 5xx comes back as a response and is reported as such
)


class GuardedAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter with connection pools whose connections answer to the active Guard."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": GuardedHTTPPool, "https": GuardedHTTPSPool}

    def proxy_manager_for(self, *args: Any, **kwargs: Any) -> urllib3.PoolManager:
        manager = super().proxy_manager_for(*args, **kwargs)
        manager.pool_classes_by_scheme = {"http": GuardedHTTPPool, "https": GuardedHTTPSPool}
        return manager


def build_session(user_agent: str = USER_AGENT) -> requests.Session:
    """One session for the run: connection reuse, an honest User-Agent, retries on transient errors."""
    session = requests.Session()
    for scheme in ("http://", "https://"):
        session.mount(scheme, GuardedAdapter(max_retries=RETRY_POLICY))
    session.headers.update({
        "User-Agent": user_agent,
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    })
    session.max_redirects = MAX_REDIRECTS
    return session


# ---------------------------------------------------------------- politeness

# Workers by default: a night's list spans a few sites, and each site gets one request at a time
# whatever the count, so more workers would mostly wait on the same hosts.
DEFAULT_JOBS = 4
# From the end of one request to a host to the start of the next, by default: about the pace of a
# reader's browser, and what a newsroom's server does not notice.
DEFAULT_HOST_DELAY = 1.0
# How often the main thread looks whether the workers are done (and so how soon it sees Ctrl-C).
WORKER_POLL_SECONDS = 0.1
# A longer pause would leave a night's list of one site unfinished by morning.
MAX_HOST_DELAY = 60.0


@dataclass
class HostGate:
    """One host's turn: a lock held by the request in flight, the moment the next page may be
    asked for (the delay after the last request), and the moment the host asked us to wait till."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    free_at: float = 0.0  # on the monotonic clock, as is held_until
    held_until: float = 0.0

    def note(self, response: requests.Response) -> None:
        """A 429 or 503 with Retry-After holds the host that long (up to RETRY_AFTER_MAX) for
        the run's later requests, whichever worker makes them."""
        if response.status_code in (http.HTTPStatus.TOO_MANY_REQUESTS, http.HTTPStatus.SERVICE_UNAVAILABLE):
            with contextlib.suppress(urllib3.exceptions.InvalidHeader):
                wait = RETRY_POLICY.parse_retry_after(response.headers.get("Retry-After") or "")
                self.held_until = max(self.held_until, time.monotonic() + min(wait, RETRY_AFTER_MAX))


class HostGates:
    """Politeness across a run's workers: at most one request in flight to a host (its name and
    port) and `delay` seconds between one's end and the next one's start."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._lock = threading.Lock()
        self._gates: dict[str, HostGate] = {}

    def of_key(self, key: str) -> HostGate:
        with self._lock:
            return self._gates.setdefault(key, HostGate())


def politeness_key(url: str) -> str:
    """The server a URL is asked of: host and port ("" when it is not an http(s) URL)."""
    origin = origin_of(url)
    return f"{origin[1]}:{origin[2]}" if origin else ""


# The run's gates, where a run set them (a fetch made through the Python API has none).
ACTIVE_GATES: contextvars.ContextVar[HostGates | None] = contextvars.ContextVar("fetch_article_gates", default=None)


@contextlib.contextmanager
def host_turn(url: str, budget: Budget, pause: bool = True) -> Iterator[HostGate]:
    """Wait (within the budget) for the host's turn, and hold it for one request with its retries
    and redirects (a redirect to another host is asked under the first one's turn). A page's
    images are asked for right after it, one at a time (`pause` False): the delay is kept
    between pages, as a reader's browser loads a page's pictures and then waits for the reader."""
    gates = ACTIVE_GATES.get()
    if gates is None:
        yield HostGate()  # no run, no neighbours: a gate of its own
        return
    gate = gates.of_key(politeness_key(url))
    if not gate.lock.acquire(timeout=budget.remaining()):
        raise FetchError(f"too slow: {host_of(url)} was busy with other requests for the whole {budget.seconds:g} s time limit")
    try:
        wait = max(gate.free_at if pause else 0.0, gate.held_until) - time.monotonic()
        if wait > budget.remaining():
            raise FetchError(f"too slow: {host_of(url)} asked to wait {wait:.0f} s, past the {budget.seconds:g} s time limit")
        time.sleep(max(0.0, wait))
        yield gate
    finally:
        gate.free_at = max(gate.free_at, time.monotonic() + gates.delay)
        gate.lock.release()


def fetch_page(session: requests.Session, url: str, budget: Budget, now: datetime,
               conditional: dict[str, str] | None = None, listed_by: str | None = None) -> Page:
    """GET one page as bytes within the budget; raise FetchError on any failure.

    `conditional` holds If-None-Match / If-Modified-Since from the last capture; a 304 answer
    comes back as a Page with status 304 and no body. A page a feed listed (`listed_by`) may not
    lead to a private address, unless on the feed's own site."""
    with guarded(guard_for(budget, listed_by)), host_turn(url, budget) as gate:
        response = _get(session, url, budget, conditional)
        gate.note(response)
        log_exchanges(response)
        with response:
            if response.status_code == http.HTTPStatus.NOT_MODIFIED and conditional:
                return Page(b"", _capture(url, response, b"", None, ("", ""), now), _exchanges(response, b""))
            if response.status_code >= http.HTTPStatus.BAD_REQUEST:
                raise FetchError(f"HTTP {response.status_code} {response.reason or ''}".strip())
            content_type = response.headers.get("Content-Type")
            mime = (content_type or "").split(";")[0].strip().lower()
            if mime and mime not in HTML_CONTENT_TYPES:
                raise FetchError(f"not an HTML page ({mime})")
            declared_length = response.headers.get("Content-Length", "")
            if declared_length.isdigit() and int(declared_length) > MAX_PAGE_BYTES:
                raise FetchError(f"page too large ({int(declared_length):,} bytes; the cap is {MAX_PAGE_BYTES:,})")
            body = b"".join(read_body(response, budget, MAX_PAGE_BYTES))
    log.debug("%s: %s bytes read", response.url, f"{len(body):,}")
    if not mime and not looks_like_markup(body):
        raise FetchError("not an HTML page (no content type, and the body is not markup)")
    encoding = decode_html(body, charset_from_content_type(content_type))[1:]
    return Page(body, _capture(url, response, body, content_type, encoding, now), _exchanges(response, body))


def log_exchanges(response: requests.Response) -> None:
    """With -vv, each HTTP exchange of a fetch: the redirects, then the answer (its body is
    logged when read)."""
    for hop in (*response.history, response):
        where = "" if hop is response else f" -> {hop.headers.get('Location', '?')}"
        log.debug("%s %s: %s %s in %.0f ms%s", hop.request.method, hop.url, hop.status_code, hop.reason or "",
                  hop.elapsed.total_seconds() * 1000, where)


def _get(session: requests.Session, url: str, budget: Budget, headers: dict[str, str] | None = None) -> requests.Response:
    if budget.spent:
        raise FetchError(f"too slow: the {budget.seconds:g} s time limit was spent before it started")
    # Each try gets its share of the budget, so a hung try leaves time for the next one.
    attempt_timeout = min(READ_TIMEOUT, budget.seconds / (RETRY_ATTEMPTS + 1), budget.remaining())
    for adapter in session.adapters.values():
        if isinstance(adapter, requests.adapters.HTTPAdapter):
            adapter.max_retries = RETRY_POLICY.until(budget.deadline_at)
    try:
        return session.get(
            url, stream=True, headers=headers, timeout=(min(CONNECT_TIMEOUT, attempt_timeout), attempt_timeout)
        )
    except requests.RequestException as error:
        if isinstance(error, requests.TooManyRedirects):
            raise FetchError(f"more than {MAX_REDIRECTS} redirects") from None
        if isinstance(error, requests.exceptions.InvalidSchema):
            raise FetchError(f"redirected to a URL that is not http(s): {error}") from None
        if isinstance(error, requests.exceptions.InvalidURL):
            raise FetchError(f"not a valid URL: {_short_reason(error)}") from None
        if isinstance(error, requests.exceptions.SSLError):
            # a plain prefix for the library's text; "wrong version number" is what an http:// server answers
            reason = _short_reason(error)
            hint = ": is this an http:// server?" if "WRONG_VERSION_NUMBER" in reason else ""
            raise FetchError(f"TLS handshake failed{hint} ({reason})") from None
        if _cause_of_kind(error, urllib3.exceptions.ConnectTimeoutError):  # includes refused and unresolved
            raise UnreachableError(f"network error: {_short_reason(error)}") from None
        if budget.spent:  # the budget's timer shut the connection, whatever it was waiting for
            raise FetchError(f"too slow: no answer within the {budget.seconds:g} s time limit") from None
        if isinstance(error, requests.Timeout) or _cause_of_kind(error, urllib3.exceptions.ReadTimeoutError):
            # in the user's terms (--timeout), not urllib3's ("read timeout=0.5"): each try's share of it
            tries = (RETRY_POLICY.read or 0) + 1
            raise FetchError(f"no answer: the server took the connection and sent nothing in {attempt_timeout:g} s, "
                             f"{tries} times (the time limit is {budget.seconds:g} s)") from None
        raise FetchError(f"network error: {_short_reason(error)}") from None


def _cause_of_kind(error: BaseException, kind: type[BaseException]) -> bool:
    """Whether `error` or anything it wraps (requests wraps urllib3, which wraps the socket's
    error) is of `kind`."""
    seen: set[int] = set()
    current: object = error
    while isinstance(current, BaseException) and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        inner = getattr(current, "reason", None)
        current = inner if isinstance(inner, BaseException) else (current.args[0] if current.args else None)
    return False


def _capture(url: str, response: requests.Response, body: bytes, content_type: str | None,
             encoding: tuple[str, str], now: datetime) -> Capture:
    return capture_record(url, body, now, encoding, final_url=response.url, status=response.status_code,
                          content_type=content_type, etag=response.headers.get("ETag"),
                          last_modified=response.headers.get("Last-Modified"))


def capture_record(url: str, body: bytes, now: datetime, encoding: tuple[str, str], *,
                   final_url: str | None = None, status: int | None = None, content_type: str | None = None,
                   etag: str | None = None, last_modified: str | None = None) -> Capture:
    """The capture of `body`; the keywords are what a server said (a saved page has none)."""
    return Capture(
        url=url,
        final_url=final_url or url,
        status=status,
        fetched_at=now.astimezone(timezone.utc).isoformat(timespec="seconds"),
        content_type=content_type,
        encoding=encoding[0],
        encoding_source=encoding[1],
        bytes=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
        etag=etag,
        last_modified=last_modified,
    )


def _exchanges(response: requests.Response, body: bytes = b"", body_file: Path | None = None) -> tuple[Exchange, ...]:
    """The redirects that led to the response, then the response with its body (in memory, or
    in a file for images)."""
    return tuple(
        Exchange(
            url=hop.url,
            request_headers=tuple(hop.request.headers.items()),
            status=hop.status_code,
            reason=hop.reason or "",
            response_headers=tuple(hop.raw.headers.items()) if hop.raw is not None else tuple(hop.headers.items()),
            body=body if hop is response else b"",
            body_file=body_file if hop is response else None,
        )
        for hop in (*response.history, response)
    )


@dataclass
class RunState:
    """What the URLs of one run share: image hosts found unreachable (not tried again, so one
    dead image host costs one failure a night, not one per image), and the lock under which a
    capture is compared with the latest and numbered (two workers never race for <slug>-2)."""

    unreachable_hosts: set[str] = field(default_factory=set)
    write_lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class ImageQuota:
    """What one capture may still download: images, and bytes (counting those of an image cut
    short: they came over the wire all the same)."""

    images_left: int = field(default_factory=lambda: MAX_IMAGES)
    bytes_left: int = field(default_factory=lambda: MAX_IMAGES_TOTAL_BYTES)


def fetch_images(session: requests.Session, figures: Iterable[Figure], folder: Path, budget: Budget,
                 page_url: str, run: RunState) -> tuple[Image, ...]:
    """Download the figures' images into `folder`, within the URL's budget and the capture's
    quota; a failure is recorded on its Image, never raised. Images elsewhere than the page's
    own site may not lead to a private address."""
    images: list[Image] = []
    taken: set[str] = set()
    quota = ImageQuota()
    guard = Guard(budget, public_only=True, trusted_origin=origin_of(page_url))
    for figure in figures:
        src = figure.src
        if not src or src in taken or origin_of(src) is None:
            continue
        taken.add(src)
        image = _skipped_image(src, budget, quota, run)
        quota.images_left -= 1
        if image is None:
            with guarded(guard):
                image = fetch_image(session, src, len(images) + 1, folder, budget, quota, run)
        images.append(image)
    return tuple(images)


def _skipped_image(src: str, budget: Budget, quota: ImageQuota, run: RunState) -> Image | None:
    """The reason not to try this image at all, as an Image, or None to try it."""
    if quota.images_left <= 0:
        reason = f"not fetched: a capture takes at most {MAX_IMAGES} images"
    elif quota.bytes_left <= 0:
        reason = f"not fetched: the capture's images reached the {MAX_IMAGES_TOTAL_BYTES:,}-byte cap"
    elif budget.spent:
        reason = f"not fetched: the URL's {budget.seconds:g} s time limit was spent"
    elif host_of(src) in run.unreachable_hosts:
        reason = f"not fetched: {host_of(src)} could not be reached earlier in this run"
    else:
        return None
    return Image(src=src, file=None, error=reason)


def fetch_image(session: requests.Session, src: str, number: int, folder: Path, budget: Budget,
                quota: ImageQuota, run: RunState) -> Image:
    """Stream one image into `folder` (never whole in memory); its Image records the file or why
    there is none. A partly written file is removed."""
    path = None
    total_binds = quota.bytes_left < MAX_IMAGE_BYTES
    try:
        with host_turn(src, budget, pause=False) as gate, _get(session, src, budget) as response:
            gate.note(response)
            if response.status_code >= http.HTTPStatus.BAD_REQUEST:
                raise FetchError(f"HTTP {response.status_code} {response.reason or ''}".strip())
            content_type = response.headers.get("Content-Type", "")
            if not content_type.startswith("image/"):
                raise FetchError(f"not an image ({content_type or 'no content type'})")
            folder.mkdir(exist_ok=True)
            path = folder / image_file_name(number, src, content_type)
            digest, size = hashlib.sha256(), 0
            with open(path, "xb") as handle:
                for piece in read_body(response, budget, min(MAX_IMAGE_BYTES, quota.bytes_left)):
                    handle.write(piece)
                    digest.update(piece)
                    size += len(piece)
                    quota.bytes_left -= len(piece)
                handle.flush()
                os.fsync(handle.fileno())
            exchanges = _exchanges(response, body_file=path)
    except FetchError as error:
        if isinstance(error, UnreachableError):
            run.unreachable_hosts.add(host_of(src))
        if isinstance(error, TooLargeError) and total_binds:
            quota.bytes_left = 0
            error = TooLargeError(f"too large: the capture's images reached the {MAX_IMAGES_TOTAL_BYTES:,}-byte cap")
        if path is not None:
            path.unlink(missing_ok=True)
        return Image(src=src, file=None, error=str(error))
    return Image(src=src, file=path.name, content_type=content_type, bytes=size, sha256=digest.hexdigest(),
                 exchanges=exchanges)


# ---------------------------------------------------------------- page requisites

# What a replay needs beside the page and its figures, as wget --page-requisites takes it: a big
# site's article loads 50 to 150 stylesheets, scripts, fonts and pictures; past these caps the
# rest is left out (the capture is written all the same).
MAX_REQUISITES = 150
MAX_REQUISITE_BYTES = 10 * 1024 * 1024
MAX_REQUISITES_TOTAL_BYTES = 50 * 1024 * 1024
# Stylesheets that @import stylesheets: deeper chains are left out.
MAX_IMPORT_DEPTH = 3
CSS_REFERENCE = re.compile(r"""@import\s+(?:url\(\s*)?(['"]?)([^'"()\s;]+)\1|url\(\s*(['"]?)([^'"()]+?)\3\s*\)""", re.I)
STYLESHEET_TYPES = ("text/css",)
REQUISITE_LINK_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload", "manifest"}
REQUISITE_XPATH = lxml.etree.XPath(
    "//link[@href] | //script[@src] | //img[@src or @srcset or @data-src] | //source[@src or @srcset]"
    " | //video[@poster] | //input[@type='image'][@src] | //*[@style][contains(@style, 'url(')] | //style"
    " | //*[@background]")


def page_requisites(root: Element, base_url: str) -> list[str]:
    """The addresses a page loads to be shown as it looked: stylesheets, icons, scripts, images
    (src, srcset, <picture> sources, posters, backgrounds) and what inline styles load, each
    once, in page order. Pure."""
    found: list[str] = []
    for element in REQUISITE_XPATH(root):
        if element.tag == "link":
            if REQUISITE_LINK_RELS & set((element.get("rel") or "").lower().split()):
                found.append(element.get("href"))
        elif element.tag == "style":
            found += css_references(text_content(element))
        else:
            found += [element.get(name) for name in ("src", "data-src", "poster", "background") if element.get(name)]
            found += [candidate.split()[0] for name in ("srcset",) for candidate in (element.get(name) or "").split(",")
                      if candidate.split()]
            found += css_references(element.get("style") or "")
    return _resolved_once(base_url, found)


def css_references(css: str) -> list[str]:
    """What a stylesheet loads: @import targets and url(…) (fonts, images), as written."""
    return [match.group(2) or match.group(4) for match in CSS_REFERENCE.finditer(css)]


def _resolved_once(base_url: str, references: Iterable[str | None]) -> list[str]:
    urls: dict[str, None] = {}
    for reference in references:
        url = absolute_url(base_url, reference.strip()) if reference and not reference.strip().startswith("data:") else None
        if url and origin_of(url) is not None:
            urls.setdefault(url.split("#")[0], None)
    return list(urls)


def fetch_requisites(session: requests.Session, page: Page, budget: Budget, run: RunState,
                     done: set[str], earlier: dict[str, tuple[str, str]]) -> tuple[Exchange, ...]:
    """The page's requisites as HTTP exchanges for its WARC (never files of the capture), within
    the URL's budget and the caps, with images' address rules (no private network beyond the
    page's own site). `done` holds addresses already in the capture (its figures); `earlier`
    maps an address to its payload digest and date in the last capture, so an unchanged resource
    is written as a revisit. A failure leaves the resource out."""
    page_url = page.capture.final_url
    queue = collections.deque((url, 0) for url in page_requisites(parse_html(as_utf8(page.body)), page_url)[:MAX_REQUISITES])
    exchanges: list[Exchange] = []
    total = 0
    guard = Guard(budget, public_only=True, trusted_origin=origin_of(page_url))
    seen = set(done) | {page_url}
    while queue and len(seen) - len(done) <= MAX_REQUISITES and total < MAX_REQUISITES_TOTAL_BYTES and not budget.spent:
        url, depth = queue.popleft()
        if url in seen or host_of(url) in run.unreachable_hosts:
            continue
        seen.add(url)
        try:
            with guarded(guard):
                fetched = fetch_requisite(session, url, budget, min(MAX_REQUISITE_BYTES, MAX_REQUISITES_TOTAL_BYTES - total))
        except FetchError as error:
            if isinstance(error, UnreachableError):
                run.unreachable_hosts.add(host_of(url))
            log.debug("%s: requisite %s not saved: %s", page_url, url, error)
            continue
        last = fetched[-1]
        total += len(last.body)
        digest = payload_digest(last.body)
        if earlier.get(url, ("", ""))[0] == digest:
            fetched = (*fetched[:-1], dataclasses.replace(last, revisit_of=(url, earlier[url][1])))
        exchanges += fetched
        content_type = dict((name.lower(), value) for name, value in last.response_headers).get("content-type", "")
        if depth < MAX_IMPORT_DEPTH and content_type.split(";")[0].strip().lower() in STYLESHEET_TYPES:
            css = last.body.decode("utf-8", "replace")
            room = max(0, MAX_REQUISITES - len(queue))  # (a stylesheet may name a million addresses)
            queue.extend((found, depth + 1) for found in _resolved_once(last.url, css_references(css)[:room]))
    return tuple(exchanges)


def fetch_requisite(session: requests.Session, url: str, budget: Budget, cap: int) -> tuple[Exchange, ...]:
    """One requisite, with the redirects that led to it, held in memory (it is capped)."""
    with host_turn(url, budget, pause=False) as gate, _get(session, url, budget) as response:
        gate.note(response)
        if response.status_code >= http.HTTPStatus.BAD_REQUEST:
            raise FetchError(f"HTTP {response.status_code}")
        body = b"".join(read_body(response, budget, cap))
        return _exchanges(response, body)


def payload_digest(body: bytes) -> str:
    """A WARC-Payload-Digest as warcio writes it: SHA-1, base32."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def earlier_payloads(previous: PreviousCapture | None) -> dict[str, tuple[str, str]]:
    """Each response the last capture's WARC holds: its payload digest and date, by address."""
    path = previous.folder / "capture.warc.gz" if previous else None
    found: dict[str, tuple[str, str]] = {}
    if path is None or not path.is_file():
        return found
    with contextlib.suppress(OSError, *WARC_READ_ERRORS), open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            headers = record.rec_headers
            digest = headers.get_header("WARC-Payload-Digest")
            if record.rec_type == "response" and digest:
                found[headers.get_header("WARC-Target-URI")] = (digest, headers.get_header("WARC-Date"))
            elif record.rec_type == "revisit" and digest:  # the bytes are where the revisit points
                found[headers.get_header("WARC-Target-URI")] = (digest, headers.get_header("WARC-Refers-To-Date"))
    return found


def read_body(response: requests.Response, budget: Budget, cap: int) -> Iterator[bytes]:
    """The body piece by piece, stopping at the byte cap or when the budget is spent."""
    size = 0
    try:
        while True:
            if budget.spent:
                raise FetchError(f"too slow: not done within the {budget.seconds:g} s time limit")
            # read1 returns what has arrived, so a server dripping bytes cannot hold us past the deadline.
            piece = response.raw.read1(READ_CHUNK_BYTES, decode_content=True)
            if not piece:
                break
            size += len(piece)
            if size > cap:
                raise TooLargeError(f"too large (over the {cap:,}-byte cap)")
            yield piece
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
        # urllib3's ProtocolError (a reset, a body shorter than its Content-Length) and
        # ReadTimeoutError reach us unwrapped when reading the raw stream
        if budget.spent:
            raise FetchError(f"too slow: not done within the {budget.seconds:g} s time limit") from None
        raise FetchError(f"network error while reading: {_short_reason(error)}") from None
    if budget.spent:  # the budget's timer shut the socket, which then read as a clean end
        raise FetchError(f"too slow: not done within the {budget.seconds:g} s time limit")


def page_text(page: Page) -> str:
    """The page decoded as its capture decided (the HTTP charset counts, which the bytes alone
    do not carry)."""
    return page.body.decode(page.capture.encoding, "replace")


def looks_like_markup(body: bytes) -> bool:
    head = body[:SNIFF_BYTES]
    return b"\x00" not in head and b"<" in head


def _short_reason(error: BaseException) -> str:
    """The innermost cause of a requests/urllib3 error, on one line and without pool details."""
    while True:
        inner = getattr(error, "reason", None)
        if not isinstance(inner, BaseException) and error.args and isinstance(error.args[0], BaseException):
            inner = error.args[0]
        if not isinstance(inner, BaseException) or inner is error:
            break
        error = inner
    text = re.sub(r"^(?:<[^>]+>|\w+\(host=[^)]*\)):\s*", "", str(error))
    return WHITESPACE.sub(" ", text).strip()[:300] or type(error).__name__


def read_page_file(path: Path, url: str, now: datetime) -> Page:
    """A saved page standing in for the network (--html)."""
    try:
        body = path.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read --html file {path}: {error.strerror or error}") from None
    return Page(body, capture_record(url, body, now, decode_html(body)[1:]))


# ---------------------------------------------------------------- extraction (pure core)

def extract_article(html: bytes | str, url: str | None = None) -> Article:
    """Extract the article from a page. Pure: no network, disk or clock.

    Raises ExtractionError when the page holds no article: no body text, nothing decodable (a
    page without a headline is read all the same). Any other exception is a bug in the rules and
    surfaces as what it is.
    """
    return _extract(html, url)


class Found(NamedTuple):
    """A value found on the page, where it came from, and the element holding it (if any), so
    that element can be kept out of the body text."""

    value: Any
    source: str
    element: Any = None


@dataclass(frozen=True)
class Body:
    blocks: tuple[Block, ...]
    source: str

    @property
    def text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks)


@dataclass(frozen=True)
class ParsedPage:
    """What every field extractor reads: the tree (page furniture dropped), the page's meta
    tags by name, its article JSON-LD item, and the URL it came from."""

    root: lxml.html.HtmlElement
    meta: dict[str, str]
    ld: dict
    url: str | None
    ld_by_id: dict[str, dict]  # every JSON-LD object with an @id and a name, by @id
    ld_objects: tuple[dict, ...]  # every JSON-LD item, broken blocks' repaired, for dates the article item lacks
    data: bytes  # the page as UTF-8: words it does not hold are in no text node (a check before a slow search)


def _extract(html: bytes | str, url: str | None) -> Article:
    data = as_utf8(html)
    root = parse_html(data)
    objects, repaired = extract_json_ld(root)
    by_id = {item["@id"]: item for item in objects if isinstance(item.get("@id"), str) and "name" in item}
    page = ParsedPage(root, extract_meta(root), find_article_json_ld(objects), url, by_id, (*objects, *repaired), data)
    drop_never_content(root, data)
    known = extract_with_template(root, find_site_template(root))
    try:
        story = extract_story(page, known)
    except ExtractionError as error:  # what was found is kept for the caller and the failure line
        raise ExtractionError(str(error), _article_of(page, known, story_without_body(page, known))) from None
    return _article_of(page, known, story)


def _article_of(page: ParsedPage, known: TemplateFinds, story: Story) -> Article:
    root, url = page.root, page.url
    headline, deck, authors, source_note, body, pulls = (
        story.headline, story.deck, story.authors, story.source_note, story.body, story.pulls)
    text = Found(body.text, body.source)
    headings = Found(tuple(block.text for block in body.blocks if block.kind is BlockKind.HEADING), body.source)

    candidates = figure_candidates(story.region)
    positions = positions_in_page(root, {block.element for block in body.blocks}, [*candidates, *(pulls.value if pulls else ())])
    figures = extract_figures(page, candidates, positions)
    pull_quotes = pulls and Found(tuple(render_pull_quote(element, positions[element]) for element in pulls.value), pulls.source)
    canonical_url = extract_canonical_url(page)
    site_name = extract_site_name(page)
    language = extract_language(page)
    section = first_found(extract_section(page), known.section,
                          extract_section_kicker(headline.element if headline else None,
                                                 canonical_url.value if canonical_url else url))
    summary = extract_summary(page)
    published = extract_published(page, known, headline, body)
    modified = extract_date(page, "modified")
    return Article(
        url=url,
        canonical_url=value_of(canonical_url),
        site_name=value_of(site_name),
        language=value_of(language),
        section=value_of(section),
        headline=value_of(headline),
        deck=value_of(deck),
        summary=value_of(summary),
        authors=value_of(authors, ()),
        published=value_of(published),
        modified=value_of(modified),
        text=body.text,
        headings=value_of(headings, ()),
        figures=value_of(figures, ()),
        pull_quotes=value_of(pull_quotes, ()),
        quotes=extract_quotes(body.blocks),
        source_note=value_of(source_note),
        provenance=provenance_of(
            canonical_url=canonical_url, site_name=site_name, language=language, section=section,
            headline=headline, deck=deck, summary=summary, authors=authors, published=published,
            modified=modified, text=text, headings=headings, figures=figures, pull_quotes=pull_quotes,
            source_note=source_note,
        ),
    )


class Story(NamedTuple):
    """The story's own parts, found together since each keeps the others' elements out of the
    body: headline, deck, byline and source line are not paragraphs."""

    headline: Found | None
    deck: Found | None
    authors: Found | None
    source_note: Found | None
    body: Body
    pulls: Found | None  # the pull quotes' elements
    region: Element | None  # where the story's figures live


def extract_story(page: ParsedPage, known: TemplateFinds) -> Story:
    """Headline, deck, byline, source line, pull quotes and the body, the template's where it
    found them. Raises ExtractionError without body text."""
    # A page that names no headline (no <h1>, no title of any kind) is still read for its body.
    headline = known.headline or extract_headline(page)
    headline_el = headline.element if headline else None
    deck = known.deck or extract_deck(page, headline_el)
    authors = known.authors or extract_authors(page)
    containers: Iterable[Found | None] = [known.body] if known.body else find_body_containers(page.root, headline, functools.cache(lambda: has_stray_end_tags(page.data)))
    # The best container first; the next ones only when it holds no body text once the page's
    # furniture is left out (blogs whose comment list outscores the post). With no candidate at
    # all, a JSON-LD articleBody may still stand in.
    for container in containers:
        region = figure_region(headline_el, container.element if container else None)
        source_note = known.source_note or extract_source_note(page, region)
        pulls = known.pull_quotes or (find_pull_quotes(container.value) if container else None)
        furniture = {found.element for found in (headline, deck, authors, source_note) if found and found.element is not None}
        furniture |= set(pulls.value if pulls else ())
        try:
            body, trailing_note = extract_body(container, furniture, page.ld, headline.value if headline else "")
        except ExtractionError:
            continue
        return Story(headline, deck, authors, source_note or trailing_note, body, pulls, region)
    raise ExtractionError("no body text found")


def story_without_body(page: ParsedPage, known: TemplateFinds) -> Story:
    """What a page without body text still says of itself: headline, deck and byline."""
    headline = known.headline or extract_headline(page)
    deck = known.deck or extract_deck(page, headline.element if headline else None)
    return Story(headline, deck, known.authors or extract_authors(page), None, Body((), "none"), None, None)


def first_found(*candidates: Found | None) -> Found | None:
    """The first value found, in the order of the rules' priority."""
    return next((found for found in candidates if found), None)


def value_of(found: Found | None, empty: Any = None) -> Any:
    """A found value, or `empty` where nothing (or only an empty value) was found."""
    return found.value if found and found.value not in (None, "", ()) else empty


def provenance_of(**fields: Found | None) -> dict[str, str]:
    """Where each field that has a value came from."""
    return {name: found.source for name, found in fields.items() if found is not None and value_of(found) is not None}


def extract_body(container: Found | None, furniture: set, ld: dict, headline: str) -> tuple[Body, Found | None]:
    """The body's paragraphs and subheadings, and a source line found as its last paragraph.

    A sane JSON-LD articleBody stands in when the page itself holds too little text (pages that
    build their text with JavaScript)."""
    blocks = [block for part in (container.value if container else ()) if part not in furniture
              for block in (iter_body_blocks(part, furniture) if has_block_descendant(part)
                            else _blocks_of(part, furniture, BlockKind.PARAGRAPH, None, None))]
    blocks = trim_edges(blocks, headline)
    trailing_note = None
    last = blocks[-1] if blocks else None
    if last and last.kind is BlockKind.PARAGRAPH and len(last.text) < MAX_SOURCE_NOTE_CHARS and SOURCE_NOTE.match(last.text):
        trailing_note = Found(blocks.pop().text.lstrip(DASHES + " "), "body's last paragraph")
    body = Body(tuple(blocks), container.source if container else "none")
    if len(body.text) < MIN_BODY_CHARS and ld.get("articleBody"):
        ld_body = normalize_paragraphs(str(ld["articleBody"]))
        if len(ld_body) > len(body.text):
            body = Body(tuple(Block(BlockKind.PARAGRAPH, paragraph) for paragraph in ld_body.split("\n\n")), "json-ld articleBody")
    if not body.text:
        raise ExtractionError("no body text found")
    return body, trailing_note


def trim_edges(blocks: list[Block], headline: str) -> list[Block]:
    """Leave out what templates put at a body's edges: the headline again and date or byline
    lines before it, sign-offs (contact, sharing, copyright lines) after it."""
    start, end = 0, len(blocks)
    while start < end and is_header_line(blocks[start].text, headline):
        start += 1
    while end > start and is_sign_off(blocks[end - 1].text):
        end -= 1
    return blocks[start:end]


def is_header_line(text: str, headline: str) -> bool:
    if re.fullmatch(r"https?://\S+", text):
        return True  # the page's own address, printed for print-outs
    if text == headline or (headline and text.startswith(headline) and len(text) < len(headline) + 200
                            and DATE_IN_TEXT.search(text[len(headline):])):
        return True  # the headline again, with the date and byline of the template
    return len(text) <= MAX_DATELINE_CHARS and bool(DATE_IN_TEXT.search(text)) and not text.endswith(".")


def is_sign_off(text: str) -> bool:
    return len(text) < MAX_SIGN_OFF_CHARS and bool(SIGN_OFF.search(text) or EMAIL.search(text))


# --- parsing

def as_utf8(html: bytes | str) -> bytes:
    """The page as UTF-8 bytes, decoded as decode_html decides. A page that is UTF-8 already is
    passed on as it is, so no second copy of a large page is held."""
    if isinstance(html, str):
        return html.encode("utf-8", "surrogatepass")
    text, encoding, _ = decode_html(html)
    if encoding == "utf-8":
        return html.removeprefix(codecs.BOM_UTF8)
    return text.encode("utf-8", "surrogatepass")


# libxml2 checks each attribute of a start tag against all the tag's earlier ones: a tag with
# 100,000 attributes took 14 s to parse. Real tags carry a few dozen; attributes past this many
# are left out before parsing.
MAX_TAG_ATTRIBUTES = 256
# One attribute as the HTML tokenizer splits them: after white space or '/' (or straight after a
# quoted value), a name, then maybe '=' and a value; a quoted value may hold '>' and, left
# unclosed, runs to the page's end.
TAG_ATTRIBUTE = rb"""(?:[\s/]+|(?<=["']))[^\s/>][^\s/>=]*(?:\s*=\s*(?:"[^"]*"?|'[^']*'?|[^\s>]*))?"""
TAG_ATTRIBUTE_RE = re.compile(TAG_ATTRIBUTE)
# Elements whose text holds no tags (a '<' in a script starts none), as a pattern.
RAW_TEXT_TAGS = rb"[Ss][Cc][Rr][Ii][Pp][Tt]|[Ss][Tt][Yy][Ll][Ee]|[Tt][Ee][Xx][Tt][Aa][Rr][Ee][Aa]|[Tt][Ii][Tt][Ll][Ee]|[Xx][Mm][Pp]|[Ii][Ff][Rr][Aa][Mm][Ee]|[Nn][Oo][Ee][Mm][Bb][Ee][Dd]|[Nn][Oo][Ff][Rr][Aa][Mm][Ee][Ss]"
# A piece of markup as the tokenizer reads it: a comment, a doctype or bogus comment, or a tag
# with its attributes and, for a raw-text element, its text. Every piece matches once begun and
# nothing follows it, so the scan never backs up: each byte is read once, and tags are found
# where libxml2 finds them. (Written without re.I, which doubles the time.)
MARKUP_PIECE = re.compile(
    rb"<!--(?:-?>|[^-]*(?:-(?!-!?>)[^-]*)*(?:--!?>)?)|<[!?][^>]*>?|</(?![A-Za-z])[^>]*>?"
    rb"|<(?:(?P<raw>" + RAW_TEXT_TAGS + rb")(?=[\s/>])|/?[A-Za-z][^\s/>]*)"
    rb"(?P<attributes>(?:" + TAG_ATTRIBUTE + rb")*)"
    rb"(?(raw)(?:[\s/]*>[^<]*(?:<(?!/(?i:(?P=raw)))[^<]*)*)?)"
)


# TAG_ATTRIBUTE with every repeat possessive: each already takes all it can, and what follows it
# never starts with what it would give back, so it matches the same attributes, keeping no
# places to back up to.
TAG_ATTRIBUTE_POSSESSIVE = rb"""(?:[\s/]++|(?<=["']))[^\s/>][^\s/>=]*+(?:\s*+=\s*+(?:"[^"]*+"?|'[^']*+'?|[^\s>]*+))?"""
# One attribute taken whole, as the tokenizer takes it, and never re-tried: an atomic group where
# Python has one (3.11+; with the possessive repeats inside, two fifths faster), else
# (?=(…))\1, the atomic group Python 3.10 can read.
ATOMIC_TAG_ATTRIBUTE = rb"(?>" + TAG_ATTRIBUTE_POSSESSIVE + rb")" if sys.version_info >= (3, 11) \
    else rb"(?=(" + TAG_ATTRIBUTE + rb"))\1"


def tags_with_attributes(count: int) -> re.Pattern[bytes]:
    """A start or end tag with `count` attributes, looked for wherever a '<' is (in scripts too,
    so a page without one may be flagged, but one is never missed). Its name is taken whole, as
    the tokenizer (and MARKUP_PIECE) reads it, and so is each attribute, so a tag that falls
    short costs one pass over its attributes."""
    return re.compile(rb"</?[A-Za-z][^\s/>]*" + (rb"+" if sys.version_info >= (3, 11) else rb"")
                      + rb"(?:" + ATOMIC_TAG_ATTRIBUTE + rb"){%d}" % count)


MANY_ATTRIBUTES = tags_with_attributes(MAX_TAG_ATTRIBUTES)


def cap_tag_attributes(data: bytes) -> bytes:
    """The page with each tag's attributes past the first MAX_TAG_ATTRIBUTES left out; a page
    with no such tag is returned as it is."""
    if not MANY_ATTRIBUTES.search(data):
        return data  # one search in C: a tenth of the extraction's time went to reading every tag
    return cap_each_tag(data)


def cap_each_tag(data: bytes) -> bytes:
    """cap_tag_attributes read tag by tag, as the tokenizer reads the page. Only a tag whose
    attributes take at least two bytes each is counted."""
    if max((len(attributes) for _, attributes in MARKUP_PIECE.findall(data)), default=0) < 2 * MAX_TAG_ATTRIBUTES:
        return data  # no tag near the limit: found in C, sparing a Python step per tag
    kept: list[bytes] = []
    copied = 0
    for piece in MARKUP_PIECE.finditer(data):
        start, end = piece.span("attributes")
        if end - start < 2 * MAX_TAG_ATTRIBUTES:
            continue
        cut = _attributes_cut(data, start, end)
        if cut is not None:
            kept += [data[copied:cut]]
            copied = end
    return b"".join([*kept, data[copied:]]) if kept else data


def _attributes_cut(data: bytes, start: int, end: int) -> int | None:
    """Where the attributes between `start` and `end` pass MAX_TAG_ATTRIBUTES, if they do."""
    for count, attribute in enumerate(TAG_ATTRIBUTE_RE.finditer(data, start, end), 1):
        if count == MAX_TAG_ATTRIBUTES:
            return attribute.end() if attribute.end() < end else None
    return None


def parse_html(data: bytes) -> lxml.html.HtmlElement:
    """An lxml tree of a page given as UTF-8 bytes, comments and processing instructions left out.

    Given bytes, libxml2 takes stray control characters and a stale <?xml encoding?> declaration
    in its stride (a str with either is refused), and parses faster."""
    if not data.strip():
        raise ExtractionError("the page is empty")
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, encoding="utf-8")
    # Every element plain HtmlElement, looked up in C: lxml.html's own lookup (form and input
    # classes, which nothing here uses) runs Python code for each element touched, a tenth of
    # the extraction's time.
    parser.set_element_class_lookup(lxml.etree.ElementDefaultClassLookup(element=lxml.html.HtmlElement))
    try:
        root = lxml.html.document_fromstring(cap_tag_attributes(data), parser=parser)
    except (lxml.etree.ParserError, ValueError) as error:
        raise ExtractionError(f"the page could not be parsed: {error}") from None
    if root is None:
        raise ExtractionError("the page could not be parsed")
    break_lines(root)
    return root


def break_lines(root: lxml.html.HtmlElement) -> None:
    """Give each <br> a line break after it, so the text around it reads as two words: lxml's
    text_content() has none for it, and "words<br>World" came out as "wordsWorld" (old pages and
    poems set every line so; headlines too, "Storm<br>hits the coast")."""
    for element in root.iter("br", *LINE_ENDING_TAGS):
        tail = element.tail or ""
        try:
            element.tail = "\n" + tail
        except ValueError:  # a control character: libxml2 reads them from bytes, lxml sets none
            element.tail = "\n" + NOT_XML_CHARACTERS.sub("", tail)


def drop_never_content(root: lxml.html.HtmlElement, data: bytes = b"") -> None:
    """Remove scripts, styles, forms, hidden elements and the like (JSON-LD is read before this).
    A form, <noscript> or hidden element that holds the page stays: ASP.NET pages put the whole
    page in a form, a <noscript> left open in the page's head holds the rest of it, and some
    sites hide the story until a script shows it."""
    lxml.etree.strip_elements(root, *(tag for tag in NEVER_CONTENT_TAGS if tag not in KEPT_IF_THE_PAGE), with_tail=False)
    long_noscripts = []
    for noscript in list(root.iter("noscript")):  # most are a tracking pixel or a line: dropped unread
        if short_text_of(noscript, MIN_BODY_CHARS) is None:
            long_noscripts.append(noscript)
        elif noscript.getparent() is not None:
            noscript.drop_tree()
    forms = list(root.iter("form"))
    # (Dialogs apart: libxml2 sorts a union of attributes and elements in time quadratic in its size.)
    dialogs = root.iter("dialog") if not data or CLOSED_DIALOG_BYTES.search(data) else ()
    hidden = [element for element in dict.fromkeys([*attribute_holders(HIDDEN_XPATH, root), *dialogs]) if _is_hidden(element)]
    # The page's length is read once (a page may hold thousands of forms), and only when an
    # element long enough to hold half of it asks.
    page_chars = functools.cache(lambda: len(text_of(root)))
    for noscript in long_noscripts:
        if noscript.getparent() is not None and not _holds_most_text(noscript, page_chars):
            noscript.drop_tree()
    for form in forms:
        if form.getparent() is not None and len(form.findall(".//p")) < FORM_PARAGRAPHS_KEPT \
                and not _holds_most_text(form, page_chars):
            form.drop_tree()
    drop_hidden(hidden, page_chars)
    if data and not any(word in data for word in NEVER_CONTENT_CLASS_BYTES):
        return  # the page has none of those classes: spare the slow search
    for element in attribute_holders(NEVER_CONTENT_XPATH, root):
        if NEVER_CONTENT_CLASSES.search(element.get("class")[:MAX_HINT_CHARS]) and element.getparent() is not None:
            element.drop_tree()


def drop_hidden(hidden: list[Element], page_chars: Callable[[], int]) -> None:
    """Drop what the page hides from readers, but for tab panels (a hotel page's review, facts
    and rooms: hidden until clicked, yet read) and a story hidden until a script shows it (half
    the page's text or more). What a dropped element holds goes with it, and so does what a
    story holds once a hidden element inside it holds the story too: measuring each of a nest
    of hidden elements against the page read the page once per level."""
    tab_panels = with_twins(hidden)
    kept: set[Element] = set()
    settled: set[Element] = set()  # dropped, or a story inside a story: what it holds is decided
    for element in hidden:  # in page order: an element before what it holds
        ancestors = list(element.iterancestors())
        if element.getparent() is None or element in tab_panels or any(a in settled for a in ancestors):
            continue  # the page's root, dropped with a form, a tab panel, or decided with its ancestor
        if not _holds_most_text(element, page_chars):
            element.drop_tree()
            settled.add(element)
        elif any(a in kept for a in ancestors):
            settled.add(element)
        else:
            kept.add(element)


def _holds_most_text(element: Element, page_chars: Callable[[], int]) -> bool:
    """Whether an element holds most of the page's text: a form wrapping an old ASP.NET page
    laid out in table cells and <br>s, a story hidden until a script shows it; a search,
    sign-up or comment form, or a hidden menu, does not."""
    if short_text_of(element, int(SHARE_KEPT * MIN_BODY_CHARS)) is not None:
        return False  # too short to be half of a page long enough to count: the page is not read
    chars = page_chars()
    return chars >= MIN_BODY_CHARS and short_text_of(element, int(SHARE_KEPT * chars)) is None  # None: at least that long


def _is_hidden(element: Element) -> bool:
    return element.get("hidden") is not None or bool(HIDDEN_STYLE.search(element.get("style") or "")) \
        or (element.tag == "dialog" and element.get("open") is None)


def with_twins(elements: list[Element]) -> set[Element]:
    """Those of `elements` with a sibling of the same tag and first class: one of a set of
    records or panels (a blog's posts, a page's tabs). Each parent's children are counted once,
    so thousands of siblings cost no more than reading them."""
    classed = [element for element in elements if _first_class(element) is not None]  # no other is a twin
    kinds = {parent: collections.Counter(_kind(child) for child in parent)
             for parent in {element.getparent() for element in classed} if parent is not None}
    return {element for element in classed
            if element.getparent() is not None and kinds[element.getparent()][_kind(element)] >= 2}


def _kind(element: Element) -> tuple[Any, str | None]:
    return element.tag, _first_class(element)


def _first_class(element: Element) -> str | None:
    return next(iter((element.get("class") or "").split()), None)


def select(root: lxml.html.HtmlElement, selector: str) -> list[lxml.html.HtmlElement]:
    """A tiny CSS subset: 'tag.class', '.class', 'tag', and descendants ('a b'). A class also
    matches with a hash appended ('imageMedia-IspZw'), as newer templates write them."""
    return _selector_xpath(selector)(root)


@functools.cache  # the templates' few selectors, compiled once rather than on every page
def _selector_xpath(selector: str) -> lxml.etree.XPath:
    path = "."
    for part in selector.split():
        tag, _, class_name = part.partition(".")
        test = (
            f"[contains(concat(' ', normalize-space(@class), ' '), ' {class_name} ')"
            f" or contains(concat(' ', normalize-space(@class)), ' {class_name}-')]"
        ) if class_name else ""
        path += f"//{tag or '*'}{test}"
    return lxml.etree.XPath(path)


def attribute_holders(search: lxml.etree.XPath, root: Element) -> list[Element]:
    """The elements a search finds by their attributes, in page order, each once: the search
    selects the attributes (or elements, taken as they are) and their elements are read here.
    libxml2 would sort the attributes' parents, "//@class[…]/..", in time quadratic in their
    number: seconds for a page of 40,000."""
    found = (result.getparent() if isinstance(result, lxml.etree._ElementUnicodeResult) else result for result in search(root))
    return list(dict.fromkeys(found))


def text_content(element: lxml.html.HtmlElement) -> str:
    """element.text_content(), read by libxml2's serializer: the same text (every text node
    under the element, in order), without the XPath call text_content() makes for it, which
    was a third slower (and paragraphs' and links' text is read hundreds of times a page)."""
    return lxml.etree.tostring(element, method="text", encoding=str, with_tail=False)


def text_of(element: lxml.html.HtmlElement | None) -> str:
    if element is None:
        return ""
    return clean_text(text_content(element))


def short_text_of(element: lxml.html.HtmlElement, limit: int) -> str | None:
    """text_of(element) if it is shorter than `limit`, else None. A longer text is read only
    until it is known to be (its letters alone reach the limit): checked on each of a text's
    nested elements, reading it whole read it once per level."""
    letters = 0
    pieces = []
    for piece in element.itertext():
        letters += sum(map(len, piece.split()))
        if letters >= limit:
            return None
        pieces.append(piece)
    text = clean_text("".join(pieces))  # text_of(element): its pieces, read already
    return text if len(text) < limit else None


def fold_whitespace(text: str) -> str:
    """WHITESPACE.sub(" ", text), a run at either end kept as one space: str.split() finds the
    same runs (both go by str.isspace) three times faster than the regex replaces them."""
    inner = " ".join(text.split())
    if not inner:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + inner + (" " if text[-1].isspace() else "")


def clean_text(value: object) -> str:
    """White space folded to single spaces (no-break spaces too) and trimmed."""
    return " ".join(str(value or "").split())


def class_and_id(element: lxml.html.HtmlElement) -> str:
    """The element's class and id, as hints; cut short, since only a broken or hostile page has
    attributes long enough to make matching them slow."""
    classes, name = element.get("class"), element.get("id")
    if classes is None or name is None:  # most elements have neither, many one
        return (classes or name or "")[:MAX_HINT_CHARS].strip()
    return f"{classes[:MAX_HINT_CHARS]} {name[:MAX_HINT_CHARS]}".strip()


# ARIA roles of page furniture, read where a block has no class or id to tell: menus and side
# boxes, and (family: a cookie or sign-up box inside the story's block with no class of its own)
# dialogs, which Mozilla Readability leaves out too. (Not "alert": a live story's update box.)
FURNITURE_ROLES = ("navigation", "complementary", "dialog", "alertdialog")
# Elements whose classes are page-wide flags, not a part's name: "simpleExtendedByline-on",
# "offcanvas-sidebar-mobile", "single-post" on <html> and <body> say nothing of what they hold.
PAGE_WIDE_TAGS = ("body", "html")
# Boilerplate words that win even beside a content word ("related-articles", "story-share").
FURNITURE_OVER_CONTENT = re.compile(r"related|comment|share|promo|caption|gallery", re.I)


def is_boilerplate(element: lxml.html.HtmlElement) -> bool:
    hints = class_and_id(element)
    if not hints:
        return element.tag in ("aside", "footer") or element.get("role") in FURNITURE_ROLES
    if not BOILERPLATE_HINTS.search(hints) and not CAMEL_CASE_FURNITURE.search(hints):
        return element.tag in ("aside", "footer")
    if BLOGGER_POSTS_CLASS.search(element.get("class") or "") or _is_read_more_expander(element, hints):
        return False
    if TAXONOMY_CLASSES.search(hints):
        hints = TAXONOMY_CLASSES.sub(" ", hints)  # the post's topics, not the block's role
        if not BOILERPLATE_HINTS.search(hints) and not CAMEL_CASE_FURNITURE.search(hints):
            return element.tag in ("aside", "footer")
    return not CONTENT_HINTS.search(hints) or bool(FURNITURE_OVER_CONTENT.search(hints))


def _is_read_more_expander(element: lxml.html.HtmlElement, hints: str) -> bool:
    """A "Read more" expander: the rest of the story folded behind a button, in a child named for
    both (News Corp Australia's sites: #read-more holds #read-more-link and #read-more-content).
    Other "read more" boxes are lists of links to other stories."""
    return bool(READ_MORE.search(hints)) and any(
        READ_MORE.search(hint) and CONTENT_HINTS.search(hint) for hint in map(class_and_id, element.iterchildren("*")))


def link_density(element: lxml.html.HtmlElement, text: str | None = None) -> float:
    text = text if text is not None else text_of(element)
    if not text:
        return 0.0
    linked = sum(len(clean_text(text_content(link))) for link in element.iter("a"))
    return min(1.0, linked / len(text))


# --- metadata

# schema.org microdata items whose fields describe something other than the page: a program a
# download portal offers (its release date), a product or offer in a shop, readers' reviews
# and comments (holiday-let and shop pages date each guest's review with itemprop=datePublished),
# and an event (a concert's or a course's page: its <time itemprop=startDate>).
OTHER_THINGS_ITEM_TYPES = {"softwareapplication", "mobileapplication", "webapplication", "videogame",
                           "product", "offer", "review", "comment", "usercomments", "event"}
# A review whose item is the whole page or article is the page's own (a critic's film review).
PAGE_ITEM_TYPES = {"webpage", "article", "newsarticle", "blogposting", "reportagenewsarticle", "creativework"}


def _item_type(element: Element) -> str:
    """The last word of a microdata itemtype URL, lower case: "https://schema.org/Product" -> "product"."""
    return (element.get("itemtype") or "").strip().rsplit("/", 1)[-1].lower()


class ItemState(NamedTuple):
    """Where an element sits among microdata items: inside one about another thing than the page
    (see OTHER_THINGS_ITEM_TYPES), inside one that is not the page or its article."""

    in_other_thing: bool = False
    in_non_page_item: bool = False


def in_other_things_item(element: Element, states: dict[Element, ItemState] | None = None) -> bool:
    """Whether microdata puts this element in an item about another thing than the page; a
    review counts only when another item (a product, a lodging) holds it. `states` keeps what
    was worked out for each ancestor, so that the <meta>s of a page are placed in one pass
    however deep they sit."""
    parent = element.getparent()
    return parent is not None and _item_state(parent, {} if states is None else states).in_other_thing


def _item_state(element: Element, states: dict[Element, ItemState]) -> ItemState:
    chain = []  # the element and its ancestors not yet placed, nearest first
    node: Element | None = element
    while node is not None and node not in states:
        chain.append(node)
        node = node.getparent()
    state = states[node] if node is not None else ItemState()
    for node in reversed(chain):
        if "itemscope" in node.attrib:
            kind = _item_type(node)
            other = kind in OTHER_THINGS_ITEM_TYPES and (kind != "review" or state.in_non_page_item)
            state = ItemState(state.in_other_thing or other, state.in_non_page_item or kind not in PAGE_ITEM_TYPES)
        states[node] = state
    return state


def extract_meta(root: lxml.html.HtmlElement) -> dict[str, str]:
    """<meta> name/property/itemprop -> content, first occurrence wins; an itemprop of another
    thing's item (a product's, a reader's review's) is not the page's."""
    meta: dict[str, str] = {}
    states: dict[Element, ItemState] = {}
    for element in root.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        content = element.get("content")
        if element.get("itemprop") == key and in_other_things_item(element, states):
            continue
        if key and content and content.strip():
            meta.setdefault(key.strip().lower(), clean_text(content))
    return meta


def extract_json_ld(root: lxml.html.HtmlElement) -> tuple[tuple[dict, ...], tuple[dict, ...]]:
    """Every JSON-LD object on the page, each block parsed on its own, and apart from them the
    objects of broken blocks once repaired (read for dates alone); a block past repair is skipped."""
    objects: list[dict] = []
    repaired: list[dict] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            data = _repaired_json_ld(script.text or "")
            if data is None:
                log.debug("skipping a JSON-LD block that does not parse")
            else:
                repaired.extend(_flatten_json_ld(data, depth=0))
            continue
        objects.extend(_flatten_json_ld(data, depth=0))
    return tuple(objects), tuple(repaired)


# What hand-edited JSON-LD blocks carry that JSON does not allow (pages whose datePublished sits
# in such a block): comments, commas before a closing bracket; raw newlines in strings are let in.
JSON_LINE_COMMENT = re.compile(r"(?:^|(?<=[,{\[]))[ \t]*//[^\n]*$", re.M)
JSON_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def _repaired_json_ld(text: str) -> object:
    """A broken JSON-LD block's data once repaired, else None."""
    try:
        return json.loads(JSON_TRAILING_COMMA.sub(r"\1", JSON_LINE_COMMENT.sub("", _without_block_comments(text))),
                          strict=False)
    except (ValueError, RecursionError):
        return None


def _without_block_comments(text: str) -> str:
    """The text with its /* … */ comments left out, read once: a pattern searched for them again
    from each of 20,000 unclosed "/*" took 8 s. An unclosed comment stays (the block stays broken)."""
    pieces, position = [], 0
    while (start := text.find("/*", position)) != -1 and (end := text.find("*/", start + 2)) != -1:
        pieces.append(text[position:start])
        position = end + 2
    return "".join([*pieces, text[position:]])


def _flatten_json_ld(data: object, depth: int) -> Iterator[dict]:
    if depth > MAX_JSON_LD_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from _flatten_json_ld(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity"):
            if key in data:
                yield from _flatten_json_ld(data[key], depth + 1)


def json_ld_types(item: dict) -> set[str]:
    types = item.get("@type")
    types = types if isinstance(types, list) else [types]
    return {t.rsplit("/", 1)[-1].lower() for t in types if isinstance(t, str)}


def find_article_json_ld(objects: Iterable[dict]) -> dict:
    for item in objects:
        if json_ld_types(item) & ARTICLE_TYPES:
            return item
    return {}


def ld_text(value: object, depth: int = 0) -> str | None:
    """A JSON-LD value as text: strings as they are, objects by name, lists by their first item."""
    if depth > MAX_JSON_LD_DEPTH:
        return None
    if isinstance(value, list):
        return next((text for text in (ld_text(item, depth + 1) for item in value) if text), None)
    if isinstance(value, dict):
        return ld_text(value.get("name") or value.get("@value") or value.get("url"), depth + 1)
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return clean_text(value) or None
    return None


def find_site_template(root: lxml.html.HtmlElement) -> SiteTemplate | None:
    """The known template whose headline and body both appear on the page."""
    for template in SITE_TEMPLATES:
        if select(root, template.headline) and select(root, template.body):
            return template
    return None


@dataclass(frozen=True)
class TemplateFinds:
    """What a site template found on a page, field by field (None where it found nothing)."""

    headline: Found | None = None
    body: Found | None = None
    deck: Found | None = None
    authors: Found | None = None
    published: Found | None = None
    section: Found | None = None
    source_note: Found | None = None
    pull_quotes: Found | None = None


def extract_with_template(root: lxml.html.HtmlElement, template: SiteTemplate | None) -> TemplateFinds:
    """Every field the template's selectors find; the generic rules are left the rest."""
    if template is None:
        return TemplateFinds()
    body = select(root, template.body)[:1]
    authors = dedupe(text_of(element) for element in select(root, template.authors))
    pulls = tuple(element for part in body for element in select(part, template.pull_quote))
    return TemplateFinds(
        headline=first_text(root, template.headline),
        body=Found(tuple(body), template.body, body[0]) if body else None,
        deck=first_text(root, template.deck),
        authors=Found(authors, template.authors) if authors else None,
        published=first_date((element.get("datetime"), template.published) for element in select(root, template.published)),
        section=first_text(root, template.section),
        source_note=first_text(root, template.source_note),
        pull_quotes=Found(pulls, template.pull_quote) if pulls else None,
    )


def first_text(root: lxml.html.HtmlElement, selector: str) -> Found | None:
    """The text of the first element the selector names that has any."""
    for element in select(root, selector):
        text = text_of(element)
        if text:
            return Found(text, selector, element)
    return None


# --- fields

def extract_headline(page: ParsedPage) -> Found | None:
    """The headline and its element. The on-page <h1> beats social titles, in the wording of the
    social title that gives the same headline (see H1_AS_SOCIAL); an <h1> naming the site never."""
    root, meta, ld = page.root, page.meta, page.ld
    social = [
        (ld_text(ld.get("headline")), "json-ld headline"),
        (meta.get("og:title"), "meta og:title"),
        (meta.get("twitter:title"), "meta twitter:title"),
        (text_of(root.find(".//title")), "title"),
    ]
    titles = [(title, source) for title, source in social if title]
    h1s = [(text_of(h1), h1) for h1 in root.iter("h1")]
    h1s = [(text, h1) for text, h1 in h1s if text and not is_boilerplate(h1)]
    # a site name that is the whole of the story's title (an application-name set to it) is not one
    names = site_names(page) - {squeezed(title) for title, source in titles if source in STORY_TITLE_SOURCES}
    names |= {squeezed(text) for text, h1 in h1s if SITE_HEADING_CLASS.search(class_and_id(h1))} - {""}
    h1s = [(text, h1) for text, h1 in h1s if squeezed(text) not in names]
    cut = [(strip_site_suffix(title, meta, names, source != "title"), source) for title, source in titles]
    for text, h1 in h1s:
        if any(_same_title(text, title) for title, _ in titles):
            return _h1_as_social(text, h1, cut, names)
    site_name = (meta.get("og:site_name") or "").lower()
    if len(h1s) == 1 and len(h1s[0][0]) >= MIN_LONE_H1_CHARS and h1s[0][0].lower() not in site_name:
        return _h1_as_social(*h1s[0], cut, names)  # the page's one <h1> is its headline, whatever social titles say
    if titles:
        title, source = cut[0]
        return Found(title, source, _element_with_text(h1s, titles[0][0]))
    if h1s:
        return Found(h1s[0][0], "h1", h1s[0][1])
    return None


def _same_title(h1_text: str, title: str) -> bool:
    """An <h1> is the headline when a title names it too (social titles add "| Site" or reword)."""
    h1_words, title_words = set(WORD.findall(h1_text.lower())), set(WORD.findall(title.lower()))
    if not h1_words or not title_words:
        return False
    return len(h1_words & title_words) / len(h1_words) >= MIN_TITLE_OVERLAP


def _element_with_text(candidates: list[tuple[str, Element]], text: str) -> Element | None:
    return next((element for candidate, element in candidates if candidate == text), None)


# Curly quotes and dashes as typed on a keyboard: a social title that differs from the <h1> only
# so is the same headline, less well set.
TYPOGRAPHY = str.maketrans({**dict.fromkeys("‘’‚‛′", "'"), **dict.fromkeys("“”„‟″", '"'), **dict.fromkeys(DASHES, "-")})
# Social titles that name the story itself, never the site alone (the <title> of a home page does).
STORY_TITLE_SOURCES = ("json-ld headline", "meta og:title")
# Class and id words of an <h1> holding the site's name above every post (blog themes'
# "site-title", a logo): never the headline, and its text names the site in titles.
SITE_HEADING_CLASS = re.compile(r"site-?(?:title|name)|blog-?title|logo|masthead", re.I)


def _same_words(h1_text: str, title: str, names: set[str]) -> bool:
    """Tagesschau's "Kicker Headline" <h1> beside its "Kicker: Headline" og:title, quotes or a
    space after a colon missing: the same words, only the punctuation differs. A title that adds
    a symbol ("▷ Headline | Presseportal") is decorated, one that only straightens quotes and
    dashes is less well set: neither is taken."""
    # (a title worded as the <h1> is not set otherwise: the common case, decided without reading words)
    return h1_text != title and WORD.findall(h1_text) == WORD.findall(title) \
        and h1_text.translate(TYPOGRAPHY) != title.translate(TYPOGRAPHY) and _symbols(title) <= _symbols(h1_text)


def _symbols(text: str) -> set[str]:
    return {character for character in text if unicodedata.category(character).startswith("S")}


def _kicker_dropped(h1_text: str, title: str, names: set[str]) -> bool:
    """"Premier League Rückschlag im Titelkampf", "Basketball-EuroleagueNach Massenschlägerei…",
    "Local News | Headline": a kicker or section the <h1> sets before the headline (in its own
    element, so often glued on without a space), which the social title leaves out."""
    h1_key, title_key = squeezed(h1_text), squeezed(title)
    return len(title) >= MIN_LONE_H1_CHARS and h1_key.endswith(title_key) \
        and 0 < len(h1_key) - len(title_key) <= MAX_KICKER_CHARS


def _site_dropped(h1_text: str, title: str, names: set[str]) -> bool:
    """"Headline | FASSETTE.NET" in the <h1> of some blog themes: the social title leaves out a
    last part that names the site or is a domain."""
    parts = SITE_SEPARATOR.split(h1_text)
    return len(parts) > 1 and (_names_site(parts[-1], names) or bool(DOMAIN_NAME.fullmatch(parts[-1]))) \
        and squeezed(h1_text[:len(h1_text) - len(parts[-1])]) == squeezed(title)


# How the page's social titles show its <h1> to be the headline, tried in order: worded alike
# but for punctuation, as it stands, or with the <h1>'s kicker or site name left out. The first
# to hold for some social title gives that title's wording.
H1_AS_SOCIAL: tuple[tuple[str, Callable[[str, str, set[str]], bool]], ...] = (
    ("punctuation", _same_words),
    ("as is", lambda h1_text, title, names: h1_text == title),
    ("kicker", _kicker_dropped),
    ("site", _site_dropped),
)


def _h1_as_social(text: str, h1: Element, cut: list[tuple[str, str]], names: set[str]) -> Found:
    """The <h1> as the headline, in the wording of the first social title (site's name cut) that
    one of H1_AS_SOCIAL's rules finds to be the same headline."""
    for rule, holds in H1_AS_SOCIAL:
        for title, source in cut:
            if holds(text, title, names):
                return Found(text, "h1", h1) if title == text else Found(title, f"h1 as {source} ({rule})", h1)
    return Found(text, "h1", h1)


# "Headline | CBC News", "Headline – Site".
TITLE_SEPARATOR = re.compile(rf"\s+[|{DASHES}]\s+")
# Where a part of a title names the site, more separators are read: "Headline : Site",
# "Lexikon « Site", "Produkttester werden│Site" (a box-drawing bar, spaced or not).
SITE_SEPARATOR = re.compile(rf"\s+[|:«»•{DASHES}]\s+|\s*│\s*")
# What is left at a title's end once its site's name is cut: "Headline - ", "Headline |".
TITLE_END_PUNCTUATION = f" |{DASHES}"


def strip_site_suffix(title: str, meta: dict[str, str], names: set[str] | frozenset[str] = frozenset(),
                      social: bool = False) -> str:
    """'Headline | CBC News' -> 'Headline'; 'Diario HOY | Headline' -> 'Headline'; 'Headline |
    Site | Tagline' -> 'Headline'. Else a <title>'s short last part goes (a site's name the page
    does not spell out); a social title keeps it, as there it is rather a subtitle ("… – worauf
    wartet die Politik?", "… | Step-by-Step Guide")."""
    bounds = [0, *(edge for match in SITE_SEPARATOR.finditer(title) for edge in match.span()), len(title)]
    parts = [title[start:end] for start, end in zip(bounds[::2], bounds[1::2])]
    first = 1 if len(parts) > 1 and _names_site(parts[0], names) else 0
    last = next((i for i in range(first + 1, len(parts)) if _names_site(parts[i], names)), len(parts))
    if (first, last) != (0, len(parts)):
        return title[bounds[2 * first]:bounds[2 * last - 1]].rstrip(TITLE_END_PUNCTUATION)
    parts = TITLE_SEPARATOR.split(title)
    if len(parts) > 1 and len(parts[-1]) < MAX_SITE_SUFFIX_CHARS and not social:
        return " - ".join(parts[:-1])
    return title.rstrip(TITLE_END_PUNCTUATION) or title


def _names_site(part: str, names: set[str] | frozenset[str]) -> bool:
    """A title part holding one of the site's names ("DER SPIEGEL" for spiegel.de, "MDR.DE")."""
    key = squeezed(part)
    return len(key) >= MIN_SITE_LABEL_CHARS and any(name in key or key in name for name in names
                                                   if len(name) >= MIN_SITE_LABEL_CHARS)


# Class words of a standfirst: "deck", "dek", "standfirst", "sub-headline", "strapline"…
DECK_CLASS = re.compile(r"(?:^|[-_\s])(?:deck|dek|standfirst|subhead(?:line)?|sub-?headline|sub-?title|strapline|"
                        r"article-?summary|lede|kicker-?text)(?:$|[-_\s])", re.I)


def extract_deck(page: ParsedPage, headline_el: Element | None) -> Found | None:
    """The standfirst under the headline, or None."""
    root, ld = page.root, page.ld
    scope = _header_scope(headline_el) if headline_el is not None else root
    for element in scope.iter("h2", "h3", "p", "div", "span"):
        if element is headline_el or not DECK_CLASS.search(class_and_id(element)) or is_boilerplate(element):
            continue
        text = short_text_of(element, MAX_DECK_CHARS + 1) or ""
        if MIN_DECK_CHARS <= len(text) <= MAX_DECK_CHARS and not _contains_block(element, "p") and not DATE_IN_TEXT.search(text):
            return Found(text, f"{element.tag}.{_matching_class(element, DECK_CLASS)}", element)
    for key in ("alternativeHeadline", "alternateName"):
        value = ld_text(ld.get(key))
        if value and headline_el is not None and value != text_of(headline_el):
            return Found(value, f"json-ld {key}", _find_element_with_text(root, value))
    return None


def _header_scope(headline_el: Element) -> Element:
    """The headline's neighbourhood: its parent and grandparent, where decks and bylines live."""
    scope = headline_el
    for _ in range(3):
        if scope.getparent() is None:
            break
        scope = scope.getparent()
    return scope


def _matching_class(element: Element, pattern: re.Pattern[str]) -> str:
    for token in class_and_id(element).split():
        if pattern.search(token):
            return token
    return "?"


def _contains_block(element: Element, *tags: str) -> bool:
    return any(True for _ in element.iterdescendants(*tags))


def _find_element_with_text(root: Element, text: str) -> Element | None:
    """The element whose whole text is `text`, so it can be kept out of the body."""
    for element in root.iter("h2", "h3", "p", "div", "span"):
        # short_text_of stops reading a longer element early: nested ones were read once per level
        if short_text_of(element, len(text) + 1) == text and not _contains_block(element, "p", "div"):
            return element
    return None


def extract_summary(page: ParsedPage) -> Found | None:
    meta, ld = page.meta, page.ld
    for key in ("description", "og:description", "twitter:description"):
        if meta.get(key):
            return Found(meta[key], f"meta {key}")
    value = ld_text(ld.get("description"))
    return Found(value, "json-ld description") if value else None


# "Written by" in the languages of Yoast SEO's reading card (twitter:label1, twitter:data1 the
# author), on WordPress sites without another author field.
WRITTEN_BY_LABELS = {"written by", "verfasst von", "geschrieben von", "écrit par", "escrito por", "scritto da",
                     "geschreven door", "skrevet af", "skrivet av", "napisane przez"}
# Countries that end an imprint given as the author ("Olympia-Verlag GmbH, Nürnberg, Germany"):
# those of the languages the date rules read, in English and their own language.
COUNTRY_NAMES = {
    "germany", "deutschland", "austria", "österreich", "switzerland", "schweiz", "suisse", "france",
    "italy", "italia", "spain", "españa", "portugal", "netherlands", "nederland", "belgium", "belgique",
    "usa", "u.s.a.", "united states", "uk", "united kingdom", "canada", "australia", "mexico", "méxico",
    "argentina", "brasil", "brazil", "chile", "colombia", "bolivia", "uruguay", "peru", "perú",
}
# Class words of a byline, and of an author's card or portrait beside it or a comment's writer
# ("comment-author": a reader, not the story's author), neither of them a byline.
BYLINE_CLASS = re.compile(r"byline|author-?name|(?:^|\s)author(?:$|\s)", re.I)
AUTHOR_CARD_CLASS = re.compile(r"bio|image|avatar|profile|photo|comment", re.I)
# "author" inside a class word ("field-name-author", "post-meta--author", "author_header", "authors"):
# a byline too where its text is person-shaped (see looks_like_person_name).
# ("authority", "authorization", "authorised": other words.)
AUTHOR_WORD_IN_CLASS = re.compile(r"byline|author(?!i[stz])", re.I)
# Labels that put the author's name in the text after them, on templates without a byline class:
# "<strong>Autor:</strong> <a>Jane Doe</a>", "<h4>Autor</h4><p>Jane Doe</p>", "<b>Von:</b><br>Jane Doe".
AUTHOR_LABELS = {"autor", "autorin", "autoren", "author", "authors", "von", "text", "verfasser", "verfasst von",
                 "written by", "geschrieben von", "by", "auteur", "auteurs", "par", "por", "escrito por", "autora",
                 "door", "di"}
AUTHOR_LABEL_TAGS = ("strong", "b", "h4", "h5", "h6", "dt", "th", "span", "em", "label")
# What follows a label is read this far: a name or two, never the paragraph after it.
MAX_LABELLED_CHARS = 120
# An element whose whole text is a byline, on templates that give it no class: "von Jane Doe",
# "---- by Jane Doe" (its first words only are checked before the element's text is read).
TEXT_BYLINE_LEAD = re.compile(rf"^[\s{DASHES}]*(?:by|von|par|por|door)\s", re.I)
MAX_TEXT_BYLINE_CHARS = 80
# A byline found by its shape alone (no class, no label) names people in full: "Jane Doe".
MIN_FULL_NAME_WORDS = 2
# A link's text is the page's navigation ("Sort by Subject"), never a byline read from the text.
TEXT_BYLINE_TAGS = ("p", "div", "span", "em", "i", "strong", "b", "small", "h5", "h6", "td", "li", "address")
# Characters no person's name holds: "MES*", "Stand:", "Name (obligatorisch)".
NOT_IN_NAME = re.compile(r"[^\w\s'’.-]|[\d_]")
# Invisible marks inside names: joiners of Persian and Indic script, direction marks around right-to-left names.
JOINERS = "\u200c\u200d\u200e\u200f"


def extract_authors(page: ParsedPage) -> Found | None:
    """Author names (and the byline element): JSON-LD author, meta author, byline markup, in
    that order. A value naming no person (the site, a company, an e-mail address or a domain)
    gives way to the next source; the site's name (or its domain) stands only when no source
    names a person (some sites credit every story to themselves); a company, a CMS account or an
    e-mail address never does."""
    fallback = None
    site = site_names(page)  # once: each name of each source is checked against them
    for found in _author_sources(page):
        names = [name for name in found.value if not _is_url(name)]
        if not names or names[-1].casefold() in COUNTRY_NAMES:
            continue  # "Olympia-Verlag GmbH, Nürnberg, Germany": an imprint, names no author
        if not all(_names_no_person(name, site) for name in names):  # "Jane Doe, Associated Press" stays whole
            return _with_co_writers(found._replace(value=tuple(names)), page.root)
        if fallback is None and all(squeezed(name) in site or DOMAIN_NAME.fullmatch(name) for name in names):
            fallback = found._replace(value=tuple(names))
    return fallback


# Elements marked as the writer: rel=author links, schema.org itemprop=author.
AUTHOR_MARKUP_XPATH = lxml.etree.XPath("//@rel[. = 'author'] | //@itemprop[. = 'author']")


def _author_sources(page: ParsedPage) -> Iterator[Found]:
    """Each source of author names in turn, read only when the ones before name no person."""
    root, meta, ld = page.root, page.meta, page.ld
    authors = ld.get("author") or ld.get("creator")
    # Yoast writes {"@id": "…#/schema/person/…"}: the Person is elsewhere in the @graph
    authors = [page.ld_by_id.get(author["@id"], author) if isinstance(author, dict) and "name" not in author
               and isinstance(author.get("@id"), str) else author
               for author in (authors if isinstance(authors, list) else [authors])]
    yield Found(dedupe(name for author in authors for name in split_byline(ld_text(author) or "")), "json-ld author")
    shown = functools.cache(lambda: _reader_text(root))
    for key in AUTHOR_META_NAMES:
        if meta.get(key):
            names = split_byline(meta[key])
            # A meta author the page never shows is the site's (a blog's owner, a theme's default
            # set on every page), not the story's: read on as if it were not there.
            if all(unicodedata.normalize("NFKC", name).casefold() in shown() for name in names):
                yield Found(names, f"meta {key}")
    for number in "12":  # Yoast SEO's reading card: twitter:label1 "Written by", twitter:data1 the name
        if meta.get(f"twitter:label{number}", "").casefold().strip() in WRITTEN_BY_LABELS and meta.get(f"twitter:data{number}"):
            yield Found(split_byline(meta[f"twitter:data{number}"]), f"meta twitter:data{number}")
    yield from _marked_bylines(root)
    yield from _class_bylines(root)
    yield from _labelled_bylines(root)
    yield from _text_bylines(root)


def _reader_text(root: Element) -> str:
    """The text of the page's body as a reader sees it, case-folded, for looking names up."""
    body = root.find("body")
    return unicodedata.normalize("NFKC", text_of(body if body is not None else root)).casefold()


# Co-writers' marked names stand in one byline: the block holding the first name and the next
# meets it this many levels up at most (a > address > div.content > div.byline > div.bylines).
CO_WRITER_LEVELS = 4
MAX_CO_WRITERS = 10  # a byline's co-writers, at most (a page of 20,000 marked links is not read on from each)


def _marked_bylines(root: Element) -> Iterator[Found]:
    """The names marked rel=author or itemprop=author, each marked element in turn, with the
    co-writers marked after it in the same byline (see _co_writers)."""
    holders = attribute_holders(AUTHOR_MARKUP_XPATH, root)
    block_texts: dict[Element, str | None] = {}  # a block's text read once, however many names it holds
    for index, element in enumerate(holders):
        names = split_byline(_marked_name(element))
        yield Found(dedupe([*names, *_co_writers(element, holders[index + 1:index + 1 + MAX_CO_WRITERS], block_texts)]) if names else names,
                    "rel/itemprop author", element)


def _co_writers(first: Element, later: list[Element], block_texts: dict[Element, str | None]) -> list[str]:
    """The full names marked after `first` in one byline with it: "By <a>Jane Doe</a> and <a>John
    Roe</a>", or one block per writer with nothing else between them. A mark inside one already
    read (schema.org's itemprop=author around a rel=author link) names the same writer; a link
    to the same page, or one naming a role or an earlier writer again ("View All Posts",
    "Follow Jane Doe"), is no co-writer."""
    ancestors = list(itertools.islice(first.iterancestors(), CO_WRITER_LEVELS))
    taken = [first]
    names: list[str] = []
    texts = [_marked_name(first)]
    for index, element in enumerate(later):
        if any(ancestor in taken for ancestor in element.iterancestors()):
            continue
        text = _marked_name(element)
        block = next((ancestor for ancestor in itertools.islice(element.iterancestors(), CO_WRITER_LEVELS)
                      if ancestor in ancestors), None)
        written = split_byline(text)
        if block is None or not _names_another_writer(element, text, written, texts, taken):
            break
        texts.append(text)
        taken.append(element)
        if block not in block_texts:
            block_texts[block] = short_text_of(block, MAX_BYLINE_CHARS)
        # (the names marked further on in the block are read in their turn)
        further = [_marked_name(mark) for mark in later[index + 1:] if block in mark.iterancestors()]
        if not _only_joins_names(block_texts[block], [*texts, *further]):
            break
        names += written
    return names


def _names_another_writer(mark: Element, text: str, written: tuple[str, ...], earlier: list[str], taken: list[Element]) -> bool:
    """Whether a mark after a writer's names another writer: full names (see looks_like_full_name),
    no role ("Senior Political Correspondent"), no earlier name again ("Follow Jane Doe"), and no
    link to a page an earlier mark links to ("View All Posts")."""
    href = mark.get("href")
    return bool(written) and all(map(looks_like_full_name, written)) and not BYLINE_ROLE.search(text) \
        and not any(name in text for name in earlier) and not (href and href in {other.get("href") for other in taken})


def _only_joins_names(text: str | None, names: list[str]) -> bool:
    """Whether a block's text is the names with a byline's lead-in and separators only."""
    if text is None:
        return False
    for name in names:
        text = text.replace(name, " ", 1)
    return not BYLINE_SPLIT.sub(" ", BYLINE_PREFIX.sub("", text)).strip()


def _marked_name(element: Element) -> str:
    # schema.org markup puts the name in its own itemprop=name beside a bio or a photo
    named = element.xpath(".//*[@itemprop = 'name']") if element.get("itemprop") == "author" else []
    return text_of(named[0] if named else element)


def _with_co_writers(found: Found, root: Element) -> Found:
    """The page's marked byline where it names the JSON-LD's writers and more: some sites' JSON-LD
    names one of a story's co-writers."""
    if found.source != "json-ld author":
        return found
    marked = next((group for group in _marked_bylines(root) if group.value), None)
    if marked and {name.casefold() for name in found.value} < {name.casefold() for name in marked.value} \
            and _after_headline(marked.element, root) and _outside_other_stories(marked.element):
        return marked
    return found


def _after_headline(element: Element, root: Element) -> bool:
    """Whether an element comes after the page's headline: a byline does; a site menu of
    columnists above it does not."""
    headline = _headline_element(root, None)
    return headline is not None and next(node for node in root.iter() if node is headline or node is element) is headline


def _class_bylines(root: Element) -> Iterator[Found]:
    """Elements classed as a byline (BYLINE_CLASS), or with "author" in a class word where their
    text is full names (looks_like_full_name), they hold no paragraph or heading (a blog entry
    classed by its author: "entry-author-jdoe") and their class is not repeated (a list of other
    stories, each with its author: "teaser__author")."""
    candidates = [(element, class_and_id(element)) for element in root.iter("div", "span", "p", "a", "address", "ul", "li")]
    candidates = [(element, hints) for element, hints in candidates
                  if AUTHOR_WORD_IN_CLASS.search(hints) and not AUTHOR_CARD_CLASS.search(hints)]
    repeated = collections.Counter(element.get("class") for element, _ in candidates)
    for element, hints in candidates:
        classed_byline = BYLINE_CLASS.search(hints) is not None
        if not classed_byline and repeated[element.get("class")] > 1:
            continue  # (read first: a list of teasers holds thousands)
        names = split_byline(short_text_of(element, MAX_BYLINE_CHARS) or "")
        if classed_byline or (names and all(map(looks_like_full_name, names))
                              and not _contains_block(element, "p", "h1", "h2", "h3")):
            yield Found(names, f"{element.tag}.{hints.split()[0]}", element)


def _labelled_bylines(root: Element) -> Iterator[Found]:
    """Names after an author label (AUTHOR_LABELS), where they look like people's names, outside
    comments, sidebars and lists of other stories (a reader's "by Jane Doe" above a comment)."""
    for label in root.iter(AUTHOR_LABEL_TAGS):
        if _is_author_label(label) and _outside_other_stories(label):  # (the cheap test first: most are no label)
            names = split_byline(_line_after(label) or _line_after(label.getparent()))
            if names and all(map(looks_like_person_name, names)):
                yield Found(names, f"{label.tag} label", label)


def _is_author_label(element: Element) -> bool:
    """Whether an element's whole text is an author label: its own first text ("Autor:"), read
    first as most elements hold none, and then all of it, children included ("<b>Autor<i>:</i></b>"
    is a label; "<b>Autor <a>Jane Doe</a></b>" is a byline, read by the other sources)."""
    return (element.text or "").strip(" :").casefold() in AUTHOR_LABELS \
        and text_of(element).strip(" :").casefold() in AUTHOR_LABELS


def _line_after(element: Element | None) -> str:
    """The text after an element up to the next line break, read at most MAX_LABELLED_CHARS far:
    its tail, then its next siblings ("<b>Von:</b><br><br>Jane Doe": breaks before any text are skipped)."""
    if element is None:
        return ""
    text = element.tail or ""
    for sibling in element.itersiblings():
        ends_line = sibling.tag == "br" or sibling.tag in LINE_ENDING_TAGS
        if len(text) > MAX_LABELLED_CHARS or ends_line and (text.strip() or sibling.tag == element.tag):
            break  # a line break, the next block ("<dt>Autor</dt><dd>Jane Doe</dd><dt>Rubrik</dt>"), the next header cell
        sibling_text = short_text_of(sibling, MAX_LABELLED_CHARS)
        if sibling_text is None:
            return ""  # a paragraph, not a name
        if sibling_text.strip(" :").casefold() in AUTHOR_LABELS:
            break  # the next label
        text += " " + sibling_text + " " + (sibling.tail or "")
    return clean_text(text) if len(text) <= MAX_LABELLED_CHARS else ""


def _text_bylines(root: Element) -> Iterator[Found]:
    """Elements whose whole text is "von Jane Doe" (see TEXT_BYLINE_LEAD), the names person-shaped,
    outside comments, sidebars and lists of other stories."""
    for element in root.iter(TEXT_BYLINE_TAGS):
        if element.text and TEXT_BYLINE_LEAD.match(element.text) and _outside_other_stories(element):
            text = short_text_of(element, MAX_TEXT_BYLINE_CHARS) or ""
            names = split_byline(text.lstrip(f" {DASHES}")) if not BYLINE_END.search(text) else ()
            if names and all(map(looks_like_full_name, names)):
                yield Found(names, f"{element.tag} text byline", element)


def looks_like_person_name(name: str) -> bool:
    """Letters only (a hyphen, an apostrophe, a dot between), each word capitalised (or a particle:
    "Ursula von der Leyen"), in scripts with case; not a label or a byline's lead word ("Text", "By")."""
    words = name.split()
    letters = "".join(char for char in name if not unicodedata.category(char).startswith("M") and char not in JOINERS)
    return bool(words) and not NOT_IN_NAME.search(letters) and name.casefold() not in AUTHOR_LABELS \
        and all(not word[0].islower() or word.casefold() in NAME_PARTICLES for word in words) \
        and words[0] not in NAME_PARTICLES  # "von Jane" is a lead-in; "Al Gore", "Van Morrison" are names


def looks_like_full_name(name: str) -> bool:
    """A person-shaped name of two words or more: what a byline found by its shape alone must be
    ("By Month", "TECHNOLOGY" are a page's navigation)."""
    return len(name.split()) >= MIN_FULL_NAME_WORDS and looks_like_person_name(name)


def _names_no_person(name: str, site: set[str]) -> bool:
    """An author value that is the site itself (one of `site`, see site_names), a company, a CMS
    account (or a login name: "sv_team"), an e-mail address or a domain."""
    return bool(EMAIL.search(name) or DOMAIN_NAME.fullmatch(name) or COMPANY_WORDS.search(name)) \
        or name.casefold() in CMS_ACCOUNTS or "_" in name or squeezed(name) in site


def site_names(page: ParsedPage) -> set[str]:
    """The site's own names, squeezed (see squeezed): og:site_name, the JSON-LD publisher, the
    host and its labels ("mdr", "boersenzeitung")."""
    names = {page.meta.get("og:site_name"), page.meta.get("application-name"), ld_text(page.ld.get("publisher"))}
    host = host_of(page.url or "").removeprefix("www.")
    if host:
        labels = host.split(".")[:-1]
        names |= {host, ".".join(labels), *(label for label in labels if len(label) >= MIN_SITE_LABEL_CHARS)}
    return {squeezed(name) for name in names if name} - {""}


NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")  # (\w is what str.isalnum() holds, and "_")


def squeezed(value: str) -> str:
    """Letters and digits only, case folded: "Börsen-Zeitung" and "boersen zeitung" differ,
    "Le Monde" and "lemonde" do not."""
    return NOT_LETTER_OR_DIGIT.sub("", value.casefold())


# Where the names in a byline end: a date, a time, a year, a handle, "updated".
BYLINE_END = re.compile(
    rf"(?<!\s)\s+(?:updated|published|posted)\b|(?<![\s,]),?\s+(?:{'|'.join(WEEKDAYS)})\b|\d{{1,2}}:\d{{2}}|\b(?:19|20)\d{{2}}\b|\s@\w|\s{MONTH_ABBREVIATION}[a-z]*\.?\s+\d"
    # a day before its month, in any language: "Emily Burack 8 January", "Moritz Gathmann am 21.
    # April", "Anna Roth, 07 Dezember", "X am 08.12.2022"
    # (each branch tried from a run's first comma or space only: from each, a long run was read to its end)
    rf"|(?<![\s,])[\s,]+(?:am\s+)?\d{{1,2}}(?:\.\s*|\s+)(?:\d{{1,2}}\.|[^\W\d_]{{3,}})",
    re.I,
)
# The preposition left before a byline's date: "Posted by Jane Doe on | October 3" (lower case only).
TRAILING_PREPOSITION = re.compile(r"(?<!\s)\s+(?:on|at|am|um|le|el)[\s|,·]*$")
# A photo credit in a byline's place ("Foto: dpa", "Photo: Reuters") names no author.
PHOTO_CREDIT = re.compile(r"(?:foto|fotos|photo|photos|bild|bilder|image|credit|фото)\b", re.I)
# Initials or a desk code after a name: "Elena Oberholzer (obe)".
NAME_CODE = re.compile(r"\s*\([^()]{1,6}\)$")


def split_byline(text: str) -> tuple[str, ...]:
    """'By Jane Doe and John Roe' -> ('Jane Doe', 'John Roe'); dates and roles are left out."""
    text = BYLINE_PREFIX.sub("", clean_text(text))
    if PHOTO_CREDIT.match(text):
        return ()
    text = TRAILING_PREPOSITION.sub("", BYLINE_END.split(text)[0])
    names = [NAME_CODE.sub("", name.strip(f" .·|»«/{DASHES}")) for name in BYLINE_SPLIT.split(text)]
    names = [name for name in names if MIN_NAME_CHARS <= len(name) <= MAX_NAME_CHARS and len(name.split()) <= MAX_NAME_WORDS
             and name[0].isalpha()]  # "01.12", "» Name": a date or a mark, not a name
    people = [name for name in names if not BYLINE_ROLE.search(name)]
    # "Tom Krisher, AP Auto Writer": the role goes; an agency alone ("Thomson Reuters") stays
    return dedupe(people or names)


def dedupe(values: Iterable[str | None]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        value = clean_text(value)
        if value:
            seen.setdefault(value, None)
    return tuple(seen)


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://", "/"))


# The JSON-LD key and the meta names that carry each timestamp, most trusted first. The later
# published names are those of publishing systems and analytics tags (Reuters' og:article:*,
# sailthru.date, analyticsattributes.articledate, Dublin Core's dcterms.*, date.available).
DATE_KEYS = {
    "published": ("datePublished", ("article:published_time", "og:published_time", "og:article:published_time",
                                    "article:published:time", "date", "pubdate", "publishdate", "publish-date",
                                    "dc.date", "dc.date.issued", "dc.date.created", "dcterms.issued",
                                    "dcterms.created", "dcterms.date", "datepublished", "sailthru.date",
                                    "date.available", "analyticsattributes.articledate", "parsely-pub-date")),
    "modified": ("dateModified", ("article:modified_time", "og:updated_time", "og:article:modified_time",
                                  "last-modified", "datemodified", "dcterms.modified")),
}
# JSON-LD keys read from the page's other items (a WebPage, a VideoObject) when its article item,
# or the page, has none: pages whose only dated item is not typed as an article.
OTHER_LD_DATE_KEYS = {"published": ("datePublished", "uploadDate"), "modified": ("dateModified",)}
# Items that describe the page or site rather than a work on it: SEO plugins date every page,
# shops and FAQs included, with a WebPage datePublished.
PAGE_LD_TYPES = {"webpage", "website", "collectionpage", "itempage", "aboutpage", "contactpage", "faqpage",
                 "searchresultspage", "profilepage", "checkoutpage", "realestatelisting", "medicalwebpage",
                 "product", "offer", "organization", "breadcrumblist", "imageobject", "question"}

# Family: shop, holiday-let and local-business pages whose JSON-LD lists their customers' reviews
# as items of their own, each dated: readers' works, not the page's. A review item is a reader's
# where the page has several, or an item for the thing reviewed; a lone review is a critic's page.
READER_LD_TYPES = {"review", "userreview", "employerreview", "comment", "answer"}
REVIEWED_LD_TYPES = {"product", "offer", "aggregateoffer", "localbusiness", "lodgingbusiness", "hotel", "restaurant",
                     "vacationrental", "store", "softwareapplication"}
MIN_READER_ITEMS = 2

MONTH_EXTRA_ABBREVIATIONS = {"sept": 9, "juil": 7, "févr": 2, "fevr": 2, "avr": 4, "déc": 12, "mrz": 3,
                             "maerz": 3, "marz": 3, "aout": 8, "setiembre": 9}


def _month_numbers() -> dict[str, int]:
    """Month name or its first three letters -> its number; where two languages' abbreviations
    clash ("jui": juin, juillet), the first table's month is kept."""
    numbers = dict(MONTH_EXTRA_ABBREVIATIONS)
    for names in MONTH_TABLES.values():
        for number, name in enumerate(names.split(), 1):
            numbers.setdefault(name, number)
            numbers.setdefault(name[:3], number)
    return numbers


MONTH_NUMBERS = _month_numbers()
MONTH_NAME = "(?:" + words_pattern(MONTH_NUMBERS) + r")(?!\w)"  # (a tree of letters: three times faster)
YEAR = r"((?:19|20)\d{2})"
# Dates as pages write them, each with the order of its day, month and year groups.
# "19. Oktober 2019", "3 de mayo de 2022", "3 d'octubre de 2020", "04 May 2022" (RFC 2822), "15 августа 2016":
DAY_MONTH_NAME_YEAR = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:\.|st|nd|rd|th|er|º)?\s*(?:de\s+|d['’]|of\s+)?({MONTH_NAME})\.?,?\s*(?:de\s+|del\s+)?{YEAR}(?!\d)", re.I)
# "April 19, 2019", "Sep 26, 2016", "Mai 05, 2019":
MONTH_NAME_DAY_YEAR = re.compile(rf"(?<!\w)({MONTH_NAME})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+{YEAR}(?!\d)", re.I)
# "26.10.2018", "02.12.19", "2. 11. 2021" (day first, as in central Europe). A two-digit year
# follows its month's dot directly: "28.01. - 05.02. 10% sparen" is a range of days and a number.
DAY_DOT_MONTH_YEAR = re.compile(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?((?:19|20)\d{2}|(?<=\.)\d{2})(?!\d|\.\d)")
# "26/10/2018", "3/5/2022", "26-10-2018": day first, but month first where the day cannot be a
# month ("10/26/2018") or the page is American English.
NUMERIC_SLASHED = re.compile(r"(?<![\d/.-])(\d{1,2})([/-])(\d{1,2})\2((?:19|20)\d{2})(?![\d/-])")
# "2020/10/04", "2020.03.04", "2019-01-01":
YEAR_MONTH_DAY = re.compile(r"(?<![\d/.-])((?:19|20)\d{2})([-/.])(\d{1,2})\2(\d{1,2})(?![\d/])")
# "2020年07月03日", "2020년 3월 4일":
CJK_DATE = re.compile(r"((?:19|20)\d{2})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?")
# "2020. 08. 18." (Hungarian, and Korean written with dots): year first, each part closed by a dot.
YEAR_DOT_MONTH_DAY = re.compile(r"(?<![\d.])((?:19|20)\d{2})\.\s(\d{1,2})\.\s?(\d{1,2})\.(?!\d)")
# A date that ends a range of days is an event's period, not when the page was written:
# "9-23 Feb 2017", "vom 9. bis 23. Februar 2017", "12.–14.03.2020", "from 3 to 5 May 2021".
# (Not a time's minutes or a date's year before a dash: "14:07 - 25.04.2024".)
DATE_RANGE_START = re.compile(r"(?<![\d:.,])\d{1,2}\.?\s?(?:[-–]|bis|to|au|al)\s?$", re.I)
MAX_RANGE_START_CHARS = 8  # "09. bis " before the day that ends the range
# Labels of dates that are not the page's: a forum post's or a comment's author box dates the
# member's joining ("Registriert: 18.09.2008, 05:56", "Joined: Mon Sep 15, 2008"), a product
# page its release ("Release: 14.11.2019", "Erscheinungstermin: …", "Date de sortie : …"; a
# press release's date is its own).
OTHER_DATE_LABEL = re.compile(r"(?<!\w)(?:registriert(?:\s+seit)?|registered(?:\s+on)?|joined(?:\s+on)?|member\s+since|"
                              r"mitglied\s+seit|dabei\s+seit|angemeldet\s+seit|inscrit(?:e)?(?:\s+le)?|membre\s+depuis|"
                              r"registrado(?:\s+el)?|miembro\s+desde|iscritto(?:\s+il)?|lid\s+sinds|geregistreerd(?:\s+op)?|"
                              r"(?<!press\s)(?<!news\s)(?<!media\s)(?<!immediate\s)(?<!-)release(?:\s+date)?|erscheinungs(?:datum|termin)|date\s+de\s+sortie|fecha\s+de\s+lanzamiento|"
                              r"data\s+di\s+uscita)\s*:?\s*(?:\w{2,10},?\s+)?$", re.I)
MAX_OTHER_LABEL_CHARS = 40  # "Registered on: Monday, ", "Latest version: 2.3.1 (" before the day
# "12.03. – 16.04.2024": a day and month whose year the range's end gives.
DAY_MONTH_RANGE_START = re.compile(r"(?<![\d.])\d{1,2}\.\d{1,2}\.\s?(?:[-–]|bis)\s?$", re.I)
# What joins a date to a later one: the date starts a range ("12.03.2024 – 16.04.2024", "3 June
# 2024 to 7 June 2024"), an event's or a course's period.
RANGE_JOINS = r"(?:[-–—]|bis|to|au|al|until)"
RANGE_JOIN = re.compile(r"\s*" + RANGE_JOINS + r"\s*", re.I)
MAX_RANGE_END_LEAD = 12  # a weekday before the range's last day: "– Freitag, 7. Juni 2024"
# The weekdays a range's last day may follow, in the languages whose month names are read (only a
# weekday: "March 3, 2024 – Updated March 4, 2024" is a byline's two dates, not a range).
RANGE_WEEKDAY = (r"(?:" + "|".join(WEEKDAYS) + r"|\w+tag|mittwoch|lundi|mardi|mercredi|jeudi|vendredi|samedi|"
                 r"dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo|lunedì|martedì|mercoledì|giovedì|"
                 r"venerdì|sabato|domenica|\w+dag|\w+-feira)\.?,?\s+")
RANGE_END_WEEKDAY = re.compile(RANGE_WEEKDAY, re.I)
# The join and weekday before a range's last day, read back from that day.
RANGE_END_LEAD = re.compile(r"\s*" + RANGE_JOINS + r"\s*(?:" + RANGE_WEEKDAY + r")?$", re.I)
MAX_RANGE_START_DATE_CHARS = 40  # the first day of a range written whole: "Montag, 3. Juni 2024"
# Family: days that pages print and that are not when the page was written: an offer's or a
# ticket's validity, a deadline, a course's or a job's start, the day a price or rate is given
# as of, a closure, a delivery, a firm's founding or registration (about and imprint pages). The
# words that put such a day after them, per language (matched as whole words, the date following
# with only a colon, a bracket, an article or a weekday between).
OTHER_DAY_WORDS = (
    # German
    "gültig", "gültig bis", "gültig ab", "bis", "bis zum", "ab", "ab dem", "anmeldeschluss", "bewerbungsschluss",
    "einsendeschluss", "meldeschluss", "redaktionsschluss", r"\w*frist", "stichtag", "beginn", "kursbeginn", "lieferbar",
    "verfügbar", "eintritt", "geschlossen", "laufzeit", "lieferung", "zustellung", "gegründet", "gründung",
    "eingetragen",
    # English
    "valid", "valid until", "valid through", "valid from", "until", "till", "deadline", "expires", "expiry",
    "closing date", "start date", "end date", "starts", "ends", "available from", "as of", "as at", "closed",
    "reopens", "effective", "due", "delivery", "founded", "established", "incorporated",
    # French, Spanish, Italian
    "jusqu'au", "jusqu’au", "valable", "date limite", "à partir du", "dès le", "fermé", "livraison", "fondée",
    "hasta", "válido", "válida", "fecha límite", "fecha de inicio", "a partir del", "cerrado", "entrega", "fundada",
    "fino al", "valido", "validi", "scadenza", "a partire dal", "chiuso", "consegna", "fondata",
)
OTHER_DAY_LEAD = re.compile(
    r"(?<!\w)(?:" + "|".join(OTHER_DAY_WORDS) + r"|\(\s*stand)"
    r"[\s:,(]*(?:(?:ist|is|the|der|dem|den|am|on|le|el|il|al)\s+)*"
    rf"(?:(?:{'|'.join(WEEKDAYS)}|\w+tag),?\s+)?$", re.I)
# Family: event pages (concerts, courses, matches, exhibitions) that describe their event in
# JSON-LD and print its day under the headline ("Saturday, 15 June 2024, 7:00 pm"): the event's
# day, not the page's (a microdata event's <time>s are another thing's: OTHER_THINGS_ITEM_TYPES).
# Its keys, and the Event subtypes not named "…Event".
EVENT_DATE_KEYS = ("startDate", "endDate")
OTHER_EVENT_TYPES = {"festival", "hackathon", "courseinstance"}
# A version's release day: "Version 24.01 vom 12.02.2024", "Latest version: 2.3.1 (12 March
# 2024)", a changelog's "2.3.1 — 2024-03-12" (download portals, software pages).
VERSION_LEAD = re.compile(
    r"(?:(?<!\w)(?:version|release|build|v)\.?\s*:?\s*\d+(?:\.\d+)+|(?<![\w.])\d+\.\d+\.\d+)[a-z]?"
    r"\s*[(:–—-]?\s*(?:vom|from|of|du|del)?\s*$", re.I)
# Family: event and course pages, whose date is followed by the event's hours or venue: "15.06.2024
# Uhrzeit: 19:00 Uhr", "samedi 15 juin 2024, de 9h à 17h", "3 May 2024, 7pm–10pm", never a
# dateline's single time ("12.03.2024, 14:05 Uhr"). (A range of hours needs a unit or minutes at
# its end: "S. 10-12" after a date is a page range. A bare place, "Ort:", "Location:", also
# follows a news agency's date: "Published Date: 09 January 2008 Source: PA Location: London".)
TIME_OF_DAY = r"\d{1,2}(?:[:.h]\d{2})?\s*(?:uhr|h|am|pm|a\.m\.|p\.m\.)?"
EVENT_AFTER_DATE = re.compile(
    r"[\s,;|·–—-]*(?:(?:von|from|de|dalle|de\s+las|ab)\s+)?(?:(?:uhrzeit|veranstaltungsort|treffpunkt|einlass|beginn|"
    r"venue|doors|horario|orario|horaires?)\s*:|(?<!\d)" + TIME_OF_DAY + r"\s*(?:[-–]|bis|to|until|à|a|alle|al)\s*"
    r"\d{1,2}(?:[:.h]\d{2}\s*(?:uhr|h|am|pm|a\.m\.|p\.m\.)?|\s*(?:uhr|h|am|pm|a\.m\.|p\.m\.))(?!\w))", re.I)
# A number a title word precedes counts something else: an episode, a part, an issue, a page.
NUMBERED_TITLE = re.compile(r"(?<!\w)(?:nr|no|folge|teil|episode|part|vol|kapitel|chapter|seite|page|heft|ausgabe|issue)\.?\s*$", re.I)
MAX_TITLE_WORD_CHARS = 10  # "Episode " and "Kapitel. " before the number
TEXT_DATE_PATTERNS = ((DAY_MONTH_NAME_YEAR, "dMy"), (MONTH_NAME_DAY_YEAR, "Mdy"), (DAY_DOT_MONTH_YEAR, "dmy"),
                      (NUMERIC_SLASHED, "d/m/y"), (YEAR_MONTH_DAY, "y/m/d"), (CJK_DATE, "ymd"),
                      (YEAR_DOT_MONTH_DAY, "ymd"))
# All but the dotted day ("02.12.19") need a four-digit year: a text without one is spared the
# month-name patterns, the slowest.
FOUR_DIGIT_YEAR = re.compile(r"(?:19|20)\d{2}")
TWO_DIGIT_YEAR_PATTERNS = ((DAY_DOT_MONTH_YEAR, "dmy"),)
# What the dotted day cannot do without, a digit, a dot and a digit ("02.12"): a text without
# one is spared its scan, which tries every position (most texts near a headline have none).
DOTTED_NUMBERS = re.compile(r"\d\.\s?\d")
# Pages without a date near the headline that label one further down, in the article's foot or
# an info box: "Datum: 18.10.2021", "Veröffentlicht: 30.07.2019 09:35 Uhr", "Published on May 3,
# 2022", "Stand: 07.11.2023", "Publié le 3 mai 2022". Read only where no other date was found.
# "Stand" labels only before a colon, a number, "vom", "am" or "der" ("Stand der Informationen:"):
# in English it is a word ("10 Ideas for a DIY Plant Stand August 13, 2020").
DATE_LABEL = re.compile(
    r"(?<!\w)(?:datum|date|ver(?:ö|oe)ffentlicht(?:\s+am)?|erschienen(?:\s+am)?|erstellt(?:\s+am)?|"
    r"aktualisiert(?:\s+am)?|stand(?=\s*[:\d]|\s+(?:vom|am|der)\s)|published(?:\s+on)?|posted(?:\s+on)?|publi[ée](?:\s+le)?|"
    r"publicado(?:\s+el)?|pubblicato(?:\s+il)?|gepubliceerd(?:\s+op)?)\s*:?\s+(?=\d|[^\W\d])",
    re.I,
)
# "Zuletzt aktualisiert am 28.01.2020": the last change of a listing or reference page, not when
# it was published (as "Last updated" is not among DATE_LABEL's English words).
LAST_CHANGE = re.compile(r"zuletzt\s*$", re.I)
# Family: labels of another day than the page's, on course, event, shop and government pages.
# A word before the label ("Start date: 3 September 2024", "Closing date", "Expiry date"), or
# after it ("Date modified: 2024-03-12", "Datum der letzten Änderung", "Date limite", "Date de
# naissance"); and German's "Stand" in a bracket, which dates a figure ("ab 3,49 % (Stand:
# 01.03.2024)"), not the page.
OTHER_DAY_LABEL_BEFORE = re.compile(
    r"(?<!\w)(?:start|end|closing|expiry|expiration|due|event|arrival|departure|delivery|birth)\s*$", re.I)
BRACKETED_LABEL, BRACKET_BEFORE = ("Stand", "stand", "STAND"), re.compile(r"\(\s*$")
OTHER_DAY_LABEL_AFTER = re.compile(
    r"(?:modified|last (?:modified|updated|changed)|of (?:last )?(?:change|modification|update|birth)|"
    r"der letzten (?:änderung|aktualisierung)|limite|de (?:naissance|début|fin|modification|mise à jour))\b", re.I)
# A byline's date starts within this many characters of its line ("Von Wenke Gürtler Aktualisiert am").
MAX_DATELINE_LEAD = 40
MAX_LABELLED_DATE_GAP = 24  # characters between a label and its date ("Datum: Montag, 18.10.2021")
# Labels read at most: a page's own comes early, and a page of a megabyte of "date date …" is
# not read through.
MAX_DATE_LABELS_READ = 20
MAX_LABEL_OCCURRENCES = 1000
# The page's text read around a label, before white space is folded: the label, its date and
# room for the indentation of templates.
LABEL_WINDOW_CHARS = 4 * MAX_DATELINE_CHARS
# The words DATE_LABEL begins with, each as written, capitalised or in capitals.
DATE_LABEL_STEMS = ("datum", "date", "veröffentlicht", "veroeffentlicht", "erschienen", "erstellt", "aktualisiert",
                    "stand", "published", "posted", "publi", "pubblicato", "gepubliceerd")
# Of those, German's word for "as of", which English pages use as a word ("Hall 4, Stand 12, 25
# April 2024"; "Taking a Stand: …"): not sought on a page whose <html lang> is English.
ENGLISH_WORD_STEMS = ("stand",)
# Zones written after a time: "6:43 AM ET", "07:09 GMT", "15:05 CEST"; a named zone takes its
# offset on that date (EDT in summer, EST in winter), "ET" included.
ZONE_NAMES = {
    "utc": "UTC", "gmt": "UTC", "z": "UTC",
    "et": "America/New_York", "est": "America/New_York", "edt": "America/New_York",
    "ct": "America/Chicago", "cst": "America/Chicago", "cdt": "America/Chicago",
    "mt": "America/Denver", "mst": "America/Denver", "mdt": "America/Denver",
    "pt": "America/Los_Angeles", "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles",
    "cet": "Europe/Berlin", "cest": "Europe/Berlin", "mez": "Europe/Berlin", "mesz": "Europe/Berlin",
    "bst": "Europe/London", "wet": "Europe/Lisbon", "west": "Europe/Lisbon",
}
ZONE = "(?:" + "|".join(sorted(ZONE_NAMES, key=len, reverse=True)) + r")(?!\w)"
# A time right after a date: "22.04.2020 / 06:15", "19. Oktober 2019 15:07", "8 January 2020,
# 3:51 pm", "6 May 2022 - 2:00 a. m.", "15:05:21 +0200".
TIME_AFTER_DATE = re.compile(
    r"[\s,|/·–—-]{0,4}(?:(?:um|à|a las|às|at|alle|kl\.?)\s+)?(\d{1,2})[:h](\d{2})(?![\d/])(?::(\d{2}))?(?:[.,]\d+)?"
    rf"(?:\s*([ap])\.?\s?m\b\.?)?(?:\s*(?:uhr|h)\b)?(?:\s*(?:({ZONE})([+-]\d{{1,2}}(?::?\d{{2}})?)?|([+-]\d{{2}}:?\d{{2}})))?",
    re.I,
)
# A year in a date read from text: older or later years are part numbers and prices.
MIN_TEXT_YEAR, MAX_TEXT_YEAR = 1990, 2099
# A value in a date field may start with a weekday ("Wed, 04 May 2022 10:00:00 GMT") or a word.
MAX_DATE_FIELD_CHARS = 80
MAX_DATE_FIELD_LEAD = 16
# Around the headline: the text a dateline or byline date sits in (header and byline), not the
# body's paragraphs, where dates of the events reported are.
NEAR_HEADLINE_AFTER_CHARS = 400
# ...but a dateline on a line of its own may stand below a standfirst of a few sentences
# (magazines: headline, teaser, then "21.01.2022 - 13:30 Quelle: …"); only such short lines are
# read that far down.
NEAR_HEADLINE_DATELINE_CHARS = 800
NEAR_HEADLINE_BEFORE_CHARS = 150
# Family: leads and notices under the headline whose sentence names an event's, a deadline's or
# a closure's day. The lower-case words a dateline may put before its date ("Pressemitteilung
# vom", "Posted on", "Last updated at 11:25am on", "Publié le", "mis à jour le"); any other
# before a text's first date makes it a sentence's.
CLAUSE_BREAK = re.compile(r"[.;:|·–—!?]|\s-\s")  # a date's clause starts after the last of these
SENTENCE_INLINE_TAGS = ("b", "strong", "em", "i", "u", "mark", "span", "a", "font", "small")
DATELINE_WORDS = {"am", "vom", "von", "den", "der", "um", "on", "at", "by", "the", "of", "le", "du", "de", "del", "el",
                  "il", "di", "da", "op", "van", "updated", "posted", "published", "modified", "aktualisiert",
                  "veröffentlicht", "erstellt", "geändert", "publié", "mis", "à", "jour", "par", "publicado", "actualizado",
                  "por", "em", "às", "pubblicato", "aggiornato", "alle", "gepubliceerd", "door"}
# Class and id words of lists of other stories and sidebars (WordPress's widget_recent_entries).
OTHER_STORIES_WORDS = ("related", "sidebar", "recommend", "popular", "trending", "more-?stories", "recent",
                       "latest-?(?:news|posts|entries|stories)", "news-?ticker")
# Ancestors of a <time> or a byline that mark it as another item's: those lists, and teasers,
# comments, widgets, footers.
NOT_THE_STORY = re.compile("|".join((*OTHER_STORIES_WORDS, "widget", "comment", "teaser", "footer", "tab-posts",
                                     "carousel")), re.I)
NOT_THE_STORY_TAGS = {"aside", "footer", "nav"}
# Where a date after the headline or a labelled date is not read: the lists alone, not a post's
# own footer, comment count or lead (Blogger writes "Posted by X at 10:38 AM" in div.post-footer
# and its posts in div.widget.Blog; German sites call the lead a teaser), nor a block holding
# the page's <h1> or <main> (a layout's div.content-sidebar-wrap, div.no-sidebar).
OTHER_STORIES_LIST = re.compile("|".join(OTHER_STORIES_WORDS), re.I)
STORY_HOLDER_TAGS = ("h1", "main")
# Family: labelled dates of readers and of the site, not the page's: a comment's "Posted on
# March 12, 2024" (a guide or a static page with a comment thread: div#comments, ol.comment-list;
# not a word "comment" alone, which some themes give a post's own meta line), and the site footer's
# "Stand: 12.03.2024" (the site's last change). The site footer is a <footer> or a block named
# footer outside any <article> or <main>, not a post's own (Blogger's div.post-footer, WordPress's
# footer.entry-footer: "Veröffentlicht am …").
COMMENT_THREAD = re.compile(r"comments|comment-?list|comment-?thread|kommentare", re.I)
SITE_FOOTER = re.compile(r"(?:^|[-_\s])footer(?:$|[-_\s])", re.I)
POST_OWN_FOOTER = re.compile(r"post|entry|article|story|beitrag", re.I)
STORY_TAGS = ("article", "main")
# Elements a CMS names as the story's date, printed with no label ("01.02.2022" in
# span.meta__date, div.news-date, p.datum): German public-sector and party sites, Blogger's
# date-header, the BBC's older story-date, forums' post dates. Picked out by libxml2 (a class holding the word, in any
# case the themes write it), then matched as a whole word.
DATE_CLASS = re.compile(r"(?:^|[-_\s])(?:date|datum|fecha|pubdate)(?:$|[-_\s])", re.I)
DATE_CLASS_XPATH = lxml.etree.XPath("//@class[contains(., 'date') or contains(., 'Date') or contains(., 'datum')"
                                    " or contains(., 'Datum') or contains(., 'fecha')]")
# A classed date holds the date, maybe a weekday, a time and a zone; longer, it is a teaser.
MAX_CLASSED_DATE_CHARS = 60
# A <time> under its own heading within this many levels dates that heading's card (another
# story's teaser, a document to download: "Ressourcenwende: Appell … 08.12.2022 … Herunterladen").
MAX_CARD_LEVELS = 3
NEAREST_HEADING_ABOVE = lxml.etree.XPath(
    "preceding::*[" + " or ".join(f"self::{tag}" for tag in sorted(HEADING_TAGS)) + "][1]")
# Family: listings, timelines and guestbooks whose entries each open with a date. An element
# with this many siblings of its kind so dated is an entry (the siblings read at most).
MIN_DATED_SIBLINGS = 2
MAX_LIST_SIBLINGS_READ = 24  # on either side (an entry of a title, a date and an excerpt is three elements)
MAX_ENTRY_PARTS_READ = 4  # elements like the date's read in each sibling entry
MAX_ENTRY_ELEMENTS_READ = 100  # elements of a sibling entry searched for them (a teaser has a few dozen)
MAX_TEASER_CHARS = 700  # a listing's entry: a title, a date, an excerpt of a few lines
MAX_EMPTY_HEADINGS = 3  # a theme's empty heading or two (an icon's <h3></h3>) between a card's title and its date
# <time> elements read for a date: the story's own comes early; a page of thousands (an archive
# listing) is not read through.
MAX_TIMES_READ = 20
MAX_HEADINGS_READ = 20
# hAtom and schema.org microdata outside <meta>: <abbr class="published" title="...">, any
# element with itemprop=datePublished (its content, datetime or title, else its text).
MICRODATA_DATE_XPATH = lxml.etree.XPath(
    "//@itemprop[. = 'datePublished' or . = 'dateCreated']"
    " | //abbr[@title][contains(concat(' ', normalize-space(@class), ' '), ' published ')]")
# A site's country, by its country-code domain (the last label of the host: .ca, .com.bo), and
# its newsroom's zone: the capital's, or the most populous zone's where a country has several.
# Read for a UTC time whose day on that clock is another (see local_day_of_utc). Domains sold
# worldwide as generic names (.co, .io, .tv, .me, .fm, .ag) are not countries here.
NEWSROOM_ZONES = {
    "ca": "America/Toronto", "us": "America/New_York", "mx": "America/Mexico_City", "cu": "America/Havana",
    "gt": "America/Guatemala", "sv": "America/El_Salvador", "hn": "America/Tegucigalpa",
    "ni": "America/Managua", "cr": "America/Costa_Rica", "pa": "America/Panama", "do": "America/Santo_Domingo",
    "ve": "America/Caracas", "ec": "America/Guayaquil", "pe": "America/Lima", "bo": "America/La_Paz",
    "py": "America/Asuncion", "uy": "America/Montevideo", "ar": "America/Argentina/Buenos_Aires",
    "cl": "America/Santiago", "br": "America/Sao_Paulo",
    "uk": "Europe/London", "ie": "Europe/Dublin", "pt": "Europe/Lisbon", "es": "Europe/Madrid",
    "fr": "Europe/Paris", "be": "Europe/Brussels", "nl": "Europe/Amsterdam", "lu": "Europe/Luxembourg",
    "de": "Europe/Berlin", "at": "Europe/Vienna", "ch": "Europe/Zurich", "it": "Europe/Rome",
    "dk": "Europe/Copenhagen", "no": "Europe/Oslo", "se": "Europe/Stockholm", "fi": "Europe/Helsinki",
    "pl": "Europe/Warsaw", "cz": "Europe/Prague", "sk": "Europe/Bratislava", "hu": "Europe/Budapest",
    "si": "Europe/Ljubljana", "hr": "Europe/Zagreb", "rs": "Europe/Belgrade", "ro": "Europe/Bucharest",
    "bg": "Europe/Sofia", "gr": "Europe/Athens", "tr": "Europe/Istanbul", "ua": "Europe/Kyiv",
    "ru": "Europe/Moscow", "lt": "Europe/Vilnius", "lv": "Europe/Riga", "ee": "Europe/Tallinn",
    "il": "Asia/Jerusalem", "lb": "Asia/Beirut", "jo": "Asia/Amman", "sa": "Asia/Riyadh", "ae": "Asia/Dubai",
    "qa": "Asia/Qatar", "kw": "Asia/Kuwait", "eg": "Africa/Cairo", "ma": "Africa/Casablanca",
    "dz": "Africa/Algiers", "tn": "Africa/Tunis", "ng": "Africa/Lagos", "gh": "Africa/Accra",
    "ke": "Africa/Nairobi", "za": "Africa/Johannesburg", "pk": "Asia/Karachi", "in": "Asia/Kolkata",
    "bd": "Asia/Dhaka", "lk": "Asia/Colombo", "np": "Asia/Kathmandu", "cn": "Asia/Shanghai",
    "hk": "Asia/Hong_Kong", "tw": "Asia/Taipei", "jp": "Asia/Tokyo", "kr": "Asia/Seoul",
    "sg": "Asia/Singapore", "my": "Asia/Kuala_Lumpur", "ph": "Asia/Manila", "id": "Asia/Jakarta",
    "th": "Asia/Bangkok", "vn": "Asia/Ho_Chi_Minh", "au": "Australia/Sydney", "nz": "Pacific/Auckland",
}
# Wikis are written by many over years: the date a reader takes for a wiki page is its latest
# revision, not the day it was begun (Wikipedia, Fandom, party and fan wikis: MediaWiki, named
# in <meta name=generator>). Their JSON-LD dateModified, else MediaWiki's footer line "This page
# was last edited on 16 February 2020, at 16:20" ("Diese Seite wurde zuletzt am … geändert").
WIKI_GENERATORS = ("mediawiki",)
WIKI_LAST_EDIT_XPATH = lxml.etree.XPath("//*[@id='footer-info-lastmod']")
# WordPress dates its posts, not its static pages (about, services, a guide kept up to date),
# yet SEO plugins stamp those too with article:published_time, the day the page was begun. A
# static page's <body> is classed "page page-id-42" ("single single-post postid-42" for a post):
# its fields' dates are not read; a date it prints still is.
WORDPRESS_PAGE_CLASS, WORDPRESS_PAGE_ID = "page", re.compile(r"page-id-\d+")
# Blogs whose theme hides the date of evergreen posts (guides, care instructions) while their
# SEO plugin still writes article:published_time, the day the post was begun; the plugin's
# JSON-LD graph then describes a WebPage and no article. A meta date on such a page is kept
# only where the page prints its day somewhere.
SEO_ONLY_DATE_TYPES = {"webpage"}
# Meta names that content systems also fill with the page's last change, not its publication
# (a bare "date", Dublin Core's "dc.date"): a byline under the headline showing another day,
# earlier or later, dates the story.
UNSPECIFIC_DATE_FIELDS = {"meta date", "meta dc.date"}
# The page's text searched for that day, at most (a page of megabytes is not searched through).
MAX_PRINTED_DATE_CHARS = 200_000
# English as written in the United States puts the month first: 3/11/2020 is March 11.
MONTH_FIRST_LANGUAGES = ("en-us", "en")
# How far a newsroom's zone may be from UTC for the URL's day to stand in for a UTC time's: UTC+14
# to UTC-8 (the Pacific coast; further west, a UTC morning is more likely the URL's next day).
MAX_AHEAD_HOURS, MAX_BEHIND_HOURS = 14, 8


def extract_date(page: ParsedPage, which: str) -> Found | None:
    """The machine-readable timestamp "published" or "modified": JSON-LD, then meta names, then
    the page's other JSON-LD items. A UTC publication time yields to a twin with the page's own offset."""
    ld_key, meta_keys = DATE_KEYS[which]
    candidates = [(ld_text(page.ld.get(ld_key)), f"json-ld {ld_key}")]
    candidates += [(page.meta.get(key), f"meta {key}") for key in meta_keys]
    readers = {id(item) for item in _readers_ld_items(page.ld_objects)}
    others = [item for item in page.ld_objects
              if item is not page.ld and not json_ld_types(item) & PAGE_LD_TYPES and id(item) not in readers]
    others.sort(key=lambda item: not json_ld_types(item) & ARTICLE_TYPES)  # an article item first
    candidates += [(ld_text(item.get(key)), f"json-ld {key}") for key in OTHER_LD_DATE_KEYS[which] for item in others]
    found = first_date(candidates)
    if found and which == "published":
        return shown_date(local_day_of_utc(found, page, candidates), page)
    return found


def _readers_ld_items(items: tuple[dict, ...]) -> list[dict]:
    """The JSON-LD items that are readers' reviews or comments (see READER_LD_TYPES)."""
    readers = [item for item in items if json_ld_types(item) & READER_LD_TYPES]
    if not readers or len(readers) < MIN_READER_ITEMS and not any(json_ld_types(item) & REVIEWED_LD_TYPES for item in items):
        return []
    return readers


def extract_published(page: ParsedPage, known: TemplateFinds, headline: Found | None, body: Body) -> Found | None:
    """The publication date, from the first of these that gives one: a wiki's last revision; the
    page's fields (JSON-LD, meta; not on a WordPress static page); the site template's; the page's
    own, looked for only where no field gives one (it reads the whole tree), unless it is the day
    of an Event the page's JSON-LD describes (see _is_event_day)."""
    wiki = wiki_revision_date(page)
    if wiki:
        return wiki
    fields = None if is_wordpress_page(page.root) else extract_date(page, "published")
    if fields and _hidden_seo_date(page, fields):
        fields = None
    settled = fields or known.published
    if settled:
        return settled
    found = extract_page_date(page, headline, _openings(body))
    return None if found and _is_event_day(page, found) else found


def _is_event_day(page: ParsedPage, found: Found) -> bool:
    """Whether a date the page prints (not its URL's) is the day of an event the page's JSON-LD
    describes (see EVENT_DATE_KEYS): a concert's, a course's or a match's page."""
    if found.source == "url":
        return False
    values = (ld_text(item.get(key)) for item in page.ld_objects if is_event_item(item) for key in EVENT_DATE_KEYS)
    return any((day := normalize_date(value)) and day[:10] == found.value[:10] and _same_or_no_time(day, found.value)
               for value in values)


def _same_or_no_time(event: str, printed: str) -> bool:
    """Whether a printed date gives no time, or the event's own: a match report printed at 18:12
    on the day of a 15:30 kick-off is the report's."""
    return "T" not in printed or "T" not in event or printed[11:16] == event[11:16]


def is_event_item(item: dict) -> bool:
    """Whether a JSON-LD item is a schema.org Event (MusicEvent, SportsEvent, Festival, a CourseInstance…)."""
    return any(kind.endswith("event") or kind in OTHER_EVENT_TYPES for kind in json_ld_types(item))


def _openings(body: Body) -> tuple[Block, ...]:
    """The body's first block, and its first paragraph where a subheading comes first (a press
    release's subtitle above "01.02.2022 Der Arbeitsmarkt …"; a blog's date set as a heading)."""
    if not body.blocks:
        return ()
    first = body.blocks[0]
    paragraph = next((block for block in body.blocks if block.kind is not BlockKind.HEADING), first)
    return (first, paragraph) if paragraph is not first else (first,)


def wiki_revision_date(page: ParsedPage) -> Found | None:
    """A wiki page's latest revision (see WIKI_GENERATORS): its modified timestamp, else the
    footer's "last edited on" line."""
    if not page.meta.get("generator", "").lower().startswith(WIKI_GENERATORS):
        return None
    found = extract_date(page, "modified")
    if found:
        return Found(found.value, f"{found.source}, the wiki's last revision")
    for footer in WIKI_LAST_EDIT_XPATH(page.root)[:1]:
        iso = parse_date_text(text_of(footer), _month_first(page.root))
        if iso:
            return Found(iso, "the wiki's last revision")
    return None


def _hidden_seo_date(page: ParsedPage, found: Found) -> bool:
    """Whether a meta date is an SEO plugin's on a page that shows itself undated (see
    SEO_ONLY_DATE_TYPES): the JSON-LD describes a web page and no article, and the day is
    printed nowhere on the page, written in a language whose month names are read."""
    types = set().union(*(json_ld_types(item) for item in page.ld_objects))
    if not found.source.startswith("meta ") or not types & SEO_ONLY_DATE_TYPES or types & ARTICLE_TYPES:
        return False
    language = extract_language(page)
    if language is None or language.value[:2].lower() not in MONTH_TABLES:
        return False  # (a page in a language whose month names are not read may print its day unseen)
    return not is_day_printed(page.root, date.fromisoformat(found.value[:10]), _month_first(page.root))


def is_day_printed(root: Element, day: date, month_first: bool) -> bool:
    """Whether the page's text (its first MAX_PRINTED_DATE_CHARS) writes `day` in any of
    TEXT_DATE_PATTERNS' forms."""
    body = root.find("body")
    text = fold_whitespace(" ".join(body.itertext()))[:MAX_PRINTED_DATE_CHARS] if body is not None else ""
    return any(_read_day(match, order, month_first) == day
               for pattern, order in _date_patterns(text) for match in pattern.finditer(text))


def is_wordpress_page(root: Element) -> bool:
    """Whether the page is one of a WordPress site's static pages (see WORDPRESS_PAGE_CLASS)."""
    body = root.find("body")
    classes = (body.get("class") or "").split() if body is not None else []
    return WORDPRESS_PAGE_CLASS in classes and any(WORDPRESS_PAGE_ID.fullmatch(name) for name in classes)


def shown_date(found: Found, page: ParsedPage) -> Found:
    """The date the byline shows under the headline where it is another day than the field's:
    the same moment on the newsroom's clock (a UTC field, "3 de mayo de 2022 21:25" shown), or a
    later day (republished and updated stories whose fields keep the first day: "Stand:
    07.11.2023", "Aktualisiert am 06. Mär. 2023"), or any day where the field is an unspecific
    one (UNSPECIFIC_DATE_FIELDS); readers take the shown date as the story's."""
    anchor = _headline_element(page.root, None)
    shown = _dateline_after(anchor, _month_first(page.root)) if anchor is not None else None
    if shown is None or shown[:10] == found.value[:10]:
        return found
    if shown[:10] > found.value[:10] or found.source in UNSPECIFIC_DATE_FIELDS:
        return Found(shown, "text near headline")
    local = _same_moment_local(found.value, shown)
    if local is None and "T" not in shown and "T" in found.value:
        moment = datetime.fromisoformat(found.value)
        if moment.utcoffset() == timedelta(0) and _zone_reads_day(moment, date.fromisoformat(shown)):
            local = shown  # a UTC time past midnight, the newsroom's day shown without a time
    return Found(local, "text near headline") if local else found


def _zone_reads_day(moment: datetime, day: date) -> bool:
    """Whether some offset in UTC-MAX_BEHIND_HOURS..UTC+MAX_AHEAD_HOURS puts a UTC moment on `day`."""
    to_day_start = datetime.combine(day, datetime.min.time(), timezone.utc) - moment
    return -timedelta(days=1, hours=MAX_BEHIND_HOURS) < to_day_start <= timedelta(hours=MAX_AHEAD_HOURS)


def _dateline_after(headline_el: Element, month_first: bool) -> str | None:
    """The first date after the headline, within a few lines, that stands in a line of its own
    or a short byline ("01.04.2023, 12:00 Uhr", "Von X | Aktualisiert am 06. Mär. 2023"), not
    in the lead's sentences, where the dates of the events reported are."""
    label, read = "", 0
    for text, holder in _texts_after(headline_el, NEAR_HEADLINE_DATELINE_CHARS):
        line = text.strip()
        below = read >= NEAR_HEADLINE_AFTER_CHARS  # below a standfirst: only a line opening with its day and time
        read += len(text)
        if line and len(line) <= MAX_DATE_FIELD_CHARS and not line.endswith("."):  # not a sentence
            iso = parse_date_text(line, month_first, 0 if below else MAX_DATELINE_LEAD)
            if iso and (not below or "T" in iso) and not OTHER_DATE_LABEL.search(label) \
                    and not _dates_another_item(holder, headline_el):
                return iso  # (a label in an element of its own is read with the date after it; not a listing's entry)
        label = line or label
    return None


def _same_moment_local(field: str, shown: str) -> str | None:
    """The shown time with the offset that makes it the field's moment ("3 de mayo de 2022
    21:25" for 2022-05-04T00:25:56Z: -03:00), where the two are some zone's readings of one time."""
    if "T" not in field or "T" not in shown:
        return None
    moment, wall = datetime.fromisoformat(field), datetime.fromisoformat(shown)
    if moment.utcoffset() is None or wall.utcoffset() is not None:
        return None
    shift = wall - moment.replace(tzinfo=None) + (moment.utcoffset() or timedelta(0))
    minutes = round(shift.total_seconds() / 60)
    if abs(minutes) > 14 * 60 or minutes % 15 > 1 and minutes % 15 < 14:
        return None
    offset = timedelta(minutes=15 * round(minutes / 15))
    return wall.replace(second=moment.second, tzinfo=timezone(offset)).isoformat()


def local_day_of_utc(found: Found, page: ParsedPage, candidates: list[tuple[str | None, str]]) -> Found:
    """Pages that give their time in UTC while the story is dated in the newsroom's zone, across
    midnight from it (2018-12-31T23:11Z for a story of January 1st): the same instant written
    with a local offset elsewhere on the page (a <time>, another field), else the URL's day when
    it is the UTC day's neighbour that some zone reads, else the same instant on the clock of
    the site's country (see NEWSROOM_ZONES) where that is another day."""
    moment = datetime.fromisoformat(found.value) if "T" in found.value else None
    if moment is None or moment.utcoffset() != timedelta(0):
        return found
    others = [*candidates, *((element.get("datetime"), "time[datetime]")
                             for element in dated_times(page.root))]
    for value, source in others:
        twin = normalize_date(value)
        if twin and "T" in twin:
            other = datetime.fromisoformat(twin)
            if other.utcoffset() not in (None, timedelta(0)) and abs(other - moment) <= timedelta(minutes=1):
                return Found(twin, source)
    url_day = _url_date(page.url)
    if url_day and url_day != moment.date() and _zone_reads_day(moment, url_day):
        return Found(url_day.isoformat(), "url")
    zone = _newsroom_zone(page.url)
    local = moment.astimezone(zone) if zone else moment
    if local.date() != moment.date():
        local = local.replace(tzinfo=timezone(local.utcoffset() or timedelta(0)))
        return Found(local.isoformat(), f"{found.source}, on the clock of the site's country")
    return found


def _newsroom_zone(url: str | None) -> ZoneInfo | None:
    """The zone of the country whose domain the URL's host is in (see NEWSROOM_ZONES), if any."""
    host = host_of(url).rstrip(".") if url else ""  # ("example.ca.": fully qualified)
    zone = NEWSROOM_ZONES.get(host.rpartition(".")[2])
    try:
        return ZoneInfo(zone) if zone else None
    except ZoneInfoNotFoundError:  # a system's tz database older than a zone's name (Europe/Kyiv: 2022)
        log.debug("no time zone %s on this system: the UTC time stays as the page gives it", zone)
        return None


def _url_date(url: str | None) -> date | None:
    path = url_path(url) if url else ""
    if match := URL_DATE.search(path):
        year, month, day = map(int, match.groups())
    elif match := URL_DOTTED_DATE.search(path):
        day, month, year = map(int, match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def extract_page_date(page: ParsedPage, headline: Found | None = None, openings: tuple[Block, ...] = ()) -> Found | None:
    """A publication date from the page itself: microdata or hAtom on an element, the first
    <time datetime> that is not another item's, else a date in the URL (given as a bare date: a
    precise timestamp beats it) or written near the headline (where the URL names no other day);
    last a date labelled further down, one in an element classed as a date, and one opening the
    story's first block or first paragraph (`openings`), none of these three a listing entry's
    (see _dates_another_item). A headline taken from a social title is looked for among the
    page's headings."""
    found = first_date(_microdata_dates(page.root))
    anchor = _headline_element(page.root, headline)
    found = found or first_date((element.get("datetime"), "time[datetime]") for element in _story_times(page.root)
                                if anchor is None or not _dates_another_heading(element, anchor))
    if found:
        return found
    day = _url_date(page.url)
    near = date_near_headline(anchor, _month_first(page.root)) if anchor is not None else None
    if near and (day is None or near.value[:10] == day.isoformat()):
        return near  # the URL's day written with its time, or a day the URL does not give
    if day:
        return Found(day.isoformat(), "url")
    month_first = _month_first(page.root)
    own = [block.text for block in openings
           if anchor is None or block.element is None or not _dates_another_item(block.element, anchor)]
    return labelled_date(page.root, month_first, anchor) or classed_date(page.root, month_first, anchor) \
        or next(filter(None, (opening_date(opening, month_first) for opening in own)), None)


def opening_date(opening: str, month_first: bool = False) -> Found | None:
    """The date a story's first paragraph opens with, as press releases and agency notices print
    it ("01.02.2022 Der Arbeitsmarkt …", "March 3, 2021 – The council …")."""
    iso = parse_date_text(opening[:MAX_DATELINE_CHARS], month_first, max_start=0)
    return Found(iso, "date opening the story") if iso else None
# A picture's caption dates the picture ("Archivbild vom 12.01.2019"), never the story.
CAPTION_TAGS = ("figure", "figcaption")




def classed_date(root: Element, month_first: bool = False, anchor: Element | None = None) -> Found | None:
    """The date in the first element whose class names it a date (see DATE_CLASS) and that
    holds little else, outside lists of other stories, sidebars and comments, and not a
    listing's entry (see _dates_another_item, with the headline's element `anchor`)."""
    for element in attribute_holders(DATE_CLASS_XPATH, root)[:MAX_TIMES_READ]:
        if DATE_CLASS.search(class_and_id(element)) and _outside_other_stories(element) \
                and (anchor is None or not _dates_another_item(element, anchor)):
            text = short_text_of(element, MAX_CLASSED_DATE_CHARS)
            iso = parse_date_text(text, month_first, max_start=0) if text else None
            if iso:
                return Found(iso, "element classed as a date")
    return None


def labelled_date(root: Element, month_first: bool = False, anchor: Element | None = None) -> Found | None:
    """The first date the page labels as its own further down ("Datum: 18.10.2021",
    "Veröffentlicht: 30.07.2019 09:35 Uhr"): pages that date an article in its foot or an info
    box; not a label of another day (see _labels_another_day), nor one in a listing's entry
    (see _dates_another_item, with the headline's element `anchor`)."""
    body = root.find("body")
    text = " ".join(body.itertext()) if body is not None else ""
    # The labels' words found first with str.find, and white space folded only around them: the
    # pattern searched through the whole folded text was a tenth of a page's extraction.
    english = _html_lang(root).startswith("en")
    stems = [stem for stem in DATE_LABEL_STEMS if not (english and stem in ENGLISH_WORD_STEMS)]
    lowered = text.lower()
    if len(lowered) == len(text):  # (lower() lengthens a few letters, "İ"; then each spelling is sought)
        starts = _word_starts(lowered, stems)
    else:
        starts = _word_starts(text, [spelling for stem in stems for spelling in (stem, stem.capitalize(), stem.upper())])
    current = (start for start in starts if not _labels_another_day(text, start))
    windows = ((start, fold_whitespace(text[max(0, start - 1): start + LABEL_WINDOW_CHARS])) for start in current)
    labels = ((start, window[match.end():]) for start, window in windows
              if (match := DATE_LABEL.match(window, 1 if start else 0)) and not OTHER_DAY_LABEL_AFTER.match(window, match.end()))
    dated = [(start, iso) for start, after in itertools.islice(labels, MAX_DATE_LABELS_READ)
             if (iso := parse_date_text(after[:MAX_DATELINE_CHARS], month_first, MAX_LABELLED_DATE_GAP))]
    if not dated:
        return None
    elsewhere = _in_other_stories_at(body, [start for start, _ in dated], anchor)  # (body is not None: the text has a label)
    return next((Found(iso, "labelled text date") for (_, iso), theirs in zip(dated, elsewhere) if not theirs), None)


def _labels_another_day(text: str, start: int) -> bool:
    """Whether the words before the label at `start` make it another day's: a listing's last
    change (LAST_CHANGE), a start, a closing or an expiry (OTHER_DAY_LABEL_BEFORE), a bracket's
    "(Stand: …)"."""
    before = max(0, start - LABEL_WINDOW_CHARS)
    return bool(LAST_CHANGE.search(text, before, start) or OTHER_DAY_LABEL_BEFORE.search(text, before, start)
                or text.startswith(BRACKETED_LABEL, start) and BRACKET_BEFORE.search(text, before, start))


def _in_other_stories_at(root: Element, offsets: list[int], anchor: Element | None = None) -> list[bool]:
    """For each of `offsets` (ascending) into " ".join(root.itertext()), whether the character
    there is in a list of other stories ("10 Ideas for a DIY Plant Stand August 13, 2020" in a
    blog's sidebar), a comment thread or the site footer (see _labels_another_date), or a
    listing's entry (see _dates_another_item, with the headline's element `anchor`). One walk
    through the texts, in itertext's order, answers them all. (As for story_texts, the tree
    holds no comments.)"""
    answers: list[bool] = []
    position = 0
    for event, node in lxml.etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            text, holder = node.text, node
        else:
            text, holder = (node.tail if node is not root else None), node.getparent()
        position += len(text) + 1 if text else 0
        while len(answers) < len(offsets) and position > offsets[len(answers)]:
            answers.append(holder is not None and (_labels_another_date(holder)
                                                   or anchor is not None and _dates_another_item(holder, anchor)))
        if len(answers) == len(offsets):
            break
    return answers + [False] * (len(offsets) - len(answers))


def _labels_another_date(holder: Element) -> bool:
    """Whether a label's element is in a list of other stories, a comment thread or the site
    footer (see COMMENT_THREAD, SITE_FOOTER)."""
    chain = [holder, *holder.iterancestors()]
    if any(is_other_stories_list(node) or node.tag not in PAGE_WIDE_TAGS and COMMENT_THREAD.search(class_and_id(node))
           for node in chain):
        return True
    footer = next((node for node in chain if node.tag == "footer" or SITE_FOOTER.search(class_and_id(node))), None)
    return footer is not None and not POST_OWN_FOOTER.search(class_and_id(footer)) \
        and not any(node.tag in STORY_TAGS for node in footer.iterancestors())


def _word_starts(text: str, words: Iterable[str]) -> list[int]:
    """Where each of `words` begins a word of `text` ("candidate" and "understand" hold no label
    "date" or "stand"), the first MAX_LABEL_OCCURRENCES times each, in order."""
    # (`word in text` first: most pages hold few of the words, and str's search is the faster one)
    return sorted({match.start() for word in words if word in text
                   for match in itertools.islice(_word_start(word).finditer(text), MAX_LABEL_OCCURRENCES)})


@functools.cache
def _word_start(word: str) -> re.Pattern[str]:
    # The word first, so that re looks for it as fast as str.find; then the letter before it is checked.
    return re.compile(re.escape(word) + rf"(?<!\w{re.escape(word)})")


def _headline_element(root: Element, headline: Found | None) -> Element | None:
    """The headline's element; for a social title, the first heading that words it (pages that
    set their headline in an <h2> or <h3>), else the first <h1>."""
    if headline is not None and headline.element is not None:
        return headline.element
    headings = [(element, text_of(element)) for element in itertools.islice(root.iter("h1", "h2", "h3"), MAX_HEADINGS_READ)]
    if headline is not None and headline.value:
        same = next((element for element, text in headings if text and _same_title(text, headline.value)), None)
        if same is not None:
            return same
    return next((element for element, text in headings if element.tag == "h1" and text), None)


def dated_times(root: Element) -> Iterator[Element]:
    """The first MAX_TIMES_READ <time datetime> elements, in page order. (Walked by tag, which
    lxml does in C twice as fast as XPath's "//time[@datetime]", and only as far as needed.)"""
    times = (element for element in root.iter("time") if element.get("datetime") is not None)
    return itertools.islice(times, MAX_TIMES_READ)


def _microdata_dates(root: Element) -> Iterator[tuple[str | None, str]]:
    microdata = [element for element in attribute_holders(MICRODATA_DATE_XPATH, root) if element.tag != "meta"]
    for element in microdata[:MAX_TIMES_READ]:
        if in_other_things_item(element):
            continue
        value = element.get("content") or element.get("datetime") or element.get("title") or text_of(element)
        yield value, "itemprop datePublished" if element.get("itemprop") else "abbr.published"


def _story_times(root: Element) -> Iterator[Element]:
    """<time datetime> elements that are not in a list of other stories, a sidebar or comments."""
    for element in dated_times(root):
        if _outside_other_stories(element) and not in_other_things_item(element):
            yield element


def _dates_another_heading(element: Element, anchor: Element) -> bool:
    """Whether a <time> sits in a small block headed, above it, by a heading of its own: a card
    for another story or for a document to download. A block that also holds the headline, or
    lies in it, is the page's own header (a deck or kicker heading beside the byline)."""
    heading = _heading_above(element)
    if heading is None:
        return False
    for block in itertools.islice(element.iterancestors(), MAX_CARD_LEVELS):
        if block.tag in PAGE_WIDE_TAGS:
            return False
        if block in heading.iterancestors():  # the smallest block holding both
            return not (block is anchor or block in anchor.iterancestors() or anchor in block.iterancestors())
    return False


def _heading_above(element: Element) -> Element | None:
    """The nearest heading with words before `element` in page order, past at most
    MAX_EMPTY_HEADINGS empty ones (libxml2 walks back from each and stops at the first heading:
    a page of thousands of headings is not read through)."""
    node = element
    for _ in range(MAX_EMPTY_HEADINGS + 1):
        nearest = NEAREST_HEADING_ABOVE(node)
        if not nearest or text_of(nearest[0]):
            return nearest[0] if nearest else None
        node = nearest[0]
    return None


def story_texts(element: Element) -> Iterator[tuple[str, Element]]:
    """An element's texts in page order, each with the element holding it, without those of the
    lists of other stories inside it (a blog's sidebar of recent posts after its headline, "10
    Ideas for a DIY Plant Stand August 13, 2020"). Read lazily: callers stop after a few lines.
    (The tree holds no comments or processing instructions, which iterwalk would pass over with
    their tails: parse_html drops them.)"""
    walker = lxml.etree.iterwalk(element, events=("start", "end"))
    for event, node in walker:
        if event == "start":
            if is_other_stories_list(node) or node.tag in CAPTION_TAGS:
                walker.skip_subtree()  # (and no "end" for it: its tail is read here)
                if node is not element and node.tail:
                    yield node.tail, node.getparent()
            elif node.text:
                yield node.text, node
        elif node is not element and node.tail:
            yield node.tail, node.getparent()


def is_other_stories_list(element: Element) -> bool:
    """Whether an element's class or id names it a list of other stories or a sidebar (see
    OTHER_STORIES_LIST) and it holds no <h1> or <main>; <body> and <html> classes are page-wide
    flags ("has-sidebar")."""
    return element.tag not in PAGE_WIDE_TAGS and bool(OTHER_STORIES_LIST.search(class_and_id(element)[:MAX_HINT_CHARS])) \
        and next(element.iter(*STORY_HOLDER_TAGS), None) is None


def _outside_other_stories(element: Element) -> bool:
    """Whether an element (a <time>, a byline) is outside lists of other stories, sidebars and comments."""
    # (not <body> and <html>: their classes are page-wide flags, "offcanvas-sidebar-mobile")
    return not any(ancestor.tag in NOT_THE_STORY_TAGS or NOT_THE_STORY.search(class_and_id(ancestor)[:MAX_HINT_CHARS])
                   for ancestor in element.iterancestors() if ancestor.tag not in PAGE_WIDE_TAGS)


def _month_first(root: Element) -> bool:
    return _html_lang(root) in MONTH_FIRST_LANGUAGES


def _html_lang(root: Element) -> str:
    """The page's <html lang>, lower-cased, "en_US" written "en-us"; "" where it has none."""
    return (root.get("lang") or "").strip().lower().replace("_", "-")


def date_near_headline(headline_el: Element, month_first: bool = False) -> Found | None:
    """A date written in the header or byline: the first after the headline within a few lines
    (not a sentence's, nor another item's: see _dateline_texts), else the last just before it
    ("Pressemitteilung 02. November 2021" above the <h1>)."""
    after = parse_date_text(_dateline_texts(headline_el, NEAR_HEADLINE_AFTER_CHARS), month_first)
    if after:
        return Found(after, "text near headline")
    before = _text_before(headline_el, NEAR_HEADLINE_BEFORE_CHARS)
    found = [iso for iso in (parse_date_text(before[start:], month_first) for start in _date_starts(before)
                             if not _names_another_day(before, start)) if iso]
    return Found(found[-1], "text near headline") if found else None


def _dateline_texts(headline_el: Element, limit: int) -> str:
    """The page's text after the headline, up to about `limit` characters, less the texts whose
    first date is not the page's: a sentence's (see _in_a_sentence; a date set in bold or a link
    is read with the sentence around it) and a listing entry's (see _dates_another_item)."""
    pieces = (text for text, holder in _texts_after(headline_el, limit)
              if not _date_starts(text[:limit]) or not (_in_a_long_sentence(text, holder, limit)
                                                 or _dates_another_item(holder, headline_el)))
    return fold_whitespace(" ".join(pieces))[:limit]


def _in_a_long_sentence(text: str, holder: Element, limit: int) -> bool:
    """Whether a text with a date is, or is set inline in (`holder`: "findet am <b>15. Juni
    2024</b> statt"), a text longer than a date field whose first date is a sentence's."""
    if len(text) > MAX_DATE_FIELD_CHARS:
        return _in_a_sentence(text[:limit])
    if holder.tag not in SENTENCE_INLINE_TAGS or holder.text != text:
        return False
    block = next((node for node in holder.iterancestors() if node.tag not in SENTENCE_INLINE_TAGS), None)
    around = fold_whitespace(short_text_of(block, limit) or "") if block is not None else ""
    return len(around) > MAX_DATE_FIELD_CHARS and _in_a_sentence(around)


def _dates_another_item(element: Element, anchor: Element) -> bool:
    """Whether a date's element is one entry of a list of short dated items that does not hold
    the headline (`anchor`): the element, or one of its few nearest ancestors, has
    MIN_DATED_SIBLINGS siblings of its tag and class that each hold, in an element like the
    date's, a date near its start, and its entry (itself, and the text between it and the
    neighbouring entries) is a teaser's length: a category page's or a search's results
    ("Posted on March 2, 2024 by Jane" in each article.post), a timeline, a guestbook, a news box
    ("12.03.2024: Jahreshauptversammlung"). Never a story's dateline, whose neighbours are its
    paragraphs, nor a blog's front page of whole posts, nor a post whose comments are dated as it
    is (TypePad's p.posted under the post and under each comment)."""
    for node in itertools.islice((element, *element.iterancestors()), MAX_CARD_LEVELS):
        if node.tag in PAGE_WIDE_TAGS or node is anchor or anchor in node.iterancestors():
            return False
        near = itertools.chain(itertools.islice(node.itersiblings(preceding=True), MAX_LIST_SIBLINGS_READ),
                               itertools.islice(node.itersiblings(), MAX_LIST_SIBLINGS_READ))
        dated = {sibling for sibling in near if sibling.tag == node.tag and sibling.get("class") == node.get("class")
                 and _holds_dated_entry(sibling, element)}
        if len(dated) >= MIN_DATED_SIBLINGS:
            return _is_teaser(node, dated, flat=node is element)
    return False


def _is_teaser(node: Element, entries: set[Element], flat: bool) -> bool:
    """Whether an entry of a list (see _dates_another_item) holds at most MAX_TEASER_CHARS: the
    element holding both the date and the entry's text, or where the entries' dates are siblings
    of their texts (`flat`), the date with the text between it and the entries before and after
    it, whichever is longer (whether a date heads its text or closes it, the layout does not say)."""
    own = len(short_text_of(node, MAX_TEASER_CHARS) or "x" * MAX_TEASER_CHARS)
    if not flat:
        return own < MAX_TEASER_CHARS
    gaps = []
    for siblings in (node.itersiblings(preceding=True), node.itersiblings()):
        gap = 0
        for sibling in itertools.islice(siblings, MAX_LIST_SIBLINGS_READ):
            if sibling in entries or own + gap >= MAX_TEASER_CHARS:
                break
            gap += len(short_text_of(sibling, MAX_TEASER_CHARS) or "x" * MAX_TEASER_CHARS) + len(sibling.tail or "")
        gaps.append(gap)
    if not any(gaps) and not _says_more_than_a_date(node):
        return False  # dated lines side by side, each a date and a label: a story's header
    return own + max(gaps) < MAX_TEASER_CHARS


def _says_more_than_a_date(node: Element) -> bool:
    """Whether an element's text goes on after its first date with words of its own: a listing
    entry's title ("12.03.2024: Jahreshauptversammlung"), not a story header's dated line, whose
    words are a label before the date ("March 3, 2024", "Updated: March 4, 2024")."""
    text = fold_whitespace(short_text_of(node, MAX_TEASER_CHARS) or "")
    starts = _date_starts(text)
    if not starts:
        return True
    after = text[starts[0]:]
    for pattern, _ in _date_patterns(after):
        after = pattern.sub(" ", after)
    return bool(WORD.search(after))


def _holds_dated_entry(item: Element, like: Element) -> bool:
    """Whether `item`, or one of its first elements of `like`'s tag and class, has a date near
    the start of its text, not in a sentence."""
    if item.tag == like.tag and item.get("class") == like.get("class"):
        candidates: Iterable[Element] = (item,)
    else:
        nodes = itertools.islice(item.iter(), MAX_ENTRY_ELEMENTS_READ)  # (a huge sibling is not walked through)
        candidates = itertools.islice((node for node in nodes if node.tag == like.tag and node.get("class") == like.get("class")),
                                      MAX_ENTRY_PARTS_READ)
    for node in candidates:
        text = fold_whitespace(short_text_of(node, MAX_DATELINE_CHARS) or "")
        starts = _date_starts(text)
        if starts and starts[0] <= MAX_DATELINE_LEAD and not _in_a_sentence(text):
            return True
    return False


def _in_a_sentence(text: str) -> bool:
    """Whether a text's first date comes after a word in lower case, in its own clause, that no
    dateline has before its date, and the sentence goes on after it the same way or ends there:
    an event's, a deadline's or a closure's day named in a lead or a notice ("Das Konzert findet
    am 15. Juni 2024 statt.", "Please note: our office is closed on 25 December 2024."), not a
    press release's "Hamburg, 2. November 2021 – Die Stadt …" or "12.03.2024 – Der …", a credit
    line's "with files from Reuters Published: Tuesday, …", nor a long byline's "By Jane Doe and
    John Roe, staff writers, March 3, 2024 10:05 am"."""
    starts = _date_starts(text)
    if not starts:
        return False
    if not _has_prose_word(CLAUSE_BREAK.split(text[:starts[0]])[-1]):
        return False
    end = max((match.end() for pattern, _ in _date_patterns(text) if (match := pattern.match(text, starts[0]))),
              default=starts[0])
    after = text[end:].lstrip()
    if after.startswith((".", "!", "?")):
        return True
    time = TIME_AFTER_DATE.match(after)
    return _has_prose_word(CLAUSE_BREAK.split(after[time.end() if time else 0:])[0])


def _has_prose_word(clause: str) -> bool:
    """Whether a clause holds a word in lower case that no dateline has around its date."""
    return any(word[0].islower() and word.strip(",.:;|") not in DATELINE_WORDS for word in clause.split())


def _date_starts(text: str) -> list[int]:
    return sorted({match.start() for pattern, _ in _date_patterns(text) for match in pattern.finditer(text)})


def _texts_after(element: Element, limit: int) -> Iterator[tuple[str, Element]]:
    """The page's texts after an element (not its own), each with the element holding it, in
    page order, until they reach `limit` characters: its tail and its following siblings', then
    its parent's, and so on up; the lists of other stories among them left out."""
    size = 0
    node: Element | None = element
    while node is not None:
        for text, holder in _following_texts(node):
            yield text, holder
            size += len(text)
            if size >= limit:
                return
        node = node.getparent()


def _following_texts(node: Element) -> Iterator[tuple[str, Element]]:
    if node.tail:
        yield node.tail, node.getparent()
    for sibling in node.itersiblings():
        if isinstance(sibling.tag, str):
            yield from story_texts(sibling)
        if sibling.tail:
            yield sibling.tail, node.getparent()


def _text_before(element: Element, limit: int) -> str:
    """The page's text just before an element, up to about `limit` characters."""
    pieces: list[str] = []
    size = 0
    node: Element | None = element
    while node is not None and size < limit:
        for sibling in node.itersiblings(preceding=True):
            texts = [sibling.tail or ""]
            if isinstance(sibling.tag, str):
                texts += reversed(list(sibling.itertext()))
            for text in texts:
                pieces.append(text)
                size += len(text)
            if size >= limit:
                break
        parent = node.getparent()
        if parent is not None and parent.text:
            pieces.append(parent.text)
            size += len(parent.text)
        node = parent
    return fold_whitespace(" ".join(reversed(pieces)))[-limit:]


def parse_date_text(text: str, month_first: bool = False, max_start: int | None = None) -> str | None:
    """The first date written in `text` as ISO 8601: a day, or a time when one follows it (with
    an offset when a zone follows that). None when no plausible date is written there."""
    best: tuple[int, str] | None = None
    for pattern, order in _date_patterns(text):
        for match in pattern.finditer(text, 0, len(text) if best is None else best[0] + 1):
            if max_start is not None and match.start() > max_start:
                break
            if _ends_a_range(text, match.start()) or _starts_a_range(text, match.end(), month_first) \
                    or _names_another_day(text, match.start()) or EVENT_AFTER_DATE.match(text, match.end()):
                continue
            day = _read_day(match, order, month_first)
            if day:
                if best is None or match.start() < best[0]:
                    best = (match.start(), _with_time(day, text, match.end()))
                break
    return best[1] if best else None


def _ends_a_range(text: str, start: int) -> bool:
    """Whether the date at `start` ends a range of days (see DATE_RANGE_START), the number before
    it not that of a numbered title ("Folge 3 - 25.04.2020")."""
    opening = DATE_RANGE_START.search(text, max(0, start - MAX_RANGE_START_CHARS), start)
    if opening is None:
        return bool(DAY_MONTH_RANGE_START.search(text, max(0, start - MAX_RANGE_START_CHARS - 3), start)) \
            or _follows_a_date(text, start)
    return not NUMBERED_TITLE.search(text, max(0, opening.start() - MAX_TITLE_WORD_CHARS), opening.start())


def _follows_a_date(text: str, start: int) -> bool:
    """Whether a whole date and a join (see RANGE_END_LEAD) come right before `start`: the date
    there ends a range written with both days whole ("12.03.2024 – 16.04.2024")."""
    join = RANGE_END_LEAD.search(text, max(0, start - MAX_RANGE_END_LEAD - 8), start)
    if join is None:
        return False
    before = text[max(0, join.start() - MAX_RANGE_START_DATE_CHARS): join.start()]
    return any(match.end() == len(before) for pattern, _ in _date_patterns(before) for match in pattern.finditer(before))


def _starts_a_range(text: str, end: int, month_first: bool) -> bool:
    """Whether the date ending at `end` is joined to a later one (see RANGE_JOIN)."""
    join = RANGE_JOIN.match(text, end)
    if join is None or join.end() == end:
        return False
    following = text[join.end(): join.end() + MAX_RANGE_END_LEAD + MAX_DATE_FIELD_CHARS]
    weekday = RANGE_END_WEEKDAY.match(following)
    return bool(parse_date_text(following, month_first, weekday.end() if weekday else 0))


def _names_another_day(text: str, start: int) -> bool:
    """Whether the words before the date at `start` make it another day than the page's: a label
    of another date (see _labelled_otherwise), a validity's, a deadline's or a start's words (see
    OTHER_DAY_LEAD), a version (see VERSION_LEAD)."""
    window = text[max(0, start - MAX_OTHER_LABEL_CHARS): start]
    return _labelled_otherwise(text, start) or bool(OTHER_DAY_LEAD.search(window) or VERSION_LEAD.search(window))


def _labelled_otherwise(text: str, start: int) -> bool:
    """Whether the date at `start` follows a label of another date than the page's (OTHER_DATE_LABEL)."""
    return OTHER_DATE_LABEL.search(text, max(0, start - MAX_OTHER_LABEL_CHARS), start) is not None


def _date_patterns(text: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    if FOUR_DIGIT_YEAR.search(text):
        return TEXT_DATE_PATTERNS
    return TWO_DIGIT_YEAR_PATTERNS if DOTTED_NUMBERS.search(text) else ()


def _read_day(match: re.Match[str], order: str, month_first: bool) -> date | None:
    groups = match.groups()
    if order == "dMy":
        day, month, year = int(groups[0]), MONTH_NUMBERS.get(groups[1].lower()), int(groups[2])
    elif order == "Mdy":
        month, day, year = MONTH_NUMBERS.get(groups[0].lower()), int(groups[1]), int(groups[2])
    elif order == "dmy":
        day, month, year = int(groups[0]), int(groups[1]), int(groups[2])
        year += 2000 if year < 100 else 0
    elif order == "d/m/y":
        day, month, year = int(groups[0]), int(groups[2]), int(groups[3])
        if month > 12 or (month_first and day <= 12):
            day, month = month, day
    elif order == "y/m/d":
        year, month, day = int(groups[0]), int(groups[2]), int(groups[3])
    else:
        year, month, day = (int(group) for group in groups)
    if not month or not MIN_TEXT_YEAR <= year <= MAX_TEXT_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _with_time(day: date, text: str, end: int) -> str:
    """The day, with the time (and zone) written right after it where there is one."""
    match = TIME_AFTER_DATE.match(text, end)
    if not match:
        return day.isoformat()
    hour, minute, second, half, zone, shift, offset = match.groups()
    hour, minute = int(hour), int(minute)
    if half:
        if hour > 12 or hour == 0:
            return day.isoformat()
        hour = hour % 12 + (12 if half.lower() == "p" else 0)
    if hour > 23 or minute > 59 or int(second or 0) > 59:
        return day.isoformat()
    tz: tzinfo | None = None
    if zone and shift:  # "GMT+10", "UTC-5:30"
        hours, _, minutes = shift[1:].partition(":")
        if not minutes and len(hours) > 2:
            hours, minutes = hours[:-2], hours[-2:]
        tz = timezone((-1 if shift[0] == "-" else 1) * timedelta(hours=int(hours), minutes=int(minutes or 0)))
    elif zone:
        tz = ZoneInfo(ZONE_NAMES[zone.lower()])
    elif offset:
        tz = _fixed_offset(offset)
    moment = datetime(day.year, day.month, day.day, hour, minute, int(second or 0), tzinfo=tz)
    if isinstance(tz, ZoneInfo):  # written with the offset itself: "-04:00", not the zone's name
        moment = moment.replace(tzinfo=timezone(moment.utcoffset() or timedelta(0)))
    return moment.isoformat()


def _fixed_offset(offset: str) -> tzinfo:
    if offset.upper() == "Z":
        return timezone.utc
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def first_date(candidates: Iterable[tuple[str | None, str]]) -> Found | None:
    """The first (value, source) that reads as a date, as ISO 8601."""
    for value, source in candidates:
        iso = normalize_date(value)
        if iso:
            return Found(iso, source)
    return None


def normalize_date(value: str | None) -> str | None:
    """'2016-09-26T10:43Z' -> '2016-09-26T10:43:00+00:00'; a bare date stays a date. Values
    that are dates written otherwise ("2020/10/04 15:05:21", "Wed, 04 May 2022 10:00:00 GMT",
    "3 de mayo de 2022") are read as text."""
    match = ISO_DATE.match(value or "")
    if not match:
        if value and len(value) <= MAX_DATE_FIELD_CHARS:
            return parse_date_text(value, max_start=MAX_DATE_FIELD_LEAD)
        return None
    year, month, day, hour, minute, second, offset = match.groups()
    if int(year) < MIN_YEAR:
        return None  # a template's placeholder ("0001-01-01"), not a date
    try:
        if hour is None:
            return datetime(int(year), int(month), int(day)).date().isoformat()
        tz = None
        if offset:
            tz = timezone.utc if offset.upper() in ("Z", "UTC", "GMT") else _fixed_offset(offset)
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=tz)
    except ValueError:
        return None
    return moment.isoformat()


def extract_canonical_url(page: ParsedPage) -> Found | None:
    """The first canonical address that is a URL: link rel=canonical, og:url, JSON-LD url."""
    candidates = [(link.get("href").strip(), "link rel=canonical") for link in page.root.iter("link")
                  if link.get("href") is not None and "canonical" in (link.get("rel") or "").lower().split()]
    candidates += [(page.meta.get("og:url"), "meta og:url"), (ld_text(page.ld.get("url")), "json-ld url")]
    for value, source in candidates:
        absolute = absolute_url(page.url, value) if value else None
        if absolute:
            return Found(absolute, source)
    return None


def absolute_url(base: str | None, reference: str) -> str | None:
    """`reference` resolved against `base`, or None when urllib cannot parse either (an IPv6
    host left unclosed, "http://[::1/x", or a host that NFKC normalisation changes)."""
    try:
        return urljoin(base or "", reference)
    except ValueError:
        return None


def url_path(url: str) -> str:
    """The path of `url`, or "" when urllib cannot parse it."""
    try:
        return urlsplit(url).path
    except ValueError:
        return ""


def extract_site_name(page: ParsedPage) -> Found | None:
    meta, ld = page.meta, page.ld
    if meta.get("og:site_name"):
        return Found(meta["og:site_name"], "meta og:site_name")
    value = ld_text(ld.get("publisher"))
    return Found(value, "json-ld publisher") if value else None


# A BCP 47 language tag ("en", "pt-BR", "zh_Hant_TW" as some sites write it).
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")


def extract_language(page: ParsedPage) -> Found | None:
    root, meta, ld = page.root, page.meta, page.ld
    candidates = [
        (root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang"), "html lang"),
        (meta.get("og:locale"), "meta og:locale"),
        (meta.get("content-language"), "meta content-language"),
        (ld_text(ld.get("inLanguage")), "json-ld inLanguage"),
    ]
    for value, source in candidates:
        if value and LANGUAGE_TAG.fullmatch(value.strip()):
            return Found(value.strip().replace("_", "-"), source)
    return None


def extract_section(page: ParsedPage) -> Found | None:
    """The section the page declares: meta article:section, then JSON-LD articleSection."""
    if page.meta.get("article:section"):
        return Found(first_of_list(page.meta["article:section"]), "meta article:section")
    value = ld_text(page.ld.get("articleSection"))
    return Found(first_of_list(value), "json-ld articleSection") if value else None


def extract_section_kicker(headline_el: Element | None, page_url: str | None) -> Found | None:
    """The section a link beside the headline names (see _section_kicker)."""
    if headline_el is not None and page_url:
        return _section_kicker(_header_scope(headline_el), page_url)
    return None


def first_of_list(value: str) -> str:
    """'Smart News, Smart News Science, Smart News Science' (a list of sections and tags) -> its
    first; 'Economy & Business' and 'Arts, Culture' stay whole."""
    parts = [part.strip() for part in value.split(",")]
    return parts[0] if len(parts) >= MIN_SECTION_LIST_ITEMS and parts[0] else value


def _section_kicker(scope: Element, page_url: str) -> Found | None:
    """A short link near the headline to a folder of the article's own URL ("World" ->
    /news/world for /news/world/aleppo-...) names its section."""
    article_path = url_path(page_url).rstrip("/")
    # An empty last segment ("", "#top", "/") leads to the page itself or the site's root: no folder.
    segments = set(article_path.split("/")) - {""} | RELATIVE_SEGMENTS
    best = None
    for link in scope.iter("a"):
        href = link.get("href") or ""
        text = text_of(link) if _last_segment(href) in segments else None
        if not text or len(text) > MAX_KICKER_CHARS:
            continue
        path = url_path(absolute_url(page_url, href) or "").rstrip("/")
        if path and article_path.startswith(path + "/") \
                and (best is None or len(path) > best[0]) and not _in_furniture(link, scope):
            best = (len(path), text)  # the deepest folder: "New Brunswick" before "News"
    return Found(best[1], "link to the article's folder") if best else None


def _last_segment(href: str) -> str:
    """The last segment of a link's path, as written: a link can only resolve to a folder of the
    article's path if that segment is one of its folders (or '.' or '..'). Resolving every link
    of an old page whose header is the whole page was slow."""
    return re.split(r"[?#]", href, maxsplit=1)[0].rstrip("/").rsplit("/", 1)[-1]


def _in_furniture(element: Element, scope: Element) -> bool:
    """Whether an element sits in navigation or other furniture, up to `scope`."""
    for ancestor in element.iterancestors():
        if ancestor is scope:
            return False
        if is_boilerplate(ancestor):
            return True
    return False


def extract_source_note(page: ParsedPage, region: Element | None) -> Found | None:
    """A line such as "With files from CBC News"."""
    if not any(words.encode() in page.data for words in SOURCE_NOTE_WORDS):
        return None  # words the page's bytes do not hold no text node holds: spare the search
    scope = region if region is not None else page.root
    for text_node in SOURCE_NOTE_XPATH(scope):
        element = text_node.getparent()
        for candidate in (element, *list(element.iterancestors())[:2]):
            text = short_text_of(candidate, MAX_SOURCE_NOTE_CHARS)
            if text is not None and SOURCE_NOTE.match(text) and not _contains_block(candidate, "p", "div"):
                return Found(text.lstrip(DASHES + " "), "text pattern (with files from…)", candidate)
    return None


# --- the body

# Elements carrying schema.org microdata properties (one may be the articleBody).
ITEMPROP_XPATH = lxml.etree.XPath("//@itemprop")


def find_body_containers(root: Element, headline: Found | None = None,
                         stray_ends: Callable[[], bool] = lambda: True) -> Iterator[Found | None]:
    """Candidates for the elements holding the body, best first, each in page order: the one
    the site marks as the article body, else the best-scoring blocks (their scores weighed by
    their class hints), each with the parts of the story split from it (see body_parts), after
    the post around the headline where a block outside it wins (see _post_around_headline), or
    the block holding the headline where a reader's comment inside it wins (see
    _leader_holding_headline). `element` is the smallest element holding them all; None when nothing scores.
    Lazy: the next candidate's parts are found only if it is asked for."""
    marked = [element for element in attribute_holders(ITEMPROP_XPATH, root) if "articleBody" in element.get("itemprop").split()]
    if len(marked) == 1 and len(text_of(marked[0])) >= MIN_BODY_CHARS:
        yield Found((marked[0],), "itemprop=articleBody", marked[0])  # the site's own word for it
        return
    scores = score_containers(root) or score_containers(root, LOOSE_READING)
    if not scores:
        yield None  # nothing scores: the caller may still have a JSON-LD articleBody
        return
    leaders = sorted(scores, key=lambda element: scores[element], reverse=True)[:CANDIDATES_WEIGHED]
    furniture: dict[Element, bool] = {}  # shared by the leaders, whose ancestors are mostly the same
    ranked, top_weight = _ranked_by_weighed_score(leaders, scores, furniture)
    if top_weight == FURNITURE_WEIGHT:  # only furniture wins: is the page's wrapper named for it?
        wrappers = _layout_wrappers(root, headline, furniture)
        if wrappers:
            furniture = dict.fromkeys(wrappers, False)
            ranked, top_weight = _ranked_by_weighed_score(leaders, scores, furniture)
    if top_weight != CONTENT_WEIGHT:
        ranked = _post_body_first(ranked, scores, furniture)
        post = _post_around_headline(root, headline, ranked[0], scores[ranked[0]], furniture)
        if post is not None:
            yield Found((post,), f"post around the headline <{post.tag}>", post)
        elif top_weight == FURNITURE_WEIGHT and _in_comments(ranked[0]):  # a reader's long comment won
            holder = _leader_holding_headline(root, headline, ranked, furniture)
            if holder is not None:
                yield _scored_container(holder, scores, stray_ends)
    for best in ranked[:BODY_CONTAINERS_TRIED]:
        yield _scored_container(best, scores, stray_ends)


def _ranked_by_weighed_score(leaders: list[Element], scores: dict[Element, float],
                             furniture: dict[Element, bool]) -> tuple[list[Element], float]:
    """The leaders, best first by their score times their class weight, and the best one's weight."""
    weights = {element: _class_weight(element, furniture) for element in leaders}
    ranked = sorted(leaders, key=lambda element: scores[element] * weights[element], reverse=True)
    return ranked, weights[ranked[0]]


def _layout_wrappers(root: Element, headline: Found | None, furniture: dict[Element, bool]) -> list[Element]:
    """Family: a theme that wraps the whole page in a block named for furniture (a drop-down
    menu's div.menu-container around header, story and sidebar): a block holding the headline's
    heading and nearly all of the page's text is its layout, not furniture, and does not make
    the story inside it furniture. Those blocks, outermost first, down to the last one named for
    furniture; none where no such block is named for furniture."""
    heading = _headline_heading(root, headline)
    if heading is None or not _in_furniture_memo(heading, furniture):
        return []
    chain = list(heading.iterancestors())[::-1]
    named = [ancestor for ancestor in chain if is_boilerplate(ancestor)]
    if not named:
        return []
    page = len(text_content(root))
    # (Only the named blocks are measured: the blocks around one hold at least its share.)
    wrapping = list(itertools.takewhile(lambda ancestor: len(text_content(ancestor)) >= WRAPPER_SHARE * page, named))
    return chain[:chain.index(wrapping[-1]) + 1] if wrapping else []


def _post_body_first(ranked: list[Element], scores: dict[Element, float], furniture: dict[Element, bool]) -> list[Element]:
    """When furniture or a block no class marks as content outscores everything (a blog's short
    post under a long comment thread, beside the sidebar's "About me" profile, a footer text widget
    or a sidebar's unnamed list of notices), the best-scoring block the blog engine names as the
    post's body comes first, if it holds a paragraph's worth of text, even where it is not among
    the leaders (all of them comments)."""
    posts = _post_bodies(scores)
    posts = {element: score for element, score in posts.items() if _class_weight(element, furniture) == CONTENT_WEIGHT}
    if not posts:
        return ranked
    post = max(posts, key=lambda element: posts[element])
    # A post body whose paragraphs sit deeper in it (a link roll's <li><p>) scores as its best
    # block: written into the page's `scores`, which body_parts reads next.
    scores[post] = max(scores.get(post, 0.0), posts[post])
    return [post] + [element for element in ranked if element is not post]


def _post_bodies(scores: dict[Element, float]) -> dict[Element, float]:
    """The blocks classed as a post's body holding a paragraph's worth of text, each with its
    best score, its lists' included: a post whose text is a list of links with their
    descriptions (Diigo's link roll, <ul><li><p>, posted to a Blogger blog) credits its list
    items, not the post's body."""
    posts: dict[Element, float] = {}
    for element, score in scores.items():
        if score < MIN_POST_BODY_SCORE:
            continue
        block = element
        while block is not None and block.tag in ("li", "ul", "ol"):  # up the list to what holds it
            block = block.getparent()
        if block is not None and POST_BODY_CLASS.search(class_and_id(block)):
            posts[block] = max(posts.get(block, 0.0), score)
    return posts


def _post_around_headline(root: Element, headline: Found | None, leader: Element, leader_score: float,
                          furniture: dict[Element, bool]) -> Element | None:
    """Family: a blog's post too short to score (a one-line image or video post, "Wow... just
    wow.") beaten by a block outside it that no class marks as content: the author's profile in
    the sidebar, a footer's text widget, the comment form, the page wrapper's own lines ("No
    comments yet."). The post is the record around the headline's heading (an <article>, a
    div.post, div.entry, div#article), or else around the page's one hAtom .entry-title, when
    the winner lies outside it and it holds words of its own besides the heading."""
    if _class_weight(leader, furniture) == CONTENT_WEIGHT:
        return None  # a post body went first (_post_body_first)
    # A story's worth of text outside the record is the story (a header-only <article>), unless
    # it is furniture (a Blogger sidebar's long "About this blog" text widget beside an image post).
    if leader_score > MAX_BEATING_BLOCK_SCORE and not _in_furniture_memo(leader, furniture):
        return None
    heading = _headline_heading(root, headline)
    post = _record_around(heading) if heading is not None else None
    if post is None:  # no heading of the headline in a record: the post's title as hAtom marks it
        heading = _lone_entry_title(root)
        post = _record_around(heading) if heading is not None else None
    if post is None or _in_furniture_memo(post, furniture):
        return None
    if post in leader.iterancestors() or post is leader:
        return None
    return post if _letters(text_content(post)) > _letters(text_content(heading)) else None


# Class words of readers' comments and their thread, as BOILERPLATE_HINTS names them (and
# WordPress's #respond form; not "responsive").
COMMENT_CLASS = re.compile(r"comment|(?<![a-z])(?:respond|responses|repl(?:y|ies)|discussion)(?![a-z])", re.I)


def _in_comments(element: Element) -> bool:
    """Whether what makes an element furniture is a comment's block (see COMMENT_CLASS)."""
    named = next((block for block in (element, *element.iterancestors()) if is_boilerplate(block)), None)
    return named is not None and COMMENT_CLASS.search(class_and_id(named)) is not None


def _leader_holding_headline(root: Element, headline: Found | None, ranked: list[Element],
                             furniture: dict[Element, bool]) -> Element | None:
    """Family: a blog whose readers' comments (a long one scores more than the post) sit inside
    the block holding the post: the best leader outside furniture that holds the headline's heading."""
    heading = _headline_heading(root, headline)
    if heading is None:
        return None
    holders = {ancestor for ancestor in heading.iterancestors() if ancestor.tag not in PAGE_WIDE_TAGS}
    return next((element for element in ranked if element in holders and not _in_furniture_memo(element, furniture)), None)


def _record_around(heading: Element) -> Element | None:
    """The post record around a heading (an <article>, a div.post, div.entry, div#article), if
    one is nearer than the page's <body>."""
    post = next((ancestor for ancestor in heading.iterancestors() if ancestor.tag in PAGE_WIDE_TAGS
                 or ancestor.tag == "article" or POST_RECORD.search(class_and_id(ancestor))), None)
    return None if post is None or post.tag in PAGE_WIDE_TAGS else post


def _lone_entry_title(root: Element) -> Element | None:
    """Family: a blog whose <title> words the post's title otherwise than the headline was read
    (Blogger's "Blog name - tagline: Post title" read as the blog's name): the hAtom microformat
    marks the post's title heading .entry-title, the page's only one on a one-post page."""
    titles = [element for element in attribute_holders(ENTRY_TITLE_XPATH, root)
              if element.tag in HEADING_TAGS and "entry-title" in element.get("class").split()]
    return titles[0] if len(titles) == 1 else None


def _headline_heading(root: Element, headline: Found | None) -> Element | None:
    """The heading that prints the headline (see _headline_element), where a headline was found."""
    if headline is None or not headline.value:
        return None
    element = _headline_element(root, headline)
    return element if element is not None and element.tag in HEADING_TAGS else None


def _scored_container(best: Element, scores: dict[Element, float], stray_ends: Callable[[], bool] = lambda: True) -> Found:
    parts = body_parts(best, scores, stray_ends)
    first_class = _first_class(best)
    source = f"scored <{best.tag}{'.' + first_class if first_class else ''}>" + (f" and {len(parts) - 1} more" if len(parts) > 1 else "")
    return Found(parts, source, common_ancestor(parts))


def body_parts(best: Element, scores: dict[Element, float],
               stray_ends: Callable[[], bool] = lambda: True) -> tuple[Element, ...]:
    """The best block, and the blocks that continue the story beside it: siblings that score
    well or are prose paragraphs themselves (readability's step), and, within the article,
    blocks of the same tag and class, since sites such as Wired cut one story into chunks
    between ads."""
    parent = best.getparent()
    if parent is None:
        return (best,)
    threshold = max(MIN_SIBLING_SCORE, scores[best] * SIBLING_SCORE_SHARE)
    parts = [element for element in parent if element is best or _continues_story(element, scores, threshold)]
    # A story whose rest is folded behind a "Read more" button (News Corp Australia's sites) begins
    # before the button: the expander's siblings are its opening paragraphs.
    outer = parent.getparent()
    if outer is not None and _is_read_more_expander(parent, class_and_id(parent)):
        parts += [element for element in outer if element is not parent and _continues_story(element, scores, threshold)]
    parts += [element for element in _same_class_chunks(best, parent, scores) if element not in parts]
    parts += [element for element in _table_cell_chunks(best, scores) if element not in parts]
    parts += [element for element in _twin_posts(best, scores, threshold) if element not in parts]
    after = _paragraphs_after_closed_wrappers(best, scores, threshold)
    if after and stray_ends():  # (the page's bytes counted only then)
        parts += [element for element in after if element not in parts]
    parts = [part for part in parts if part is best or not _is_comment_thread(part)]
    return _outermost_in_page_order(_without_copies_of(best, parts), best)


def has_stray_end_tags(data: bytes) -> bool:
    """Whether a page closes more <div>s than it opens: the sign of the stray end tags
    _paragraphs_after_closed_wrappers reads past (one pass over the bytes each)."""
    lowered = data.lower()
    return lowered.count(b"</div") > lowered.count(b"<div")


# Stray end tags close two or three wrappers around a story at most (an embed's unmatched </div>s).
STRAY_END_LEVELS = 3


def _paragraphs_after_closed_wrappers(best: Element, scores: dict[Element, float], threshold: float) -> list[Element]:
    """Family: stray end tags in a story's markup (an embed's or a pasted block's unmatched
    </div>s) close its block and the wrappers around it early: the rest of its paragraphs land
    after a wrapper the story ends. The prose <p>s straight after such a wrapper (one whose last
    element holds the story's end) continue the story."""
    node = best
    for _ in range(STRAY_END_LEVELS):
        wrapper = node.getparent()
        if wrapper is None or wrapper.tag in PAGE_WIDE_TAGS or next(node.itersiblings("*"), None) is not None:
            return []
        run = list(itertools.takewhile(lambda sibling: sibling.tag == "p" and _continues_story(sibling, scores, threshold),
                                       wrapper.itersiblings("*")))
        if run:
            return run
        node = wrapper
    return []


# A heading that is the name of a comment thread, whole: "COMMENTS", "3 Comments:", "12 Responses
# to “…”", "Leave a reply" (not a story's section that begins with the word, "Responses to the crisis").
COMMENTS_HEADING = re.compile(r"(?:\d+\s+)?(?:comments?|responses?|replies)(?:\s+to\s+[\"“'‘].*)?:?|leave a (?:comment|reply)", re.I)


# A thread's heading inside the story's block counts its comments or asks for one ("3 Comments",
# "11 Responses to “…”", "Leave a reply"): a story's own section may be headed "Responses" or "Comments".
COUNTED_COMMENTS_HEADING = re.compile(r"\d+\s+(?:comments?|responses?|replies)\b|leave a (?:comment|reply)", re.I)


def _is_comment_thread_inside(block: Element) -> bool:
    """Family: an unclassed comment thread inside the story's block (HTML5 themes' <section>
    headed "3 Comments"): a comment thread (see _is_comment_thread) whose heading counts its comments."""
    return _is_comment_thread(block) and bool(COUNTED_COMMENTS_HEADING.match(text_of(next(block.iterchildren("*")))))


def _is_comment_thread(part: Element) -> bool:
    """Family: readers' comments in blocks classed as the story's are (a DotNetNuke blog's
    div.post, headed "COMMENTS"), which joined the story as its twins, or in an unclassed block
    inside the story's (HTML5 themes nest the thread's <article>s in a <section> headed "3
    Comments"): a block whose first element is a heading naming comments is the thread."""
    first = next(part.iterchildren("*"), None)
    return first is not None and first.tag in HEADING_TAGS and bool(COMMENTS_HEADING.fullmatch(text_of(first)))


def _without_copies_of(best: Element, parts: list[Element]) -> list[Element]:
    """The parts less any that repeats the best block word for word: pages that print the story
    twice, one copy for scripts to show or hide (WSJ's paywall teaser, in div.article and again
    in div.article.hidden)."""
    if len(parts) < 2:
        return parts
    text = text_of(best)
    if len(text) < MIN_BODY_CHARS:
        return parts  # a short line repeats for its own reasons (a results table's tied rows)
    return [part for part in parts if part is best or text_of(part) != text]


def _twin_posts(best: Element, scores: dict[Element, float], threshold: float) -> list[Element]:
    """Pages of several posts or sections, each in a wrapper of its own: a blog's front page of
    FrontPage <font>s, a handbook's chapters as <li><h4/><blockquote>, a guide's sections as one
    <table class="article-section"> each, a story cut into styled modules. The best block fills
    one wrapper; the wrapper's siblings of its tag and mostly its classes, holding prose that
    scores as a sibling part must, are the others. Only the wrapper and its twins are returned."""
    unit = _block_it_fills(best)
    parent = unit.getparent()
    if unit is best or parent is None or unit.tag in NOT_POSTS or (_first_class(unit) is None and unit.tag in GENERIC_BLOCKS):
        return []
    # A post of a blog's front page may be much shorter than the longest one: one that holds a
    # post body's worth of prose is a twin however long the longest is.
    floor = min(threshold, MIN_POST_BODY_SCORE)
    twins = [element for element in parent if element is not unit and _is_twin_post(element, unit, scores, floor)]
    return [unit, *twins] if twins else []


def _is_twin_post(element: Element, unit: Element, scores: dict[Element, float], threshold: float) -> bool:
    return (element.tag == unit.tag and _share_classes(element, unit) and not is_boilerplate(element)
            and _is_unlinked_text(element)
            and max((scores.get(block, 0.0) for block in element.iter()), default=0.0) >= threshold)


def _share_classes(element: Element, other: Element) -> bool:
    """Whether two elements have mostly the same classes: posts of one list differ in an id or a
    category class or two ("post-12 post hentry category-news"), a grid's columns and a sidebar's
    widgets in the one class that tells what they are ("column span-14", "widget Text")."""
    ours, theirs = set((element.get("class") or "").split()), set((other.get("class") or "").split())
    union = ours | theirs
    return not union or len(ours & theirs) >= TWIN_CLASS_SHARE * len(union)


def _block_it_fills(best: Element) -> Element:
    """The outermost block the best one fills (all but a heading's words of it), short of page
    furniture."""
    unit = best
    # What the wrappers may add, counted at the first wrapper: a best block right inside <body>
    # (pages built as <body><article><p>) has none, and its text is not read again for nothing.
    spare: float | None = None
    for ancestor in best.iterancestors():
        if ancestor.tag in PAGE_WIDE_TAGS or is_boilerplate(ancestor):
            break
        if spare is None:
            spare = _letters(text_content(best)) * (1 / FILLED_SHARE - 1)
        spare -= _letters_beside(ancestor, unit, spare)
        if spare < 0:
            break
        unit = ancestor
    return unit


def _letters_beside(ancestor: Element, child: Element, limit: float) -> int:
    """The letters an element holds beside one of its children, counted only up to `limit`: each
    level of a climb reads what it adds, not the whole again."""
    letters = _letters(ancestor.text)
    for other in ancestor:
        if other is not child and isinstance(other.tag, str):
            for piece in other.itertext():
                letters += _letters(piece)
                if letters > limit:
                    return letters
        letters += _letters(other.tail)
    return letters


def _letters(text: str | None) -> int:
    return sum(map(len, text.split())) if text else 0


def _table_cell_chunks(best: Element, scores: dict[Element, float]) -> list[Element]:
    """Pages laid out in tables (older sites, CleanEval's and L3S's era) cut one story into
    several cells or rows, in other rows or tables: cells (or rows, when a row won) that score
    nearly as well as the best one, and hold no other of their kind, are parts of the story."""
    unit = best if best.tag in ("td", "tr") else _cell_it_fills(best)
    if unit is None or not scores.get(unit):
        return []
    floor = scores[unit] * TABLE_CELL_SHARE
    column = _column_of(unit)
    return [cell for cell in unit.getroottree().getroot().iter(unit.tag)
            if cell is not unit and cell.find(f".//{unit.tag}") is None and not is_boilerplate(cell)
            and not any(map(is_side_column, (cell, *cell.iterancestors("td"))))
            and _scores_as_cell_part(cell, scores, floor, column)]


def _scores_as_cell_part(cell: Element, scores: dict[Element, float], floor: float,
                         column: tuple[Element | None, int]) -> bool:
    """A cell scores as a part of a table-laid story by its own score or, when that falls short,
    by the block inside it that holds its text (an indenting <blockquote>, a list), which its
    paragraphs credit rather than the cell."""
    score = scores.get(cell, 0.0)
    if score < floor:
        score = max(scores.get(element, 0.0) for element in cell.iter())
    return score >= floor or (score >= MIN_SIBLING_SCORE and _column_of(cell) == column)


def _column_of(cell: Element) -> tuple[Element | None, int]:
    """A cell's table and its place in its row: the story of a table-laid page runs down one
    column, row after row, however short some of its rows are."""
    table = next(cell.iterancestors("table"), None)
    if cell.tag != "td":
        return table, 0  # a row: any row of the same table
    return table, sum(1 for sibling in cell.itersiblings(preceding=True) if sibling.tag in ("td", "th"))


def _cell_it_fills(best: Element) -> Element | None:
    """The table cell a wrapper fills (FrontPage's <td><font>...</font></td>, an indenting
    <blockquote>): the story's other cells are then found as if the cell had won."""
    if best.tag not in CELL_WRAPPERS:
        return None
    cell = next(best.iterancestors("td"), None)
    if cell is None or not _only_wrappers_between(best, cell):
        return None
    return cell if len(text_of(best)) >= CELL_FILLED_SHARE * len(text_of(cell)) else None


def _only_wrappers_between(element: Element, ancestor: Element) -> bool:
    for between in element.iterancestors():
        if between is ancestor:
            return True
        if between.tag not in CELL_WRAPPERS:
            return False
    return False


def _same_class_chunks(best: Element, parent: Element, scores: dict[Element, float]) -> list[Element]:
    """Blocks of the best block's tag and first class within its article (or content) ancestor
    that score at all: a story cut into chunks between ads."""
    base_class = _first_class(best)
    if base_class is None:
        return []
    scope = next((a for a in best.iterancestors() if a.tag in ("article", "main")
                  or CONTENT_HINTS.search(class_and_id(a))), parent)
    floor = 0.0
    records = _repeated_record_list(best)
    if records is not None and records in scope.iterancestors():
        # one post of several: the others are chunks too, when they are posts rather than cards
        scope, floor = records, scores[best] * SIBLING_SCORE_SHARE
    # A block inside furniture is no chunk of a story outside it however it is classed: readers'
    # comments whose text block shares the story's class (div.comment > div.text beside the
    # story's div.text). A best block in furniture itself (a page all of whose text is a comment
    # thread or captions) keeps its chunks there.
    outside = not _in_furniture(best, scope)
    chunks = [element for element in scope.iter(best.tag)
              if _first_class(element) == base_class and not is_boilerplate(element)
              and not (outside and _in_furniture(element, scope))]
    scoring = [index for index, element in enumerate(chunks) if scores.get(element, 0) > floor]
    if not scoring:
        return []
    # Between the first and the last chunk that scores, one that does not is a part too when it
    # is text rather than links: a how-to's step that is a list ("What you'll need") or one short
    # line, a blog's short post between long ones.
    between = chunks[scoring[0]:scoring[-1] + 1]
    return [element for element in between if scores.get(element, 0) > floor or _is_unlinked_text(element)]


def _is_unlinked_text(element: Element) -> bool:
    """Text mostly outside links, and not itself inside one (a teaser card is a link)."""
    return link_density(element) < MAX_SIBLING_LINK_DENSITY and next(element.iterancestors("a"), None) is None


def _repeated_record_list(best: Element) -> Element | None:
    """The list a record holding the best block repeats in (a blog's front page: one
    div.entry per post, each with its div.entry-body), a few levels up at most."""
    for level, ancestor in enumerate(best.iterancestors()):
        if level >= RECORD_LEVELS:
            return None
        if with_twins([ancestor]):
            return ancestor.getparent()
    return None


def _outermost_in_page_order(parts: list[Element], best: Element) -> tuple[Element, ...]:
    """The parts in page order, leaving out any that another part holds."""
    wanted = set(parts)
    order = {element: index for index, element in enumerate(best.getroottree().getroot().iter())
             if element in wanted} if len(parts) > 1 else {best: 0}
    ordered = sorted(order, key=lambda element: order[element])
    return tuple(e for e in ordered if not any(a in order for a in e.iterancestors()))


def _continues_story(element: Element, scores: dict[Element, float], threshold: float) -> bool:
    if not isinstance(element.tag, str) or is_boilerplate(element) or element.tag in NON_TEXT_TAGS:
        return False
    if is_side_column(element):
        return False
    if scores.get(element, 0) >= threshold:
        return True
    if element.tag not in ("p", "div", "section", "span") or has_block_descendant(element):
        return False
    text = text_of(element)
    density = link_density(element, text)
    if len(text) > SHORT_PROSE_CHARS:
        return density < MAX_SIBLING_LINK_DENSITY
    return 0 < len(text) and density == 0 and bool(SENTENCE_END.search(text))


def is_side_column(element: Element) -> bool:
    """A table cell declared narrow (<td width="25%">, <td width="211">): the links, notices and
    advertisers beside a table-laid story (local-news templates: "Submit a story"), however much
    text it holds."""
    if element.tag != "td":
        return False
    width = CELL_WIDTH.match(element.get("width") or "")
    if width is None:
        return False
    limit = MAX_SIDE_COLUMN_PERCENT if width.group(2) == "%" else MAX_SIDE_COLUMN_PIXELS
    return int(width.group(1)) <= limit


def common_ancestor(elements: tuple[Element, ...]) -> Element | None:
    """The smallest element holding all of `elements`."""
    first = elements[0]
    if len(elements) == 1:
        return first
    chain = [first, *first.iterancestors()]
    others = [set([e, *e.iterancestors()]) for e in elements[1:]]
    return next(a for a in chain if all(a in o for o in others))


class TextReading(NamedTuple):
    """How score_containers reads a page: the elements read as paragraphs (or, holding blocks, for
    the text beside them), and the inline wrappers whose inline children are not their text (a
    <span> around a post would outscore the post's own block)."""

    tags: tuple[str, ...]
    closed_wrappers: tuple[str, ...]


STRICT_READING = TextReading(SCORED_TAGS, INLINE_WRAPPERS)
# Family: a page where no paragraph scores at all, laid out the 1990s' way: its whole text in
# FrontPage's indenting <blockquote>, in a <font> beside the heading inside a <center>, straight
# in <body> (SELF_SCORED_TAGS), or a FAQ's or glossary's answers in <dd>s with no paragraph inside.
# Read again with those scored (only when nothing scored: on other pages they outscore their
# story, as a fact box's <dl> does).
LOOSE_READING = TextReading((*STRICT_READING.tags, "blockquote", "dd", *SELF_SCORED_TAGS), ())


def score_containers(root: Element, reading: TextReading = STRICT_READING) -> dict[Element, float]:
    """readability's idea, on paragraph text: each paragraph scores its text length, less its
    links, for its parent (in full) and grandparent (half); class hints weigh the result.
    Text written straight into a block between <br>s (Blogger and older CMSs) is a paragraph of
    that block itself, and so is a story's worth of it written straight into <body>."""
    scores: dict[lxml.html.HtmlElement, float] = {}

    def credit(element: Element, score: float) -> None:
        for share in (1.0, 0.5):
            if element is None:
                return
            scores[element] = scores.get(element, 0.0) + score * share
            element = element.getparent()

    holders = elements_holding_blocks(root)
    for element in root.iter(*reading.tags):
        if element.tag == "li" and element in holders:
            continue  # its own blocks score for it
        if element.tag != "p" and (element in holders or element.tag in SELF_SCORED_TAGS):
            text = inline_text(element, holders, reading.closed_wrappers)
            long_enough = is_loose_story(text) if element.tag in SELF_SCORED_TAGS else len(text) >= MIN_PARAGRAPH_CHARS
            if long_enough:
                linked = inline_link_chars(element, holders, reading.closed_wrappers)
                credit(element, max(0, len(text) - linked) + 10 * text.count(","))
            continue
        if element.tag in ("span", "font", "center"):
            continue
        shortest = MIN_LIST_PARAGRAPH_CHARS if element.tag == "li" else MIN_PARAGRAPH_CHARS
        raw = text_content(element)
        # Folding white space only shortens a text: most (a menu's many items) are ruled out unfolded.
        text = clean_text(raw) if len(raw) >= shortest else ""
        if len(text) < shortest:
            continue
        credit(element.getparent(), len(text) * (1 - link_density(element, text)) + 10 * text.count(","))
    return scores


def is_loose_story(text: str) -> bool:
    """Whether text written loose into <body> is a story's worth of prose: as long as a body must
    be, and mostly words."""
    return len(text) >= MIN_BODY_CHARS and sum(map(len, WORD.findall(text))) >= MIN_PROSE_WORD_SHARE * len(text)


def elements_holding_blocks(root: Element) -> set[Element]:
    """Every element with a block inside it, found in one pass: asking each element in turn
    read a page's deep nests once per level."""
    holders: set[Element] = set()
    for block in root.iter(*BLOCK_TAGS):
        ancestor = block.getparent()  # (climbed by getparent: a fifth faster than iterancestors here)
        while ancestor is not None and ancestor not in holders:
            holders.add(ancestor)
            ancestor = ancestor.getparent()
    return holders


def inline_text(element: Element, holders: set[Element], closed_wrappers: tuple[str, ...]) -> str:
    """The text written into a block beside its child blocks, inline elements' text included.
    Blogger posts and text pasted from Google Docs wrap every line in <span> or <b> between
    <br>s, beside a date heading or an image div: that text is the post."""
    pieces = [element.text or ""]
    for child in element:
        if _is_inline_child(element, child, holders, closed_wrappers):
            pieces.append(text_content(child))
        pieces.append(child.tail or "")
    return clean_text(" ".join(pieces))


def inline_link_chars(element: Element, holders: set[Element], closed_wrappers: tuple[str, ...]) -> int:
    """How much of inline_text is link text."""
    links = [link for child in element if _is_inline_child(element, child, holders, closed_wrappers)
             for link in ([child] if child.tag == "a" else child.findall(".//a"))]
    return sum(len(text_of(link)) for link in links)


def _is_inline_child(element: Element, child: Element, holders: set[Element], closed_wrappers: tuple[str, ...]) -> bool:
    return element.tag not in closed_wrappers and isinstance(child.tag, str) and child.tag not in BLOCK_TAGS \
        and child not in holders


def _class_weight(element: Element, furniture: dict[Element, bool]) -> float:
    """Furniture (or inside it), marked as content, or plain; `furniture` remembers which elements
    are or sit in furniture, for the next call."""
    if _in_furniture_memo(element, furniture):
        return FURNITURE_WEIGHT
    if CONTENT_HINTS.search(class_and_id(element)) or element.tag in ("article", "main"):
        return CONTENT_WEIGHT
    # Family: a story's text block with no content class inside the page's <article>
    # (div#editorial), outscored by a box of the page's header that a theme classed "content"
    # (the latest issue's blurb). (<main> ancestors too lost on readability's pages: left out.)
    if next(element.iterancestors("article"), None) is not None:
        return CONTENT_WEIGHT
    return 1.0


def _in_furniture_memo(element: Element, furniture: dict[Element, bool]) -> bool:
    """Whether an element is page furniture or sits in it, each ancestor judged once."""
    chain = []
    for node in (element, *element.iterancestors()):
        if node in furniture:
            known = furniture[node]
            break
        chain.append(node)
    else:
        known = False
    for node in reversed(chain):  # from the outermost: inside furniture is furniture
        known = known or is_boilerplate(node)
        furniture[node] = known
    return furniture[element] if chain else known


class BlockKind(str, enum.Enum):
    PARAGRAPH = "p"
    HEADING = "heading"
    QUOTE = "quote"  # a paragraph of a block quote that is story text


class Block(NamedTuple):
    kind: BlockKind
    text: str
    element: Any = None
    attribution: str | None = None  # a block quote's <cite>, <footer> or trailing "— Name"


def iter_body_blocks(container: Element, skip: set[Element], quote: Block | None = None) -> Iterator[Block]:
    """Each paragraph and subheading in page order.

    Headings, paragraphs, lists and quotes are blocks; a div is a paragraph only when it holds
    no block of its own. Text written straight into a block, between its child blocks or <br>s,
    makes paragraphs too, except a bold label ending in a colon ("WATCH | ...:"), which
    introduces an embed.
    """
    kind = BlockKind.QUOTE if quote else BlockKind.PARAGRAPH
    attribution = quote.attribution if quote else None
    run = InlineRun()
    run.add(container.text)
    for child in container:
        if not isinstance(child.tag, str):
            run.add(child.tail)
            continue
        tag = child.tag
        blockish = tag in BLOCK_TAGS or tag == "br" or has_block_descendant(child)
        if not blockish:
            if child not in skip and tag not in NON_TEXT_TAGS and not is_boilerplate(child):
                run.add_element(child)
            run.add(child.tail)
            continue
        yield from run.flush(kind, attribution)
        if child not in skip and tag != "br" and tag not in NON_TEXT_TAGS and not is_boilerplate(child) \
                and not _is_comment_thread_inside(child):
            yield from _blocks_of(child, skip, kind, attribution, quote)
        run.add(child.tail)
    yield from run.flush(kind, attribution)


def _blocks_of(child: Element, skip: set[Element], kind: BlockKind, attribution: str | None,
               quote: Block | None) -> Iterator[Block]:
    tag = child.tag
    if tag in HEADING_TAGS:
        text = text_of(child)
        if text:
            yield Block(BlockKind.HEADING, text, child)
    elif tag == "blockquote":
        if has_block_descendant(child):
            # only the attribution is wanted: reading the words at each level of nested quotes
            # read the innermost ones once per level
            yield from iter_body_blocks(child, skip, Block(BlockKind.QUOTE, "", child, _quote_attribution(child)))
            return
        words, cite = _quote_text(child)
        if words:
            yield Block(BlockKind.QUOTE, words, child, cite)
    elif tag in ("p", "pre", "address"):
        text = text_of(child)
        if quote and re.match(rf"{DASH}\s", text):
            return  # a block quote's attribution line, read with the quote
        if text and (link_density(child, text) < MAX_LINK_DENSITY or _writes_around_links(child, text)):
            yield Block(kind, text, child, attribution)
    elif tag in ("ul", "ol", "dl"):
        yield from _list_items(child)
    elif tag == "table":
        yield from _table_blocks(child, skip, kind, attribution, quote)
    elif has_block_descendant(child):
        yield from iter_body_blocks(child, skip, quote)
    else:
        text = text_of(child)
        if len(text) >= MIN_PARAGRAPH_CHARS and link_density(child, text) < MAX_LINK_DENSITY:
            yield Block(kind, text, child, attribution)


def _writes_around_links(paragraph: Element, text: str) -> bool:
    """A blogger's paragraph that links most of its phrases yet says something in its own words:
    at least MIN_OWN_WORDS words outside links."""
    linked = " ".join(text_content(link) for link in paragraph.iter("a"))
    return len(WORD.findall(text)) - len(WORD.findall(linked)) >= MIN_OWN_WORDS and not MENU_SEPARATORS.search(text)


def _table_blocks(table: Element, skip: set[Element], kind: BlockKind, attribution: str | None,
                  quote: Block | None) -> Iterator[Block]:
    """A data table in a story (standings, results) is read a row a line; a table that lays out
    the page is read cell by cell as containers."""
    cells = [cell for cell in table.iter("td", "th") if next(cell.iterancestors("table")) is table]
    if any(next(cell.iterdescendants("p", "div", "blockquote", "ul", "ol", *HEADING_TAGS), None) is not None
           for cell in cells):
        for cell in cells:
            yield from iter_body_blocks(cell, skip, quote)
        return
    for row in table.iter("tr"):
        text = clean_text(" ".join(text_of(cell) for cell in row if cell.tag in ("td", "th")))
        if text and link_density(row, text) < MAX_LINK_DENSITY:
            yield Block(kind, text, row, attribution)


class InlineRun:
    """Inline text gathered between blocks, to become a paragraph of its own."""

    def __init__(self):
        self.pieces: list[str] = []
        self.linked = 0
        self.elements: list[Any] = []

    def add(self, text: str | None) -> None:
        if text:
            self.pieces.append(text)

    def add_element(self, element: Element) -> None:
        text = text_content(element)
        self.pieces.append(text)
        self.elements.append(element)
        links = [element] if element.tag == "a" else element.findall(".//a")
        self.linked += sum(len(clean_text(text_content(link))) for link in links)

    def flush(self, kind: BlockKind, attribution: str | None) -> Iterator[Block]:
        text = clean_text("".join(self.pieces))
        elements, linked = self.elements, self.linked
        self.pieces, self.elements, self.linked = [], [], 0
        if not text or (linked / len(text) >= MAX_LINK_DENSITY) or len(WORD.findall(text)) < MIN_LOOSE_TEXT_WORDS:
            return
        if len(elements) == 1 and elements[0].tag in ("strong", "b", "em", "i") and text.endswith(":") \
                and clean_text(text_content(elements[0])) == text:
            return
        yield Block(kind, text, elements[0] if elements else None, attribution)


def has_block_descendant(element: Element) -> bool:
    return next(element.iterdescendants(*BLOCK_TAGS), None) is not None


def _list_items(listing: Element) -> Iterator[Block]:
    """A list in the body is story text unless it is a list of links (related stories)."""
    if link_density(listing) >= MAX_LINK_DENSITY:
        return
    for item in listing.iter("li", "dt", "dd"):  # a definition list's terms and definitions too
        text = text_of(item)
        if text:
            yield Block(BlockKind.PARAGRAPH, text, item)


def normalize_paragraphs(text: str) -> str:
    paragraphs = (clean_text(part) for part in re.split(r"\n\s*\n|\n", text))
    return "\n\n".join(part for part in paragraphs if part)


# --- pull quotes

# Classes that mark a pull quote.
PULL_QUOTE_CLASS = re.compile(r"pull-?quote|pullout|quote-?pull", re.I)
# A repeated passage shorter than this many words is a phrase, not a pull quote.
MIN_PULL_QUOTE_WORDS = 5


def find_pull_quotes(parts: tuple[Element, ...]) -> Found | None:
    """Pull quotes: blockquotes classed as pull quotes, else blockquotes that repeat a sentence
    of the story (the defining trait of a pull quote)."""
    candidates = [
        element for part in parts for element in part.iter("blockquote", "aside", "div", "p")
        if PULL_QUOTE_CLASS.search(class_and_id(element))
    ]
    candidates = [e for e in candidates if not any(a in candidates for a in e.iterancestors())]
    if candidates:
        return Found(tuple(candidates), "class pull-quote")
    repeats = _quotes_repeating_the_story(parts)
    return Found(repeats, "blockquote repeating the story") if repeats else None


def _quotes_repeating_the_story(parts: tuple[Element, ...]) -> tuple[Element, ...]:
    blockquotes = [quote for part in parts for quote in part.iter("blockquote")]
    if not blockquotes:
        return ()
    story_words = " ".join(
        word for part in parts for p in part.iter("p") if not any(a.tag == "blockquote" for a in p.iterancestors())
        for word in WORD.findall(text_of(p).lower())
    )
    repeats = []
    longest = min(len(story_words), MAX_PULL_QUOTE_CHARS) + TRAILING_ATTRIBUTION_CHARS
    for quote in blockquotes:
        if _words_longer_than(quote, longest):
            continue  # no pull quote; reading all of it, for each of many quotes, is slow
        words = " ".join(WORD.findall(_quote_text(quote)[0].lower()))
        if len(words.split()) >= MIN_PULL_QUOTE_WORDS and f" {words} " in f" {story_words} ":
            repeats.append(quote)
    return tuple(repeats)


# A pull quote repeats a sentence or two of the story; a block quote longer than this is a quoted
# passage, read in full as body text.
MAX_PULL_QUOTE_CHARS = 1_000


def _words_longer_than(element: Element, chars: int) -> bool:
    """Whether the words of a quote (as find_pull_quotes joins them) run past `chars` characters,
    its text read only as far as needed. Text over four times that long counts as longer
    whatever it holds: no pull quote is mostly punctuation, and counting the words of a
    megabyte of brackets, for each of many quotes, is slow."""
    pieces, length = [], 0
    for piece in _text_outside(element, _attribution_element(element)):
        pieces.append(piece)
        length += len(piece)
        if length > 4 * chars:
            return True
    return sum(len(word) + 1 for word in WORD.findall(" ".join(pieces))) > chars


def _quote_text(element: Element) -> tuple[str, str | None]:
    """A quote's words and its attribution (a cite or footer, an element classed as the
    attribution, or a trailing '- Name')."""
    attribution_el = _attribution_element(element)
    attribution = (short_text_of(attribution_el, MAX_ATTRIBUTION_CHARS) or None) if attribution_el is not None else None
    words = clean_text(" ".join(
        text for text in _text_outside(element, attribution_el)
    ))
    if attribution is None:
        match = TRAILING_ATTRIBUTION.search(words)
        if match:
            words, attribution = words[: match.start()], match.group(1)
    if attribution:
        attribution = attribution.lstrip(DASHES + " ").strip() or None
    return words, attribution


def _attribution_element(element: Element) -> Element | None:
    """A quote's cite or footer, else its first element classed as the attribution."""
    attribution_el = next(iter(element.xpath(".//cite|.//footer")), None)
    if attribution_el is None:
        attribution_el = next((e for e in element.iterdescendants()
                               if isinstance(e.tag, str) and ATTRIBUTION_CLASS.search(class_and_id(e))), None)
    return attribution_el


def _quote_attribution(element: Element) -> str | None:
    """_quote_text's attribution, reading no more of the words than a trailing '- Name' needs:
    nested quotes read the innermost ones once per level."""
    attribution_el = _attribution_element(element)
    attribution = short_text_of(attribution_el, MAX_ATTRIBUTION_CHARS) if attribution_el is not None else ""
    if not attribution:
        match = TRAILING_ATTRIBUTION.search(_words_tail(element, attribution_el))
        attribution = match.group(1) if match else ""
    return attribution.lstrip(DASHES + " ").strip() or None


ATTRIBUTION_CLASS = re.compile(r"attr|cite|credit|author|source|byline", re.I)
# A quote's attribution is a name and a title; a longer <cite> or <footer> holds other text (and
# reading it for names, quote by quote, was slow).
MAX_ATTRIBUTION_CHARS = 300
# A quote's last words naming its source: "... – Jane Doe".
TRAILING_ATTRIBUTION = re.compile(rf"\s*{DASH}\s*([A-Z][^{DASHES}]{{2,80}})$")
# How much of a quote's end TRAILING_ATTRIBUTION can reach (dash, spaces, 80 characters), and more.
TRAILING_ATTRIBUTION_CHARS = 100


def _words_tail(element: Element, excluded: Element | None) -> str:
    """The last TRAILING_ATTRIBUTION_CHARS of clean_text(" ".join(_text_outside(element, excluded))):
    its pieces are read from the last."""
    inside = set(excluded.iter()) if excluded is not None else set()
    pieces: list[str] = []
    length = 0
    for piece in _text_outside_backwards(element, element, inside, excluded):
        pieces.append(piece)
        length += sum(len(word) + 1 for word in piece.split())
        if length > TRAILING_ATTRIBUTION_CHARS:
            break
    # only the end: the pattern anchored there was searched through whole pieces, a quote's
    # megabyte once per level of a nest (found by fuzzing: 1.7 s)
    return clean_text(" ".join(reversed(pieces)))[-TRAILING_ATTRIBUTION_CHARS:]


def _text_outside_backwards(node: Element, element: Element, inside: set[Element], excluded: Element | None) -> Iterator[str]:
    """_text_outside's pieces of `node`'s subtree in reverse order (it gives a node's text and
    tail before its children's)."""
    for child in reversed(node):
        yield from _text_outside_backwards(child, element, inside, excluded)
    if node is not element and node.tail and (node is excluded or node not in inside):
        yield node.tail
    if node not in inside and isinstance(node.tag, str) and node.text:
        yield node.text


def _text_outside(element: Element, excluded: Element | None) -> Iterator[str]:
    """The text pieces of `element` outside `excluded` (whose tail counts). Whether a node is
    inside is a set lookup: reading each node's ancestors made nested quotes quadratic."""
    inside = set(excluded.iter()) if excluded is not None else set()
    for node in element.iter():
        if node not in inside and isinstance(node.tag, str) and node.text:
            yield node.text
        if node is not element and node.tail and (node is excluded or node not in inside):
            yield node.tail


def render_pull_quote(element: Element, position: int) -> PullQuote:
    text, attribution = _quote_text(element)
    return PullQuote(text=text, attribution=attribution, position=position)


# --- quoted speech: who said what, by rules on the text alone (no language model)

# Opening quote marks and the marks that close them: straight and curly double quotes,
# French guillemets (both ways round, as French and German print them) and German „ “.
# An opening “ may be closed by a second “ as well as by ”: a slip of typing ('“It's unusual,“
# said …') that would otherwise leave the quote open to the paragraph's end.
QUOTE_CLOSERS = {'"': '"', "“": "”“", "„": "“”", "«": "»", "»": "«"}
QUOTE_MARKS = ('"', "“", "„", "«", "»", "‘‘", "''")
QUOTE_MARK = re.compile("|".join(map(re.escape, QUOTE_MARKS)))
# Verbs of saying that tie a quote to a speaker. "characterized" and "seen as" are left out on
# purpose: they frame a scare quote rather than report speech.
SPEECH_VERB_WORDS = """
    said says say told tells added adds asked asks wrote writes write stated states explained explains
    noted notes argued argues insisted insists claimed claims declared declares announced announces
    replied replies responded responds continued continues recalled recalls warned warns urged urges
    stressed stresses cautioned cautions acknowledged acknowledges admitted admits conceded concedes
    suggested suggests vowed vows promised promises pledged pledges tweeted tweets posted testified
    predicted predicts maintained maintains observed observes remarked remarks lamented laments
    complained complains boasted boasts shouted shouts called calls call described describes dubbed dubs
    agreed agrees emphasized emphasised emphasizes emphasises countered counters wondered wonders
    joked jokes quipped quips spoke speaks reported reports answered answers asserted asserts
    concluded concludes cited cites accused accuses charged charges contended contends mused muses
    assured assures confessed confesses demanded demands opined opines barked beamed exhorted
    remembered
    yelled yells fumed fumes boomed gloated gloats scoffed scoffs snapped sniped retorted retorts
    exclaimed exclaims surmised riffed griped gripes ranted raved thundered proclaimed proclaims
    reiterated reiterates recounted recounts marveled marvelled whispered screamed bragged brags
    elaborated reasoned speculated
""".split()
# Phrasal verbs of saying: "as Ridge put it", '," Bozell points out', '," Rubio shot back'.
# ("went on to lead the party" is no speech.)
SPEECH_PHRASES = (r"[Aa]ccording\s+to|put\s+it|point(?:s|ed)\s+out|sho(?:t|ots)\s+back|"
                  r"went\s+on(?!\s+to\s+(?!(?:say|add|tell|note|explain|argue|write|ask)\b))")
SPEECH_VERBS = words_pattern(SPEECH_VERB_WORDS) + "|" + SPEECH_PHRASES
# A full stop belongs to a word only in initials and abbreviations ("U.S.", "J."), never at a
# sentence's end ("said Jakob Kern.").
HONORIFIC_WORDS = "Dr Mr Mrs Ms Mx Sen Rep Del Gov Gen Lt Col Sgt Capt Cmdr Adm Maj Prof Rev Supt Insp Const Det".split()
HONORIFIC = rf"(?:{words_pattern(HONORIFIC_WORDS)})\."


def name_word_pattern(capitalised: str) -> str:
    """One word of a name: "Kerry", "U.S.", "al-Aref", "O'Brien", or a particle that binds to
    the surname ("Abu Amer", "Al Saud", "van der Berg"); `capitalised` matches a plain word."""
    return (rf"(?:{HONORIFIC}|(?:[A-Z]\.){{1,3}}(?![\w])|{capitalised}|"
            rf"(?:{words_pattern(NAME_PARTICLES)})(?:-[A-Z][\w'’-]*)?(?![\w'’-]))")


# A capitalised word's letters taken possessively ("*+"): in each pattern that uses NAME_WORD or
# NAME, what may follow a name (a space, comma, bracket, colon, stop, or the pattern's end) is
# never a letter, an apostrophe or a hyphen, so giving letters back could only fail, slowly.
# (Python 3.10's re has no possessive quantifiers: there the same matches come more slowly.)
CAPITALISED_WORD = r"[A-Z][\w'’-]*+" if sys.version_info >= (3, 11) else r"[A-Z][\w'’-]*"
NAME_WORD = name_word_pattern(CAPITALISED_WORD)
NAME = rf"(?:(?:the|The)\s+)?(?:{HONORIFIC}|(?:[A-Z]\.){{1,3}}(?![\w])|{CAPITALISED_WORD})(?:\s+{NAME_WORD}){{0,5}}"
PRONOUN = "(?:" + "|".join(word if word == "I" else f"[{word[0].upper()}{word[0]}]{word[1:]}" for word in SUBJECT_PRONOUNS) + ")"
# A speaker named by role alone: "the minister", "a spokesperson for the ministry".
ROLE = (
    r"(?:[Tt]he|[Aa]n?)\s+(?:[a-z][\w-]*\s+){0,2}?(?:spokesman|spokeswoman|spokesperson|minister|official|"
    r"officials|statement|police|witness|witnesses|source|sources|report|researchers|doctors|residents|"
    r"lawyer|prosecutor|judge|company|ministry|agency|government|army|military|president|mayor|"
    r"chief|actor|actress|candidate|nominee|governor|senator|director|manager|chairman|chairwoman|founder|"
    r"leader|officer|aide|adviser|advisor|analyst|economist|expert|professor|author|campaign|"
    r"spokesmen|commander|owner|executive|organizer|activist|strategist|pollster|voter|resident)"
    r"(?:\s+(?:for|of|at)\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3})?"
)
# Verbs of saying that may come before their speaker ('"…," explained Teal Baker'): verbs that
# take no object, since after "told", "urged", "called" or "warned" the name is the listener.
INVERTED_CUE_WORDS = """
    said says added adds asked asks wrote writes explained explains noted notes continued continues
    replied replies recalled recalls argued argues insisted insists observed observes remarked remarks
    quipped quips joked jokes countered counters responded responds conceded concedes acknowledged
    stated states declared declares concluded concludes mused muses tweeted tweets
    assured confessed opined barked beamed agreed agrees remembered
    yelled fumed boomed gloated scoffed snapped sniped retorted exclaimed surmised riffed griped
    ranted raved thundered reiterated recounted marveled marvelled whispered screamed bragged
    elaborated reasoned speculated
""".split()
INVERTED_CUES = words_pattern(INVERTED_CUE_WORDS) + r"|[Aa]ccording\s+to"
# A party and state after a name: "Harry Reid (D-Nev.)", "Bernie Sanders (I-Vt.)", "Jason Holsman (D)".
PARTY_TAG = r"\s*\([A-Z]{1,2}(?:-[\w. ]{1,20})?\)"
# A day between a subject and its verb: "Priebus later Thursday told", "Trump on Saturday tweeted".
DAY_PHRASE = rf"(?:on\s+)?(?:{'|'.join(WEEKDAYS)})(?:\s+(?:morning|afternoon|evening|night))?"
# "Kerry told reporters", "Bebars Mishal, a civil defence worker, said", "McCain, who described",
# "Trump reportedly said".
# The letters a subject can start with: a capital, a pronoun's, "the" and "a"/"an" (ROLE, NAME).
# (Looked ahead for first, it rules out most places at once: an eighth faster.)
SUBJECT_INITIALS = "A-Z" + "".join(sorted({pronoun[0] for pronoun in SUBJECT_PRONOUNS if pronoun.islower()} | {"t", "a"}))
SUBJECT_THEN_VERB = re.compile(
    rf"(?=[{SUBJECT_INITIALS}])(?<![\w'’-])(?P<who>{PRONOUN}|{ROLE}|{NAME})(?:{PARTY_TAG})?(?:,\s*\d{{1,3}}(?=,))?(?:,\s*(?P<app>[^,\"“”«»]{{1,160}}?),)?(?:,?\s+who)?"
    rf",?\s+(?:(?:also|then|later|again|previously|once|had|has|have|would|will)\s+)?(?:{DAY_PHRASE}\s+)?"
    rf"(?:[a-z]+ly\s+)?(?P<cue>{SPEECH_VERBS})\b"
)
# The speaker's name in capitals and a colon, opening a transcript's quoted turn: "WALLACE: …".
TRANSCRIPT_LABEL = re.compile(r"([A-Z][A-Z'’.-]+(?: [A-Z][A-Z'’.-]+){0,2}):\s")
# A name that introduces a quote with a colon ('pollster Daron Shaw: "…"'), or signs it after a
# dash ('"…" ― Krystal Correa'); cue ":" or the dash.
INTRODUCTION = re.compile(rf"(?<![\w'’-])(?P<who>{NAME})(?:{PARTY_TAG})?\s*(?P<cue>:)[\s\0]*$")
SIGNATURE = re.compile(rf"^[\s,]*(?P<cue>[―—–]|--)\s*(?P<who>{NAME})(?=\s*(?:[,.(]|$))")
# Words that never stand in a title between an inverted verb and its name ("said WFP director
# Jakob Kern"): prepositions and question words start a clause, and auxiliaries a verb phrase, as
# in 'said Sinwar's appointment would not stop Israel from'.
NOT_BEFORE_NAME = words_pattern("""
    in on at to from during after before about with for that if whether how why what
    would will could should can may might must not is was are were has had have did does do
""".split())
# '..., said Aref al-Aref, an intensive care medical worker.'  'said WFP director Jakob Kern.'
# 'said David French of the National Retail Federation' (the speaker is before "of").
VERB_THEN_SUBJECT = re.compile(
    rf"\b(?P<cue>{INVERTED_CUES})\s+"
    rf"(?P<pre>(?:(?!(?:{NOT_BEFORE_NAME})\s)[\w.'’-]+\s+){{0,6}}?)(?P<who>{NAME}|{ROLE})"
    rf"(?=\s*(?:[,.;:!?]|$)|{PARTY_TAG}|\s+\(|\s+(?:in|on|at|during|who|when|after|before|last|this|from|of)\b)"
    rf"(?:,\s*(?:\d{{1,3}},\s*)?(?P<app>[^,.\"“”«»]{{1,160}}))?"
)
PERSONAL_SUBJECT = re.compile(r"(?:[Hh]e|[Ss]he)\b")  # a pronoun that stands for one person named before
SPEECH_VERB_ANYWHERE = re.compile(rf"(?<!\w)(?:{SPEECH_VERBS})\b")  # (?<!\w): a third faster than \b here
NAME_RE = re.compile(NAME)
HONORIFIC_RE = re.compile(HONORIFIC)
ROLE_RE = re.compile(ROLE)
# Capitalised words in a row, "of" allowed between them: "U.S. Secretary of State John Kerry".
# A run starts at a word's start: a capital inside a word ("iPhone") starts none, and the scan
# skips the inside of words (four times faster on long pages).
# (The lookahead for a name word's first letter rules out most places at once: a quarter faster.)
NAME_INITIALS = "A-Z" + "".join(sorted({particle[0] for particle in NAME_PARTICLES}))
NAME_RUN = re.compile(rf"(?=[{NAME_INITIALS}])(?<!\w){NAME_WORD}(?:(?:\s+of)?\s+{NAME_WORD})+")
# Capitalised words that are titles, not names: "U.S. Secretary of State John Kerry".
TITLE_WORDS = {
    "president", "prime", "minister", "secretary", "state", "senator", "sen.", "rep.", "representative",
    "governor", "gov.", "del.", "mayor", "premier", "general", "gen.", "admiral", "adm.", "rear", "vice", "colonel",
    "col.", "lt.", "lieutenant", "major", "maj.", "captain", "capt.", "sgt.", "sergeant", "commander", "chief",
    "dr.", "dr", "mr.", "mr", "mrs.", "mrs", "ms.", "ms", "miss", "prof.", "professor", "rev.", "reverend",
    "father", "rabbi", "imam", "sheikh", "pope", "king", "queen", "prince", "princess", "sir", "dame", "lord",
    "lady", "judge", "justice", "ambassador", "chancellor", "speaker", "director", "spokesman", "spokeswoman",
    "spokesperson", "ceo", "chairman", "chairwoman", "chair", "councillor", "councilor", "officer",
    "inspector", "superintendent", "deputy", "foreign", "defence", "defense", "finance", "attorney", "mp",
    "mpp", "mla", "republican", "democrat", "democratic", "liberal", "conservative", "senior", "former",
}
# Courtesy titles: kept out of a name, and no role, so never a speaker_title ("Mr Pritchard").
COURTESY_TITLES = {"mr", "mrs", "ms", "miss", "mx"}
# Nouns that end a descriptive title before a name: "Kremlin spokesman", "WFP director".
TITLE_NOUNS = TITLE_WORDS | {
    "worker", "expert", "fellow", "official", "lead", "leader", "head", "analyst", "manager", "commissioner",
    "founder", "executive", "editor", "correspondent", "reporter", "producer", "doctor", "nurse", "resident",
    "owner", "organizer", "organiser", "coordinator", "activist", "scientist", "author", "coach", "player",
    "negotiator", "envoy", "diplomat", "historian", "economist", "lawyer", "prosecutor", "researcher",
    "adviser", "advisor", "member", "candidate", "witness", "survivor", "teacher", "student", "farmer",
    "realtor", "strategist", "partner", "principal", "agent", "administrator",
}
# Words in a name that make it a body, not a person: "he said" never refers back to these.
ORGANISATION_WORDS = re.compile(
    r"\b(?:Society|Group|Program|Programme|Institute|Nations|States|Observatory|Council|Ministry|Department|"
    r"Agency|Association|Party|Army|Forces|Court|University|Company|Corp|Inc|News|Press|Reuters|House|Office|"
    r"Commission|Committee|Bank|Union|Kremlin|Government|Police|Service|Centre|Center|Foundation|Board)\b"
)
# Prepositions that open a phrase of place or time, never a subject: "At Boca West", "In New Hampshire".
OPENING_PREPOSITIONS = {"in", "on", "at", "since", "after", "before", "during", "inside", "by", "for", "with",
                        "to", "from", "of", "like", "unlike", "despite", "near", "outside", "across", "throughout"}
# Words that open a sentence but start no name: "The", "However", "Meanwhile", and the prepositions.
NOT_NAMES = {*OPENING_PREPOSITIONS, "the", "a", "an", "but", "and", "however", "meanwhile", "while",
             "some", "many", "indicating", "when", "as", "if", "his", "her", "their", "its", "this", "that",
             "these", "those", "one", "there", *(pronoun.lower() for pronoun in SUBJECT_PRONOUNS), "what", "who",
             "how", "why", "then", "still", "now", "today", "yesterday", *(day.lower() for day in WEEKDAYS),
             "according", "said", "says", "also", "so", "yet", "or", "nor", "because", "though"}
# ...those a title may stand before, cut from a phrase's start ("the" stays: "the base chief").
LEADING_NOT_NAMES = NOT_NAMES - {"the"}
# Particles that never open a person's full name ("de Gaulle" alone is a surname), unlike "Abu Amer".
PARTICLES_NOT_OPENING_NAMES = NAME_PARTICLES - {"abu"}
# Real paragraphs run under 3,000 characters; a longer "paragraph" is a page that lost its
# markup, and reading quotes in it would only cost time.
MAX_QUOTE_PARAGRAPH_CHARS = 10_000
# A speech clause runs at most this far before its verb: a name of up to seven words, a party
# tag, an age and an apposition of up to 160 characters ("Jane Smith, 45, a resident of …, said").
MAX_CLAUSE_CHARS = 400
# Sentences run under a few hundred characters; past this many a "sentence" has no break a
# reader would see (a list, a page that lost its markup), and reading the rest of it for a
# clause at each of its quotes would take time that grows with the square of its length.
MAX_SENTENCE_CHARS = 1_000
# Long features quote a few hundred times; past this many quotes the page is not prose, and
# reading on (a megabyte of '"b,"' holds 125,000) would only cost time.
MAX_QUOTES = 2_000
# Abbreviations whose period ends no sentence.
# ("May" ends sentences as a word, so it is left out; "Sept." is written too.)
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "no", "gen", "sen", "rep", "lt", "col", "capt", "sgt", "gov",
                 "jr", "sr", "inc", "corp", "co", "vs", "prof", "rev", "adm", "maj", "a.m", "p.m", "approx", "est",
                 "sept", *(month for month in MONTH_ABBREVIATIONS if month != "may")}


@dataclass
class NameBook:
    """Names the article has used so far, so that "Mishal" and "he" can be read as
    "Bebars Mishal"; built as the paragraphs are read, so only earlier mentions count."""

    names: dict[str, int] = field(default_factory=dict)  # name -> when last met (a count)
    met: int = 0  # names met so far
    by_last_word: dict[str, set[str]] = field(default_factory=dict)  # "Mishal" -> {"Bebars Mishal"}
    titles: dict[str, str] = field(default_factory=dict)
    last_person: str | None = None
    last_speaker: str | None = None

    def register(self, name: str) -> None:
        self.names[name] = self.met = self.met + 1
        self.by_last_word.setdefault(name.split()[-1], set()).add(name)

    def full_name(self, reference: str) -> str:
        """The fullest earlier form of a name, the latest met if several: "Mishal" -> "Bebars
        Mishal". A particle binds to the surname, so "Amer" is Abu Hassan Amer's surname but not
        Sadeq Abu Amer's."""
        words = reference.split()
        fuller = [name for name in self.by_last_word.get(words[-1], ()) if _ends_with_name(name.split(), words)]
        return max(fuller, key=self.names.__getitem__) if fuller else reference

    def heard(self, speaker: str, title: str | None) -> None:
        if title:
            self.titles[speaker] = title
        self.last_speaker = speaker
        if is_person(speaker):
            self.last_person = speaker


def _ends_with_name(tokens: list[str], words: list[str]) -> bool:
    """Whether a name (its tokens) is a fuller form of `words`, which it ends with; not when the
    word before them is a particle that binds to them ("Abu Amer" is not "Amer")."""
    return len(tokens) > len(words) and tokens[-len(words):] == words \
        and tokens[-len(words) - 1].lower() not in NAME_PARTICLES


ARTICLE_OPENING = re.compile(r"(?:the|an?) ", re.I)  # "the base chief", "a spokesman": a role, not a name


def is_person(name: str) -> bool:
    return not ARTICLE_OPENING.match(name) and not ORGANISATION_WORDS.search(name)


def extract_quotes(blocks: tuple[Block, ...]) -> tuple[Quote, ...]:
    """Quoted statements in the body, each with its speaker, in page order."""
    quoting = [index for index, block in enumerate(blocks)
               if block.kind is BlockKind.QUOTE or QUOTE_MARK.search(block.text)]
    if not quoting:
        return ()
    book = NameBook()
    quotes: list[Quote] = []
    for index, block in enumerate(blocks[:quoting[-1] + 1]):
        if len(quotes) >= MAX_QUOTES:
            break
        if block.kind is BlockKind.HEADING or len(block.text) > MAX_QUOTE_PARAGRAPH_CHARS:
            continue
        _register_names(block.text, book)
        found = quotes_in_paragraph(block, index, book)
        # A quote left open at a paragraph's end is taken up by the next paragraph's opening
        # quote, which names the speaker of both.
        if quotes and found and quotes[-1].speaker is None and quotes[-1].paragraph == index - 1 \
                and _left_open(blocks, quotes[-1]) and block.text.lstrip()[:1] in QUOTE_CLOSERS:
            quotes[-1] = dataclasses.replace(quotes[-1], speaker=found[0].speaker, speaker_title=found[0].speaker_title,
                                             cue=found[0].cue, rule=found[0].rule and "quote goes on in the next paragraph")
        quotes += found
    if len(quotes) < MAX_QUOTES:
        _register_fuller_names(blocks[quoting[-1] + 1:], quotes, book)
    return tuple(_with_full_names(quotes[:MAX_QUOTES], book))


def _register_names(text: str, book: NameBook) -> None:
    for name, title in names_in(text):
        book.register(name)
        if title and title.split()[-1].lower() in TITLE_NOUNS:
            book.titles.setdefault(name, title)


def _register_fuller_names(blocks: tuple[Block, ...], quotes: list[Quote], book: NameBook) -> None:
    """After the last quote, names count only as a speaker's name in full ("Clarke said", then
    "NASA's Steve Clarke" further on): a block that holds no speaker's last word is not read."""
    last_words = {quote.speaker.split()[-1] for quote in quotes if quote.speaker}
    for block in blocks:
        if block.kind is not BlockKind.HEADING and len(block.text) <= MAX_QUOTE_PARAGRAPH_CHARS \
                and any(word in block.text for word in last_words):
            _register_names(block.text, book)


def _with_full_names(quotes: list[Quote], book: NameBook) -> Iterator[Quote]:
    """A surname quoted before the article gives the full name ("Clarke said", then "NASA's
    Steve Clarke" two paragraphs on) takes the full name once the whole article is read."""
    for quote in quotes:
        full = book.full_name(quote.speaker) if quote.speaker else None
        if full and full != quote.speaker:
            quote = dataclasses.replace(quote, speaker=full, speaker_title=quote.speaker_title or book.titles.get(full))
        yield quote


def _left_open(blocks: tuple[Block, ...], quote: Quote) -> bool:
    text = as_double_quotes(blocks[quote.paragraph].text)
    spans = find_quote_spans(text)
    return bool(spans) and not _closes(text, *spans[-1])


class Attribution(NamedTuple):
    """Who said a quote, and which speaker rule found them."""

    speaker: str
    title: str | None
    cue: str | None
    rule: str


class QuoteSite(NamedTuple):
    """One quoted passage and what surrounds it, as the speaker rules read it. (A named tuple:
    one is built for each quote, and a frozen dataclass of this many fields was slower to build.)"""

    words: str  # the quoted words
    masked: str  # the paragraph with every quote's inside blanked out
    before: str  # the quote's sentence up to its opening mark (from the previous quote's end)
    after: str  # from the closing mark to the next quote
    rest_of_sentence: str  # from the closing mark to the sentence's end, later quotes blanked out
    ends_with_stop: bool  # a full stop, "?" or "!" ends the quote, inside its closing mark or right after
    in_sentence: Attribution | None  # the speaker of an earlier quote of the same sentence
    quote_only: bool  # the paragraph is quotes and nothing else
    has_cues: bool  # a verb of saying stands outside its quotes: else no clause names anyone
    in_paragraph: Attribution | None  # the last speaker a clause of this paragraph named
    subject: str | None  # the person whose name (or "he", "she") opens the quote's sentence
    previous_speaker: str | None  # the last speaker named before this paragraph
    book: NameBook
    lead_in: re.Match[str] | None = None  # a speech clause that closes the sentence before (LEAD_IN_TAIL)


def _transcript_label(site: QuoteSite) -> Attribution | None:
    label = TRANSCRIPT_LABEL.match(site.words)
    if not label:
        return None
    speaker = site.book.full_name(label.group(1).title())
    return Attribution(speaker, site.book.titles.get(speaker), None, "transcript label")


def _clause_after(site: QuoteSite) -> Attribution | None:
    if not site.has_cues or _next_sentence_follows(site):
        return None
    clause = _adjacent_attribution(site.after)
    if clause and _reports_anew(site, clause):
        return None
    # 'Clinton suggested that his plan was unserious - "…," she said - and charged …': a "he"
    # or "she" after a quote inside a sentence is the person the sentence opens with.
    if clause and site.subject and PERSONAL_SUBJECT.fullmatch(clause.group("who")) \
            and WORD.search(site.before.replace("\0", "")):
        return Attribution(site.subject, site.book.titles.get(site.subject), _cue_phrase(clause), "clause after")
    return _resolved(clause, site.book, "clause after")


# What follows the verb of a sentence that reports new words: "said he would", "said that", or
# the next quote ('added, "…"').
REPORTED_CLAUSE = re.compile(r"\s+(?:that|he|she|they|it|we|I|his|her|the)\b|[,:]?\s*$")


def _reports_anew(site: QuoteSite, clause: re.Match[str]) -> bool:
    """Whether the clause after a quote that ends a sentence opens a sentence of its own: in
    '"…," Cruz told reporters. "This is the consequence." Ohio Gov. John Kasich said he would have
    fired him.' Cruz goes on speaking; Kasich's words follow his verb, as Jason Miller's do in
    '"…," he said. "…." Trump campaign spokesman Jason Miller added, "…"'."""
    return site.ends_with_stop and site.in_paragraph is not None and clause.re is SUBJECT_THEN_VERB \
        and bool(REPORTED_CLAUSE.match(clause.string, clause.end()))


def _next_sentence_follows(site: QuoteSite) -> bool:
    """Whether a quote inside a sentence ends it, a new sentence opening after it: in 'Bush
    called Trump "unhinged." Rubio called the statement "offensive."' Rubio speaks the second
    quote only."""
    return site.ends_with_stop and bool(WORD.search(site.before.replace("\0", ""))) \
        and site.after.lstrip(' .!?"”»\0')[:1].isupper()


def _clause_before(site: QuoteSite) -> Attribution | None:
    if not site.has_cues:
        return None
    clauses = [match for match in _speech_clauses(site.before) if not _names_what_is_quoted(match)]
    # 'Ben Jealous told HuffPost before he spoke that it is "…"': a "he" or "she" after a named
    # speaker of the same sentence is that speaker, whoever was named before the sentence.
    while len(clauses) > 1 and PERSONAL_SUBJECT.fullmatch(clauses[-1].group("who")):
        clauses.pop()
    # 'Rush Limbaugh used his platform to discuss what he described as the "…"': so too a "he"
    # or "she" after the person the sentence opens with.
    if len(clauses) == 1 and site.subject and PERSONAL_SUBJECT.fullmatch(clauses[0].group("who")):
        return Attribution(site.subject, site.book.titles.get(site.subject), _cue_phrase(clauses[0]), "clause before")
    return _resolved(clauses[-1] if clauses else None, site.book, "clause before")


def _names_what_is_quoted(match: re.Match[str]) -> bool:
    """Whether an inverted clause's name runs right up to the quote: in 'Rubio said the United
    States "must act"' and 'King says Ali "talked the talk"' the name after the verb is what the
    speaker talks about; the speaker stands before the verb."""
    return match.re is VERB_THEN_SUBJECT and not match.string[match.end("who"):].strip(" \0")


def _clause_later(site: QuoteSite) -> Attribution | None:
    # 'Meg Whitman labeled Mr. Trump "unfit to be president." When Mr. Thiel was revealed as a
    # delegate, a columnist wrote …': a quote inside a sentence that ends it leaves later clauses
    # to the next sentence (after a doubled closing mark, ''…'', the sentence break goes unseen)
    if not site.has_cues or _next_sentence_follows(site):
        return None
    return _resolved(_last_match(site.rest_of_sentence), site.book, "clause later in the sentence")


def _earlier_quote_of_the_sentence(site: QuoteSite) -> Attribution | None:
    return site.in_sentence._replace(rule="earlier quote of the sentence") if site.in_sentence else None


def _introduced_by_name(site: QuoteSite) -> Attribution | None:
    if not site.before.rstrip(" \0").endswith(":"):
        return None
    return _resolved(INTRODUCTION.search(site.before), site.book, "name and colon before")


def _signed_after(site: QuoteSite) -> Attribution | None:
    return _resolved(SIGNATURE.match(site.after), site.book, "name after a dash")


def _lead_in_clause(site: QuoteSite) -> Attribution | None:
    if not site.lead_in or site.before.strip(" \0"):
        return None
    return _resolved(site.lead_in, site.book, "clause closing the sentence before")


def _same_speaker_goes_on(site: QuoteSite) -> Attribution | None:
    if site.in_paragraph and not site.before.strip(" \0"):
        return site.in_paragraph._replace(rule="same speaker goes on")
    return None


# A phrase that opens a sentence and leaves the quote to carry it, with no name, number or
# pronoun in it: "Indeed, ", "But ", "Unless further rivals quit the race, ".
LEAD_PHRASE = re.compile(r"(?:(?:And|But|So|Yet|Still|Now|Indeed|Instead)\s+|[A-Z][a-z]*(?:\s+[a-z][a-z'’-]*){0,11},\s*)\0?")


def _same_speaker_after_lead(site: QuoteSite) -> Attribution | None:
    if site.in_paragraph and LEAD_PHRASE.fullmatch(site.before.lstrip(" ")) \
            and not PERSONAL_SUBJECT.search(site.before) and WORD.search(site.before):
        return site.in_paragraph._replace(rule="same speaker after a lead phrase")
    return None


# A verb of saying whose subject is a "which" or "that" clause: "a group which says".
RELATIVE_SPEECH = re.compile(rf"\b(?:which|that)\s+(?:{SPEECH_VERBS})\b")


def _sentence_subject(site: QuoteSite) -> Attribution | None:
    if not site.subject or not WORD.search(site.before.replace("\0", "")):
        return None
    if site.has_cues and RELATIVE_SPEECH.search(site.before):
        return None  # 'Abu Amer heads a group which says it aims to "…"': the group speaks
    return Attribution(site.subject, site.book.titles.get(site.subject), None, "subject of the sentence")


# A phrase that hangs a person's act on a sentence, running up to the quote: '…, with Sen. John
# McCain calling it a "…"', '– Ryan saying he was "…"', 'and Trump calling it a "…"'.
ABSOLUTE_PHRASE = re.compile(rf"(?:\bwith|,|\s[{DASHES}]|\band)\s+(?={NAME_WORD}(?:\s+{NAME_WORD}){{0,4}}\s+[a-z]+ing\b)")
# ...whose participle runs to the quote with no break between ("calling it a", "saying he was").
PARTICIPLE_TO_QUOTE = re.compile(rf"(?:{NAME_WORD}\s+){{1,5}}[a-z]+ing\b[^,;:.!?\0]*")


def _absolute_phrase(site: QuoteSite) -> Attribution | None:
    if "ing" not in site.before:
        return None  # no participle before the quote (most quotes): a fifth of the time of the search
    for phrase in reversed(list(ABSOLUTE_PHRASE.finditer(site.before))):
        if PARTICIPLE_TO_QUOTE.fullmatch(site.before.rstrip(" "), phrase.end()):
            name = _name_opening(site.before, phrase.end(), site.book)
            return Attribution(name, site.book.titles.get(name), None, "person acting in a phrase before") if name else None
    return None


def _quote_only_paragraph(site: QuoteSite) -> Attribution | None:
    speaker = site.previous_speaker
    return Attribution(speaker, site.book.titles.get(speaker), None, "quote-only paragraph") \
        if site.quote_only and speaker else None


def _resolved(match: re.Match[str] | None, book: NameBook, rule: str) -> Attribution | None:
    speaker, title, cue = resolve_speaker(match, book) if match else (None, None, None)
    return Attribution(speaker, title, cue, rule) if speaker else None


class SpeakerRule(NamedTuple):
    name: str
    find: Callable[[QuoteSite], Attribution | None]
    names_anew: bool  # a clause names the speaker: later quotes of the paragraph may go on with them


# The speaker rules, tried in order for each quote; the first that names a speaker wins. Each
# serves a family of sentences:
SPEAKER_RULES = (
    # 'WALLACE: Let's start with …' / 'PENCE: Well, …': an interview transcript names who speaks
    SpeakerRule("transcript label", _transcript_label, True),
    # '…," said Aref al-Aref, an intensive care worker.'  '…," Kerry told reporters.'
    SpeakerRule("clause after", _clause_after, True),
    # 'Kerry told reporters: "…"'  'Bebars Mishal, a civil defence worker, said "…"'
    SpeakerRule("clause before", _clause_before, True),
    # '"…" is how the minister put it, Kerry said.' (the clause ends the quote's sentence)
    SpeakerRule("clause later in the sentence", _clause_later, True),
    # 'It doesn't surprise Republican pollster Daron Shaw: "Historically, …"'
    SpeakerRule("name and colon before", _introduced_by_name, True),
    # '"We will win." ― Krystal Correa' (a quotation signed as on a card or a post)
    SpeakerRule("name after a dash", _signed_after, True),
    # 'Trump called him a "nasty guy," "unstable" and "sick."': a series of quotes in one sentence
    SpeakerRule("earlier quote of the sentence", _earlier_quote_of_the_sentence, False),
    # '…, with Sen. John McCain calling it a "Chinese menu"': a phrase with a person and a
    # participle that runs to the quote names who spoke it, whoever the sentence is about
    SpeakerRule("person acting in a phrase before", _absolute_phrase, False),
    # 'Trump has hailed the vote as "fantastic"', 'She dismissed that as "disarray"': a quote
    # inside a sentence with no verb of saying is the words of the person the sentence is about
    SpeakerRule("subject of the sentence", _sentence_subject, False),
    # '"…," Kerry said. "…"': a new sentence of the quote, no clause of its own
    SpeakerRule("same speaker goes on", _same_speaker_goes_on, False),
    # '"…," he said. Indeed, "…"', 'But "…"': a sentence that opens with a lead phrase and goes
    # on in a quote, with no clause of its own
    SpeakerRule("same speaker after a lead phrase", _same_speaker_after_lead, False),
    # 'Dianne Bystrom agreed. "…"', 'Sam Lau said in a statement. "…"': a sentence that is only
    # a speech clause introduces the quote that opens the next one
    SpeakerRule("clause closing the sentence before", _lead_in_clause, True),
    # a paragraph that is only a quote goes on with the previous paragraph's speaker
    SpeakerRule("quote-only paragraph", _quote_only_paragraph, False),
)


# Whether a rule's clause names the speaker anew, by rule name (each quote looks it up).
NAMES_ANEW = {rule.name: rule.names_anew for rule in SPEAKER_RULES}


def attribute(site: QuoteSite) -> Attribution | None:
    """The first rule's speaker; a speaker named by role alone ("the senator") only when no later
    rule names a person or body (the senator named in the paragraph before)."""
    role = None
    for rule in SPEAKER_RULES:
        found = rule.find(site)
        if found is None:
            continue
        if not _is_role(found.speaker):
            return found
        role = role or found
    return role


def _is_role(speaker: str | None) -> bool:
    return speaker is not None and ROLE_RE.fullmatch(speaker) is not None and NAME_RE.fullmatch(speaker) is None


def quotes_in_paragraph(block: Block, index: int, book: NameBook) -> list[Quote]:
    text = as_double_quotes(block.text)
    spans = find_quote_spans(text)
    kind = QuoteKind.BLOCK if block.kind is BlockKind.QUOTE else QuoteKind.SPEECH
    if block.kind is BlockKind.QUOTE and not spans:
        return [_block_quote(text, block.attribution, index, book)]
    if not spans:
        _read_without_quotes(text, book)
        return []
    masked = mask_spans(text, spans)
    previous_speaker = book.last_speaker
    quote_only = not WORD.search(masked.replace("\0", ""))
    cues = list(SPEECH_VERB_ANYWHERE.finditer(masked))
    cue_starts = [cue.start() for cue in cues]
    has_cues = bool(cue_starts)
    found: list[Quote] = []
    in_paragraph: Attribution | None = None
    sentence_speaker: tuple[int, Attribution] | None = None
    last_heard: re.Match[str] | None = None
    # Speech clauses of earlier sentences ("Tom Barr spoke first.") are heard before the quote.
    clauses = _speech_clauses(masked, cues)
    starts = sentence_starts(masked)
    subjects = _sentence_subjects(masked, starts, book)
    subject_at = dict(subjects)
    for number, (start, end) in enumerate(spans):
        words = text[start + 1: end - 1 if end <= len(text) and _closes(text, start, end) else end].strip()
        words = words.rstrip(",").strip()
        if not words or STAGE_DIRECTION.fullmatch(words):
            continue  # empty, or a transcript's "(CROSSTALK)": nobody's words
        sentence_from = sentence_start(masked, start, starts)
        while clauses and clauses[0].end() <= sentence_from:
            last_heard = clauses.pop(0)
            _hear(last_heard, book)
        while subjects and subjects[0][0] < sentence_from:
            book.last_person = subjects.pop(0)[1]
        next_start = spans[number + 1][0] if number + 1 < len(spans) else len(text)
        before = masked[max(sentence_from, spans[number - 1][1] if number else 0): start]
        rest_of_sentence = rest_of_sentence_from(masked, end, starts, cue_starts)
        in_sentence = sentence_speaker[1] if sentence_speaker and sentence_speaker[0] == sentence_from else None
        subject = subject_at.get(sentence_from) or _subject_after_opening(masked, sentence_from, book) \
            or _subject_after_commas(masked, sentence_from, start, book)
        # rstrip: a doubled closing mark ('' or ’’) is set as a space and '"' (as_double_quotes)
        ends_with_stop = text[end - 3: end - 1].rstrip()[-1:] in (".", "!", "?") and _closes(text, start, end) \
            or text[end: end + 1] in (".", "!", "?")
        site = QuoteSite(words, masked, before, masked[end:next_start], rest_of_sentence, ends_with_stop, in_sentence,
                         quote_only, has_cues, in_paragraph, subject, previous_speaker, book,
                         last_heard if last_heard and _closes_sentence_before(last_heard, sentence_from) else None)
        attribution = None if _names_a_work(words, before) else attribute(site)
        if attribution and NAMES_ANEW[attribution.rule]:
            in_paragraph = attribution
            sentence_speaker = (sentence_from, attribution)
            book.heard(attribution.speaker, attribution.title)
        found.append(_quote(words, attribution, index, kind))
    # What follows the last quote still tells whom a later "he" means: the person whose name
    # opens the last quote's sentence or a later one ('Dottie Deans, the party's chairwoman,
    # credited him for "…"' before '"…," she said'), and speech clauses after the last quote.
    _read_in_order([clause for clause in clauses if clause.start() >= spans[-1][1]], subjects, book)
    return found


# What may follow the verb of a speech clause that is a sentence of its own: a few words and the
# full stop or colon ("agreed.", "said in a statement."); a longer tail holds what was said.
LEAD_IN_TAIL = re.compile(r"[^\0.!?:]{0,40}[.!?:]\s*")


def _closes_sentence_before(clause: re.Match[str], sentence_from: int) -> bool:
    """Whether a speech clause ends the sentence just before `sentence_from`."""
    return bool(LEAD_IN_TAIL.fullmatch(clause.string, clause.end(), sentence_from))


# Words that open a phrase of time or place before a sentence's subject: "On Monday, Clinton
# tried", "Later that day, he called", "Here in Columbia, Sanders stepped up", "Like Corker,
# Menendez rejected".
OPENING_WORDS = NOT_NAMES | {"later", "earlier", "last", "speaking", "asked", "instead", "again", "here",
                             # a sequence or a stretch of time: "First, Trump identified the judge as …",
                             # "Early in his campaign, Trump attacked …", "Within minutes, he called …"
                             "first", "second", "finally", "early", "within", "amid", "following", "over", "under",
                             "moments", "hours", "days", "weeks", "months"}
# The phrase may end in a town and its state, and a day: "Speaking at a town hall in Salem, New
# Hampshire, Trump went after Bush", "At an event in Ames, Iowa, on Sunday, Mrs. Clinton tried"
# (the state is no subject).
OPENING_PHRASE = re.compile(r"(\w+)(?:[^,\0\"“”.;:!?]{0,60}?\sin\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?,\s+[A-Z][\w.]*"
                            rf"(?:\s+[A-Z][\w.]*)?(?:,\s+{DAY_PHRASE})?(?=,)|[^,\0\"“”.;:!?]{{0,60}}),\s+")
# A participle that opens a phrase about the subject: "Reading from a prepared text, Ben Carson
# pronounced …", "Horrified at the prospect, Ramos believes …".
OPENING_PARTICIPLE = re.compile(r"[A-Z][a-z]{2,}(?:ing|ed)")
# A conjunction or adverb that may open a sentence before "he" or "she" without a comma: "Then
# he cut into Bush, calling him a "…"", "And he made a point of saying …".
LEAD_WORD = re.compile(r"(?:And|But|Then|So|Yet|Later|Still|Now|Instead|Meanwhile)\s+")
FIRST_WORD = re.compile(r"\w+")


def _setting_end(masked: str, start: int) -> int | None:
    """Where an opening phrase that sets the time, place or manner before the subject ends, if
    the sentence at `start` opens with one."""
    # OPENING_PHRASE's first group is always the whole first word (a shorter one would leave its
    # letters to the stretch after it, which then fails sooner): that word is checked first, and
    # the phrase, slow to match, is looked for only after an opening word.
    word = FIRST_WORD.match(masked, start)
    if not (word and (word.group().lower() in OPENING_WORDS or OPENING_PARTICIPLE.fullmatch(word.group()))):
        return None
    opening = OPENING_PHRASE.match(masked, start)
    return opening.end() if opening else None


def _subject_after_opening(masked: str, start: int, book: NameBook) -> str | None:
    """The person a sentence is about when their name or "he"/"she" opens it, or follows an
    opening phrase of time or place ("In March, Trump blasted Disney for its "…"")."""
    # "He apologized the next day, saying it was "…"", "Then he cut into Bush, calling him a "…"":
    # a sentence that opens with "he" or "she" (after a conjunction) is about them, whatever
    # comes before its first comma.
    lead = LEAD_WORD.match(masked, start)
    if PERSONAL_SUBJECT.match(masked, lead.end() if lead else start):
        return book.last_person
    setting_end = _setting_end(masked, start)
    if setting_end is not None:
        start = setting_end
        if name := _subject_at(masked, start, book):
            return name
    elif lead:
        start = lead.end()
    return book.last_person if PERSONAL_SUBJECT.match(masked, start) or OWNER_OPENING.match(masked, start) else None


# A person's name after a comma, followed by a verb of the sentence: "Speaking to reporters in
# Manchester, which hosts the next primary, Bush referred to Rubio as …", "Preceded at the
# lectern by the sheriff, Trump launched into …" (an opening too long or too full of commas
# for OPENING_PHRASE).
# (A word in -s with a verb after it is a plural noun: "Trump supporters ripped them away".)
CLAUSE_SUBJECT = re.compile(rf",\s+(?P<who>{NAME_WORD}(?:\s+{NAME_WORD}){{0,4}})\s+(?:[a-z]+ly\s+)?"
                            r"(?:[a-z]+ed|[a-z]+s(?!\s+(?:[a-z]+ed|[a-z]+s|are|were|have|had|will|would)\b)"
                            r"|had|will|would|could|can|did)\b")


def _subject_after_commas(masked: str, sentence_from: int, quote_start: int, book: NameBook) -> str | None:
    """The person whose name follows the last comma before the quote and goes on with a verb: the
    subject of the clause the quote is in."""
    clauses = list(CLAUSE_SUBJECT.finditer(masked, sentence_from, quote_start))
    return _name_opening(masked, clauses[-1].start("who"), book) if clauses else None


# Conjunctions that open a clause before the sentence's own subject. ("While", "though" and
# "although" are left out: their clause is most often about the person the sentence goes on with.)
SUBORDINATORS = {"unless", "whether", "if", "because", "once", "until"}
# Months and days: a name that holds one is a time ("Last September", "Earlier Wednesday").
CALENDAR_WORDS = {*MONTH_NAMES, *WEEKDAYS}
# Words whose capitalised run at a sentence's start is no subject of it (_name_opening).
SUBJECTLESS_OPENERS = OPENING_PREPOSITIONS | SUBORDINATORS


# A sentence about what the person named before holds or does: 'His assumption was that "…"',
# 'Her message to voters: "…"'.
OWNER_OPENING = re.compile(r"(?:His|Her)\s+[a-z]")


# A transcript's stage direction in quotes, "(CROSSTALK)", "[APPLAUSE]": nobody's words.
STAGE_DIRECTION = re.compile(r"[(\[][^)\]]*[)\]]\W*")
# Small words a title keeps in lower case: "Gang of Eight", "Fox & Friends".
TITLE_SMALL_WORDS = {"a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "for", "with", "by", "from", "&"}
WORD_TOKEN = re.compile(r"[\w'’&-]+")


# A verb that names someone or something in the quote's words, its object between ('Trump
# refers to the governor as "Chris."', 'Ms. Friedan called Mrs. Schlafly an "Aunt Tom."', 'he
# called Rubio "Little Marco"'): a nickname someone gave, their words, not a work's title. With
# no object between ('a class called "Perception"', 'known as "Guccifer"') the quote names a thing.
NAMING_CLAUSE = re.compile(
    r"\b(?:(?:refer(?:s|red|ring)?\s+to|identif(?:y|ies|ied|ying)|describ(?:e|es|ed|ing)|portray(?:s|ed|ing)?"
    r"|label(?:s|ed|led|ing)?|brand(?:s|ed|ing)?|dub(?:s|bed|bing)?)\s+(?!as\b)(?:[\w'’.-]+\s+){1,6}?as"
    r"|call(?:s|ed|ing)\s+(?!(?:an?|the)\s*$)(?:[\w'’.-]+\s+){0,5}?[\w'’.-]+)\s+(?:(?:an?|the)\s+)?$"
)


# A word before the quote that makes its capitalised words what someone said of a person or a
# thing, not a work's title: 'identified the judge as "Spanish"', 'because he is "Mexican"',
# 'citing "Bill Maher"' (not 'known online as "Guccifer"': a name its bearer goes by).
SAID_OF = re.compile(r"\b(?:known\s+(?:\w+\s+)?as|(?P<said>as|is|was|are|were|be|been|being|cited|cites|citing|suggesting))\s*$")


def _names_a_work(words: str, before: str) -> bool:
    """Whether a quote inside a sentence is a name, not speech: a show, a book, a slogan or a
    nickname has every word capitalised ('star of "The Apprentice"', 'the "Gang of Eight"'); but
    not one said after a colon, or after a comma with a verb of saying before it ('Priebus said,
    "Probably."'): after a comma with none, a title stands in apposition ('his 2002 book, "Make
    Your Kid a Millionaire,"', 'on Mr. King's show, "Politicking."'); nor one the sentence gives
    as what someone called a person or a thing (NAMING_CLAUSE, SAID_OF)."""
    opening = before.rstrip(" \0")
    if not WORD.search(before.replace("\0", "")) or opening.endswith(":") \
            or opening.endswith(",") and SPEECH_VERB_ANYWHERE.search(before):
        return False
    tokens = WORD_TOKEN.findall(words)
    if not (tokens and tokens[0][0].isupper() and all(
            token[0].isupper() or token[0].isdigit() or token.lower() in TITLE_SMALL_WORDS for token in tokens)):
        return False
    said_of = SAID_OF.search(opening)
    return not (said_of and said_of.group("said") or NAMING_CLAUSE.search(before))


def _read_without_quotes(text: str, book: NameBook) -> None:
    """A paragraph without quotes still tells who speaks ("Bebars Mishal, a civil defence worker,
    said ...") and whom a later "he" means (a sentence that opens with a person's name), read in
    order. With no speech clause, only its last such sentence counts, and only it is looked for."""
    clauses = _speech_clauses(text)
    if not clauses:
        subject = _last_sentence_subject(text, book)
        if subject:
            book.last_person = subject
        return
    _read_in_order(clauses, _sentence_subjects(text, sentence_starts(text), book), book)


def _read_in_order(clauses: list[re.Match[str]], subjects: list[tuple[int, str]], book: NameBook) -> None:
    """Hears speech clauses and sentence subjects (position, name) in text order."""
    events: list[tuple[int, re.Match[str] | str]] = [(match.start(), match) for match in clauses]
    for _, event in sorted(events + list(subjects), key=lambda pair: pair[0]):
        if isinstance(event, str):
            book.last_person = event
        else:
            _hear(event, book)


def _sentence_subjects(masked: str, starts: list[int], book: NameBook) -> list[tuple[int, str]]:
    """(position, full name) of each sentence that opens with a person's name: "Dan Fishman, the
    campaign's director, has walked away." The name a later "he said" most likely means."""
    found = ((start, _subject_at(masked, start, book) or _subject_past_opening(masked, start, book))
             for start in [0, *starts])
    return [(start, name) for start, name in found if name]


def _subject_past_opening(masked: str, start: int, book: NameBook) -> str | None:
    """The person named after a sentence's opening phrase of time or place: "In a victory
    speech on Tuesday night, Mr. Trump struck a measured tone." The "he" of the next sentence."""
    setting_end = _setting_end(masked, start)
    return _subject_at(masked, setting_end, book) if setting_end is not None else None


def _last_sentence_subject(text: str, book: NameBook) -> str | None:
    """The person whose name opens the paragraph's last sentence that opens with one."""
    for match in reversed(list(SENTENCE_BREAK.finditer(text))):
        if _ends_sentence(text, match.start()) and (name := _subject_at(text, match.end(), book)):
            return name
    return _subject_at(text, 0, book)


# A possessive's ending, matched with str.endswith (a regex call for each word of each name was a
# noticeable share of reading names).
POSSESSIVE_ENDINGS = ("'s", "’s")


def _without_possessive(name: str) -> str:
    """'Barack Obama's' -> 'Barack Obama'."""
    return name[:-2] if name.endswith(POSSESSIVE_ENDINGS) else name


# A dateline before a story's first sentence: "NEW YORK - ", "WASHINGTON (AP) — ", "Washington (AFP) – ".
DATELINE = re.compile(rf"(?:[A-Z][A-Z.'’ ]+(?:,\s*[A-Z][\w.]*)?(?:\s*\([\w ]+\))?|[A-Z][\w.'’ ]{{1,30}}\([A-Z]+\))"
                      rf"\s*(?:[{DASHES}]|--)\s*")
# A sentence that opens with a title in lower case before the name: "Campaign chair Paul
# Manafort dismissed …", "Democratic presidential candidate Bernie Sanders is choosing …".
# (Its name ends at \b, which may fall inside a word, before the apostrophe of "Sanders' campaign":
# its name words give letters back.)
TITLED_NAME_WORD = name_word_pattern(r"[A-Z][\w'’-]*")
TITLED_SUBJECT = re.compile(rf"(?:[\w.'’-]+\s+){{0,3}}?(?P<noun>[a-z]+(?:-[a-z]+)?)\s+"
                            rf"(?P<who>{TITLED_NAME_WORD}(?:\s+{TITLED_NAME_WORD}){{1,3}})\b")
# Nouns that also end a title before a sentence's subject, of the campaign and the press:
# "Republican presidential nominee Donald Trump referred to …", "Radio talk host Rush Limbaugh
# used his platform to …", "GOP front-runner Donald Trump defended …".
SUBJECT_TITLE_NOUNS = TITLE_NOUNS | {
    "nominee", "front-runner", "frontrunner", "hopeful", "rival", "contender", "host", "anchor", "commentator",
    "columnist", "pollster", "consultant", "aide", "operative", "surrogate", "dissident", "star", "comedian",
    "journalist", "writer", "blogger", "businessman", "businesswoman", "billionaire", "mogul",
}


def _subject_at(text: str, start: int, book: NameBook) -> str | None:
    """The person (full name) whose name opens the sentence at `start`, if one does."""
    if text[start: start + 1] in QUOTE_CLOSERS:
        return None  # a sentence that opens with a quote: no pattern below starts with a quote mark
    if start == 0 and (dateline := DATELINE.match(text)):
        start = dateline.end()
    # A title in lower case goes first: in "Fox News host Megyn Kelly" the capitals open with the network.
    if (titled := TITLED_SUBJECT.match(text, start)) and titled.group("noun") in SUBJECT_TITLE_NOUNS:
        return _name_opening(titled.group("who"), 0, book)
    return _name_opening(text, start, book)


def _name_opening(text: str, start: int, book: NameBook) -> str | None:
    """The person (full name) whose name, with any capitalised title, stands at `start`."""
    match = NAME_RUN.match(text, start) or NAME_RE.match(text, start)  # "Former Secretary of State Madeleine Albright"
    if not match or match.group(0).endswith(POSSESSIVE_ENDINGS) or text[match.end(): match.end() + 2] in POSSESSIVE_ENDINGS:
        return None  # "Trump's campaign said": the campaign
    words = match.group(0).split()
    if words[0].lower() in SUBJECTLESS_OPENERS:
        # "At Boca West, where …": a place the sentence opens with, not its subject; "Unless Jo
        # Mills returns, the club …": the subject of a clause that is not the sentence's
        return None
    while words and words[0].lower() in NOT_NAMES:
        words.pop(0)
    words = _without_origin(words)
    name = split_title(" ".join(words))[0] if words else None
    if name and any(word in CALENDAR_WORDS for word in name.split()):
        return None  # "Last September, Glenn Beck called …": a time, not a person
    if name and len(name.split()) == 1:
        name = book.full_name(name)
    # One word names a person only once it has named a speaker: "Christie gloated" after
    # "Christie said", but not "Democrats" or "Washington". Prose never sets a person's name all
    # in capitals: "FULL TEXT." is a label.
    return name if name and (len(name.split()) >= 2 or name in book.names) and is_person(name) \
        and not name.isupper() else None


def _without_origin(words: list[str]) -> list[str]:
    """A person's name without the state or body named after it: "Senator Ben Cardin of
    Maryland" is Ben Cardin (a name of two words or more before "of"); "Secretary of State John
    Kerry" and "Bank of America" keep their "of"."""
    if "of" not in words:
        return words
    cut = len(words) - 1 - words[::-1].index("of")
    head = words[:cut]
    if len(head) >= 2 and not any(word.lower() in TITLE_WORDS for word in head[-2:]) and len(words) - cut <= 3:
        return head
    return words


def _quote(words: str, attribution: Attribution | None, index: int, kind: QuoteKind) -> Quote:
    if attribution is None:
        return Quote(words, None, None, None, index, kind, None)
    return Quote(words, attribution.speaker, attribution.title, attribution.cue, index, kind, attribution.rule)


def _block_quote(text: str, attribution: str | None, index: int, book: NameBook) -> Quote:
    """A block quote without quote marks: its speaker is its <cite>, <footer> or "— Name"."""
    speaker, title = split_attribution(attribution) if attribution else (None, None)
    if not speaker:
        return Quote(text, None, None, None, index, QuoteKind.BLOCK, None)
    speaker = book.full_name(speaker)
    book.heard(speaker, title)
    return Quote(text, speaker, title or book.titles.get(speaker), None, index, QuoteKind.BLOCK, "block quote attribution")


def _hear(match: re.Match[str], book: NameBook) -> None:
    speaker, title, _ = resolve_speaker(match, book)
    if speaker:
        book.heard(speaker, title)


def find_quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quoted passage, marks included; a quote left open at the paragraph's
    end runs to it (the next paragraph reopens it, as newspapers print long quotes)."""
    text = as_double_quotes(text)
    spans: list[tuple[int, int]] = []
    position = 0
    while True:
        opening = _next_opening(text, position)
        if opening is None:
            return spans
        closers = QUOTE_CLOSERS[text[opening]]
        close = min((i for i in (text.find(c, opening + 1) for c in closers) if i != -1), default=-1)
        if close == -1:
            spans.append((opening, len(text)))
            return spans
        spans.append((opening, close + 1))
        position = close + 1


OPENING_MARK = re.compile("[" + "".join(QUOTE_CLOSERS) + "]")


def _next_opening(text: str, position: int) -> int | None:
    found = OPENING_MARK.search(text, position)
    return found.start() if found else None


def _closes(text: str, start: int, end: int) -> bool:
    return end - 1 > start and text[end - 1] in QUOTE_CLOSERS[text[start]]


def as_double_quotes(text: str) -> str:
    """Doubled single quotes set as a double one (‘‘ ’’ and ''), kept the same length."""
    return text.replace("‘‘", "“ ").replace("’’", " ”").replace("''", ' "')


def mask_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """The paragraph with each quote's inside blanked out, so its words cannot pass for an
    attribution and its full stops cannot end a sentence; all but the stop that ends a closed
    quote ('… surprise everyone." Abu Amer is …'), which ends the sentence around it too."""
    pieces, copied = [], 0
    for start, end in spans:
        inside_end = min(end - 1, len(text))
        if end <= len(text) and _closes(text, start, end) and text[end - 2] in ".!?":
            inside_end -= 1
        if inside_end > start + 1:
            pieces += [text[copied: start + 1], "\0" * (inside_end - start - 1)]
            copied = inside_end
    return "".join([*pieces, text[copied:]])


# A full stop (or ! or ?) that may end a sentence: white space and a capital or a quote follow.
SENTENCE_BREAK = re.compile(r"[.!?][\"”»]?\s+(?=[\"“„«A-Z])")


def sentence_starts(masked: str) -> list[int]:
    """Where each sentence after the first begins, in order: found once per paragraph, since
    checking every earlier break again for each quote made a paragraph of quotes quadratic."""
    return [match.end() for match in SENTENCE_BREAK.finditer(masked) if _ends_sentence(masked, match.start())]


def sentence_start(masked: str, position: int, starts: list[int] | None = None) -> int:
    """Where the sentence holding `position` (a quote's opening mark) begins; `starts` are the
    paragraph's sentence_starts, if found already."""
    starts = sentence_starts(masked[: position + 1]) if starts is None else starts
    index = bisect.bisect_right(starts, position) - 1
    return starts[index] if index >= 0 else 0


def rest_of_sentence_from(masked: str, position: int, starts: list[int], cue_starts: list[int]) -> str:
    """From `position` to the start of the next sentence (`starts`: the paragraph's
    sentence_starts), cut at MAX_SENTENCE_CHARS; "" when no verb of saying starts in it
    (`cue_starts`: where the paragraph's do), so a long sentence of quotes is not read again
    for each of them."""
    index = bisect.bisect_right(starts, position)
    stop = min(starts[index] if index < len(starts) else len(masked), position + MAX_SENTENCE_CHARS)
    cue = bisect.bisect_left(cue_starts, position)
    return masked[position:stop] if cue < len(cue_starts) and cue_starts[cue] < stop else ""


def sentence_end(text: str) -> int:
    """Where the first sentence of `text` ends."""
    for match in re.finditer(r"[.!?](?:\s|$)", text):
        if _ends_sentence(text, match.start()):
            return match.end()
    return len(text)


# (?<![\w.]): the leftmost match starts a run of such characters anyway; tried only there, the
# search no longer runs the rest of each word to the stop from every letter.
WORD_BEFORE_STOP = re.compile(r"(?<![\w.])([\w.]+)[.!?]$")
INITIALS = re.compile(r"(?:[A-Za-z]\.)*[A-Za-z]")  # "U.S", "J"


def _ends_sentence(text: str, stop: int) -> bool:
    """Whether the full stop at `stop` ends a sentence: not after an abbreviation ("Oct.",
    "Dr.") or an initial ("U.S.", "J.")."""
    word = WORD_BEFORE_STOP.search(text[max(0, stop - 40): stop + 1])
    return not (word and (word.group(1).lower() in ABBREVIATIONS or INITIALS.fullmatch(word.group(1))))


def _adjacent_attribution(after: str) -> re.Match[str] | None:
    """An attribution right after the closing mark: '," Kerry told reporters' or '," said Kern'."""
    lead = re.match(r"^\s*[,.!?]?\s*", after)  # always matches
    rest = after[lead.end():] if lead else after
    for pattern in (SUBJECT_THEN_VERB, VERB_THEN_SUBJECT):
        match = pattern.match(rest)
        if match:
            return match
    # '," Trump spokesperson Ron Lieberman told …': a title in lower case before the name
    if (titled := TITLED_SUBJECT.match(rest)) and titled.group("noun") in TITLE_NOUNS:
        return SUBJECT_THEN_VERB.match(rest, titled.start("who"))
    return None


def _last_match(text: str) -> re.Match[str] | None:
    matches = list(_speech_clauses(text))
    return matches[-1] if matches else None


def _speech_clauses(text: str, cues: list[re.Match[str]] | None = None) -> list[re.Match[str]]:
    """Every speech clause of a text, in order. Each holds a verb of saying, so the patterns are
    tried only near one: a subject starts at most MAX_CLAUSE_CHARS before its verb, and an
    inverted clause starts at its verb (trying them at every word was a tenth of the time).
    `cues`: the text's verbs of saying, when the caller has found them already."""
    cues = list(SPEECH_VERB_ANYWHERE.finditer(text)) if cues is None else cues
    if not cues:
        return []
    matches = [match for start, stop in _cue_windows(cues, len(text))
               for match in SUBJECT_THEN_VERB.finditer(text, start, stop)
               if _plausible_subject(match.group("who")) and not _names_a_thing(match)]
    # A verb with its subject before it is not inverted: in "Sanders says the U.S. needs" and
    # "he said Trump was" the name after the verb is what is spoken of.
    # But "Sinwar is a "hard-liner" even within Hamas, said Matthew Levitt": a comma alone between
    # a name and the verb marks the inversion.
    with_subject = {match.start("cue") for match in matches
                    if not INVERSION_COMMA.fullmatch(text, match.end("who"), match.start("cue"))}
    taken_to = 0  # as finditer would: a clause starts after the one before it ends
    for cue in cues:
        if cue.start() >= taken_to and cue.start() not in with_subject and not _is_noun_use(text, cue) \
                and (match := VERB_THEN_SUBJECT.match(text, cue.start())):
            if _plausible_subject(match.group("who")):
                matches.append(match)
            taken_to = match.end()
    return sorted(matches, key=lambda m: m.start())


INVERSION_COMMA = re.compile(r"\s*,\s*")
# Words after which a verb of saying is a plural noun: "in states like South Carolina", "the
# remarks of", "his notes", "many reports".
NOUN_MARKERS = {"in", "of", "the", "these", "those", "some", "many", "other", "all", "both", "several", "his",
                "her", "their", "its", "our", "your", "my", "two", "three", "four", "five", "such", "swing", "key"}
WORD_BEFORE = re.compile(r"(\w+)\s+$")
# How far back the word before a verb is looked for.
MAX_WORD_BEFORE_CHARS = 20


def _names_a_thing(match: re.Match[str]) -> bool:
    """Whether a subject and its verb of saying are a noun phrase: "Clinton's remarks",
    "Trump's claims" (a possessive before a verb in -s), "Central Asian states", "Southern states"."""
    cue = match.group("cue")
    return cue.endswith("s") and bool(match.group("who").endswith(POSSESSIVE_ENDINGS) or _after_noun_marker(match)) \
        or cue == "states" and match.end("who") + 1 == match.start("cue")


# Words before an adjective and a plural noun: NOUN_MARKERS and "so many", "more", "most", "few".
QUANTITY_MARKERS = NOUN_MARKERS | {"so", "more", "most", "few"}


def _after_noun_marker(match: re.Match[str]) -> bool:
    """Whether one capitalised word before a verb in -s follows a quantity or an article, as
    an adjective before a plural noun does: "32% of Republican claims", "many Democratic calls"."""
    if " " in match.group("who"):
        return False
    before = WORD_BEFORE.search(match.string, max(0, match.start("who") - MAX_WORD_BEFORE_CHARS), match.start("who"))
    return before is not None and before.group(1).lower() in QUANTITY_MARKERS


def _is_noun_use(text: str, cue: re.Match[str]) -> bool:
    """Whether a verb of saying is a noun here, after an article, a preposition or a quantity."""
    before = WORD_BEFORE.search(text, max(0, cue.start() - MAX_WORD_BEFORE_CHARS), cue.start())
    return before is not None and before.group(1).lower() in NOUN_MARKERS


def _cue_windows(cues: list[re.Match[str]], length: int) -> Iterator[tuple[int, int]]:
    """Stretches of text that may hold a clause ending at one of the cues, overlapping ones merged."""
    start, stop = -1, -1
    for cue in cues:
        begin, end = max(0, cue.start() - MAX_CLAUSE_CHARS), min(length, cue.end() + 1)  # +1: \b after the verb
        if begin > stop:
            if stop >= 0:
                yield start, stop
            start = begin
        stop = end
    yield start, stop


def _plausible_subject(who: str) -> bool:
    first = who.split()[0].lower()
    return first not in NOT_NAMES or who.lower() in ("he", "she", "they", "it", "we", "i") or first == "the"


def resolve_speaker(match: re.Match[str], book: NameBook) -> tuple[str | None, str | None, str | None]:
    """(speaker, title, cue) for an attribution: pronouns to the last speaker, surnames to the
    fullest earlier form, titles from an apposition or the words before the name."""
    who = match.group("who")
    cue = _cue_phrase(match)
    if who.lower() in ("he", "she", "i"):
        speaker = book.last_person
        return speaker, book.titles.get(speaker or ""), cue
    if who.lower() in ("they", "it", "we"):
        speaker = book.last_speaker
        return speaker, book.titles.get(speaker or ""), cue
    if ROLE_RE.match(who) and not NAME_RE.fullmatch(who):
        return who[0].lower() + who[1:], None, cue  # named by role only: "the minister"
    speaker, title = split_title(_holder_of(match) or _apposition_head(match) or who)
    if not speaker:
        return None, None, None
    speaker = book.full_name(speaker)
    book.register(speaker)
    app = (match.groupdict().get("app") or "").strip()
    # An apposition is a title unless it is an age ("58") or a place ("in Gaza").
    if app and not re.fullmatch(r"\d+", app) and not re.match(r"(?:in|at|from|of|on|near|who|which)\b", app):
        title = re.sub(r"^(?:a|an|the)\s+", "", app)
    pre = (match.groupdict().get("pre") or "").strip()
    if pre and not title:
        title = pre
    if not title:
        title = _title_before(match.string, match.start("who"))
    title = title or book.titles.get(speaker)
    return speaker, title, cue


# A person's name and "of" right before a clause's subject: "Rep. Tom Cole of " before
# "Oklahoma, an ally of GOP leadership, said".
HOLDER_OF = re.compile(rf"(?<![\w'’-])(?P<who>{NAME})\s+of\s+(?:the\s+)?$")
# How far back the name before "of" is looked for: a name of up to seven words.
MAX_HOLDER_CHARS = 80


def _holder_of(match: re.Match[str]) -> str | None:
    """The person a subject belongs to when it follows "Name of": the speaker in 'Senator Chris
    Murphy of Connecticut said' and 'George Zornick of The Nation wrote' is the person, not the
    state or paper; not in 'Secretary of State John Kerry said', where a title comes before "of"."""
    found = _name_just_before(match, HOLDER_OF, MAX_HOLDER_CHARS) if _ends_with_of(match) else None
    if not found:
        return None
    words = found[0].split()
    return found[0] if len(words) >= 2 and words[-1].lower() not in TITLE_WORDS and is_person(found[0]) else None


def _ends_with_of(match: re.Match[str]) -> bool:
    """Whether "of" (or "of the") and white space come right before a clause's subject, as
    HOLDER_OF needs: most subjects have neither, and are spared its search (a name tried at each
    of MAX_HOLDER_CHARS places)."""
    start = match.start("who")
    return match.string[max(0, start - MAX_HOLDER_CHARS): start].rstrip().endswith(("of", "the"))


def _name_just_before(match: re.Match[str], pattern: re.Pattern[str], reach: int) -> tuple[str, str] | None:
    """The name (and its words as written) that `pattern` finds ending where a clause's subject
    starts, at most `reach` characters before it."""
    start = match.start("who")
    found = pattern.search(match.string, max(0, start - reach), start)
    name = split_title(found.group("who"))[0] if found else None
    return (name, found.group("who")) if found and name else None


# Words that open a clause, not an apposition: "At Boca West, where it costs …, Jay DiPietro".
CLAUSE_OPENERS = words_pattern("when where while who whom whose which as after before if because though since until".split())
# A person's name and an apposition that runs up to a clause's subject: in 'Harry Bond, 30, of
# Raleigh, N.C., said', 'Mark Holden, chairman of the board of Freedom Partners, the network's
# funding arm, said', 'J.J. Goldberg, editor at large of The Forward, wrote' and 'Mr. Daniloff,
# now 81 and retired in Cambridge, Mass., said' the place or the body the pattern took for the
# subject belongs to the apposition; the speaker heads it. The apposition opens with an age, "of", an article or a lower-case word, as appositions do.
APPOSITION_HEAD = re.compile(
    rf"(?<![\w'’-])(?P<who>{NAME})(?:,\s*\d{{1,3}})?,\s+(?:of\s+(?:the\s+)?$|(?!(?:{CLAUSE_OPENERS})\b)"
    rf"(?=(?:a|an|the|of)\s|[a-z])[^\0.;:!?\"“”]*?(?:,\s+|\s[a-z]+\s+of\s+[^,\0.;:!?\"“”]{{0,40}}?|\s(?:in|from)\s+)$)"
)
# How far back the head of an apposition is looked for: a name and an apposition of a few words.
MAX_APPOSITION_CHARS = 160


def _apposition_head(match: re.Match[str]) -> str | None:
    """The person an apposition belongs to when a clause's subject lies inside it (see
    APPOSITION_HEAD); only for a subject before its verb."""
    # (APPOSITION_HEAD holds a comma after the name: with none before the subject, nothing is searched)
    start = match.start("who")
    if match.re is not SUBJECT_THEN_VERB or "," not in match.string[max(0, start - MAX_APPOSITION_CHARS): start]:
        return None
    found = _name_just_before(match, APPOSITION_HEAD, MAX_APPOSITION_CHARS)
    if not found:
        return None
    name, written = found
    # One word is a person's surname only after an honorific: "Mr. Daniloff", not "Washington".
    named = len(name.split()) >= 2 or HONORIFIC_RE.match(written)
    return name if named and name.split()[0].lower() not in OPENING_WORDS and is_person(name) else None


def split_title(phrase: str) -> tuple[str | None, str | None]:
    """'Kremlin spokesman Dmitry Peskov' -> ('Dmitry Peskov', 'Kremlin spokesman');
    'Rear Admiral Daniel Hagari' -> ('Daniel Hagari', 'Rear Admiral')."""
    words = phrase.split()
    if words and words[0] == "the":
        return phrase, None
    while len(words) > 1 and words[0].lower() in LEADING_NOT_NAMES:
        words.pop(0)  # "To LeBron James" at a sentence's start
    cut = 0
    for position, word in enumerate(words[:-1]):
        if word.lower() in TITLE_NOUNS or word[:1].islower() and word.lower() not in NAME_PARTICLES \
                or word.endswith(POSSESSIVE_ENDINGS):  # "NASA's Steve Clarke"
            cut = position + 1
    name = " ".join(words[cut:])
    title = (" ".join(word for word in words[:cut] if word.lower().rstrip(".") not in COURTESY_TITLES) or None) if cut else None
    return (name or None), title


def _title_before(text: str, position: int) -> str | None:
    """Words right before a name that end in a title noun: "Republican senator", "WFP director"."""
    words = text[:position].rsplit(None, 5)  # (only the last five words are read)
    title: list[str] = []
    for word in reversed(words[-5:]):
        if not word or word[-1] in ",.;:!?\"”" or word.lower() in ("including", "and", "by", "from", "said", "says", "to", "as", "with"):
            break
        title.insert(0, word)
    while title and _without_possessive(title[-1].lower()) not in TITLE_NOUNS:
        title.pop()
    return " ".join(title) or None


def _cue_phrase(match: re.Match[str]) -> str:
    cue = WHITESPACE.sub(" ", match.group("cue"))
    tail = match.string[match.end("cue"):]
    if cue.startswith("told"):
        return cue.split()[0] + _listener(tail if cue == "told" else match.string[match.start("cue") + 4:])
    if cue in ("described", "describes", "called", "calls", "dubbed", "dubs"):
        pronoun = re.match(r"\s+(him|her|them|it)\b", tail)
        as_word = re.match(r"(?:\s+\w+){0,4}?\s+as\b", tail)
        return cue + (f" {pronoun.group(1)}" if pronoun else "") + (" as" if as_word else "")
    return cue


def _listener(tail: str) -> str:
    """Who was told: 'told Reuters', 'told reporters', 'told the AP' (never the speaker)."""
    words = []
    for word in tail.split():
        bare = word.strip(",.;:!?\"“”")
        if not bare or bare.lower() in ("in", "on", "at", "during", "that", "last", "this", "after", "before",
                                        "when", "while", "from", "about", "he", "she", "it") or "\0" in word:
            break
        words.append(bare)
        if bare != word or len(words) == 6:
            break
    return (" " + " ".join(words)) if words else ""


def split_attribution(text: str) -> tuple[str | None, str | None]:
    """A block quote's attribution: 'Margaret Bell, society secretary' -> name and title;
    'Civil defence worker Bebars Mishal' -> the same split the other way round; an embedded
    post's '— Name (@handle) October 9, 2018' -> the name."""
    text = re.split(rf"\s*\(@|\s+{MONTHS}\s+\d", text.lstrip(DASHES + " "))[0]
    name, _, rest = text.partition(",")
    name, title = split_title(name.strip()) if name.strip() else (None, None)
    rest = re.sub(r"^(?:a|an|the)\s+", "", rest.strip())
    return name, (rest or title or None)


def names_in(text: str) -> Iterator[tuple[str, str | None]]:
    """(name, title) for names of two words or more: 'Bebars Mishal', 'Aref al-Aref', and
    ('John Kerry', 'U.S. Secretary of State') from 'U.S. Secretary of State John Kerry'."""
    for match in NAME_RUN.finditer(text):
        words = _without_possessive(match.group(0)).split()  # "Barack Obama's administration"
        while words and (words[0].lower() in NOT_NAMES or words[0][:1].islower()):
            words.pop(0)
        if len(words) < 2:
            continue  # "But Trump": split_title leaves no name of two words
        name, title = split_title(" ".join(words))
        name_words = name.split() if name else []
        if name and len(name_words) >= 2 and name_words[0].lower() not in PARTICLES_NOT_OPENING_NAMES:
            yield name, title


# --- figures

def figure_region(headline_el: Element | None, container: Element | None) -> Element | None:
    """Where the article's figures live: the smallest element holding headline and body."""
    if container is None:
        return headline_el.getroottree().getroot() if headline_el is not None else None
    if headline_el is None:
        article = next((a for a in container.iterancestors("article")), None)
        return article if article is not None else container
    ancestors = set(container.iterancestors()) | {container}
    for candidate in headline_el.iterancestors():
        if candidate in ancestors:
            return candidate
    return container


def figure_candidates(region: Element | None) -> list[Element]:
    """The article region's figures that are not page furniture, in page order: <figure>
    elements, and images captioned without one (see captioned_images)."""
    if region is None:
        return []
    others = captioned_images(region)
    figures = (element for element in region.iter() if element.tag == "figure" or element in others) \
        if others else region.iter("figure")
    return [element for element in figures if not _is_furniture_figure(element)]


# An element classed as a caption outside <figure>, found by libxml2: WordPress's classic
# wp-caption / wp-caption-text, Blogger's tr-caption, MediaWiki's thumbcaption, and the
# photo-caption / media-caption / imagecaption of older news templates. ("aption": "caption"
# and "Caption" in one test, which libxml2 runs three times faster than two.)
CAPTION_CLASS_XPATH = lxml.etree.XPath(".//@class[contains(., 'aption')]")
# How far up from its caption an image's holder may be: WordPress's caption is the image's
# sibling; Blogger's sits in a table cell (td, tr, tbody, table).
MAX_CAPTION_HOLDER_LEVELS = 3
# A story's photos number dozens; a page of thousands of captions is a gallery's index (or built
# to make each caption's climb read the page again), and its first captions are enough.
MAX_CAPTIONS_READ = 200


def _links_away(element: Element) -> bool:
    """Whether the element is, or is inside, a link to something other than an image file."""
    link = element if element.tag == "a" else next(element.iterancestors("a"), None)
    if link is None:
        return False
    path = re.split(r"[?#]", (link.get("href") or "").strip(), maxsplit=1)[0].lower()
    return not path.endswith(IMAGE_FILE_ENDINGS)


def captioned_images(region: Element) -> set[Element]:
    """Images captioned outside a <figure>: for each caption-classed element with text, the
    smallest element around it (itself or a few levels up) holding exactly one image. A caption
    that is the text of a link to another page is a teaser's title (a blog's slideshow of its
    other entries); a link to the image itself opens it larger (a lightbox)."""
    holders: set[Element] = set()
    images_in: dict[Element, int] = {}  # an element's images, counted to two: captions share their holders
    for caption in attribute_holders(CAPTION_CLASS_XPATH, region)[:MAX_CAPTIONS_READ]:
        if not short_text_of(caption, MAX_CAPTION_CHARS) or next(caption.iterancestors("figure"), None) is not None \
                or _links_away(caption):
            continue
        for element in [caption, *itertools.islice(caption.iterancestors(), MAX_CAPTION_HOLDER_LEVELS)]:
            if element not in images_in:
                images_in[element] = len(list(itertools.islice(element.iter("img"), 2)))
            if images_in[element]:
                if images_in[element] == 1:
                    holders.add(element)
                break
    return holders


def extract_figures(page: ParsedPage, candidates: list[Element], positions: dict[Element, int]) -> Found | None:
    """The story's figures in page order; the og:image as lead image when there is none."""
    url, meta, ld = page.url, page.meta, page.ld
    found = [figure for element in candidates if (figure := figure_from_element(element, url, positions[element]))]
    captions = collections.defaultdict(set)
    for figure in found:
        captions[figure.src].add(figure.caption)
    figures, seen = [], set()
    for figure in found:
        # Only a true repeat (the same image with the same caption) is merged: older templates
        # reuse one image file for figures with captions of their own. A file shown under many
        # captions is a lazy-loading placeholder in a list of teasers, not a photo.
        if (figure.src, figure.caption) not in seen and len(captions[figure.src]) <= MAX_CAPTIONS_PER_IMAGE:
            seen.add((figure.src, figure.caption))
            figures.append(figure)
    if figures:
        return Found(tuple(figures), "figure/figcaption")
    lead_src = meta.get("og:image") or ld_text(ld.get("image"))
    lead_src = absolute_url(url, lead_src) if lead_src and not _is_placeholder_src(lead_src) else None
    if lead_src:
        return Found((Figure(src=lead_src, alt=None, caption=None, credit=None),), "meta og:image")
    return None


# Classes of figures that are page furniture: author portraits, logos.
FURNITURE_FIGURE_CLASS = re.compile(r"author|avatar|byline|profile|logo", re.I)


def _is_furniture_figure(element: Element) -> bool:
    """Author portraits, logos and teaser cards are not the story's figures."""
    holders = [element, *(e for e in element.iterancestors() if e.tag not in PAGE_WIDE_TAGS)]
    if FURNITURE_FIGURE_CLASS.search(" ".join(class_and_id(e) for e in holders)) or _holds_byline(element):
        return True
    # A figure's own "caption" class says what it is (WordPress's wp-caption), not furniture.
    named_caption = "caption" in class_and_id(element).lower()
    return any(is_boilerplate(e) for e in holders[named_caption:])


def _holds_byline(figure: Element) -> bool:
    """A figure whose caption is the byline (the writer's portrait with "Von …" in an <address>
    or a rel=author link: German regional papers' templates)."""
    return figure.find(".//address") is not None or any(
        "author" in (link.get("rel") or "").split() for link in figure.iter("a"))


# Captions run a sentence or three (CBC's longest are about 400 characters); a longer one holds
# other text, and reading it for every figure nested inside is slow.
MAX_CAPTION_CHARS = 2_000


# The labels of a photo's controls printed at its caption's end: "[larger image]", "Click to
# enlarge", "View Full Size", Norwegian papers' "Vis mer" (show more).
CAPTION_CONTROLS = re.compile(r"\s*(?:\[?larger image\]?|click to enlarge|view full size|vis mer)\s*$", re.I)
# Classes of the element holding a photo's credit inside a figure.
CREDIT_CLASS = re.compile(r"credit|copyright|photographer|source", re.I)


def figure_from_element(element: Element, url: str | None, position: int) -> Figure | None:
    image = next((img for img in element.iter("img") if image_src(img)), None)
    address = image_src(image) if image is not None else None
    src = absolute_url(url, address) if image is not None and address else None
    if image is None or src is None:
        return None  # no image, or an address urllib cannot parse
    caption_el = _caption_element(element)
    if caption_el is None and image.get("alt") is not None and not image.get("alt").strip():
        return None  # alt="" with no caption marks a decorative image (WCAG), such as a portrait
    caption, credit = _caption_and_credit(element, caption_el)
    return Figure(
        src=src,
        alt=clean_text(image.get("alt")) or None,
        caption=caption or None,
        credit=clean_credit(credit),
        position=position,
    )


def _caption_element(figure: Element) -> Element | None:
    """The figure's <figcaption>, else its first element classed as a caption; None for a
    "caption" too long to be one (a page that nests figures in captions)."""
    caption_el = next(iter(figure.iter("figcaption")), None)
    if caption_el is None:
        caption_el = next((e for e in figure.iter() if isinstance(e.tag, str) and "caption" in class_and_id(e).lower()), None)
    if caption_el is not None and short_text_of(caption_el, MAX_CAPTION_CHARS) is None:
        return None
    return caption_el


def _caption_and_credit(figure: Element, caption_el: Element | None) -> tuple[str, str | None]:
    """The caption's text and the photo credit: from an element classed as the credit, else
    split from the caption's end ("… (Reuters)", "Photo: …")."""
    credit_el = next((e for e in figure.iter() if isinstance(e.tag, str) and e is not figure
                      and CREDIT_CLASS.search(class_and_id(e))), None)
    credit = text_of(credit_el) or None
    caption = clean_text(" ".join(_text_outside(caption_el, credit_el))) if caption_el is not None else ""
    caption = CAPTION_CONTROLS.sub("", caption)
    if credit is None:
        caption, credit = split_caption_credit(caption)
    return caption, credit and CAPTION_CONTROLS.sub("", credit)


def image_src(img: Element) -> str | None:
    """The image's address: src, else a lazy-loading attribute, else the widest srcset entry."""
    for attribute in ("src", "data-src", "data-lazy-src", "data-original", "data-url"):
        value = (img.get(attribute) or "").strip()
        if value and not _is_placeholder_src(value):
            return value
    for attribute in ("srcset", "data-srcset"):
        entries = [entry.strip().split() for entry in (img.get(attribute) or "").split(",") if entry.strip()]
        if entries:
            widest = max(entries, key=lambda e: _descriptor_width(e[1]) if len(e) > 1 else 0)
            return widest[0]
    return None


def _descriptor_width(descriptor: str) -> int:
    """'800w' -> 800; a number too long for int() (over 4300 digits) is no real width."""
    digits = re.sub(r"\D", "", descriptor)
    return int(digits) if 0 < len(digits) <= MAX_WIDTH_DIGITS else 0


def _is_placeholder_src(value: str) -> bool:
    return value.startswith("data:") or value.endswith((".svg", "blank.gif", "spacer.gif")) \
        or "placeholder" in value.rsplit("/", 1)[-1].lower()


def split_caption_credit(caption: str) -> tuple[str, str | None]:
    """'Men inspect the damage. (Abdalrhman Ismail/Reuters)' -> caption, 'Abdalrhman Ismail/Reuters'."""
    match = TRAILING_CREDIT.search(caption)
    if match:
        before = caption[: match.start()].rstrip()
        if CREDIT_WORDS.search(match.group(1)) or before.endswith((".", "!", "?", '"', "”")):
            return before, match.group(1)
    match = LABELLED_CREDIT.search(caption)
    if match:
        return caption[: match.start()].rstrip(" " + CREDIT_SEPARATORS), match.group(1)
    return caption, None


# "Photo: ", "Image credit: " before a credit's name.
CREDIT_LABEL = re.compile(r"^\s*(?:(?:photo(?:graph)?|image|credit|picture|foto|bild)s?\s*(?:credit)?\s*:\s*)?©?\s*", re.I)


def clean_credit(credit: str | None) -> str | None:
    if not credit:
        return None
    credit = CREDIT_LABEL.sub("", credit)
    return credit.strip(" ()[]") or None


def positions_in_page(root: Element, block_elements: set[Element], targets: list[Element]) -> dict[Element, int]:
    """For each target element, how many body paragraphs come before it in page order (one walk
    of the tree, keeping no element but the targets)."""
    wanted = set(targets)
    positions: dict[Element, int] = {}
    seen = 0
    if not wanted:
        return positions  # no figure or pull quote to place: the tree is not walked
    for element in root.iter():
        if element in wanted:
            positions[element] = seen
            if len(positions) == len(wanted):
                break  # the rest of the page places nothing
        if element in block_elements:
            seen += 1
    return positions


# ---------------------------------------------------------------- rendering (pure)

SCHEMA_VERSION = 1


def article_document(capture: Capture, article: Article, images: Iterable[Image] = (),
                     changes: dict | None = None) -> dict:
    """article.json: the capture, the article, the images downloaded (or why not), and what
    changed since the previous capture of the same URL."""
    document = {
        "schema_version": SCHEMA_VERSION,
        "capture": dataclasses.asdict(capture),
        "article": dataclasses.asdict(article),
    }
    images = list(images)
    if images:
        document["images"] = [
            {"src": image.src, "file": f"images/{image.file}" if image.file else None, "bytes": image.bytes,
             "content_type": image.content_type, "sha256": image.sha256, "error": image.error}
            for image in images
        ]
    if changes is not None:
        document["changes"] = changes
    return document


# Fields whose change makes a new version of an article; `modified` alone, `provenance` and the
# URL it was fetched at do not.
VERSIONED_FIELDS = ("headline", "deck", "summary", "authors", "published", "text", "headings", "figures",
                    "pull_quotes", "source_note")


def changed_fields(previous: dict, article: dict) -> list[str]:
    """The fields that differ once white space, quote styles and cache-busting query strings
    are set aside; empty when the article is the same."""
    return [name for name in VERSIONED_FIELDS if _comparable(previous.get(name)) != _comparable(article.get(name))]


def _comparable(value: object) -> object:
    if isinstance(value, str):
        text = value.translate(QUOTE_STYLES)
        if re.match(r"https?://", text):
            text = text.split("?", 1)[0]
        return " ".join(text.split())
    if isinstance(value, (list, tuple)):
        return [_comparable(item) for item in value]
    if isinstance(value, dict):
        return {key: _comparable(item) for key, item in value.items() if key != "position"}
    return value


QUOTE_STYLES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "…": "..."})


def render_capture_files(page: Page, article: Article, images: tuple[Image, ...], previous: PreviousCapture | None,
                         previous_name: str | None, name: str) -> dict[str, bytes]:
    """A capture folder's files by name, images and WARC aside: page.html, article.json,
    article.md and, after a previous version (its folder named `previous_name`, this one's
    `name`, both relative to the archive) whose article.md differs, changes.diff."""
    local = {image.src: f"images/{image.file}" for image in images if image.file}
    markdown = render_markdown(article, page.capture, local)
    changes = None
    if previous is not None and previous_name is not None:
        changes = {"previous": previous_name,
                   "fields": changed_fields(previous.document["article"], dataclasses.asdict(article))}
    files = {
        "page.html": page.body,
        "article.json": render_json(article_document(page.capture, article, images, changes)).encode("utf-8"),
        "article.md": markdown.encode("utf-8"),
    }
    diff = "" if previous is None or previous_name is None else render_changes_diff(previous.markdown, markdown, previous_name, name)
    if diff:  # (a capture forced on an unchanged article has nothing to show: no empty file)
        files["changes.diff"] = diff.encode("utf-8")
    return files


def render_changes_diff(previous_markdown: str, markdown: str, previous_name: str, name: str) -> str:
    """A unified diff of article.md against the previous version's."""
    return "".join(difflib.unified_diff(
        previous_markdown.splitlines(keepends=True), markdown.splitlines(keepends=True),
        fromfile=f"{previous_name}/article.md", tofile=f"{name}/article.md",
    ))


def image_file_name(number: int, src: str, content_type: str) -> str:
    """'03-syria-aleppo.jpg': numbered in page order, only [a-z0-9.-], an extension from the
    content type when the URL has none."""
    stem = Path(urlsplit(src).path).stem.lower()
    stem = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:60] or "image"
    extension = IMAGE_EXTENSIONS.get(content_type.split(";")[0].strip().lower(), ".img")
    return f"{number:02d}-{stem}{extension}"


IMAGE_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
                    "image/avif": ".avif", "image/svg+xml": ".svg"}
IMAGE_FILE_ENDINGS = (*IMAGE_EXTENSIONS.values(), ".jpeg")  # a link to the image itself (a lightbox)


def render_json(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# Text set into Markdown as text: what CommonMark would read as markup is escaped. Anywhere in a
# line: emphasis, code, links and images, raw HTML, the escape itself, and "&" before what reads as
# an entity; at a line's start: a heading, a block quote, a list item or rule, a setext underline.
MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<])|&(?=#?\w+;)")
MARKDOWN_LINE_START = re.compile(r"^([#>+=~|-])|^(\d{1,9})([.)])(?=\s|$)")


def markdown_text(text: str) -> str:
    """Text that renders as itself: "# 1 in the polls" is no heading, "1. The first" no list, a
    literal "<b>" no HTML."""
    escaped = MARKDOWN_INLINE.sub(lambda match: "\\" + match.group(0), text)
    return MARKDOWN_LINE_START.sub(lambda match: f"\\{match.group(1)}" if match.group(1) else f"{match.group(2)}\\{match.group(3)}",
                                   escaped)


def markdown_url(url: str) -> str:
    """A URL as a link's destination: spaces, parentheses and angle brackets percent-encoded."""
    return url.translate({ord(" "): "%20", ord("("): "%28", ord(")"): "%29", ord("<"): "%3C", ord(">"): "%3E"})


def render_markdown(article: Article, capture: Capture | None = None, local_images: dict[str, str] | None = None) -> str:
    """The article for reading, figures and pull quotes where they stood; images link the
    local copies in images/ where there are some. The page's text is escaped (markdown_text)."""
    lines = [f"# {markdown_text(article.headline)}", ""] if article.headline else []
    if article.deck:
        lines += [f"*{markdown_text(article.deck)}*", ""]
    byline = _byline_markdown(article)
    if byline:
        lines += [byline, ""]
    lines += _body_markdown(article, local_images or {})
    if article.source_note:
        lines += [f"*{markdown_text(article.source_note)}*", ""]
    if article.quotes:  # set apart from the story's own subheadings by a rule
        lines += ["---", "", "## Quotes", ""] + [_quote_markdown(quote) for quote in article.quotes] + [""]
    original = capture.final_url if capture else (article.canonical_url or article.url)
    if original:
        lines += [f"[Original article]({markdown_url(original)})", ""]
    return "\n".join(lines)


def _byline_markdown(article: Article) -> str:
    """'By A, B · Published … · Updated …', as far as the article says."""
    byline = []
    if article.authors:
        byline.append("By " + ", ".join(map(markdown_text, article.authors)))
    if article.published:
        byline.append(f"Published {reader_date(article.published)}")
    if article.modified and article.modified != article.published:
        byline.append(f"Updated {reader_date(article.modified)}")
    return " · ".join(byline)


def reader_date(iso: str) -> str:
    """A date as a reader reads it: '26 September 2016', '26 September 2016, 06:43 UTC−4'
    (the page's own offset, as the value keeps it); anything else as it is."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    day = f"{moment.day} {MONTH_NAMES[moment.month - 1]} {moment.year}"
    if len(iso) <= len("2016-09-26"):
        return day
    offset = moment.utcoffset()
    if offset is None:
        return f"{day}, {moment:%H:%M}"
    hours, minutes = divmod(abs(int(offset.total_seconds())) // 60, 60)
    sign = "+" if offset.total_seconds() > 0 else "−"
    zone = "UTC" if not (hours or minutes) else f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")
    return f"{day}, {moment:%H:%M} {zone}"


def _body_markdown(article: Article, local_images: dict[str, str]) -> list[str]:
    """The body's lines: paragraphs, ## subheadings, and figures and pull quotes where they stood."""
    headings = set(article.headings)
    inserts: dict[int, list[str]] = {}
    for figure in article.figures:
        inserts.setdefault(figure.position, []).append(_figure_markdown(figure, local_images.get(figure.src or "")))
    for quote in article.pull_quotes:
        attribution = f"\n>\n> — {markdown_text(quote.attribution)}" if quote.attribution else ""
        inserts.setdefault(quote.position, []).append(f"> {markdown_text(quote.text)}{attribution}")
    blocks = in_body_order(article.text.split("\n\n"), inserts, lambda paragraph: f"## {markdown_text(paragraph)}"
                           if paragraph in headings else markdown_text(paragraph))
    return [line for block in blocks for line in (block, "")]


def in_body_order(paragraphs: list[str], inserts: dict[int, list[str]], render: Callable[[str], str]) -> list[str]:
    """The body's blocks in page order: each rendered paragraph, with the figures and pull quotes
    (`inserts`, by how many paragraphs stand before them) where they stood."""
    blocks: list[str] = []
    for index in range(len(paragraphs) + 1):
        blocks += inserts.get(index, [])
        if index < len(paragraphs):
            blocks.append(render(paragraphs[index]))
    return blocks


def _quote_markdown(quote: Quote) -> str:
    speaker = f"**{markdown_text(quote.speaker)}**" if quote.speaker else "*unattributed*"
    title = f" ({markdown_text(quote.speaker_title)})" if quote.speaker_title else ""
    return f"- {speaker}{title} — “{markdown_text(quote.text)}”"


def _figure_markdown(figure: Figure, local: str | None = None) -> str:
    text = f"![{markdown_text(figure.alt or '')}]({markdown_url(local or figure.src or '')})"
    caption = " ".join(part for part in (figure.caption, f"({figure.credit})" if figure.credit else None) if part)
    return f"{text}\n\n*{markdown_text(caption)}*" if caption else text  # the caption a paragraph of its own


# Query parameters that say how a reader came to a page (campaigns, ad clicks, newsletters),
# never which page it is.
TRACKING_PARAMETER = re.compile(r"utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ref_src", re.I)


def history_key(url: str) -> str:
    """The address one article's captures share, however it was reached: https, the host in
    lower case, no fragment, no tracking parameters ("…/story#comments", "…/story?utm_source=x"
    and "http://…/story" are "https://…/story")."""
    parts = urlsplit(url)
    query = "&".join(pair for pair in parts.query.split("&")
                     if pair and not TRACKING_PARAMETER.fullmatch(pair.split("=", 1)[0]))
    return urlunsplit(("https", parts.netloc.lower(), parts.path or "/", query, ""))


# Path segments that say how a page is served, not which page it is ("/story/amp", "/index.html").
SERVING_SEGMENTS = {"amp", "index.html", "index.htm", "index.php"}


def article_key(url: str, canonical_url: str | None) -> str:
    """The history an article belongs to: its page's canonical URL when that names the same page
    on the same site (its path holds the reached URL's last word: "/amp/story" and
    "/news/story.amp" are "/news/story"), else the URL it was reached by. Some sites point every
    page's canonical at the front page or a section: those are no canonical."""
    if canonical_url:
        canonical, reached = urlsplit(history_key(canonical_url)), urlsplit(history_key(url))
        words = [segment for segment in reached.path.split("/") if segment and segment.lower() not in SERVING_SEGMENTS]
        if words and words[-1].split(".")[0] in canonical.path and canonical.hostname and reached.hostname \
                and canonical.hostname.removeprefix("www.") == reached.hostname.removeprefix("www."):
            return history_key(canonical_url)
    return history_key(url)


def capture_key(document: dict) -> str:
    """The history key of a capture already in the archive, from its article.json."""
    url, canonical = document["capture"].get("url"), document["article"].get("canonical_url")
    return article_key(url if isinstance(url, str) else "", canonical if isinstance(canonical, str) else None)


def slug_for_url(url: str) -> str:
    """'https://www.cbc.ca/news/world/aleppo-airstrikes-1.3778667' -> 'cbc.ca-news-world-aleppo-airstrikes-1.3778667'.

    Only [a-z0-9.-], never '.' or '..', never longer than SLUG_MAX_CHARS: it cannot leave the
    archive folder whatever the URL holds.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    raw = f"{host}{parts.path}" + (f"?{parts.query}" if parts.query else "")
    slug = re.sub(r"[^a-z0-9.]+", "-", raw.lower())
    slug = re.sub(r"\.{2,}", ".", slug)
    slug = slug.strip(".-") or "page"
    if len(slug) > SLUG_MAX_CHARS:
        digest = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        slug = slug[: SLUG_MAX_CHARS - 11].rstrip(".-") + "-" + digest
    return slug


# ---------------------------------------------------------------- archiving (I/O edge)

# The archive's layout: archive/<DAY_FOLDER>/<slug>[-N]/, built as a hidden
# .<slug>.<random>STAGING_SUFFIX folder beside it; one index and one lock file at the top.
DAY_FOLDER = re.compile(r"\d{4}-\d{2}-\d{2}")
STAGING_SUFFIX = ".partial"
INDEX_NAME = "index.jsonl"
LOCK_NAME = ".lock"
# Opening the index and the lock never follows a symbolic link where the system can say so
# (Windows has no such flag, nor links an ordinary user makes).
NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


def lock_or_fail(descriptor: int) -> None:
    """Take the archive's lock without waiting; BlockingIOError if another process holds it. The
    system lets go of it when the process dies: flock on Linux and macOS, msvcrt's byte lock on
    Windows (imported here, so that --help and --stdout run where fcntl does not exist)."""
    try:
        import fcntl
    except ImportError:
        import msvcrt  # Windows
        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            raise BlockingIOError("the lock is held") from None
        return
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)


def read_at(descriptor: int, size: int, offset: int) -> bytes:
    """os.pread, which Windows lacks (the position moves: callers append or rewrite from 0)."""
    os.lseek(descriptor, offset, os.SEEK_SET)
    return os.read(descriptor, size)


def day_folder(archive_root: Path, now: datetime) -> Path:
    """The day a capture belongs to, on the machine's own calendar (a nightly job's night)."""
    return archive_root / now.astimezone().strftime("%Y-%m-%d")


def capture_folder_name(slug: str, number: int) -> str:
    """The first capture of a day is <slug>; later ones of the same day <slug>-2, <slug>-3..."""
    return slug if number == 1 else f"{slug}-{number}"


def read_latest_capture(archive_root: Path, key: str) -> PreviousCapture | None:
    """The newest capture folder of the article whose history key is `key` (see article_key):
    date folders newest first, then -N suffixes. A damaged folder (edited by hand, cut short) is
    a warning and passed over, never repaired: the next capture is then simply a new version
    beside it."""
    slug = slug_for_url(key)
    own_name = re.compile(rf"{re.escape(slug)}(?:-(\d+))?")
    found = []
    for folder in archive_root.glob(f"*/{slug}*"):
        day, match = folder.parent.name, own_name.fullmatch(folder.name)
        if match and DAY_FOLDER.fullmatch(day) and (folder / "article.json").is_file():
            found.append((day, int(match.group(1) or 1), folder))
    for _, _, folder in sorted(found, reverse=True):
        previous = read_capture(folder)
        if previous is not None and capture_key(previous.document) == key:
            return previous
    return None


def read_capture(folder: Path) -> PreviousCapture | None:
    """A capture folder's article.json and article.md, or None (with a warning) if they are not
    what this tool writes."""
    try:
        document = json.loads((folder / "article.json").read_text(encoding="utf-8"))
        markdown_file = folder / "article.md"
        markdown = markdown_file.read_text(encoding="utf-8") if markdown_file.is_file() else ""
    except (OSError, ValueError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        log.warning("%s is damaged and passed over: %s", folder, getattr(error, "strerror", None) or error)
        return None
    if not (isinstance(document, dict) and isinstance(document.get("capture"), dict)
            and isinstance(document.get("article"), dict)):
        log.warning("%s is damaged and passed over: article.json is not a capture", folder)
        return None
    return PreviousCapture(folder, document, markdown)


@contextlib.contextmanager
def staging_folder(archive_root: Path, now: datetime, slug: str) -> Iterator[Path]:
    """A hidden folder beside the place the capture will take, where it is built (images are
    streamed into it); whatever is left of it when the block ends is removed, so a capture
    appears complete or not at all."""
    day = day_folder(archive_root, now)
    if day.is_symlink():
        raise ArchiveError(f"{day} is a symbolic link; captures are written only inside the archive")
    try:
        staging = _new_staging(archive_root, day, slug)
    except FileNotFoundError:  # another worker's cleanup took the day's folder, empty, between our two steps
        try:
            staging = _new_staging(archive_root, day, slug)
        except OSError as error:
            raise ArchiveError(cannot_write(archive_root, error)) from None
    except OSError as error:
        raise ArchiveError(cannot_write(archive_root, error)) from None
    try:
        yield staging
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
            _remove_if_empty(day)


def _new_staging(archive_root: Path, day: Path, slug: str) -> Path:
    new_day = not day.exists()
    day.mkdir(exist_ok=True)
    if new_day:
        sync_folder(archive_root)
    return Path(tempfile.mkdtemp(prefix=f".{slug}.", suffix=STAGING_SUFFIX, dir=day))


def write_capture(staging: Path, archive_root: Path, page: Page, article: Article,
                  images: tuple[Image, ...] = (), previous: PreviousCapture | None = None, key: str | None = None,
                  requisites: tuple[Exchange, ...] = ()) -> Path:
    """Finish the capture built in `staging` (which already holds the images that came): write
    its files and the WARC, rename it into place as archive/<date>/<slug>[-N]/ and sync it."""
    day = staging.parent
    try:
        # The name is decided once: the archive's lock keeps any other run from taking it.
        target = _next_free_folder(day, slug_for_url(key or history_key(page.capture.url)))
        previous_name = str(previous.folder.relative_to(archive_root)) if previous else None
        files = render_capture_files(page, article, images, previous, previous_name, str(target.relative_to(archive_root)))
        for name, content in files.items():
            _write_file(staging / name, content)
        _remove_if_empty(staging / "images")  # images that all failed leave no folder
        write_warc(staging / "capture.warc.gz", page, [image for image in images if image.file], requisites)
        os.chmod(staging, 0o755)
        staging.rename(target)
        for folder in (target / "images", target, day):
            if folder.is_dir():
                sync_folder(folder)
        return target
    except OSError as error:
        raise ArchiveError(cannot_write(day, error)) from None


def cannot_write(place: Path, error: OSError) -> str:
    return f"cannot write the archive at {place}: {error.strerror or error}"


def sync_folder(folder: Path) -> None:
    """fsync a folder, so the names just made in it (a renamed capture, a new day) survive a
    power cut as the files' own fsyncs do not guarantee."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_warc(path: Path, page: Page, images: Iterable[Image], requisites: Iterable[Exchange] = ()) -> None:
    """WARC 1.1 request and response records of the page, of its images and of its requisites,
    each with the redirects that led to it; a requisite unchanged since the last capture is a
    revisit record (the same payload, not its bytes again).

    The response payloads are the bytes as kept (page.html byte for byte): a body the server
    compressed is stored decoded, so Content-Encoding and Transfer-Encoding are left out of the
    recorded headers and Content-Length is set to match."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True, warc_version="WARC/1.1")
        if not page.exchanges:  # a saved page (--html): one resource record
            writer.write_record(writer.create_warc_record(
                page.capture.url, "resource", payload=io.BytesIO(page.body),
                warc_content_type="text/html", warc_headers_dict={"WARC-Date": _warc_date(page.capture.fetched_at)}))
        for exchange in (*page.exchanges, *(exchange for image in images for exchange in image.exchanges), *requisites):
            _write_exchange(writer, exchange, page.capture.fetched_at)
        handle.flush()
        os.fsync(handle.fileno())


def _write_exchange(writer: WARCWriter, exchange: Exchange, fetched_at: str) -> None:
    date = {"WARC-Date": _warc_date(fetched_at)}
    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = writer.create_warc_record(
        exchange.url, "request", warc_headers_dict=date,
        http_headers=StatusAndHeaders(f"GET {target} HTTP/1.1", list(exchange.request_headers), is_http_request=True))
    with (open(exchange.body_file, "rb") if exchange.body_file else io.BytesIO(exchange.body)) as payload:
        size = os.fstat(payload.fileno()).st_size if exchange.body_file else len(exchange.body)
        headers = [(name, value) for name, value in exchange.response_headers
                   if name.lower() not in ("content-encoding", "transfer-encoding", "content-length")]
        headers.append(("Content-Length", str(size)))
        http_headers = StatusAndHeaders(f"{exchange.status} {exchange.reason}".strip(), headers, protocol="HTTP/1.1")
        if exchange.revisit_of:
            response = writer.create_revisit_record(exchange.url, payload_digest(exchange.body), *exchange.revisit_of,
                                                    http_headers=http_headers)
            response.rec_headers.replace_header("WARC-Date", date["WARC-Date"])
        else:
            response = writer.create_warc_record(exchange.url, "response", payload=payload, warc_headers_dict=date,
                                                 http_headers=http_headers)
        request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
        writer.write_record(response)
    writer.write_record(request)


def _warc_date(iso: str) -> str:
    return iso.replace("+00:00", "Z")


def remove_stale_staging(archive_root: Path) -> None:
    """Clear the hidden folders of captures that a killed run left half-built. Called with the
    archive's lock held, so no other run can be building one. A symbolic link, as a day folder
    or a staging folder, is never followed: it may lead out of the archive."""
    for day in archive_root.iterdir():
        if day.is_symlink() or not DAY_FOLDER.fullmatch(day.name) or not day.is_dir():
            continue
        for staging in day.glob(f".*{STAGING_SUFFIX}"):
            if staging.is_symlink() or not staging.is_dir():
                continue
            log.info("removing %s, left by an interrupted run", staging)
            shutil.rmtree(staging, ignore_errors=True)
        _remove_if_empty(day)


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass  # absent, or it holds captures, as it should


def _write_file(path: Path, content: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def _next_free_folder(day: Path, slug: str) -> Path:
    number = 1
    while (day / capture_folder_name(slug, number)).exists():
        number += 1
    return day / capture_folder_name(slug, number)


def append_index(archive_root: Path, entry: dict) -> bool:
    """Append one line to archive/index.jsonl; earlier lines are never rewritten. A write cut
    short (a full disk) is undone, so no torn line can run into the next one; a failure is
    logged and returns False. The file is never reached through a symbolic link."""
    path = archive_root / INDEX_NAME
    line = (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | NO_FOLLOW, 0o644)
    except OSError as error:
        log.error("cannot append to %s: %s", path, _refusal(error))
        return False
    try:
        size = os.fstat(descriptor).st_size
        if size and read_at(descriptor, 1, size - 1) != b"\n":
            line = b"\n" + line  # a line torn by an older version or a crash stays on its own
        written = os.write(descriptor, line)
        if written != len(line):
            raise OSError(errno.ENOSPC, f"only {written} of {len(line)} bytes written")
        return True
    except OSError as error:
        with contextlib.suppress(OSError):
            os.ftruncate(descriptor, size)
        log.error("cannot append to %s: %s", path, _refusal(error))
        return False
    finally:
        os.close(descriptor)


def _refusal(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "it is a symbolic link, and the archive writes only its own files"
    return error.strerror or str(error)


@contextlib.contextmanager
def archive_lock(archive_root: Path) -> Iterator[None]:
    """Hold the archive for this run. The kernel lets go of an flock when its process dies, so a
    lock file left by a killed run never blocks the next night."""
    try:
        archive_root.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(archive_root / LOCK_NAME, os.O_RDWR | os.O_CREAT | NO_FOLLOW, 0o644)
    except OSError as error:
        raise ArchiveError(f"cannot write the archive at {archive_root}: {_refusal(error)}") from None
    try:
        try:
            lock_or_fail(descriptor)
        except BlockingIOError:
            holder = read_at(descriptor, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise LockedError(f"another run (pid {holder}) is archiving into {archive_root}") from None
        try:
            os.ftruncate(descriptor, 0)
            os.lseek(descriptor, 0, os.SEEK_SET)
            os.write(descriptor, str(os.getpid()).encode("ascii"))
            remove_stale_staging(archive_root)
        except OSError as error:
            raise ArchiveError(cannot_write(archive_root, error)) from None
        yield
    finally:
        os.close(descriptor)  # closing the last descriptor releases the flock


# ---------------------------------------------------------------- the archive as a site to browse

# archive/index.html lists the articles; archive/site/<slug>.html shows one article's versions.
SITE_INDEX_NAME = "index.html"
SITE_FOLDER = "site"
# The site's only script: the index's filter. The pages allow no other (Content-Security-Policy
# by this script's hash), so nothing from a captured page can run even were it not escaped.
FILTER_SCRIPT = """
const rows = [...document.querySelectorAll('#articles tbody tr')];
const site = document.getElementById('site'), since = document.getElementById('since');
document.getElementById('filter').hidden = false;
function apply() {
  for (const row of rows) {
    row.hidden = (site.value && row.dataset.site !== site.value) || (since.value && row.dataset.latest < since.value);
  }
}
site.addEventListener('change', apply); since.addEventListener('input', apply);
"""
SITE_STYLE = """
body { font: 16px/1.5 Georgia, serif; margin: 0 auto; max-width: 46rem; padding: 1rem; color: #222; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3rem .4rem; vertical-align: top; }
tr:nth-child(even) { background: #f4f4f4; } small, .meta { color: #666; font-size: .9rem; }
ins { background: #d4f7d4; text-decoration: none; } del { background: #fbd3d3; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; } iframe { width: 100%; height: 30rem; border: 1px solid #ccc; }
section.version { border-top: 2px solid #ccc; margin-top: 2rem; } blockquote { border-left: 3px solid #ccc; margin-left: 0; padding-left: 1rem; }
@media (max-width: 40rem) { body { font-size: 15px; padding: .5rem; } thead { display: none; } td { display: block; padding: .1rem; }
  tr { display: block; border-bottom: 1px solid #ddd; padding: .4rem 0; } }
"""


# Words of unchanged text kept on each side of a change (a long article's diff is its changes).
DIFF_CONTEXT_WORDS = 12


class SiteCapture(NamedTuple):
    """One capture as the site shows it: its folder (relative to the archive) and article.json."""

    folder: str
    document: dict


def write_site(archive_root: Path) -> None:
    """archive/index.html and a page per article under archive/site/, from the captures' article.json
    and index.jsonl; each file written whole under a temporary name and renamed into place, the
    index last, so a reader never sees a half-written page."""
    histories = site_histories(archive_root)
    statuses = last_statuses(archive_root, histories)
    folder = archive_root / SITE_FOLDER
    try:
        folder.mkdir(exist_ok=True)
        for key, captures in list(histories.items()):
            try:
                page = render_article_page(captures)
            except (TypeError, KeyError, AttributeError, ValueError) as error:  # an article.json edited by hand
                log.warning("%s: left out of the archive's pages: a capture of it is damaged (%s: %s)", key,
                            type(error).__name__, error)
                del histories[key]
                continue
            _replace_file(folder / site_page_name(key), page.encode("utf-8"))
        _replace_file(archive_root / SITE_INDEX_NAME, render_site_index(histories, statuses).encode("utf-8"))
    except OSError as error:
        raise ArchiveError(cannot_write(archive_root, error)) from None


def site_page_name(key: str) -> str:
    """An article's page: its slug and a short hash of its history key, since two stories' slugs
    may be the same (a slug is cut at 120 characters; hosts differing only by port)."""
    return f"{slug_for_url(key)}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:8]}.html"


def _replace_file(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}{STAGING_SUFFIX}")
    _write_file(temporary, content)
    os.replace(temporary, path)


def site_histories(archive_root: Path) -> dict[str, list[SiteCapture]]:
    """Every capture in the archive, by article (its history key), oldest first."""
    histories: dict[str, list[SiteCapture]] = {}
    for path in sorted(archive_root.glob("*/*/article.json")):
        folder = path.parent
        if not DAY_FOLDER.fullmatch(folder.parent.name) or folder.name.startswith("."):
            continue
        previous = read_capture(folder)
        if previous is not None:
            histories.setdefault(capture_key(previous.document), []).append(
                SiteCapture(f"{folder.parent.name}/{folder.name}", previous.document))
    for captures in histories.values():
        captures.sort(key=lambda capture: (capture.document["capture"].get("fetched_at") or "", capture.folder))
    return dict(sorted(histories.items(), key=lambda item: item[1][-1].document["capture"].get("fetched_at") or "", reverse=True))


def last_statuses(archive_root: Path, histories: dict[str, list[SiteCapture]]) -> dict[str, str]:
    """Each article's status in the last run that asked for it (archived, unchanged, failed), from index.jsonl."""
    key_of_folder = {capture.folder: key for key, captures in histories.items() for capture in captures}
    # a failed URL has no folder: its article is the one captured from that address before
    key_of_url = {_key_if_valid(str(capture.document["capture"].get("url") or "")): key
                  for key, captures in histories.items() for capture in captures}
    statuses: dict[str, str] = {}
    with contextlib.suppress(OSError), open(archive_root / INDEX_NAME, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            with contextlib.suppress(ValueError, TypeError, AttributeError):
                entry = json.loads(line)
                url_key = _key_if_valid(entry.get("url") or "")
                key = key_of_folder.get(entry.get("folder") or "") or key_of_url.get(url_key, url_key)
                statuses[key] = str(entry.get("status"))
    return statuses


def render_site_index(histories: dict[str, list[SiteCapture]], statuses: dict[str, str]) -> str:
    """The archive's front page: every article, newest first, with a filter by site and date."""
    rows, sites = [], set()
    for key, captures in histories.items():
        latest = captures[-1].document
        site = host_of(latest["capture"].get("final_url") or key).removeprefix("www.")
        sites.add(site)
        first_day, last_day = (_day_of(capture.document) for capture in (captures[0], captures[-1]))
        headline = latest["article"].get("headline") or key
        rows.append(f'<tr data-site="{escape(site)}" data-latest="{escape(last_day)}">'
                    f'<td><a href="{SITE_FOLDER}/{escape(site_page_name(key))}">{escape(headline)}</a></td>'
                    f"<td>{escape(site)}</td><td>{escape(first_day)}</td><td>{escape(last_day)}</td>"
                    f"<td>{len(captures)}</td><td>{escape(statuses.get(key, ''))}</td></tr>")
    options = "".join(f'<option value="{escape(site)}">{escape(site)}</option>' for site in sorted(sites))
    body = (f"<h1>The archive</h1><p class=meta>{len(histories)} articles, {sum(map(len, histories.values()))} captures</p>"
            f'<p id="filter" hidden><label>Site <select id="site"><option value="">all</option>{options}</select></label> '
            f'<label>Captured since <input id="since" type="date"></label></p>'
            f'<table id="articles"><thead><tr><th>Headline</th><th>Site</th><th>First capture</th><th>Latest</th>'
            f"<th>Versions</th><th>Last run</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
    return _site_page("The archive", body, FILTER_SCRIPT)


def render_article_page(captures: list[SiteCapture]) -> str:
    """One article's versions in time order: each as a reading view, the words changed since the
    one before marked, links to the capture's files, and the captured page in a sandbox."""
    sections = []
    for number, capture in enumerate(captures):
        before = captures[number - 1].document["article"] if number else None
        sections.append(_version_section(number + 1, capture, before))
    headline = captures[-1].document["article"].get("headline") or captures[-1].document["capture"].get("url") or ""
    body = (f'<p><a href="../{SITE_INDEX_NAME}">← The archive</a></p><h1>{escape(headline)}</h1>'
            f"<p class=meta>{len(captures)} versions</p>{''.join(sections)}")
    return _site_page(headline, body)


def _version_section(number: int, capture: SiteCapture, before: dict | None) -> str:
    document, base = capture.document, f"../{capture.folder}"
    article = document["article"]
    files = " · ".join(f'<a href="{escape(base)}/{name}">{name}</a>'
                       for name in ("page.html", "article.json", "article.md", "capture.warc.gz"))
    changes = ""
    if before is not None:
        changes = (f"<details open><summary>What changed since version {number - 1}</summary>"
                   f"{word_diff(_reading_text(before), _reading_text(article))}</details>")
    return (f'<section class="version" id="v{number}"><h2>Version {number} <small>{escape(document["capture"].get("fetched_at") or "")}'
            f"</small></h2><p class=meta>{files}</p>{changes}{_reading_view(article, document, base)}"
            f'<details><summary>The page as captured (scripts do not run)</summary>'
            f'<iframe sandbox src="{escape(base)}/page.html" title="the captured page"></iframe></details></section>')


def _reading_view(article: dict, document: dict, base: str) -> str:
    """The article as a reader reads it: headline, deck, byline, dates, body with subheadings,
    figures with captions and credits, pull quotes, quotes with their speakers."""
    local = {image["src"]: image["file"] for image in document.get("images", []) if image.get("file")}
    parts = [f"<h3>{escape(article.get('headline') or '')}</h3>"]
    if article.get("deck"):
        parts.append(f"<p><em>{escape(article['deck'])}</em></p>")
    byline = ", ".join(article.get("authors") or [])
    dates = " · ".join(f"{label} {value}" for label, value in (("published", article.get("published")),
                                                                ("updated", article.get("modified"))) if value)
    parts.append(f"<p class=meta>{escape(byline)}{' — ' if byline and dates else ''}{escape(dates)}</p>")
    inserts: dict[int, list[str]] = {}
    for figure in article.get("figures") or []:
        source = f"{base}/{local[figure['src']]}" if figure.get("src") in local else None
        image = f'<img src="{escape(source)}" alt="{escape(figure.get("alt") or "")}">' if source else ""
        credit = f" <small>({escape(figure['credit'])})</small>" if figure.get("credit") else ""
        inserts.setdefault(figure.get("position", 0), []).append(
            f"<figure>{image}<figcaption>{escape(figure.get('caption') or '')}{credit}</figcaption></figure>")
    for quote in article.get("pull_quotes") or []:
        attribution = f"<footer>— {escape(quote['attribution'])}</footer>" if quote.get("attribution") else ""
        inserts.setdefault(quote.get("position", 0), []).append(f"<blockquote>{escape(quote['text'])}{attribution}</blockquote>")
    headings = set(article.get("headings") or [])

    def render(paragraph: str) -> str:
        tag = "h4" if paragraph in headings else "p"
        return f"<{tag}>{escape(paragraph)}</{tag}>" if paragraph else ""
    parts += in_body_order((article.get("text") or "").split("\n\n"), inserts, render)
    quotes = [f"<li>“{escape(quote['text'])}” — {escape(quote.get('speaker') or 'unattributed')}</li>"
              for quote in article.get("quotes") or []]
    if quotes:
        parts.append(f"<details><summary>Quotes ({len(quotes)})</summary><ul>{''.join(quotes)}</ul></details>")
    return "".join(parts)


def _reading_text(article: dict) -> str:
    return "\n\n".join(part for part in (article.get("headline"), article.get("deck"), article.get("text")) if part)


def word_diff(old: str, new: str) -> str:
    """`new` as HTML with the words added since `old` in <ins> and those taken out in <del>."""
    before, after = old.split(), new.split()
    operations = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    if all(operation == "equal" for operation, *_ in operations):
        return "<p class=meta>No change in the words.</p>"
    out = []
    for operation, first, last, start, end in operations:
        if operation == "equal":
            words = after[start:end]
            if len(words) > 2 * DIFF_CONTEXT_WORDS + 1:  # a long unchanged stretch: its ends, for context
                words = [*words[:DIFF_CONTEXT_WORDS], "…", *words[-DIFF_CONTEXT_WORDS:]]
            out.append(escape(" ".join(words)))
            continue
        if last > first:
            out.append(f"<del>{escape(' '.join(before[first:last]))}</del>")
        if end > start:
            out.append(f"<ins>{escape(' '.join(after[start:end]))}</ins>")
    return f"<p class=diff>{' '.join(out)}</p>"


def _day_of(document: dict) -> str:
    return (document["capture"].get("fetched_at") or "")[:10]


def _site_page(title: str, body: str, script: str = "") -> str:
    script_hash = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    policy = f"default-src 'self'; img-src 'self' data:; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'"
    return ("<!doctype html><html lang=en><head><meta charset=utf-8>"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
            f"<title>{escape(title)}</title><style>{SITE_STYLE}</style></head><body>{body}"
            + (f"<script>{script}</script>" if script else "") + "</body></html>\n")


# ---------------------------------------------------------------- feeds and sitemaps (input)

# A feed's or sitemap's bytes (after gunzip). RSS and Atom feeds are tens of kB and a news sitemap
# (at most 1,000 URLs) a few hundred; 16 MiB holds a 50,000-URL sitemap and bounds the parse
# (lxml's tree takes several times the bytes).
MAX_FEED_BYTES = 16 * 1024 * 1024
# A line of an -i list naming a feed or sitemap rather than an article.
FEED_PREFIX = "feed:"
GZIP_MAGIC = b"\x1f\x8b"
# An entity declared in a document type's internal subset: <!DOCTYPE rss [ … <!ENTITY …
ENTITY_DECLARATION = re.compile(rb"<!DOCTYPE[^\[>]*\[[^\]]*?<!ENTITY")
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"


class FeedError(FetchArticleError):
    """A feed or sitemap that is not one: not XML, not RSS, Atom or a sitemap, or refused."""

    exit_code = ExitCode.NOT_AN_ARTICLE


class FeedItem(NamedTuple):
    """An article a feed or sitemap lists, and when it says it was published (ISO, or None)."""

    url: str
    published: str | None


class Feed(NamedTuple):
    """What one feed or sitemap lists: articles, or (a sitemap index) other sitemaps."""

    items: list[FeedItem]
    sitemaps: list[str]


XmlElement: TypeAlias = lxml.etree._Element


def fetch_feed(session: requests.Session, url: str, budget: Budget, listed_by: str | None = None) -> tuple[bytes, str]:
    """GET a feed or sitemap within the budget: its bytes (a gzipped sitemap unpacked) and the
    URL reached. Any content type is read: feeds are served as XML, RSS, Atom, text and HTML."""
    with guarded(guard_for(budget, listed_by)), host_turn(url, budget) as gate:
        response = _get(session, url, budget, {"Accept": FEED_ACCEPT})
        gate.note(response)
        log_exchanges(response)
        with response:
            if response.status_code >= http.HTTPStatus.BAD_REQUEST:
                raise FetchError(f"HTTP {response.status_code} {response.reason or ''}".strip())
            body = b"".join(read_body(response, budget, MAX_FEED_BYTES))
    return gunzipped(body, MAX_FEED_BYTES), response.url


def gunzipped(body: bytes, cap: int) -> bytes:
    """A sitemap served gzipped as a file (sitemap.xml.gz, no Content-Encoding) unpacked, up to
    `cap` bytes: a small file that unpacks to gigabytes stops there."""
    if not body.startswith(GZIP_MAGIC):
        return body
    unpacker = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = unpacker.decompress(body, cap + 1)
    except zlib.error as error:
        raise FeedError(f"not a feed: a broken gzip file ({error})") from None
    if len(data) > cap:
        raise TooLargeError(f"too large (unpacks to over the {cap:,}-byte cap)")
    return data


def parse_feed(body: bytes, url: str) -> Feed:
    """The articles an RSS (2.0 or 1.0) or Atom feed or a sitemap lists, or the sitemaps a
    sitemap index lists; links resolved against `url`. Pure: no network, disk or clock."""
    root = parse_xml(body)
    kind = lxml.etree.QName(root).localname
    if kind == "sitemapindex":
        return Feed([], [loc for entry in root.iter("{*}sitemap") if (loc := _link(url, _child_text(entry, "loc")))])
    readers = {"rss": ("item", _rss_item), "RDF": ("item", _rss_item), "feed": ("entry", _atom_item),
               "urlset": ("url", _sitemap_item)}
    if kind not in readers:
        raise FeedError(f"not a feed: the document is <{kind}>, not RSS, Atom or a sitemap")
    tag, read_item = readers[kind]
    return Feed([item for element in root.iter("{*}" + tag) if (item := read_item(element, url))], [])


def parse_xml(body: bytes) -> XmlElement:
    """A feed's XML, read as hostile input: no DTD loaded, no entity expanded, nothing fetched
    from the network; a document that declares entities is refused outright."""
    if ENTITY_DECLARATION.search(body):
        # (feeds have no use for entities; expanding them is what billion-laughs and external-entity attacks need)
        raise FeedError("refused: the feed declares XML entities")
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                                  remove_comments=True, remove_pis=True)
    try:
        root = lxml.etree.fromstring(body, parser)
    except lxml.etree.XMLSyntaxError as error:
        raise FeedError(f"not a feed: broken XML ({WHITESPACE.sub(' ', str(error))[:200]})") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and next(dtd.iterentities(), None) is not None:  # declared in a way the search missed
        raise FeedError("refused: the feed declares XML entities")
    return root


def _rss_item(item: XmlElement, feed_url: str) -> FeedItem | None:
    guid = item.find("{*}guid")
    permalink = guid is not None and (guid.get("isPermaLink") or "true").strip().lower() != "false"
    link = _child_text(item, "link") or (guid.text if permalink and guid is not None else None)
    return _feed_item(feed_url, link, _child_text(item, "pubDate", "date", "published", "updated"))


def _atom_item(entry: XmlElement, feed_url: str) -> FeedItem | None:
    links = [link for link in entry.iterfind("{*}link") if (link.get("rel") or "alternate").strip() == "alternate"]
    base = entry.base or feed_url  # xml:base, where the feed sets one
    href = links[0].get("href") if links else None
    return _feed_item(base, href, _child_text(entry, "published", "updated"))


def _sitemap_item(entry: XmlElement, sitemap_url: str) -> FeedItem | None:
    news = entry.find("{*}news")
    published = _child_text(news, "publication_date") if news is not None else None
    return _feed_item(sitemap_url, _child_text(entry, "loc"), published or _child_text(entry, "lastmod"))


def _feed_item(base: str, link: str | None, published: str | None) -> FeedItem | None:
    url = _link(base, link)
    return FeedItem(url, normalize_date(published.strip()) if published else None) if url else None


def _link(base: str, link: str | None) -> str | None:
    """An http(s) link resolved against the feed's address; None for anything else."""
    url = absolute_url(base, link.strip()) if link and link.strip() else None
    return url if url and origin_of(url) is not None else None


def _child_text(element: XmlElement, *names: str) -> str | None:
    """The text of the first child named one of `names` (in any namespace) that has any."""
    for name in names:
        for child in element.iterfind("{*}" + name):
            if child.text and child.text.strip():
                return child.text
    return None


def chosen_items(items: Iterable[FeedItem], newest: int | None, since: date | None) -> list[FeedItem]:
    """The items to archive: those dated on or after `since` (an undated item is kept: nothing
    says it is old), then the `newest` most recent (undated ones count as older than any dated
    one), in the feed's order."""
    kept = [item for item in items if not (since and item.published and date.fromisoformat(item.published[:10]) < since)]
    if newest is not None and len(kept) > newest:
        ranked = sorted(range(len(kept)), key=lambda index: _moment_of(kept[index].published), reverse=True)
        chosen = set(ranked[:newest])
        kept = [item for index, item in enumerate(kept) if index in chosen]
    return kept


def _moment_of(published: str | None) -> datetime:
    """An item's date as a UTC moment for ordering (a day at its midnight UTC; undated: the earliest)."""
    if not published:
        return datetime.min.replace(tzinfo=timezone.utc)
    moment = datetime.fromisoformat(published) if "T" in published else datetime.fromisoformat(published + "T00:00")
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def read_feed(url: str, options: argparse.Namespace, session: requests.Session, listed_by: str | None = None) -> Feed:
    """One feed or sitemap fetched (within --timeout) and read; `listed_by`, the index that listed it."""
    check_url(url)
    with Budget(options.timeout) as budget:
        body, reached = fetch_feed(session, url, budget, listed_by)
    return parse_feed(body, reached)


def discover(feeds: list[str], options: argparse.Namespace, session: requests.Session) -> tuple[list[tuple[str, str]], ExitCode]:
    """The articles the feeds list, as chosen by --feed-items and --since, each once, in order,
    with the feed that listed it; a sitemap index's sitemaps are read in turn, one level deep. A
    feed that fails is one error line, and the others go on; the worst exit code is returned."""
    urls: list[tuple[str, str]] = []
    worst = ExitCode.OK
    for url in feeds:
        feed, code = _feed_or_error_line(url, options, session)
        worst = max(worst, code)
        if feed is None:
            continue
        items = list(feed.items)
        for sitemap in feed.sitemaps:
            inner, code = _feed_or_error_line(sitemap, options, session, url)
            worst = max(worst, code)
            if inner is None:
                continue
            if inner.sitemaps:
                log.info("%s: %s is itself a sitemap index; only one level is followed", url, sitemap)
            items += inner.items
        chosen = chosen_items(items, options.feed_items, options.since)
        log.info("%s: %d items, %d chosen", url, len(items), len(chosen))
        urls += [(item.url, url) for item in chosen]
    return once_each_story(urls), worst


def once_each_story(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each article once, by its history key (the same story under tracking parameters or http
    and https is one), in order, with the feed that listed it first."""
    kept: dict[str, tuple[str, str]] = {}
    for url, listed_by in found:
        kept.setdefault(history_key(url), (url, listed_by))
    return list(kept.values())


def _feed_or_error_line(url: str, options: argparse.Namespace, session: requests.Session,
                        listed_by: str | None = None) -> tuple[Feed | None, ExitCode]:
    try:
        return read_feed(url, options, session, listed_by), ExitCode.OK
    except FetchArticleError as error:
        log.error("%s: %s", url, error)
        return None, error.exit_code


# ---------------------------------------------------------------- WARC input

# What a damaged WARC file raises while its records are read (a cut gzip member, a record whose
# Content-Length lies, headers that do not parse).
WARC_READ_ERRORS = (ArchiveLoadFailed, StatusAndHeadersParserException, zlib.error, EOFError, ValueError)
# How a record begins: a gzip member (.warc.gz) or, uncompressed, its version line.
RECORD_STARTS = (GZIP_MAGIC + b"\x08", b"WARC/1.")
RESYNC_CHUNK_BYTES = 1024 * 1024
MAX_WARC_REASON_CHARS = 60
# A page's record: the page's cap, and room for its HTTP headers and a chunked payload's framing.
MAX_WARC_RECORD_BYTES = 2 * MAX_PAGE_BYTES


def warc_pages(path: Path) -> Iterator[Page | FetchError]:
    """The HTML pages a WARC file recorded: response records with a 2xx status and an HTML
    content type, each a Page dated by its WARC-Date. Other records (requests, revisits, images,
    metadata, redirects) are passed over. A record that cannot be read comes as a FetchError,
    and reading goes on at the next record's start."""
    with open(path, "rb") as stream:
        start: int | None = 0
        while start is not None:
            stream.seek(start)
            records = ArchiveIterator(stream)
            last_good = None  # the start of the last record read whole
            try:
                for record in records:
                    try:
                        page = warc_page(record)
                    except FetchError as error:
                        page = None
                        yield error
                    last_good = records.get_record_offset()  # (which reads the record to its end: after warc_page)
                    if page is not None:
                        yield page
                return
            except WARC_READ_ERRORS as error:
                broken = start if last_good is None else _next_record_start(stream, last_good + 1)
                reason = _printable(str(error).split(":")[0].split(", first line")[0]) or type(error).__name__
                if broken is None:  # nothing that looks like a record after the last good one: the file's end
                    yield FetchError(f"the file ends in what is no record ({reason})")
                    return
                yield FetchError(f"a broken record at byte {broken:,} ({reason}); read on from the next")
            start = _next_record_start(stream, broken + 1)


def _printable(text: str) -> str:
    """An error's first words for a one-line message: a damaged record's bytes are not text."""
    return "".join(char if char.isprintable() and ord(char) < 0x7F else "?" for char in text[:MAX_WARC_REASON_CHARS]).strip()


def warc_page(record: ArcWarcRecord) -> Page | None:
    """A response record as a Page, if it is an HTML page served with a 2xx status."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    status = int(record.http_headers.get_statuscode() or 0)
    content_type = record.http_headers.get_header("Content-Type")
    mime = (content_type or "").split(";")[0].strip().lower()
    if not 200 <= status < 300 or mime not in HTML_CONTENT_TYPES:
        return None
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")
    moment = warc_moment(record.rec_headers.get_header("WARC-Date") or "")
    if moment is None:
        raise FetchError(f"{url}: the record's WARC-Date is not a date")
    length = record.rec_headers.get_header("Content-Length") or ""
    if not length.isdigit() or int(length) > MAX_WARC_RECORD_BYTES:
        # (checked before reading: a chunked payload's chunk is read whole, whatever is asked for)
        raise TooLargeError(f"{url}: too large, or of no stated length (the cap is {MAX_WARC_RECORD_BYTES:,} bytes a record)")
    body = record.content_stream().read(MAX_PAGE_BYTES + 1)  # as served, less chunking and compression
    if len(body) > MAX_PAGE_BYTES:
        raise TooLargeError(f"{url}: too large (over the {MAX_PAGE_BYTES:,}-byte cap)")
    record.raw_stream.read()  # the rest of the record (a chunked payload's trailer): what is left unread was cut
    if getattr(record.raw_stream, "limit", 0):
        raise FetchError(f"{url}: the record is cut short ({record.raw_stream.limit:,} bytes missing)")
    headers = tuple(record.http_headers.headers)
    capture = capture_record(url, body, moment, decode_html(body, charset_from_content_type(content_type))[1:],
                             final_url=url, status=status, content_type=content_type,
                             etag=record.http_headers.get_header("ETag"),
                             last_modified=record.http_headers.get_header("Last-Modified"))
    reason = record.http_headers.statusline.partition(" ")[2]  # ("200 OK")
    return Page(body, capture, (Exchange(url, (), status, reason, headers, body),))


def warc_moment(value: str) -> datetime | None:
    """A WARC-Date ("2016-09-26T10:43:00Z", with or without fractions of a second) as a UTC moment."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _next_record_start(stream: io.BufferedReader, position: int) -> int | None:
    """Where the next record seems to start, at or after `position`, or None at the end."""
    stream.seek(position)
    while chunk := stream.read(RESYNC_CHUNK_BYTES):
        found = [index for index in (chunk.find(mark) for mark in RECORD_STARTS) if index >= 0]
        if found:
            return position + min(found)
        if len(chunk) < RESYNC_CHUNK_BYTES:
            return None  # the end of the file
        position += len(chunk) - max(map(len, RECORD_STARTS)) + 1  # a mark cut by the chunk's end is read again
        stream.seek(position)
    return None


# robots.txt: RFC 9309 asks crawlers to read at least its first 500 KiB, and lets them ignore the rest.
MAX_ROBOTS_BYTES = 500 * 1024
# robots.txt is a small file on a site's own host: an answer that takes longer than this is no answer.
ROBOTS_TIMEOUT = 20.0
DISALLOW_ALL = ("User-agent: *", "Disallow: /")


class Robots:
    """The robots.txt of each site, read once a run (by the first worker to need it), for the
    URLs a feed discovers (the URLs a user names are theirs to ask for). RFC 9309: a 4xx answer
    (no robots.txt) allows everything; a 5xx or an unreachable site, nothing."""

    def __init__(self, user_agent: str, timeout: float) -> None:
        self.user_agent = user_agent
        self.timeout = min(timeout, ROBOTS_TIMEOUT)
        self._lock = threading.Lock()
        self._sites: dict[str, tuple[threading.Lock, list[urllib.robotparser.RobotFileParser]]] = {}

    def allows(self, url: str, session: requests.Session, listed_by: str | None = None) -> bool:
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            reading, rules = self._sites.setdefault(site, (threading.Lock(), []))
        with reading:  # one worker reads a site's file; the others wait for it
            if not rules:
                rules.append(self._read(site, session, listed_by))
        try:
            return rules[0].can_fetch(self.user_agent, url)
        except ValueError:  # (urllib's robotparser on an address it cannot split: nothing says it is allowed)
            return False

    def _read(self, site: str, session: requests.Session, listed_by: str | None) -> urllib.robotparser.RobotFileParser:
        rules = urllib.robotparser.RobotFileParser()
        try:
            body, status = fetch_robots(session, site + "/robots.txt", self.timeout, listed_by)
        except FetchError as error:
            log.warning("%s: cannot read robots.txt (%s): the URLs feeds found there are skipped", site, error)
            rules.parse(DISALLOW_ALL)
            return rules
        if status >= http.HTTPStatus.INTERNAL_SERVER_ERROR:
            log.warning("%s: robots.txt answered HTTP %d: the URLs feeds found there are skipped", site, status)
            rules.parse(DISALLOW_ALL)
        elif status >= http.HTTPStatus.BAD_REQUEST:
            rules.parse([])  # no rules: everything allowed
        else:
            try:
                rules.parse(body.decode("utf-8", "replace").splitlines())
            except ValueError as error:  # a rule urllib cannot read ("Disallow: http://[x"): a broken file
                log.warning("%s: robots.txt cannot be read (%s): the URLs feeds found there are skipped", site, error)
                rules = urllib.robotparser.RobotFileParser()
                rules.parse(DISALLOW_ALL)
        return rules


def fetch_robots(session: requests.Session, url: str, timeout: float, listed_by: str | None = None) -> tuple[bytes, int]:
    """A site's robots.txt (its first MAX_ROBOTS_BYTES) and the status it came with."""
    with Budget(timeout) as budget, guarded(guard_for(budget, listed_by)), host_turn(url, budget) as gate:
        response = _get(session, url, budget, {"Accept": "text/plain, */*;q=0.1"})
        gate.note(response)
        log_exchanges(response)
        pieces: list[bytes] = []
        with response:
            if response.status_code < http.HTTPStatus.BAD_REQUEST:
                with contextlib.suppress(TooLargeError):  # the rest may be ignored
                    pieces.extend(read_body(response, budget, MAX_ROBOTS_BYTES))
    return b"".join(pieces), response.status_code


# ---------------------------------------------------------------- command line

EXIT_CODE_HELP = """exit codes:
  0    every URL archived
  1    set-up: a package it needs is missing
  2    usage: bad arguments, or a URL that is not http(s)
  3    fetch failed: network error, HTTP error, not HTML, too large, too slow
  4    not an article: no body text found
  5    the archive could not be written
  6    another run is archiving into the same folder
  70   internal error: a bug in fetch_article (the line names the URL; -v shows the traceback)
  130  interrupted
with several URLs, every URL is attempted and the worst code is returned."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fetch_article.py",
        description="Download news articles, extract them, and keep them in a dated archive.",
        epilog=EXIT_CODE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("urls", nargs="*", metavar="URL", help=f"article to archive (default: {DEFAULT_URL})")
    parser.add_argument("-i", "--input", metavar="FILE", help="read URLs from FILE, one per line ('#' comments; '-' for stdin)")
    parser.add_argument("--feed", metavar="URL", action="append", default=[],
                        help="archive the articles an RSS or Atom feed or an XML sitemap lists (repeatable; in an -i list, a line feed:URL)")
    parser.add_argument("--feed-items", metavar="N", type=_positive_int, help="of each feed, only the N newest items")
    parser.add_argument("--since", metavar="YYYY-MM-DD", type=_day, help="of each feed, only items dated that day or later (undated items are kept)")
    parser.add_argument("--warc", metavar="FILE", type=Path, action="append", default=[],
                        help="archive the HTML pages a WARC file recorded, dated by their records; no network (repeatable)")
    parser.add_argument("--html", metavar="FILE", type=Path, help="use a saved page instead of the network; the URL argument (or the default) names it")
    parser.add_argument("--stdout", action="store_true", help="print the article JSON to stdout and write nothing")
    parser.add_argument("--force", action="store_true", help="capture even when the article has not changed")
    parser.add_argument("--no-images", action="store_true", help="do not download the figures' images (nor the page's requisites: see --no-requisites)")
    parser.add_argument("--no-requisites", action="store_true",
                        help="do not save the page's stylesheets, scripts, fonts and other pictures in its WARC")
    parser.add_argument("--rebuild-site", action="store_true",
                        help="write the archive's browsable pages (index.html, site/) anew; alone, only that")
    parser.add_argument("-o", "--archive-dir", metavar="DIR", type=Path, default=DEFAULT_ARCHIVE_DIR, help="archive folder (default: archive/ beside this script)")
    parser.add_argument("-j", "--jobs", metavar="N", type=_positive_int, default=DEFAULT_JOBS,
                        help=f"URLs archived at once, one request at a time to each host (default: {DEFAULT_JOBS})")
    parser.add_argument("--host-delay", metavar="SECONDS", type=_seconds, default=DEFAULT_HOST_DELAY,
                        help=f"pause between the end of one request to a host and the start of the next (default: {DEFAULT_HOST_DELAY:g})")
    parser.add_argument("--timeout", metavar="SECONDS", type=_positive_float, default=DEFAULT_DEADLINE, help=f"bound on each URL's whole fetch, retries included (default: {DEFAULT_DEADLINE:g})")
    parser.add_argument("--user-agent", metavar="STRING", default=USER_AGENT, help=f"User-Agent header (default: {USER_AGENT})")
    parser.add_argument("-q", "--quiet", action="store_true", help="on stderr, errors only (no warnings); stdout still has its line per URL")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="tell more on stderr; -vv adds each HTTP exchange and retry")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not number > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0: {value!r}")
    return number


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) == 0:
        raise argparse.ArgumentTypeError(f"not a whole number over 0: {value!r}")
    return int(value)


def _seconds(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0 <= number <= MAX_HOST_DELAY:
        raise argparse.ArgumentTypeError(f"must be from 0 to {MAX_HOST_DELAY:g}: {value!r}")
    return number


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day written YYYY-MM-DD: {value!r}") from None


# A comment in a URL list: '#' at a line's start or after white space ("https://a.example/x   # why");
# a '#' inside a URL is its fragment, and a URL holds no white space.
LIST_COMMENT = re.compile(r"(?:^|\s)#.*")


def read_url_list(source: str, stdin: TextIO | None = None) -> list[str]:
    """URLs from a file (or '-' for stdin), one per line; blank lines and '#' comments skipped,
    a byte-order mark (lists saved by Windows editors) ignored."""
    if source == "-":
        text = (stdin or sys.stdin).read()
    else:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"cannot read the URL list {source}: {getattr(error, 'strerror', None) or error}") from None
    urls = (LIST_COMMENT.sub("", line).strip() for line in text.removeprefix("\ufeff").splitlines())
    return [url for url in urls if url]


def check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:  # "http://[::1/x", a port over 65535
        raise UsageError(f"not a valid URL: {error}") from None
    if not parts.scheme and "." in url.split("/", 1)[0] and " " not in url:
        raise UsageError(f"not an http(s) URL (no scheme: https://{url} ?)")  # "example.com/story"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or port == 0:
        raise UsageError("not an http(s) URL")


class Status(str, enum.Enum):
    """What happened to one URL, as index.jsonl records it."""

    ARCHIVED = "archived"  # a new capture folder
    UNCHANGED = "unchanged"  # nothing new: the latest folder stands
    PRINTED = "printed"  # --stdout: the JSON went to stdout, nothing was written
    FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    """What happened to one URL, the folder it concerns, and the JSON printed with --stdout."""

    status: Status
    folder: Path | None = None
    sha256: str | None = None
    output: str = ""


def obtain_page(url: str, options: argparse.Namespace, session: requests.Session, budget: Budget, now: datetime,
                conditional: dict[str, str] | None = None, listed_by: str | None = None) -> Page:
    """The page from the --html file, or else from the network."""
    if options.html:
        return read_page_file(options.html, url, now)
    return fetch_page(session, url, budget, now, conditional, listed_by)


def archive_url(url: str, options: argparse.Namespace, session: requests.Session, now: datetime,
                state: RunState, page: Page | None = None, listed_by: str | None = None) -> Outcome:
    """Fetch (or read), extract and archive one URL, all within its --timeout; or archive the
    `page` given (a WARC file's record), with no network.

    A URL archived before is asked for conditionally; a 304, or an article the same as the
    latest capture's, is "unchanged" and writes nothing (unless --force)."""
    check_url(url)
    offline = bool(options.html) or page is not None
    with Budget(options.timeout) as budget:
        if options.stdout:
            page = page or obtain_page(url, options, session, budget, now, listed_by=listed_by)
            article = extract_article(page_text(page), page.capture.final_url)
            return Outcome(Status.PRINTED, None, page.capture.sha256, render_json(article_document(page.capture, article)).rstrip("\n"))
        previous = read_latest_capture(options.archive_dir, history_key(url))  # for a conditional request
        baseline = None if options.force else previous  # what "unchanged" is judged against
        page = page or obtain_page(url, options, session, budget, now, baseline.conditional_headers() if baseline else None,
                                   listed_by)
        if baseline and page.capture.status == http.HTTPStatus.NOT_MODIFIED:
            log.info("%s: not modified since %s", url, baseline.folder)
            return Outcome(Status.UNCHANGED, baseline.folder, baseline.document["capture"].get("sha256"))
        article = extract_article(page_text(page), page.capture.final_url)
        key = article_key(url, article.canonical_url)
        if key != history_key(url):  # the page names its canonical address: its history is that one's
            previous = read_latest_capture(options.archive_dir, key)
            baseline = None if options.force else previous
        log.info("%s: %r, %d paragraphs, %d figures, %d quotes", url, article.headline,
                 len(article.text.split("\n\n")), len(article.figures), len(article.quotes))
        if baseline and not changed_fields(baseline.document["article"], dataclasses.asdict(article)):
            log.info("%s: the article is the same as in %s", url, baseline.folder)
            return Outcome(Status.UNCHANGED, baseline.folder, baseline.document["capture"].get("sha256"))
        with staging_folder(options.archive_dir, now, slug_for_url(key)) as staging:
            images: tuple[Image, ...] = ()
            if not (options.no_images or offline):
                images = fetch_images(session, article.figures, staging / "images", budget,
                                      page.capture.final_url, state)
                report_images(url, images)
            requisites: tuple[Exchange, ...] = ()
            if not (options.no_requisites or options.no_images or offline):
                done = {exchange.url for image in images for exchange in image.exchanges} | {image.src for image in images}
                requisites = fetch_requisites(session, page, budget, state, done, earlier_payloads(previous))
                log.info("%s: %d requisites saved in the WARC (%d as revisits)", url, len(requisites),
                         sum(1 for exchange in requisites if exchange.revisit_of))
            with state.write_lock:
                latest = read_latest_capture(options.archive_dir, key)
                if latest and (previous is None or latest.folder != previous.folder):
                    # another worker of this run captured the same story (two addresses, one canonical)
                    previous = latest
                    if not options.force and not changed_fields(latest.document["article"], dataclasses.asdict(article)):
                        return Outcome(Status.UNCHANGED, latest.folder, latest.document["capture"].get("sha256"))
                folder = write_capture(staging, options.archive_dir, page, article, images, previous, key, requisites)
    return Outcome(Status.ARCHIVED, folder, page.capture.sha256)


def report_images(url: str, images: tuple[Image, ...]) -> None:
    """One line (with -v) for a capture whose images did not all come, with the reasons counted.
    A night whose articles are all archived is a good night, images missing or not: each missing
    image's reason is in article.json, and a dead image host does not mail the cron job nightly."""
    failed = [image for image in images if image.error]
    if failed:
        reasons = collections.Counter(image.error for image in failed).most_common()
        counted = "; ".join(f"{reason} ({count})" if count > 1 else str(reason) for reason, count in reasons)
        log.info("%s: %d of %d images not saved (the first: %s): %s", url, len(failed), len(images),
                    failed[0].src, counted)


def configure_logging(verbosity: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else {0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    # At a terminal each line first clears the progress line (show_progress) it would run into.
    clear = "\r\x1b[K" if sys.stderr.isatty() else ""
    handler.setFormatter(logging.Formatter(clear + "fetch_article: %(levelname)s: %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False


def main(
    argv: list[str] | None = None,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    stdin=None,
    stdout=None,
) -> int:
    parser = build_parser()
    try:
        options = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) if exit_.code in (0, None) else ExitCode.USAGE
    out = stdout or sys.stdout
    configure_logging(options.verbose, options.quiet)
    try:
        listed = list(options.urls)
        if options.input:
            listed += read_url_list(options.input, stdin)
    except UsageError as error:
        log.error("%s", error)
        return ExitCode.USAGE
    urls = [url for url in listed if not url.startswith(FEED_PREFIX)]
    feeds = options.feed + [url.removeprefix(FEED_PREFIX) for url in listed if url.startswith(FEED_PREFIX)]
    if not urls and not feeds and not options.warc and not options.input and not options.rebuild_site:
        urls = [DEFAULT_URL]
    if options.html and (len(urls) != 1 or feeds or options.warc):
        log.error("--html takes exactly one URL (got %d%s)", len(urls), " and feeds or WARC files" if feeds or options.warc else "")
        return ExitCode.USAGE
    for path in options.warc:
        if not path.is_file():  # checked before the run, as --html's
            log.error("cannot read --warc file %s: %s", path, "not a file" if path.exists() else "no such file")
            return ExitCode.USAGE
    if options.html and not options.html.is_file():
        # checked before the run: a typo in a local path is no failed capture for the archive's history
        log.error("cannot read --html file %s: %s", options.html, "not a file" if options.html.exists() else "no such file")
        return ExitCode.USAGE
    started = time.monotonic()
    try:
        if options.stdout:
            return int(run(urls, feeds, options.warc, options, clock, out, started))
        with archive_lock(options.archive_dir):
            return int(run(urls, feeds, options.warc, options, clock, out, started))
    except (LockedError, ArchiveError) as error:
        log.error("%s", error)
        return error.exit_code
    except KeyboardInterrupt:
        log.error("interrupted")
        return ExitCode.INTERRUPTED


def show_progress(line: str, quiet: bool) -> None:
    """At a terminal (never under cron: stderr is then a pipe or a file), `line` in place of the
    last one; an empty line clears it."""
    if quiet or not sys.stderr.isatty():
        return
    sys.stderr.write("\r\x1b[K" + line[:max(20, shutil.get_terminal_size().columns - 1)])
    sys.stderr.flush()


def progress_line(number: int, total: int, url: str, started: float) -> str:
    """The URL in flight, how far through the list, and the time so far: '[3/20 · 0:42] https://…'."""
    elapsed = int(time.monotonic() - started)
    return f"[{number}/{total} · {elapsed // 60}:{elapsed % 60:02d}] {url}"


def run(urls: list[str], feeds: list[str], warcs: list[Path], options: argparse.Namespace,
        clock: Callable[[], datetime], out: TextIO, started: float) -> ExitCode:
    """The URLs given, then those the feeds list that were not given (where their sites'
    robots.txt allows them), archived by --jobs workers under the run's politeness; then the
    pages the WARC files recorded. The worst exit code wins."""
    gates = HostGates(options.host_delay)
    token = ACTIVE_GATES.set(gates)
    counts = {Status.PRINTED: 0} if options.stdout else {Status.ARCHIVED: 0, Status.UNCHANGED: 0}
    tally, state = Tally({**counts, Status.FAILED: 0}), RunState()
    try:
        session = build_session(options.user_agent)
        discovered, tally.worst = discover(feeds, options, session) if feeds else ([], ExitCode.OK)
        given = {_key_if_valid(url) for url in urls}
        found = [(url, listed_by) for url, listed_by in discovered if history_key(url) not in given]
        robots = Robots(options.user_agent, options.timeout)
        frontier = Frontier([(url, None, None) for url in urls] + [(url, robots, listed_by) for url, listed_by in found])
        run_frontier(frontier, options, gates, state, tally, clock, out, started)
        for path in warcs:
            archive_warc(path, options, session, state, tally, clock, out)
    finally:
        ACTIVE_GATES.reset(token)
    if not options.stdout and (tally.counts[Status.ARCHIVED] or options.rebuild_site):
        try:
            write_site(options.archive_dir)  # the browsable pages, after a run that wrote something
        except ArchiveError as error:
            log.error("%s", error)
            tally.worst = max(tally.worst, error.exit_code)
    show_progress("", options.quiet)  # the line cleared for what follows
    summary = " ".join(f"{status.value}={count}" for status, count in tally.counts.items())
    level = logging.WARNING if tally.counts[Status.FAILED] else logging.INFO
    log.log(level, "%s in %.1fs", summary, time.monotonic() - started)
    return tally.worst


def _key_if_valid(url: str) -> str:
    """The history key of a URL, or the URL itself where urllib cannot parse it (its own line says why)."""
    try:
        return history_key(url)
    except ValueError:
        return url


class Frontier:
    """The URLs left to archive, handed to workers so that no two work on one host at once and
    none sits out a host's delay while another host is ready: the next URL of the first host (in
    the list's order) that is idle and past its delay. Each URL comes with the robots.txt rules
    that must allow it and the feed that listed it (for those a feed discovered), or None."""

    def __init__(self, tasks: list[tuple[str, Robots | None, str | None]]) -> None:
        self.total = len(tasks)
        self._queues: dict[str, collections.deque[tuple[int, str, Robots | None, str | None]]] = {}
        for number, (url, robots, listed_by) in enumerate(tasks, 1):
            self._queues.setdefault(politeness_key(url), collections.deque()).append((number, url, robots, listed_by))
        self._busy: set[str] = set()
        self._changed = threading.Condition()
        self._stopped = False

    def take(self, gates: HostGates) -> tuple[int, str, Robots | None, str | None] | None:
        """The next task, waiting while every host left is busy or resting; None when done or stopped."""
        with self._changed:
            while self._queues and not self._stopped:
                now, waits = time.monotonic(), []
                for key, queue in self._queues.items():
                    if key in self._busy:
                        continue
                    gate = gates.of_key(key)
                    wait = max(gate.free_at, gate.held_until) - now
                    if wait <= 0:
                        task = queue.popleft()
                        if not queue:
                            del self._queues[key]
                        self._busy.add(key)
                        return task
                    waits.append(wait)
                self._changed.wait(min(waits) if waits else None)
            return None

    def done(self, url: str) -> None:
        with self._changed:
            self._busy.discard(politeness_key(url))
            self._changed.notify_all()

    def stop(self) -> None:
        """No more tasks handed out (Ctrl-C): the workers finish the URL in hand and stop."""
        with self._changed:
            self._stopped = True
            self._changed.notify_all()


@dataclass
class Tally:
    """What the run's workers have done: counts by status, the worst exit code, URLs started.
    Its lock also keeps stdout's lines and index.jsonl's whole and in one order."""

    counts: dict[Status, int]
    worst: ExitCode = ExitCode.OK
    started: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def run_frontier(frontier: Frontier, options: argparse.Namespace, gates: HostGates, state: RunState, tally: Tally,
                 clock: Callable[[], datetime], out: TextIO, started: float) -> None:
    """Archive every URL, whatever befalls the others: in this thread with one job, else with
    --jobs worker threads. Ctrl-C stops handing out URLs; those in hand are finished (within
    their --timeout) unless it is pressed again."""
    work = functools.partial(archive_worker, frontier, options, gates, state, tally, clock, out, started)
    jobs = min(options.jobs, frontier.total)
    if jobs <= 1:
        work()
    else:
        finished = [threading.Event() for _ in range(jobs)]
        for done in finished:
            threading.Thread(target=_work_then_set, args=(work, done), daemon=True).start()
        try:
            wait_for(finished)
        except KeyboardInterrupt:
            frontier.stop()
            log.error("interrupted: finishing the URLs in hand (Ctrl-C again to stop at once)")
            wait_for(finished)
            raise


def archive_warc(path: Path, options: argparse.Namespace, session: requests.Session, state: RunState, tally: Tally,
                 clock: Callable[[], datetime], out: TextIO) -> None:
    """Archive each HTML page a WARC file recorded, dated by its record; no network. A record
    that cannot be read is one error line (it counts as failed), and the others go on."""
    for found in warc_pages(path):
        if isinstance(found, FetchError):
            record(str(path), clock(), Outcome(Status.FAILED), found, options, tally, out)
            continue
        url = found.capture.url
        outcome, error = attempt(url, options, session, datetime.fromisoformat(found.capture.fetched_at), state, found)
        record(url, clock(), outcome, error, options, tally, out)


def _work_then_set(work: Callable[[], None], done: threading.Event) -> None:
    try:
        work()
    finally:
        done.set()


def wait_for(finished: list[threading.Event]) -> None:
    """Wait until every worker is done. A poll of their flags, not Thread.join: a join that Ctrl-C
    interrupts may report a live thread as ended (Python 3.10), and the run would exit under it."""
    while not all(done.is_set() for done in finished):
        time.sleep(WORKER_POLL_SECONDS)


def archive_worker(frontier: Frontier, options: argparse.Namespace, gates: HostGates, state: RunState, tally: Tally,
                   clock: Callable[[], datetime], out: TextIO, started: float) -> None:
    """Take URLs from the frontier until none is left, each archived and recorded; a session of
    its own (requests' sessions are not shared between threads)."""
    token = ACTIVE_GATES.set(gates)
    session = build_session(options.user_agent)
    try:
        while (task := frontier.take(gates)) is not None:
            try:
                archive_task(task, frontier, session, options, state, tally, clock, out, started)
            except Exception as error:  # noqa: BLE001 (a bug: its line and exit 70, and the worker goes on)
                log.error("%s: internal error: %s: %s (a bug in fetch_article; -v shows the traceback)", task[1],
                          type(error).__name__, WHITESPACE.sub(" ", str(error))[:300])
                log.info("%s: the traceback", task[1], exc_info=True)
                with tally.lock:
                    tally.worst = max(tally.worst, ExitCode.INTERNAL_ERROR)
    finally:
        ACTIVE_GATES.reset(token)


def archive_task(task: tuple[int, str, Robots | None, str | None], frontier: Frontier, session: requests.Session,
                 options: argparse.Namespace, state: RunState, tally: Tally, clock: Callable[[], datetime],
                 out: TextIO, started: float) -> None:
    """One URL of the frontier: robots.txt asked where a feed found it, then archived and recorded."""
    _, url, robots, listed_by = task
    try:
        if robots is not None and not robots.allows(url, session, listed_by):
            log.info("%s: robots.txt disallows it; skipped", url)
            return
        with tally.lock:
            tally.started += 1
            show_progress(progress_line(tally.started, frontier.total, url, started), options.quiet)
        now = clock()
        outcome, error = attempt(url, options, session, now, state, listed_by=listed_by)
    finally:
        frontier.done(url)
    record(url, now, outcome, error, options, tally, out)


def attempt(url: str, options: argparse.Namespace, session: requests.Session, now: datetime, state: RunState,
            page: Page | None = None, listed_by: str | None = None) -> tuple[Outcome, FetchArticleError | Exception | None]:
    """One URL archived, or the error that stopped it: expected ones (FetchArticleError) and bugs alike."""
    try:
        return archive_url(url, options, session, now, state, page, listed_by), None
    except FetchArticleError as error:
        return Outcome(Status.FAILED), error
    except Exception as error:  # noqa: BLE001 (a bug with one URL must not end the batch)
        log.info("%s: the traceback", url, exc_info=True)
        return Outcome(Status.FAILED), error


def record(url: str, now: datetime, outcome: Outcome, error: Exception | None, options: argparse.Namespace,
           tally: Tally, out: TextIO) -> None:
    """A URL's line on stdout (or its error line on stderr), its index.jsonl line, and its count."""
    error_text: str | None = None
    with tally.lock:
        if isinstance(error, FetchArticleError):
            error_text = str(error)
            log.error("%s: %s", url, error_text)
            tally.worst = max(tally.worst, error.exit_code)
        elif error is not None:
            error_text = f"internal error: {type(error).__name__}: {WHITESPACE.sub(' ', str(error)).strip()}"[:500]
            log.error("%s: %s (a bug in fetch_article; -v shows the traceback)", url, error_text)
            tally.worst = max(tally.worst, ExitCode.INTERNAL_ERROR)
        if outcome.status in tally.counts:
            tally.counts[outcome.status] += 1
        if not options.stdout and not append_index(options.archive_dir, {
                "date": now.astimezone(timezone.utc).isoformat(timespec="seconds"), "url": url,
                "status": outcome.status, "error": error_text, "sha256": outcome.sha256,
                "folder": str(outcome.folder.relative_to(options.archive_dir)) if outcome.folder else None,
        }):
            tally.worst = max(tally.worst, ExitCode.ARCHIVE_FAILED)
        if error is None:
            # the JSON with --stdout; else the status and the folder, a tab between (cut -f2: the folder)
            try:
                print(outcome.output or f"{outcome.status.value}\t{outcome.folder}", file=out, flush=True)
            except OSError as failure:  # stdout closed (… | head -1): the archive and its index are kept all the same
                log.error("%s: cannot write to stdout: %s", url, failure.strerror or failure)


if __name__ == "__main__":
    raise SystemExit(main())
