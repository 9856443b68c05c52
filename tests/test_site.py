"""The archive as a site to browse: archive/index.html and a page per article, static, opened
from disk; every string from a page escaped; in a real browser (headless Chromium) where it is
installed (.ci/run installs it)."""

from __future__ import annotations

import html
import json
import io
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest

import fetch_article as fa
from conftest import LoopbackServer, folders_of, html_response

HOSTILE = "Breaking <script>alert('pwned')</script> & more"  # a headline as the page's text gives it


def story(title: str, extra: str = "") -> str:
    paragraphs = "".join(f"<p>Paragraph {n} of the story, with commas, clauses, and words enough to be read.</p>"
                         for n in range(4))
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1><h2>A subheading</h2>"
            f"{paragraphs}{extra}<script>document.title = 'page script ran'</script></article></body></html>")


def run(argv, clock):
    out = io.StringIO()
    code = fa.main(["--host-delay", "0", *argv], clock=clock, stdout=out)
    return code, folders_of(out.getvalue())


@pytest.fixture
def archive(server, tmp_path, fixed_clock):
    """Two captures of one story (a sentence changed between them) and one with a hostile headline."""
    server.route("/story", html_response(story("Harbour reopens")))
    server.route("/hostile", html_response(story(html.escape(HOSTILE))))
    root = tmp_path / "archive"
    assert run(["-o", str(root), server.url("/story"), server.url("/hostile")], fixed_clock)[0] == 0
    server.route("/story", html_response(story("Harbour reopens", "<p>The mayor added a late correction to the plan.</p>")))
    assert run(["-o", str(root), server.url("/story")], fixed_clock)[0] == 0
    return root


def local_links(page: Path, tree) -> list[Path]:
    links = [element.get("href") for element in tree.iter("a")] + [element.get("src") for element in tree.iter("img", "iframe")]
    return [(page.parent / unquote(urlsplit(link).path)).resolve() for link in links if link and not urlsplit(link).scheme]


def test_the_index_lists_every_article_and_each_page_every_capture(archive):
    index = archive / fa.SITE_INDEX_NAME
    tree = lxml.html.fromstring(index.read_bytes())
    rows = tree.xpath("//table[@id='articles']/tbody/tr")
    assert len(rows) == 2
    cells = {row.xpath("string(td[1])"): [cell.text_content() for cell in row.xpath("td")] for row in rows}
    assert cells["Harbour reopens"][4:] == ["2", "archived"] and cells[HOSTILE][4] == "1"
    story_link = tree.xpath("//a[. = 'Harbour reopens']/@href")[0]
    page = index.parent / story_link
    article = lxml.html.fromstring(page.read_bytes())
    assert len(article.xpath("//section[@class='version']")) == 2
    assert article.xpath("string(//ins)") == "The mayor added a late correction to the plan."
    assert article.xpath("//h4[. = 'A subheading']")
    for document in (index, page):
        tree = lxml.html.fromstring(document.read_bytes())
        missing = [link for link in local_links(document, tree) if not link.exists()]
        assert missing == []


def test_nothing_from_a_page_runs_and_a_hostile_headline_is_text(archive):
    index = archive / fa.SITE_INDEX_NAME
    tree = lxml.html.fromstring(index.read_bytes())
    assert [script.text for script in tree.iter("script")] == [fa.FILTER_SCRIPT]
    assert tree.xpath("//a[contains(., 'alert')]/text()") == [HOSTILE]
    for page in (archive / fa.SITE_FOLDER).glob("*.html"):
        article = lxml.html.fromstring(page.read_bytes())
        assert not list(article.iter("script"))
        assert all(frame.get("sandbox") == "" for frame in article.iter("iframe"))
    assert "script-src 'sha256-" in index.read_text(encoding="utf-8")


