"""fetch_page against a loopback server on 127.0.0.1: the capture record, redirects, errors,
retries, charsets. The caps and the deadline are tested through the CLI in test_faults.py."""

from __future__ import annotations

import time

import pytest

import fetch_article as fa
from conftest import html_response

PAGE = "<html><head><title>T</title></head><body><p>Hello</p></body></html>"


@pytest.fixture
def session():
    return fa.build_session()


def fetch(session, url, fixed_clock, deadline=10.0):
    with fa.Budget(deadline) as budget:
        return fa.fetch_page(session, url, budget, fixed_clock())


def test_records_the_capture(server, session, fixed_clock):
    route = server.route("/a", html_response(PAGE, ETag='"v1"', **{"Last-Modified": "Mon, 26 Sep 2016 10:43:00 GMT"}))
    page = fetch(session, server.url("/a"), fixed_clock)
    assert page.body == PAGE.encode()
    capture = page.capture
    assert (capture.status, capture.etag, capture.last_modified) == (200, '"v1"', "Mon, 26 Sep 2016 10:43:00 GMT")
    assert (capture.encoding, capture.encoding_source) == ("utf-8", "http")
    assert capture.bytes == len(PAGE) and len(capture.sha256) == 64
    assert capture.fetched_at == "2026-11-25T12:00:00+00:00"
    assert route.requests[0]["User-Agent"] == fa.USER_AGENT


def test_follows_redirects_and_records_the_final_url(server, session, fixed_clock):
    server.route("/old", (301, {"Location": "/new"}, b""))
    server.route("/new", html_response(PAGE))
    page = fetch(session, server.url("/old"), fixed_clock)
    assert page.capture.url == server.url("/old")
    assert page.capture.final_url == server.url("/new")


def test_404_is_not_retried(server, session, fixed_clock):
    route = server.route("/gone", (404, {"Content-Type": "text/html"}, b"<p>no</p>"))
    with pytest.raises(fa.FetchError, match="HTTP 404"):
        fetch(session, server.url("/gone"), fixed_clock)
    assert len(route.requests) == 1


def test_503_then_200_is_retried(server, session, fixed_clock):
    route = server.route("/flaky", (503, {"Content-Type": "text/plain"}, b"busy"), html_response(PAGE))
    page = fetch(session, server.url("/flaky"), fixed_clock)
    assert page.body == PAGE.encode() and len(route.requests) == 2


def test_429_honours_retry_after(server, session, fixed_clock):
    route = server.route("/slow-down", (429, {"Retry-After": "1", "Content-Type": "text/plain"}, b""), html_response(PAGE))
    started = time.monotonic()
    fetch(session, server.url("/slow-down"), fixed_clock)
    assert time.monotonic() - started >= 0.9
    assert len(route.requests) == 2


@pytest.mark.parametrize("content_type", ["application/pdf", "image/jpeg", "application/json"])
def test_refuses_content_that_is_not_html(server, session, fixed_clock, content_type):
    server.route("/file", (200, {"Content-Type": content_type}, b"%PDF-1.4 binary"))
    with pytest.raises(fa.FetchError, match="not an HTML page"):
        fetch(session, server.url("/file"), fixed_clock)


def test_refuses_unlabelled_binary(server, session, fixed_clock):
    server.route("/blob", (200, {}, b"\x00\x01\x02\x03" * 100))
    with pytest.raises(fa.FetchError, match="not an HTML page"):
        fetch(session, server.url("/blob"), fixed_clock)


def test_charset_only_in_meta(server, session, fixed_clock):
    body = '<html><head><meta charset="windows-1252"></head><body><p>Café “déjà vu”</p></body></html>'.encode("cp1252")
    server.route("/cp1252", (200, {"Content-Type": "text/html"}, body))
    page = fetch(session, server.url("/cp1252"), fixed_clock)
    assert page.body == body
    assert (page.capture.encoding, page.capture.encoding_source) == ("cp1252", "meta")
    assert "Café “déjà vu”" in fa.decode_html(page.body, None)[0]


def test_connection_refused_is_a_fetch_error(session, fixed_clock):
    with pytest.raises(fa.FetchError, match="network error"):
        fetch(fa.build_session(), "http://127.0.0.1:9/", fixed_clock, deadline=2)


def test_the_deadline_bounds_retries_and_their_waits(server, session, fixed_clock):
    route = server.route("/down", (503, {"Retry-After": "20", "Content-Type": "text/plain"}, b"down"))
    started = time.monotonic()
    with pytest.raises(fa.FetchError, match="HTTP 503"):
        fetch(session, server.url("/down"), fixed_clock, deadline=2)
    assert time.monotonic() - started < 3
    assert 1 <= len(route.requests) < 1 + fa.RETRY_ATTEMPTS  # the deadline cut the retries short
