"""Faults and bad input: the documented exit code, one clear line, nothing half-written."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
import time
import tracemalloc

import pytest

import fetch_article as fa
from conftest import PAGES, PROJECT, html_response

STORY = (PAGES / "cbc_template.html").read_bytes()


def run(argv, clock):
    out = io.StringIO()
    code = fa.main(["--no-images", *argv], clock=clock, stdout=out)
    return code, out.getvalue().splitlines()


def captures(archive):
    """Capture folders and their files, hidden staging folders included."""
    return sorted(str(p.relative_to(archive)) for p in archive.rglob("*") if p.name not in (fa.LOCK_NAME, fa.INDEX_NAME))


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


def test_a_dripping_server_is_cut_off_at_the_deadline(server, tmp_path, fixed_clock, capsys):
    def drip(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        try:
            for _ in range(100):
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(0.5)
        except OSError:
            pass
    server.route("/drip", drip)
    started = time.monotonic()
    code, _ = run(["--timeout", "5", "-o", str(tmp_path), server.url("/drip")], fixed_clock)
    assert code == 3 and time.monotonic() - started < 6.5
    assert one_error_line(capsys.readouterr().err, server.url("/drip"), "too slow")


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
    tracemalloc.start()
    try:
        code, _ = run(["-o", str(tmp_path), server.url("/huge")], fixed_clock)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
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

@pytest.mark.parametrize("url", ["ftp://example.com/a", "file:///etc/passwd", "not a url"])
def test_urls_that_are_not_http(tmp_path, fixed_clock, capsys, url):
    code, _ = run(["-o", str(tmp_path), url], fixed_clock)
    assert (code, captures(tmp_path)) == (2, [])
    assert one_error_line(capsys.readouterr().err, url, "not an http(s) URL")


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
    assert all(child.name.startswith(".") for day in day_folders for child in day.iterdir())
    code, lines = run(["--html", str(PAGES / "cbc_template.html"), "-o", str(archive), "https://a.example/one"],
                      lambda: fa.datetime.now(fa.timezone.utc))
    assert code == 0
    assert not [p for p in archive.rglob(".*.partial")]


def test_several_urls_one_failing(server, tmp_path, fixed_clock):
    server.route("/good", html_response(STORY))
    server.route("/bad", (500, {}, b""))
    code, lines = run(["-o", str(tmp_path), server.url("/bad"), server.url("/good")], fixed_clock)
    assert code == 3 and len(lines) == 1 and os.path.isdir(lines[0])
