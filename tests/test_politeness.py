"""Concurrent, polite fetching: -j workers, one request at a time per host, the delay between a
host's pages, Retry-After held per host, and captures numbered under a lock."""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import threading
import time

import pytest

import fetch_article as fa
from conftest import LoopbackServer, folders_of, html_response

LATENCY = 0.15  # each answer's think time: long enough for workers to overlap if they would
DELAY = 0.3


def article_html(title: str, canonical: str = "") -> bytes:
    link = f"<link rel='canonical' href='{canonical}'>" if canonical else ""
    paragraphs = "".join(f"<p>Paragraph {n} of {title}, with commas, clauses, and words enough to be read.</p>"
                         for n in range(4))
    return (f"<html><head><title>{title}</title>{link}</head><body><article><h1>{title}</h1>{paragraphs}"
            f"</article></body></html>").encode()


class Log:
    """When each request to each server began and ended."""

    def __init__(self):
        self.lock = threading.Lock()
        self.visits: dict[int, list[tuple[float, float, str]]] = {}

    def slow(self, port: int, body: bytes, content_type: str = "text/html; charset=utf-8"):
        def answer(handler):
            began = time.monotonic()
            time.sleep(LATENCY)
            handler._send(200, {"Content-Type": content_type}, body)
            with self.lock:
                self.visits.setdefault(port, []).append((began, time.monotonic(), handler.path))
        return answer


@pytest.fixture
def hosts():
    servers = [LoopbackServer() for _ in range(3)]
    for server in servers:
        server.thread.start()
    yield servers
    for server in servers:
        server.httpd.shutdown()
        server.httpd.server_close()


def run(argv, clock):
    out = io.StringIO()
    code = fa.main(argv, clock=clock, stdout=out)
    return code, folders_of(out.getvalue())


def test_workers_share_the_hosts_but_never_a_host_at_once(hosts, tmp_path, fixed_clock):
    log = Log()
    urls = []
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    for number, server in enumerate(hosts):
        port = server.httpd.server_address[1]
        server.route("/img/pic.png", log.slow(port, png, "image/png"))
        for story in range(3):
            page = article_html(f"Story {number}-{story}").replace(
                b"</article>", b"<figure><img src='/img/pic.png'><figcaption>A picture.</figcaption></figure></article>")
            server.route(f"/story-{story}", log.slow(port, page))
            urls.append(server.url(f"/story-{story}"))
    started = time.monotonic()
    code, folders = run(["-j", "3", "--host-delay", str(DELAY), "-o", str(tmp_path), *urls], fixed_clock)
    elapsed = time.monotonic() - started
    assert code == 0 and len(folders) == 9
    for visits in log.visits.values():
        visits.sort()
        assert len(visits) == 6  # three pages, each with its picture
        for (_, ended, _), (began, _, path) in zip(visits, visits[1:]):
            assert began >= ended  # never two at once
            if path.startswith("/story"):
                assert began - ended >= DELAY - 0.01  # the pause before each next page
    # Sequentially: 18 answers of LATENCY and 6 pauses per host... the three hosts side by side take a third.
    sequential = 18 * LATENCY + 3 * 2 * DELAY
    assert elapsed < sequential * 0.75


def test_a_host_that_asks_to_wait_is_waited_for_by_every_worker(hosts, tmp_path, fixed_clock):
    server = hosts[0]
    asked: list[float] = []

    def busy_then_fine(handler):
        asked.append(time.monotonic())
        if len(asked) == 1:
            handler._send(429, {"Content-Type": "text/plain", "Retry-After": "2"}, b"slow down")
        else:
            handler._send(200, {"Content-Type": "text/html; charset=utf-8"}, article_html(f"Story {len(asked)}"))
    for story in range(3):
        server.route(f"/story-{story}", busy_then_fine)
    urls = [server.url(f"/story-{story}") for story in range(3)]
    code, folders = run(["-j", "3", "--host-delay", "0", "--timeout", "1", "-o", str(tmp_path), *urls], fixed_clock)
    # the first URL's budget (1 s) has no room for a 2 s wait: it fails with the 429, and the
    # host is then held for 2 s before the next URL is asked for
    assert code == fa.ExitCode.FETCH_FAILED and len(folders) == 2
    assert asked[1] - asked[0] >= 1.9


def test_one_story_reached_at_two_hosts_at_once_is_one_capture(hosts, tmp_path, fixed_clock):
    log = Log()
    canonical = hosts[0].url("/story")
    for server in hosts[:2]:
        server.route("/story", log.slow(server.httpd.server_address[1], article_html("One story", canonical)))
    urls = [server.url("/story") for server in hosts[:2]]
    code, folders = run(["-j", "2", "-o", str(tmp_path), *urls], fixed_clock)
    assert code == 0 and len(folders) == 2 and folders[0] == folders[1]  # one archived, one unchanged: the same folder
    assert len([path for path in tmp_path.glob("*/*") if path.is_dir()]) == 1


