"""The nightly job: versions, conditional requests, WARC, images, the lock and the index."""

from __future__ import annotations

import hashlib
import io
import json
import threading
import time
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

import fetch_article as fa
from conftest import PAGES, folders_of, html_response

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # enough of a PNG for a server to serve


def page_bytes(server, text_change: tuple[str, str] | None = None) -> bytes:
    html = (PAGES / "cbc_template.html").read_text(encoding="utf-8").replace("https://i.cbc.ca/", server.url("/img/"))
    if text_change:
        html = html.replace(*text_change)
    return html.encode("utf-8")


def serve_story(server, body: bytes, etag: str = '"v1"'):
    server.route("/img/sable-light.jpg", (200, {"Content-Type": "image/jpeg"}, PNG))
    server.route("/img/sable-horses.jpg", (200, {"Content-Type": "image/jpeg"}, PNG[::-1]))

    def answer(handler):
        if handler.headers.get("If-None-Match") == etag:
            handler.send_response(304)
            handler.send_header("ETag", etag)
            handler.end_headers()
            return
        handler._send(200, {"Content-Type": "text/html; charset=utf-8", "ETag": etag,
                            "Last-Modified": "Mon, 02 Mar 2025 14:30:00 GMT"}, body)
    return server.route("/story", answer)


def run(argv, clock):
    out = io.StringIO()
    code = fa.main(argv, clock=clock, stdout=out)
    return code, folders_of(out.getvalue())


def snapshot(folder):
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.rglob("*") if path.is_file()}


def index_lines(archive):
    return [json.loads(line) for line in (archive / fa.INDEX_NAME).read_text(encoding="utf-8").splitlines()]


def test_second_run_asks_conditionally_and_writes_nothing(server, tmp_path, fixed_clock):
    route = serve_story(server, page_bytes(server))
    code, first = run(["-o", str(tmp_path), server.url("/story")], fixed_clock)
    assert code == 0 and len(first) == 1
    before = snapshot(tmp_path)
    code, second = run(["-o", str(tmp_path), server.url("/story")], fixed_clock)
    assert code == 0 and second == first  # stdout names the latest capture's folder
    assert route.requests[-1]["If-None-Match"] == '"v1"'
    assert route.requests[-1]["If-Modified-Since"] == "Mon, 02 Mar 2025 14:30:00 GMT"
    after = snapshot(tmp_path)
    assert {k: v for k, v in after.items() if k != fa.INDEX_NAME} == {k: v for k, v in before.items() if k != fa.INDEX_NAME}
    folder = first[0].split(str(tmp_path) + "/")[1]
    assert [(line["status"], line["folder"]) for line in index_lines(tmp_path)] == [
        ("archived", folder), ("unchanged", folder)]


def test_same_article_in_a_new_page_is_unchanged(server, tmp_path, fixed_clock):
    serve_story(server, page_bytes(server), etag='"v1"')
    run(["--no-images", "-o", str(tmp_path), server.url("/story")], fixed_clock)
    # the page changes (a new ETag, a widget timestamp, curly quotes) but the article does not
    serve_story(server, page_bytes(server, ('"We missed having eyes', '“We missed having eyes'))
                .replace(b"</body>", b"<div class='widget'>Updated 12:03:44</div></body>"), etag='"v2"')
    code, lines = run(["--no-images", "-o", str(tmp_path), server.url("/story")], fixed_clock)
    assert code == 0
    assert [line["status"] for line in index_lines(tmp_path)] == ["archived", "unchanged"]
    assert len(list(tmp_path.glob("2026-11-25/*"))) == 1


def test_changed_article_gets_a_new_folder_with_a_diff(server, tmp_path, fixed_clock):
    serve_story(server, page_bytes(server), etag='"v1"')
    _, first = run(["--no-images", "-o", str(tmp_path), server.url("/story")], fixed_clock)
    first_folder = tmp_path / first[0].split(str(tmp_path) + "/")[1]
    before = snapshot(first_folder)
    serve_story(server, page_bytes(server, ("Applications close at the end of the month",
                                            "Applications close on April 15")), etag='"v2"')
    code, second = run(["--no-images", "-o", str(tmp_path), server.url("/story")], fixed_clock)
    assert code == 0 and second[0] == first[0] + "-2"
    second_folder = tmp_path / second[0].split(str(tmp_path) + "/")[1]
    diff = (second_folder / "changes.diff").read_text(encoding="utf-8")
    assert "-Applications close at the end of the month, the agency said in a release." in diff
    assert "+Applications close on April 15, the agency said in a release." in diff
    document = json.loads((second_folder / "article.json").read_text(encoding="utf-8"))
    assert document["changes"] == {"previous": str(first_folder.relative_to(tmp_path)), "fields": ["text"]}
    assert snapshot(first_folder) == before  # earlier captures are never touched