def test_rebuild_site_alone_writes_the_pages_anew_and_no_partial_file_stays(archive, fixed_clock):
    (archive / fa.SITE_INDEX_NAME).unlink()
    shutil.rmtree(archive / fa.SITE_FOLDER)
    code, lines = run(["-o", str(archive), "--rebuild-site"], fixed_clock)
    assert code == 0 and lines == []
    assert (archive / fa.SITE_INDEX_NAME).is_file() and len(list((archive / fa.SITE_FOLDER).glob("*.html"))) == 2
    assert not list(archive.glob(f"**/.*{fa.STAGING_SUFFIX}"))


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")
def test_in_chromium_the_pages_show_every_capture_and_run_no_page_script(archive, tmp_path):
    def dom(page: Path) -> lxml.html.HtmlElement:
        result = subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                                 page.as_uri()], capture_output=True, timeout=120)
        return lxml.html.fromstring(result.stdout)
    index = dom(archive / fa.SITE_INDEX_NAME)
    assert len(index.xpath("//table[@id='articles']/tbody/tr")) == 2
    assert index.xpath("//p[@id='filter'][not(@hidden)]")  # our own script ran: the filter shows
    assert index.xpath("string(//title)") == "The archive"
    link = index.xpath("//a[. = 'Harbour reopens']/@href")[0]
    article = dom(archive / link)
    assert len(article.xpath("//section[@class='version']")) == 2 and article.xpath("//ins")
    assert "page script ran" not in lxml.html.tostring(article, encoding="unicode")


def test_the_word_diff_marks_changes_escapes_them_and_shortens_long_unchanged_stretches():
    assert fa.word_diff("Tom said <b> twice", "Tom said <i> twice") == (
        "<p class=diff>Tom said <del>&lt;b&gt;</del> <ins>&lt;i&gt;</ins> twice</p>")
    long = " ".join(f"w{n}" for n in range(100))
    marked = fa.word_diff(long, long.replace("w50", "fifty"))
    assert "<del>w50</del> <ins>fifty</ins>" in marked and "w30 " not in marked and marked.count("…") == 2
    assert fa.word_diff("same words", "same  words") == "<p class=meta>No change in the words.</p>"


def test_two_stories_with_one_slug_get_a_page_each(server, tmp_path, fixed_clock):
    other = LoopbackServer()
    other.thread.start()
    try:
        server.route("/story", html_response(story("The first story")))
        other.route("/story", html_response(story("The second story")))
        assert run(["-o", str(tmp_path), server.url("/story"), other.url("/story")], fixed_clock)[0] == 0
    finally:
        other.httpd.shutdown()
        other.httpd.server_close()
    pages = sorted((tmp_path / fa.SITE_FOLDER).glob("*.html"))
    assert len(pages) == 2 and {lxml.html.fromstring(page.read_bytes()).xpath("string(//h1)") for page in pages} == {
        "The first story", "The second story"}


def test_a_damaged_capture_leaves_its_article_out_of_the_pages_with_a_warning(archive, fixed_clock, capsys):
    damaged = next(archive.glob("*/*hostile*/article.json"))
    document = json.loads(damaged.read_text(encoding="utf-8"))
    document["article"]["authors"] = [None]  # edited by hand
    damaged.write_text(json.dumps(document), encoding="utf-8")
    code, _ = run(["-o", str(archive), "--rebuild-site"], fixed_clock)
    assert code == 0 and "left out of the archive's pages" in capsys.readouterr().err
    assert len(lxml.html.fromstring((archive / fa.SITE_INDEX_NAME).read_bytes()).xpath("//tbody/tr")) == 1


def test_the_last_run_status_follows_unchanged_and_failed_runs(archive, server, fixed_clock):
    def status():
        histories = fa.site_histories(archive)
        key = next(key for key, captures in histories.items() if len(captures) == 2)
        return fa.last_statuses(archive, histories)[key]
    assert run(["-o", str(archive), server.url("/story")], fixed_clock)[0] == 0  # nothing new: unchanged
    assert status() == "unchanged"
    server.route("/story", (500, {"Content-Type": "text/plain"}, b"down"))
    assert run(["--timeout", "2", "-o", str(archive), server.url("/story?utm_source=x")], fixed_clock)[0] == fa.ExitCode.FETCH_FAILED
    assert status() == "failed"  # (a failed URL has no folder: its article is found by its address)