def test_the_default_is_several_workers_and_a_pause_of_a_second():
    options = fa.build_parser().parse_args([])
    assert (options.jobs, options.host_delay) == (fa.DEFAULT_JOBS, 1.0) and fa.DEFAULT_JOBS > 1
    assert fa.main(["-j", "0"]) == fa.ExitCode.USAGE
    assert fa.main(["--host-delay", "-1"]) == fa.ExitCode.USAGE


def test_ctrl_c_finishes_the_urls_in_hand_and_starts_no_other(hosts, tmp_path):
    log = Log()
    urls = []
    for number, server in enumerate(hosts[:2]):
        port = server.httpd.server_address[1]
        for story in range(3):
            server.route(f"/story-{story}", log.slow(port, article_html(f"Story {number}-{story}")))
            urls.append(server.url(f"/story-{story}"))
    command = [sys.executable, str(fa.Path(fa.__file__)), "-j", "2", "--host-delay", "0.5", "-o", str(tmp_path / "a"), *urls]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while len([visit for visits in log.visits.values() for visit in visits]) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)  # both workers have had a page answered: each is mid-URL or between
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == fa.ExitCode.INTERRUPTED
    assert "interrupted" in err and "Traceback" not in err
    captures = [path for path in (tmp_path / "a").glob("*/*") if path.is_dir()]
    assert all((path / "article.json").is_file() and (path / "capture.warc.gz").is_file() for path in captures)
    assert len(captures) == len(out.splitlines()) < len(urls)  # what was started was finished; nothing else began
    assert not list((tmp_path / "a").glob("*/.*"))  # no staging folder left behind


def test_two_nights_of_a_feed_over_several_hosts(hosts, tmp_path, fixed_clock, monkeypatch):
    # The hosts stand for sites on the internet: a feed may not lead to another site on a private address
    monkeypatch.setattr(fa, "is_public_address", lambda address: True)
    log = Log()
    links = []
    for number, server in enumerate(hosts):
        port = server.httpd.server_address[1]
        for story in range(2):
            server.route(f"/story-{story}", log.slow(port, article_html(f"Story {number}-{story}")))
            links.append(server.url(f"/story-{story}"))
    feed = hosts[0]
    items = "".join(f"<url><loc>{link}</loc></url>" for link in links)
    feed.route("/sitemap.xml", (200, {"Content-Type": "application/xml"}, f"<urlset>{items}</urlset>".encode()))
    argv = ["-j", "3", "--host-delay", str(DELAY), "-o", str(tmp_path), "--feed", feed.url("/sitemap.xml")]
    code, first = run(argv, fixed_clock)
    assert code == 0 and len(set(first)) == 6
    assert_polite(log)
    log.visits.clear()
    # the second night: one story changed, one added (the feed lists it)
    port = hosts[1].httpd.server_address[1]
    hosts[1].route("/story-0", log.slow(port, article_html("Story 1-0, corrected")))
    hosts[2].route("/story-2", log.slow(hosts[2].httpd.server_address[1], article_html("Story 2-2")))
    items += f"<url><loc>{hosts[2].url('/story-2')}</loc></url>"
    feed.route("/sitemap.xml", (200, {"Content-Type": "application/xml"}, f"<urlset>{items}</urlset>".encode()))
    code, second = run(argv, fixed_clock)
    assert code == 0 and len(second) == 7
    new = sorted(set(second) - set(first))
    assert len(new) == 2  # the corrected story's new version and the added story; the rest unchanged
    assert_polite(log)


def assert_polite(log: Log) -> None:
    """No two requests at once to a host, and the delay between one's end and the next's start."""
    for visits in log.visits.values():
        visits.sort()
        for (_, ended, _), (began, _, _) in zip(visits, visits[1:]):
            assert began - ended >= DELAY - 0.01


def test_a_feed_cannot_lead_to_another_site_on_a_private_address(hosts, tmp_path, fixed_clock):
    feed, private = hosts[0], hosts[1]
    private.route("/admin", html_response(article_html("The router's admin page")))
    feed.route("/own", html_response(article_html("A story on the feed's own site")))
    items = f"<url><loc>{private.url('/admin')}</loc></url><url><loc>{feed.url('/own')}</loc></url>"
    feed.route("/sitemap.xml", (200, {"Content-Type": "application/xml"}, f"<urlset>{items}</urlset>".encode()))
    code, folders = run(["--host-delay", "0", "-o", str(tmp_path), "--feed", feed.url("/sitemap.xml")], fixed_clock)
    # the feed's own site is as trusted as the feed; the other's robots.txt is refused before a byte is
    # sent, so its URL is skipped with a warning
    assert code == 0 and len(folders) == 1 and "own" in folders[0]
    assert not private.routes["/admin"].requests and "/robots.txt" not in private.routes