def test_force_captures_an_unchanged_article(server, tmp_path, fixed_clock):
    route = serve_story(server, page_bytes(server))
    run(["--no-images", "-o", str(tmp_path), server.url("/story")], fixed_clock)
    code, lines = run(["--force", "--no-images", "-o", str(tmp_path), server.url("/story")], fixed_clock)
    assert code == 0 and lines[0].endswith("-2")
    assert "If-None-Match" not in route.requests[-1]  # --force asks unconditionally
    assert not (Path(lines[0]) / "changes.diff").exists()  # nothing changed: no empty diff


def test_warc_holds_the_exchange_and_the_page_byte_for_byte(server, tmp_path, fixed_clock):
    serve_story(server, page_bytes(server))
    server.route("/old-story", (301, {"Location": "/story"}, b""))
    _, lines = run(["-o", str(tmp_path), server.url("/old-story")], fixed_clock)
    folder = tmp_path / lines[0].split(str(tmp_path) + "/")[1]
    records = []
    with open(folder / "capture.warc.gz", "rb") as stream:
        for record in ArchiveIterator(stream):
            records.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI"),
                            record.http_headers.get_statuscode() if record.rec_type == "response" else None,
                            record.content_stream().read() if record.rec_type == "response" else b""))
    kinds = [(kind, uri, status) for kind, uri, status, _ in records]
    assert ("response", server.url("/old-story"), "301") in kinds
    assert ("request", server.url("/old-story"), None) in kinds
    assert ("request", server.url("/story"), None) in kinds
    page = next(body for kind, uri, status, body in records if uri == server.url("/story") and kind == "response")
    assert page == (folder / "page.html").read_bytes()
    image = next(body for kind, uri, status, body in records if uri == server.url("/img/sable-light.jpg") and kind == "response")
    assert image == PNG


def test_images_are_downloaded_and_a_missing_one_is_only_a_note(server, tmp_path, fixed_clock, capsys):
    serve_story(server, page_bytes(server))
    server.route("/img/sable-horses.jpg", (404, {"Content-Type": "text/html"}, b"gone"))
    code, lines = run(["-v", "-o", str(tmp_path), server.url("/story")], fixed_clock)
    assert code == 0
    folder = tmp_path / lines[0].split(str(tmp_path) + "/")[1]
    assert [p.name for p in (folder / "images").iterdir()] == ["01-sable-light.jpg"]
    assert (folder / "images" / "01-sable-light.jpg").read_bytes() == PNG
    assert "](images/01-sable-light.jpg)" in (folder / "article.md").read_text(encoding="utf-8")
    images = json.loads((folder / "article.json").read_text(encoding="utf-8"))["images"]
    assert [(i["file"], i["error"]) for i in images] == [
        ("images/01-sable-light.jpg", None), (None, "HTTP 404 Not Found")]
    err = capsys.readouterr().err
    assert "sable-horses.jpg" in err and "HTTP 404" in err


def test_no_images_skips_them(server, tmp_path, fixed_clock):
    route = serve_story(server, page_bytes(server))
    _, lines = run(["--no-images", "-o", str(tmp_path), server.url("/story")], fixed_clock)
    folder = tmp_path / lines[0].split(str(tmp_path) + "/")[1]
    assert not (folder / "images").exists()
    assert len(route.requests) == 1 and not server.routes["/img/sable-light.jpg"].requests


def test_a_second_run_while_one_is_going_exits_6_at_once(server, tmp_path, fixed_clock, capsys):
    release = threading.Event()

    def slow(handler):
        release.wait(10)
        handler._send(*html_response(page_bytes(server)))
    server.route("/slow", slow)
    first = threading.Thread(target=run, args=(["--no-images", "-o", str(tmp_path), server.url("/slow")], fixed_clock))
    first.start()
    try:
        deadline = time.monotonic() + 5
        while not server.routes["/slow"].requests and time.monotonic() < deadline:
            time.sleep(0.02)
        started = time.monotonic()
        code, lines = run(["--no-images", "-o", str(tmp_path), server.url("/slow")], fixed_clock)
        assert code == fa.ExitCode.LOCKED == 6 and lines == []
        assert time.monotonic() - started < 1
        assert "another run" in capsys.readouterr().err
    finally:
        release.set()
        first.join(10)


