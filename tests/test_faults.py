"""Faults and bad input: the documented exit code, one clear line, nothing half-written."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import tracemalloc

import pytest
import urllib3.connection
from warcio.archiveiterator import ArchiveIterator

import conftest
import fetch_article as fa
from conftest import PAGES, PROJECT, folders_of, html_response

STORY = (PAGES / "cbc_template.html").read_bytes()


def run(argv, clock):
    out = io.StringIO()
    code = fa.main(["--no-images", *argv], clock=clock, stdout=out)
    return code, folders_of(out.getvalue())


def captures(archive):
    """Capture folders and their files, hidden staging folders included."""
    return sorted(str(p.relative_to(archive)) for p in archive.rglob("*") if p.name not in (fa.LOCK_NAME, fa.INDEX_NAME))


def with_peak_memory(call):
    """What call() returns, and the peak of Python's allocations while it ran."""
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def one_error_line(err: str, url: str, words: str) -> bool:
    lines = [line for line in err.splitlines() if url in line]
    return len(lines) == 1 and words in lines[0]


# --- the network

def test_503_twice_then_the_page(server, tmp_path, fixed_clock):
    route = server.route("/flaky", (503, {}, b""), (503, {}, b""), html_response(STORY))
    code, lines = run(["-o", str(tmp_path), server.url("/flaky")], fixed_clock)
    assert code == 0 and len(lines) == 1 and len(route.requests) == 3


def test_429_with_retry_after_then_the_page(server, tmp_path, fixed_clock):
    route = server.route("/busy", (429, {"Retry-After": "1"}, b""), html_response(STORY))
    started = time.monotonic()
    code, _ = run(["-o", str(tmp_path), server.url("/busy")], fixed_clock)
    assert code == 0 and len(route.requests) == 2 and time.monotonic() - started >= 0.9


@pytest.mark.parametrize("status", [404, 410])
def test_gone_pages_are_not_retried(server, tmp_path, fixed_clock, capsys, status):
    route = server.route("/gone", (status, {"Content-Type": "text/html"}, b"<p>no</p>"))
    code, lines = run(["-o", str(tmp_path), server.url("/gone")], fixed_clock)
    assert (code, lines, captures(tmp_path), len(route.requests)) == (3, [], [], 1)
    assert one_error_line(capsys.readouterr().err, server.url("/gone"), f"HTTP {status}")


