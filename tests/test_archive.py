"""The archive writer and reader on a temporary folder, without a server: the layout, versions,
the pure rendering of a capture's files, and reading the latest capture back."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta, timezone

import pytest

import fetch_article as fa
from conftest import PAGES

URL = "https://news.example/world/harbour-seals"
MOMENT = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def saved_page(body: bytes, url: str = URL, moment: datetime = MOMENT) -> fa.Page:
    """A page as --html makes one: no server, no exchanges."""
    return fa.Page(body, fa.capture_record(url, body, moment, fa.decode_html(body)[1:]))


def capture(archive, body: bytes, moment: datetime = MOMENT, url: str = URL):
    page = saved_page(body, url, moment)
    article = fa.extract_article(body, url)
    previous = fa.read_latest_capture(archive, url)
    with fa.staging_folder(archive, moment, fa.slug_for_url(url)) as staging:
        return fa.write_capture(staging, archive, page, article, (), previous)


@pytest.fixture
def story() -> bytes:
    return (PAGES / "wordpress_post.html").read_bytes()


def test_a_first_capture_lays_out_its_folder(tmp_path, story):
    folder = capture(tmp_path, story)
    assert folder == tmp_path / fa.day_folder(tmp_path, MOMENT).name / fa.slug_for_url(URL)
    assert sorted(p.name for p in folder.iterdir()) == ["article.json", "article.md", "capture.warc.gz", "page.html"]
    assert (folder / "page.html").read_bytes() == story
    document = json.loads((folder / "article.json").read_text(encoding="utf-8"))
    assert document["capture"]["url"] == URL and "changes" not in document
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]  # no staging folder left


def test_a_second_version_the_same_day_gets_a_numbered_folder_and_a_diff(tmp_path, story):
    first = capture(tmp_path, story)
    changed = story.replace(b"heritage beans", b"heirloom beans")
    second = capture(tmp_path, changed, MOMENT + timedelta(hours=1))
    assert second.name == fa.capture_folder_name(fa.slug_for_url(URL), 2)
    document = json.loads((second / "article.json").read_text(encoding="utf-8"))
    assert document["changes"]["previous"] == str(first.relative_to(tmp_path))
    diff = (second / "changes.diff").read_text(encoding="utf-8")
    assert f"--- {first.relative_to(tmp_path)}/article.md" in diff and "+" in diff and "heirloom" in diff
    assert fa.read_latest_capture(tmp_path, URL).folder == second


def test_the_latest_capture_is_the_newest_day_then_the_highest_number(tmp_path, story):
    capture(tmp_path, story)
    capture(tmp_path, story.replace(b"heritage", b"old"), MOMENT + timedelta(hours=1))
    newest = capture(tmp_path, story.replace(b"heritage", b"rare"), MOMENT - timedelta(days=3))
    latest = fa.read_latest_capture(tmp_path, URL)
    assert latest.folder.name.endswith("-2") and latest.folder.parent.name == fa.day_folder(tmp_path, MOMENT).name
    assert newest.parent.name < latest.folder.parent.name
    assert "rare" not in latest.markdown and "old" in latest.markdown


def test_another_url_with_the_same_slug_is_not_its_history(tmp_path, story):
    other = URL.replace("/world/", "/World/")  # the slug folds case, the URL does not
    assert fa.slug_for_url(other) == fa.slug_for_url(URL)
    capture(tmp_path, story, url=other)
    assert fa.read_latest_capture(tmp_path, URL) is None
    assert fa.read_latest_capture(tmp_path, other).document["capture"]["url"] == other


def test_a_failed_write_leaves_nothing_behind(tmp_path, story, monkeypatch):
    def refuse(path, content):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(fa, "_write_file", refuse)
    with pytest.raises(fa.ArchiveError, match="No space left"):
        capture(tmp_path, story)
    assert list(tmp_path.rglob("*")) == []  # the staging folder and the new day folder are gone


def test_render_capture_files_is_pure_and_names_the_versions(story):
    page = saved_page(story)
    article = fa.extract_article(story, URL)
    first = fa.render_capture_files(page, article, (), None, None, "2026-11-25/news.example-world-harbour-seals")
    assert sorted(first) == ["article.json", "article.md", "page.html"]
    previous = fa.PreviousCapture(fa.Path("unused"), json.loads(first["article.json"]), first["article.md"].decode())
    edited = dataclasses.replace(article, headline="A new headline")
    files = fa.render_capture_files(page, edited, (), previous, "2026-11-25/a", "2026-11-25/a-2")
    assert json.loads(files["article.json"])["changes"] == {"previous": "2026-11-25/a", "fields": ["headline"]}
    assert files["changes.diff"].decode().startswith("--- 2026-11-25/a/article.md\n+++ 2026-11-25/a-2/article.md\n")
    assert fa.render_capture_files(page, edited, (), previous, "2026-11-25/a", "2026-11-25/a-2") == files