def test_a_stale_lock_file_does_not_block(server, tmp_path, fixed_clock):
    (tmp_path / fa.LOCK_NAME).write_text("99999999")  # left by a run that was killed
    serve_story(server, page_bytes(server))
    code, lines = run(["--no-images", "-o", str(tmp_path), server.url("/story")], fixed_clock)
    assert code == 0 and len(lines) == 1


def test_index_keeps_earlier_lines_and_records_failures(server, tmp_path, fixed_clock, capsys):
    serve_story(server, page_bytes(server))
    server.route("/gone", (404, {"Content-Type": "text/html"}, b""))
    run(["--no-images", "-o", str(tmp_path), server.url("/story")], fixed_clock)
    first_line = (tmp_path / fa.INDEX_NAME).read_text(encoding="utf-8")
    code, _ = run(["-v", "--no-images", "-o", str(tmp_path), server.url("/story"), server.url("/gone")], fixed_clock)
    assert code == fa.ExitCode.FETCH_FAILED
    text = (tmp_path / fa.INDEX_NAME).read_text(encoding="utf-8")
    assert text.startswith(first_line)
    lines = index_lines(tmp_path)
    assert [(line["status"], line["url"]) for line in lines] == [
        ("archived", server.url("/story")), ("unchanged", server.url("/story")), ("failed", server.url("/gone"))]
    assert lines[-1]["error"] == "HTTP 404 Not Found" and lines[-1]["folder"] is None
    assert set(lines[0]) == {"date", "url", "status", "folder", "sha256", "error"}
    assert "archived=0 unchanged=1 failed=1 in " in capsys.readouterr().err


def test_one_history_per_article_however_its_url_is_spelled(server, tmp_path, fixed_clock):
    """'#section', '?utm_source=…', and an address whose page names the story's canonical URL
    all continue the story's one series of captures; only a real change makes a new version."""
    canonical = server.url("/story")

    def page(extra: str = "") -> bytes:
        story = "".join(f"<p>Paragraph {n} of the harbour story, with commas, clauses, and enough words.</p>" for n in range(4))
        return (f"<html><head><link rel='canonical' href='{canonical}'><title>Harbour</title></head><body>"
                f"<article><h1>The harbour reopens</h1>{story}{extra}</article></body></html>").encode()

    server.route("/story", html_response(page()))
    server.route("/story?utm_source=twitter", html_response(page()))
    server.route("/amp/story", html_response(page("<p>A paragraph added later, with news of the first boats in.</p>")))
    spellings = [canonical + "#comments", canonical + "?utm_source=twitter", server.url("/amp/story")]
    folders = []
    for url in [canonical, *spellings]:
        code, lines = run(["--no-images", "-o", str(tmp_path), url], fixed_clock)
        assert code == 0
        folders.append(Path(lines[0]))
    first, with_fragment, with_tracking, changed = folders
    assert with_fragment == first and with_tracking == first  # the same article, unchanged: no new folder
    assert changed.parent == first.parent and changed.name == first.name + "-2"  # the AMP page: the story's next version
    diff = (changed / "changes.diff").read_text(encoding="utf-8")
    assert diff.startswith(f"--- {first.relative_to(tmp_path)}/article.md") and "+A paragraph added later" in diff
    document = json.loads((changed / "article.json").read_text(encoding="utf-8"))
    assert document["capture"]["url"] == server.url("/amp/story")  # the URL as asked is kept


@pytest.mark.parametrize("url, canonical, key", [
    ("http://News.example/a/story?utm_source=x&fbclid=1#top", None, "https://news.example/a/story"),
    ("https://news.example/a/story?id=7&utm_medium=y", None, "https://news.example/a/story?id=7"),
    ("https://news.example/amp/story", "https://www.news.example/a/story", "https://www.news.example/a/story"),
    ("https://news.example/a/story", "https://news.example/", "https://news.example/a/story"),  # a front page is no canonical
    ("https://news.example/a/story", "https://other.example/a/story", "https://news.example/a/story"),  # nor another site
    ("https://news.example/world/story-123", "https://news.example/world/", "https://news.example/world/story-123"),  # a section
    ("https://news.example/news/story-123.amp", "https://news.example/news/story-123", "https://news.example/news/story-123"),
    ("https://news.example/news/story-123/amp", "https://news.example/news/story-123", "https://news.example/news/story-123"),
])
def test_history_keys(url, canonical, key):
    assert fa.article_key(url, canonical) == key