def _short_body(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    handler.wfile.write(STORY[:1000])
    handler.wfile.flush()
    handler.close_connection = True


def _reset(handler):
    _short_body(handler)
    handler.connection.setsockopt(__import__("socket").SOL_SOCKET, __import__("socket").SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    handler.connection.close()


@pytest.mark.parametrize("answer", [_short_body, _reset], ids=["shorter-than-content-length", "connection-reset"])
def test_a_body_cut_short(server, tmp_path, fixed_clock, capsys, answer):
    server.route("/cut", answer)
    code, lines = run(["-o", str(tmp_path), server.url("/cut")], fixed_clock)
    assert (code, lines, captures(tmp_path)) == (3, [], [])
    assert one_error_line(capsys.readouterr().err, server.url("/cut"), "network error")


def dripping(content_type: str, byte: bytes, every: float):
    """A handler that sends its headers, then one byte of body every `every` seconds for long."""
    def drip(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.end_headers()
        try:
            for _ in range(100):
                handler.wfile.write(byte)
                handler.wfile.flush()
                time.sleep(every)
        except OSError:
            pass
    return drip


def test_a_dripping_server_is_cut_off_at_the_deadline(server, tmp_path, fixed_clock, capsys):
    server.route("/drip", dripping("text/html", b" ", 0.5))
    started = time.monotonic()
    code, _ = run(["--timeout", "5", "-o", str(tmp_path), server.url("/drip")], fixed_clock)
    assert code == 3 and time.monotonic() - started < 6.5
    assert one_error_line(capsys.readouterr().err, server.url("/drip"), "too slow")


def test_https_to_a_plain_http_server_says_so_in_words_and_is_not_retried(server, tmp_path, fixed_clock, capsys, monkeypatch):
    handshakes = []
    wrap = urllib3.connection.ssl_wrap_socket
    monkeypatch.setattr(urllib3.connection, "ssl_wrap_socket", lambda *args, **kwargs: handshakes.append(1) or wrap(*args, **kwargs))
    server.route("/story", html_response(b"<html><body><p>x</p></body></html>"))
    url = server.url("/story").replace("http://", "https://")
    code, _ = run(["-o", str(tmp_path), url], fixed_clock)
    assert code == 3 and len(handshakes) == 1  # the same answer every time: not asked again
    assert one_error_line(capsys.readouterr().err, url, "TLS handshake failed: is this an http:// server?")


def test_a_server_that_never_answers_is_reported_in_the_users_terms(server, tmp_path, fixed_clock, capsys):
    server.route("/hang", lambda handler: time.sleep(3))
    code, _ = run(["--timeout", "2", "-o", str(tmp_path), server.url("/hang")], fixed_clock)
    assert code == 3
    err = capsys.readouterr().err
    assert one_error_line(err, server.url("/hang"), "no answer") and one_error_line(err, server.url("/hang"), "the time limit is 2 s")
    assert "read timeout=" not in err


@pytest.mark.parametrize("location, words", [("/loop", "redirects"), ("ftp://example.com/file", "not http(s)")])
def test_bad_redirects(server, tmp_path, fixed_clock, capsys, location, words):
    server.route("/loop", (302, {"Location": location}, b""))
    code, _ = run(["-o", str(tmp_path), server.url("/loop")], fixed_clock)
    assert (code, captures(tmp_path)) == (3, [])
    assert one_error_line(capsys.readouterr().err, server.url("/loop"), words)


@pytest.mark.parametrize("headers, body", [
    ({"Content-Type": "application/pdf"}, b"%PDF-1.7 ..."),
    ({"Content-Type": "image/jpeg"}, b"\xff\xd8\xff\xe0" + b"\x00" * 100),
    ({}, b"\x00\x01\x02\x03\xff" * 100),
])
def test_not_an_html_page(server, tmp_path, fixed_clock, capsys, headers, body):
    server.route("/file", (200, headers, body))
    code, _ = run(["-o", str(tmp_path), server.url("/file")], fixed_clock)
    assert (code, captures(tmp_path)) == (3, [])
    assert one_error_line(capsys.readouterr().err, server.url("/file"), "not an HTML page")


def test_a_huge_page_stops_at_the_cap_and_memory_stays_small(server, tmp_path, fixed_clock, capsys):
    server.route("/huge", _huge_without_length)
    (code, _), peak = with_peak_memory(lambda: run(["-o", str(tmp_path), server.url("/huge")], fixed_clock))
    assert (code, captures(tmp_path)) == (3, [])
    assert peak < 3 * fa.MAX_PAGE_BYTES  # the 200 MB never gather in memory
    assert one_error_line(capsys.readouterr().err, server.url("/huge"), "too large")


def _huge_without_length(handler):
    """200 MB with no Content-Length: the cap has to be met while reading."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Connection", "close")
    handler.end_headers()
    chunk = b"<p>" + b"x" * 65_532 + b"</p>"
    try:
        for _ in range(200 * 16):
            handler.wfile.write(chunk)
    except OSError:
        pass


def test_a_huge_content_length_is_refused_before_reading(server, tmp_path, fixed_clock, capsys):
    def announced(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(200 * 1024 * 1024))
        handler.end_headers()
    server.route("/announced", announced)
    code, _ = run(["-o", str(tmp_path), server.url("/announced")], fixed_clock)
    assert code == 3 and one_error_line(capsys.readouterr().err, server.url("/announced"), "too large")


# --- the page

@pytest.mark.parametrize("body", [b"", b"<html><body><header><a href='/'>Home</a></header>"
                                      b"<ul><li><a href='/a'>Story one</a></li><li><a href='/b'>Story two</a></li></ul></body></html>"])
def test_no_article(server, tmp_path, fixed_clock, body):
    server.route("/front", html_response(body))
    code, _ = run(["-o", str(tmp_path), server.url("/front")], fixed_clock)
    assert (code, captures(tmp_path)) == (4, [])


@pytest.mark.parametrize("encoding, header", [
    ("cp1252", "text/html"), ("shift_jis", "text/html"), ("cp1252", "text/html; charset=utf-8"),
])
def test_encodings_declared_only_in_the_page_or_wrongly_in_the_header(server, tmp_path, fixed_clock, encoding, header):
    words = {"cp1252": "Café “déjà vu” – naïve façade", "shift_jis": "東京の桜が満開になりました"}[encoding]
    label = {"cp1252": "windows-1252", "shift_jis": "Shift_JIS"}[encoding]
    html = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={label}">'
            f"<title>{words}</title></head><body><article><h1>{words}</h1>"
            f"<p>{words}. {words}. {words}.</p><p>{words}, {words}.</p></article></body></html>")
    server.route("/page", (200, {"Content-Type": header}, html.encode(encoding)))
    out = io.StringIO()
    code = fa.main(["--stdout", server.url("/page")], clock=fixed_clock, stdout=out)
    assert code == 0
    article = __import__("json").loads(out.getvalue())["article"]
    assert article["headline"] == words and words in article["text"]


# --- the command line and the archive

@pytest.mark.parametrize("url, words", [
    ("ftp://example.com/a", "not an http(s) URL"), ("file:///etc/passwd", "not an http(s) URL"),
    ("not a url", "not an http(s) URL"), ("http://[::1/x", "not a valid URL"), ("http://a.example:99999/", "not a valid URL"),
])
def test_urls_that_are_not_http(tmp_path, fixed_clock, capsys, url, words):
    code, _ = run(["-o", str(tmp_path), url], fixed_clock)
    assert (code, captures(tmp_path)) == (2, [])
    assert one_error_line(capsys.readouterr().err, url, words)


@pytest.mark.parametrize("path", ["/a/../../etc/passwd", "/%2e%2e/%2E%2E/x", "/" + "long-" * 400, "/ünï/路径/\u202e/x"])
def test_odd_urls_make_safe_slugs_inside_the_archive(tmp_path, fixed_clock, path):
    url = "https://example.com" + path
    code, lines = run(["--html", str(PAGES / "cbc_template.html"), "-o", str(tmp_path), url], fixed_clock)
    assert code == 0
    folder = tmp_path / lines[0].split(str(tmp_path) + "/")[1]
    assert folder.resolve().parent.parent == tmp_path.resolve()
    assert len(folder.name) <= fa.SLUG_MAX_CHARS and set(folder.name) <= set("abcdefghijklmnopqrstuvwxyz0123456789.-")


def test_archive_not_writable(tmp_path, fixed_clock, monkeypatch, capsys):
    archive = tmp_path / "archive"
    run(["--html", str(PAGES / "cbc_template.html"), "-o", str(archive), "https://a.example/one"], fixed_clock)
    before = captures(archive)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(fa.tempfile, "mkdtemp", refuse)
    code, lines = run(["--html", str(PAGES / "wordpress_post.html"), "-o", str(archive), "https://a.example/two"], fixed_clock)
    assert (code, lines, captures(archive)) == (5, [], before)
    assert one_error_line(capsys.readouterr().err, "https://a.example/two", "Permission denied")


def test_disk_full_while_writing(tmp_path, fixed_clock, monkeypatch):
    archive = tmp_path / "archive"
    run(["--html", str(PAGES / "cbc_template.html"), "-o", str(archive), "https://a.example/one"], fixed_clock)
    before = {p: p.read_bytes() for p in archive.rglob("*") if p.is_file() and p.name != fa.INDEX_NAME}
    real_write = fa._write_file

    def fill_up(path, content):
        if path.name == "capture.warc.gz":
            raise OSError(28, "No space left on device")
        real_write(path, content)
    monkeypatch.setattr(fa, "_write_file", fill_up)
    monkeypatch.setattr(fa, "write_warc", lambda path, *a: fill_up(path, b""))
    code, _ = run(["--html", str(PAGES / "wordpress_post.html"), "-o", str(archive), "https://a.example/two"], fixed_clock)
    assert code == 5
    assert {p: p.read_bytes() for p in archive.rglob("*") if p.is_file() and p.name != fa.INDEX_NAME} == before


def test_a_file_where_the_archive_should_be(tmp_path, fixed_clock):
    blocker = tmp_path / "archive"
    blocker.write_text("not a folder")
    code, _ = run(["--html", str(PAGES / "cbc_template.html"), "-o", str(blocker), "https://a.example/one"], fixed_clock)
    assert code == 5 and blocker.read_text() == "not a folder"


def test_killed_in_the_middle_of_writing(tmp_path):
    """SIGKILL while the capture is being written: no capture folder appears, and the next run
    clears the hidden staging folder the killed run left."""
    archive = tmp_path / "archive"
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(PROJECT)!r})
        import fetch_article as fa
        real = fa._write_file
        def die(path, content):
            real(path, content)
            if path.name == "article.json":
                os.kill(os.getpid(), signal.SIGKILL)
        fa._write_file = die
        fa.main(["--html", {str(PAGES / "cbc_template.html")!r}, "-o", {str(archive)!r}, "https://a.example/one"])
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert result.returncode == -signal.SIGKILL
    day_folders = [p for p in archive.iterdir() if p.is_dir()]
    left = [child.name for day in day_folders for child in day.iterdir()]
    assert left and all(name.startswith(".") and name.endswith(fa.STAGING_SUFFIX) for name in left), left
    code, lines = run(["--html", str(PAGES / "cbc_template.html"), "-o", str(archive), "https://a.example/one"],
                      lambda: fa.datetime.now(fa.timezone.utc))
    assert code == 0
    assert not [p for p in archive.rglob(".*.partial")]


def test_several_urls_one_failing(server, tmp_path, fixed_clock):
    server.route("/good", html_response(STORY))
    server.route("/bad", (500, {}, b""))
    code, lines = run(["-o", str(tmp_path), server.url("/bad"), server.url("/good")], fixed_clock)
    assert code == 3 and len(lines) == 1 and os.path.isdir(lines[0])


# --- one wall-clock budget per URL (--timeout bounds everything a URL costs)

def _headers_a_byte_at_a_time(handler):
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"x" * 100 + b"\r\n\r\n"
    try:
        for byte in head:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(0.3)
    except OSError:
        pass
    handler.close_connection = True


def test_headers_dripping_a_byte_at_a_time_are_cut_at_the_timeout(server, tmp_path, fixed_clock, capsys):
    server.route("/drip-head", _headers_a_byte_at_a_time)
    started = time.monotonic()
    code, lines = run(["--timeout", "5", "-o", str(tmp_path), server.url("/drip-head")], fixed_clock)
    assert (code, lines, captures(tmp_path)) == (3, [], [])
    assert time.monotonic() - started < 6.5
    assert one_error_line(capsys.readouterr().err, server.url("/drip-head"), "too slow")


def test_slow_redirects_share_one_budget(server, tmp_path, fixed_clock, capsys):
    def slow_hop(target):
        def answer(handler):
            time.sleep(1.1)
            with contextlib.suppress(OSError):  # the client may have given up
                handler._send(302, {"Location": target}, b"")
        return answer
    for hop in range(10):
        server.route(f"/hop{hop}", slow_hop(f"/hop{hop + 1}"))
    server.route("/hop10", html_response(STORY))
    started = time.monotonic()
    code, lines = run(["--timeout", "5", "-o", str(tmp_path), server.url("/hop0")], fixed_clock)
    assert (code, lines, captures(tmp_path)) == (3, [], [])
    assert time.monotonic() - started < 6.5
    assert one_error_line(capsys.readouterr().err, server.url("/hop0"), "too slow")


def story_with_figures(srcs) -> bytes:
    """A plain article with one figure per image address."""
    paragraphs = "".join(f"<p>Paragraph {n} of the story, long enough to count as body text for sure.</p>" for n in range(6))
    figures = "".join(f"<figure><img src='{src}' alt='Picture {n}'><figcaption>Picture {n} of the scene. (Photo: Agency)</figcaption></figure>"
                      for n, src in enumerate(srcs))
    return (f"<html><head><title>A story with pictures</title></head><body><article><h1>A story with pictures</h1>"
            f"{figures}{paragraphs}</article></body></html>").encode()


def run_with_images(argv, clock):
    out = io.StringIO()
    code = fa.main(argv, clock=clock, stdout=out)
    return code, folders_of(out.getvalue())


def archived_images(lines, archive):
    folder = archive / lines[0].split(str(archive) + "/")[1]
    return folder, json.loads((folder / "article.json").read_text(encoding="utf-8"))["images"]


def test_dripping_images_share_the_urls_budget(server, tmp_path, fixed_clock, capsys):
    for n in range(5):
        server.route(f"/img/{n}.jpg", dripping("image/jpeg", b"\xff", 0.3))
    server.route("/story", html_response(story_with_figures([server.url(f"/img/{n}.jpg") for n in range(5)])))
    started = time.monotonic()
    code, lines = run_with_images(["--timeout", "5", "-o", str(tmp_path), server.url("/story")], fixed_clock)
    assert code == 0 and time.monotonic() - started < 6.5
    folder, images = archived_images(lines, tmp_path)
    assert [image["file"] for image in images] == [None] * 5
    assert all("time limit" in image["error"] for image in images)
    assert not (folder / "images").exists()
    assert capsys.readouterr().err == ""  # a good night: the article is archived, cron mails nothing
    run_with_images(["-v", "--force", "--timeout", "5", "-o", str(tmp_path), server.url("/story")], fixed_clock)
    err = [line for line in capsys.readouterr().err.splitlines() if "images not saved" in line]
    assert len(err) == 1 and "5 of 5 images not saved" in err[0]


spec = importlib.util.spec_from_file_location("hostile_bench", PROJECT / "bench" / "hostile.py")
hostile = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hostile)


@pytest.mark.parametrize("name", list(hostile.HOSTILE_PAGES))
def test_hostile_pages_take_linear_time(tmp_path, fixed_clock, name):
    """Each of these took from 2.3 s to 218 s when a pass was quadratic; linear, they take well
    under a second (bench/hostile.py prints the times). The ceiling is only generous against a
    noisy machine: it still catches any return of the quadratic passes."""
    page = tmp_path / "page.html"
    page.write_bytes(hostile.HOSTILE_PAGES[name]())
    out = io.StringIO()
    started = time.monotonic()
    code = fa.main(["--stdout", "--html", str(page), "https://example.com/news/story"], clock=fixed_clock, stdout=out)
    assert code == 0 and json.loads(out.getvalue())["article"]["text"]
    assert time.monotonic() - started < 2.0


# --- images: bounded, and kept off the private network

def test_images_are_capped_in_number_and_bytes_and_streamed(server, tmp_path, fixed_clock, monkeypatch):
    monkeypatch.setattr(fa, "MAX_IMAGES", 4)
    monkeypatch.setattr(fa, "MAX_IMAGES_TOTAL_BYTES", 2_500_000)
    picture = b"\xff\xd8" + b"\x01" * 999_998  # 1 MB each
    for n in range(6):
        server.route(f"/img/{n}.jpg", (200, {"Content-Type": "image/jpeg"}, picture))
    server.route("/story", html_response(story_with_figures([server.url(f"/img/{n}.jpg") for n in range(6)])))
    (code, lines), peak = with_peak_memory(lambda: run_with_images(["-o", str(tmp_path), server.url("/story")], fixed_clock))
    assert code == 0
    folder, images = archived_images(lines, tmp_path)
    assert [image["file"] is not None for image in images] == [True, True, False, False, False, False]
    assert images[2]["error"] == "too large: the capture's images reached the 2,500,000-byte cap"  # cut off, file removed
    assert images[3]["error"] == "not fetched: the capture's images reached the 2,500,000-byte cap"
    assert images[4]["error"] == images[5]["error"] == "not fetched: a capture takes at most 4 images"
    assert sorted(p.name for p in (folder / "images").iterdir()) == ["01-0.jpg", "02-1.jpg"]
    assert peak < 2_000_000  # bodies go to disk piece by piece, never whole in memory


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_image_host_is_tried_once_a_run(server, tmp_path, fixed_clock, monkeypatch, capsys):
    monkeypatch.setattr(fa, "is_public_address", lambda address: True)  # let loopback stand in for the internet
    dead = f"http://127.0.0.1:{_closed_port()}"
    attempts = []
    real_connect = fa.GuardedConnection.connect
    monkeypatch.setattr(fa.GuardedConnection, "connect", lambda self: attempts.append(self.port) or real_connect(self))
    for story in ("one", "two"):
        server.route(f"/{story}", html_response(story_with_figures([f"{dead}/{story}-{n}.jpg" for n in range(3)])))
    code, lines = run_with_images(["-v", "-o", str(tmp_path), server.url("/one"), server.url("/two")], fixed_clock)
    assert code == 0 and len(lines) == 2
    errors = [image["error"] for line in lines for image in archived_images([line], tmp_path)[1]]
    assert len(errors) == 6
    assert "refused" in errors[0].lower()
    assert all("could not be reached earlier in this run" in error for error in errors[1:])
    dead_port = int(dead.rsplit(":", 1)[1])
    assert attempts.count(dead_port) == 1 + fa.RETRY_ATTEMPTS  # the first image's tries only
    err = [line for line in capsys.readouterr().err.splitlines() if "images not saved" in line]
    assert len(err) == 2  # with -v, one line per capture, not one per image


def test_an_image_on_the_private_network_is_refused_unless_it_is_the_pages_own_site(server, tmp_path, fixed_clock):
    other = conftest.LoopbackServer()
    other.thread.start()
    try:
        secret = other.route("/secret.jpg", (200, {"Content-Type": "image/jpeg"}, b"\xff\xd8secret"))
        server.route("/own.jpg", (200, {"Content-Type": "image/jpeg"}, b"\xff\xd8own"))
        server.route("/bounce.jpg", (302, {"Location": other.url("/secret.jpg")}, b""))
        srcs = [server.url("/own.jpg"), other.url("/secret.jpg"), server.url("/bounce.jpg"),
                "http://169.254.169.254/latest/meta-data.jpg", "http://[::1]:9/x.jpg"]
        server.route("/story", html_response(story_with_figures(srcs)))
        code, lines = run_with_images(["-o", str(tmp_path), server.url("/story")], fixed_clock)
    finally:
        other.httpd.shutdown()
        other.httpd.server_close()
    assert code == 0
    _, images = archived_images(lines, tmp_path)
    assert images[0]["file"] == "images/01-own.jpg"
    assert [image["file"] for image in images[1:]] == [None] * 4
    assert all(image["error"].startswith("refused:") and "private network" in image["error"] for image in images[1:])
    assert secret.requests == []  # not even the redirect got through


def test_an_image_address_that_cannot_be_parsed_is_skipped(server, tmp_path, fixed_clock):
    server.route("/ok.jpg", (200, {"Content-Type": "image/jpeg"}, b"\xff\xd8ok"))
    server.route("/story", html_response(story_with_figures(["http://[::1/x.jpg", server.url("/ok.jpg")])))
    code, lines = run_with_images(["-o", str(tmp_path), server.url("/story")], fixed_clock)
    assert code == 0
    folder, images = archived_images(lines, tmp_path)
    assert [image["file"] for image in images] == ["images/01-ok.jpg"]
    assert "Paragraph 5 of the story" in (folder / "article.md").read_text(encoding="utf-8")


def test_an_image_reached_through_a_redirect_keeps_the_redirect_in_the_warc(server, tmp_path, fixed_clock):
    server.route("/old.jpg", (301, {"Location": "/new.jpg"}, b""))
    server.route("/new.jpg", (200, {"Content-Type": "image/jpeg"}, b"\xff\xd8new"))
    server.route("/story", html_response(story_with_figures([server.url("/old.jpg")])))
    code, lines = run_with_images(["-o", str(tmp_path), server.url("/story")], fixed_clock)
    folder, _ = archived_images(lines, tmp_path)
    with open(folder / "capture.warc.gz", "rb") as stream:
        records = [(record.rec_type, record.rec_headers.get_header("WARC-Target-URI"),
                    record.content_stream().read() if record.rec_type == "response" else None)
                   for record in ArchiveIterator(stream)]
    assert ("response", server.url("/new.jpg"), b"\xff\xd8new") in records
    assert any(kind == "response" and uri == server.url("/old.jpg") for kind, uri, _ in records)
    assert ("request", server.url("/old.jpg"), None) in records


# --- a batch goes on, whatever one URL does

def test_a_bug_with_one_url_is_named_and_the_batch_goes_on(tmp_path, fixed_clock, monkeypatch, capsys):
    real = fa.extract_quotes

    def buggy(blocks):
        if any("Sable Island" in block.text for block in blocks):
            raise TypeError("unsupported operand type(s) for +: 'int' and 'str'")
        return real(blocks)
    monkeypatch.setattr(fa, "extract_quotes", buggy)
    archive = tmp_path / "archive"
    code, lines = run(["--html", str(PAGES / "cbc_template.html"), "-o", str(archive), "https://a.example/one"], fixed_clock)
    assert (code, lines) == (fa.ExitCode.INTERNAL_ERROR, [])
    assert [p for p in archive.rglob("*") if p.is_dir()] == []  # nothing half-written
    err = capsys.readouterr().err
    assert one_error_line(err, "https://a.example/one", "internal error: TypeError: unsupported operand")
    assert "Traceback" not in err
    code, _ = run(["-v", "--html", str(PAGES / "cbc_template.html"), "-o", str(archive), "https://a.example/one"], fixed_clock)
    assert code == fa.ExitCode.INTERNAL_ERROR and "Traceback" in capsys.readouterr().err
    entry = json.loads((archive / fa.INDEX_NAME).read_text(encoding="utf-8").splitlines()[-1])
    assert entry["status"] == "failed" and entry["error"].startswith("internal error: TypeError")


def test_a_bug_in_a_batch_does_not_stop_the_next_url(server, tmp_path, fixed_clock, monkeypatch):
    real = fa.extract_article
    monkeypatch.setattr(fa, "extract_article", lambda html, url: (_ for _ in ()).throw(KeyError("boom")) if "bad" in url else real(html, url))
    server.route("/bad", html_response(STORY))
    server.route("/good", html_response(STORY))
    code, lines = run(["-o", str(tmp_path), server.url("/bad"), server.url("/good")], fixed_clock)
    assert code == fa.ExitCode.INTERNAL_ERROR and len(lines) == 1 and "good" in lines[0]


def test_extract_article_lets_its_own_bugs_show(monkeypatch):
    monkeypatch.setattr(fa, "extract_quotes", lambda blocks: None + 1)
    with pytest.raises(TypeError):
        fa.extract_article(STORY, "https://a.example/one")


@pytest.mark.parametrize("damage", [
    ("article.json", b"[]"), ("article.json", b'{"capture": null}'), ("article.json", b'{"schema_version": 1, "capt'),
    ("article.md", b"\xff\xfe not UTF-8 \x80"),
])
def test_a_damaged_earlier_capture_is_passed_over(tmp_path, fixed_clock, capsys, damage):
    archive = tmp_path / "archive"
    argv = ["--force", "--html", str(PAGES / "cbc_template.html"), "-o", str(archive), "https://a.example/one"]
    code, first = run(argv, fixed_clock)
    damaged = archive / first[0].split(str(archive) + "/")[1]
    (damaged / damage[0]).write_bytes(damage[1])
    before = {p: p.read_bytes() for p in damaged.rglob("*") if p.is_file()}
    code, second = run(argv, fixed_clock)
    assert code == 0 and second != first
    assert {p: p.read_bytes() for p in damaged.rglob("*") if p.is_file()} == before
    assert "damaged" in capsys.readouterr().err
    assert (archive / second[0].split(str(archive) + "/")[1] / "article.json").is_file()


# --- the archive is the only place written

def test_a_symlinked_lock_or_index_is_not_followed(tmp_path, fixed_clock, capsys):
    outside = tmp_path / "outside.txt"
    outside.write_text("precious\n")
    for name, expected_code in ((fa.LOCK_NAME, 5), (fa.INDEX_NAME, 5)):
        archive = tmp_path / f"archive-{name.strip('.')}"
        archive.mkdir()
        (archive / name).symlink_to(outside)
        code, _ = run(["--html", str(PAGES / "cbc_template.html"), "-o", str(archive), "https://a.example/one"], fixed_clock)
        assert code == expected_code
        assert outside.read_text() == "precious\n"
        assert "symbolic link" in capsys.readouterr().err


def test_stale_staging_is_never_cleared_through_a_symlinked_day_folder(tmp_path, fixed_clock):
    outside = tmp_path / "elsewhere"
    (outside / ".keep.abc.partial").mkdir(parents=True)
    (outside / ".keep.abc.partial" / "data").write_text("not the archive's")
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "2020-01-01").symlink_to(outside, target_is_directory=True)
    code, _ = run(["--html", str(PAGES / "cbc_template.html"), "-o", str(archive), "https://a.example/one"], fixed_clock)
    assert code == 0
    assert (outside / ".keep.abc.partial" / "data").read_text() == "not the archive's"


def test_captures_are_never_written_through_a_symlinked_day_folder(tmp_path, fixed_clock, capsys):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / fa.day_folder(archive, fixed_clock()).name).symlink_to(outside, target_is_directory=True)
    code, _ = run(["--html", str(PAGES / "cbc_template.html"), "-o", str(archive), "https://a.example/one"], fixed_clock)
    assert code == 5 and list(outside.iterdir()) == []
    assert one_error_line(capsys.readouterr().err, "https://a.example/one", "symbolic link")


def test_a_short_write_to_the_index_is_undone(tmp_path, fixed_clock, monkeypatch, capsys):
    archive = tmp_path / "archive"
    argv = ["--force", "--html", str(PAGES / "cbc_template.html"), "-o", str(archive), "https://a.example/one"]
    run(argv, fixed_clock)
    index = archive / fa.INDEX_NAME
    before = index.read_bytes()
    real_write = os.write

    def half(descriptor, data):
        if os.readlink(f"/proc/self/fd/{descriptor}").endswith(fa.INDEX_NAME):
            return real_write(descriptor, data[: len(data) // 2])
        return real_write(descriptor, data)
    monkeypatch.setattr(fa.os, "write", half)
    code, _ = run(argv, fixed_clock)
    assert code == 5 and index.read_bytes() == before
    assert "cannot append" in capsys.readouterr().err
    monkeypatch.setattr(fa.os, "write", real_write)
    code, _ = run(argv, fixed_clock)
    assert code == 0
    assert [json.loads(line)["status"] for line in index.read_text(encoding="utf-8").splitlines()] == ["archived", "archived"]


def test_a_torn_index_line_stays_on_its_own(tmp_path, fixed_clock):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / fa.INDEX_NAME).write_bytes(b'{"url": "https://a.example/torn", "sta')
    run(["--html", str(PAGES / "cbc_template.html"), "-o", str(archive), "https://a.example/one"], fixed_clock)
    last = (archive / fa.INDEX_NAME).read_text(encoding="utf-8").splitlines()[-1]
    assert json.loads(last)["url"] == "https://a.example/one"


@pytest.fixture
def full_disk(tmp_path):
    """A file system with no room left: a tiny tmpfs, filled (needs root; skipped elsewhere)."""
    mount_point = tmp_path / "full"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(mount_point)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        with contextlib.suppress(OSError), open(mount_point / "filler", "wb") as filler:
            filler.write(b"\0" * 1024 * 1024)
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)


def test_a_full_disk_on_a_new_archive(full_disk, fixed_clock, capsys):
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(PROJECT)!r})
        import fetch_article as fa
        raise SystemExit(fa.main(["--html", {str(PAGES / "cbc_template.html")!r}, "-o", {str(full_disk / "archive")!r}, "https://a.example/one"]))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60, text=True)
    assert result.returncode == 5
    assert "Traceback" not in result.stderr and "No space left on device" in result.stderr
    assert [p.name for p in (full_disk / "archive").rglob("*") if p.is_dir()] == []


def test_the_capture_and_its_day_folder_are_synced_after_the_rename(tmp_path, fixed_clock, monkeypatch):
    synced = []
    real_fsync = os.fsync

    def record(descriptor):
        synced.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        real_fsync(descriptor)
    monkeypatch.setattr(fa.os, "fsync", record)
    archive = tmp_path / "archive"
    code, lines = run(["--html", str(PAGES / "cbc_template.html"), "-o", str(archive), "https://a.example/one"], fixed_clock)
    folder = archive / lines[0].split(str(archive) + "/")[1]
    assert code == 0
    assert str(folder.resolve()) in synced and str(folder.parent.resolve()) in synced
