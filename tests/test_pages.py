"""Whole pages: the target article and real CBC pages from ../shared, and handwritten pages of
other layouts from tests/pages/. Golden files change only with UPDATE_GOLDEN=1."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path

import pytest

import fetch_article as fa
from conftest import PAGES, shared_file

GOLDEN = Path(__file__).resolve().parent / "golden"
TARGET_PAGE = "fixtures/cbc/aleppo-airstrikes-1.3778667.html"
TARGET_SEED = "seed/aleppo-airstrikes-1.3778667.txt"
GAZA = "fixtures/real/cbc/cbc_2024-08-08_world_gaza-israel-ceasefire-negotiations-sinwar-1.7287711_fundus"
POSTLIGHT = "fixtures/real/cbc/cbc_2022-10-14_business_crea-september-numbers-1.6616369_postlight.html"
# Boilerplate that must never reach an article's text on CBC pages.
CBC_FURNITURE = ("Social Sharing", "Related Stories", "ABOUT THE AUTHOR", "Corrections and clarifications",
                 "Journalistic Standards", "Report error", "Submit a news tip", "WATCH |", "With files from")


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def check_golden(name: str, article: fa.Article) -> None:
    path = GOLDEN / f"{name}.json"
    produced = json.loads(json.dumps(dataclasses.asdict(article), ensure_ascii=False))
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(produced, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    assert produced == json.loads(path.read_text(encoding="utf-8")), f"{path} differs (UPDATE_GOLDEN=1 to accept)"


@pytest.fixture(scope="module")
def target():
    return fa.extract_article(shared_file(TARGET_PAGE).read_bytes(), fa.DEFAULT_URL)


def seed_body_paragraphs() -> list[str]:
    """The seed's body: its blocks after headline, summary, deck and lead caption, less the
    captions (they end in a "(Name/Agency)" credit), the pull quote and the source line."""
    blocks = [fold(block) for block in re.split(r"\n\s*\n", shared_file(TARGET_SEED).read_text(encoding="utf-8"))]
    blocks = [block for block in blocks if block]
    assert blocks[-1] == "With files from CBC News"
    return [block for block in blocks[4:-1]
            if not re.search(r"\([^()]*/[^()]*\)$", block) and "- Civil defence worker" not in block]


def test_target_article_fields(target):
    assert target.headline == "Airstrikes continue to pound Aleppo's rebel-held district"
    assert target.deck == "U.S. Secretary of State John Kerry rejects suggestion failed ceasefire led to more fighting"
    assert target.authors == ("Thomson Reuters",)
    assert target.published.startswith("2016-09-26")
    assert target.source_note == "With files from CBC News"
    assert target.headings == ("Few doctors left in Aleppo", "No respite", "Washington-Moscow diplomacy")
    assert target.section == "World" and target.language == "en" and target.site_name == "CBC"
    assert target.canonical_url == fa.DEFAULT_URL


def test_target_article_text_is_the_seed_body(target):
    expected = seed_body_paragraphs()
    assert len(expected) == 33
    assert target.text.split("\n\n") == expected
    for furniture in CBC_FURNITURE:
        assert furniture not in target.text


def test_target_article_figures_and_pull_quote(target):
    assert [(f.caption, f.credit) for f in target.figures] == [
        ("Men inspect the damage after an airstrike on a rebel-held neighbourhood in Aleppo on Sunday.",
         "Abdalrhman Ismail/Reuters"),
        ('One of the warning leaflets dropped by the Syrian army is seen in the rebel-held Tariq al-Bab '
         'neighbourhood of Aleppo. The leaflet reads: "This is your destiny!!!" and "Who is next" as it depicts '
         'pictures of killed rebel commanders and fighters.', "Abdalrhman Ismail/Reuters"),
        ("A Syrian boy receives treatment at a makeshift hospital following airstrikes on Aleppo on Saturday. "
         "The Syrian American Medical Society (SAMS) charity group said this week that only 30 doctors remain "
         "inside the rebel-held region.", "Karam Al-Masri/AFP/Getty Images"),
    ]
    assert all(f.src.startswith("https://i.cbc.ca/") for f in target.figures)
    assert [(q.text, q.attribution) for q in target.pull_quotes] == [
        ("Everybody is scared … unable to go out. They don't know what to do, or where to go.",
         "Civil defence worker Bebars Mishal")]


def test_target_article_golden(target):
    check_golden("aleppo-airstrikes-1.3778667", target)


def test_generic_path_matches_the_template_when_cbc_renames_its_classes(target):
    """Every class renamed: the generic path alone must find the same article."""
    counter = iter(range(10**6))
    renamed = re.sub(r'class="[^"]*"', lambda _: f'class="c{next(counter)}"',
                     shared_file(TARGET_PAGE).read_text(encoding="utf-8"))
    generic = fa.extract_article(renamed, fa.DEFAULT_URL)
    assert "h1.detailHeadline" not in generic.provenance.values()
    for name in ("headline", "deck", "authors", "published", "modified", "text", "headings", "figures",
                 "pull_quotes", "source_note", "section", "summary", "language", "canonical_url"):
        assert getattr(generic, name) == getattr(target, name), name


@pytest.fixture(scope="module")
def gaza():
    page = shared_file(GAZA + ".html")
    expected = json.loads(shared_file(GAZA + ".expected.json").read_text(encoding="utf-8"))["V1"]
    return fa.extract_article(page.read_bytes(), "https://www.cbc.ca/news/world/gaza-israel-ceasefire-negotiations-sinwar-1.7287711"), expected


def test_gaza_page_matches_its_expected_parse(gaza):
    article, expected = gaza
    paragraphs, headings = [], []
    for section in expected["body"]["sections"]:
        headings += section["headline"]
        paragraphs += section["headline"] + section["paragraphs"]
    assert article.text.split("\n\n") == [fold(p) for p in paragraphs]
    assert article.headings == tuple(fold(h) for h in headings)
    assert article.deck == fold(expected["body"]["summary"][0])
    assert article.authors == tuple(expected["authors"])
    assert article.headline == "What's next for Gaza, after Yahya Sinwar's appointment as Hamas political head?"
    assert article.published == "2024-08-08T08:00:00+00:00"
    assert article.source_note == "With files from The Associated Press and Mohamed El Saife"
    for furniture in CBC_FURNITURE:
        assert furniture not in article.text


def test_gaza_figures_leave_out_portraits_and_video_placeholders(gaza):
    article, _ = gaza
    assert len(article.figures) == 5
    assert all(f.credit and f.caption and "/" in f.credit for f in article.figures)
    assert not any("yasmine-hassan" in f.src or f.src.startswith("data:") for f in article.figures)


def test_gaza_golden(gaza):
    check_golden("gaza-israel-ceasefire-negotiations-sinwar-1.7287711", gaza[0])


def test_postlight_cbc_page_dom_fields():
    article = fa.extract_article(shared_file(POSTLIGHT).read_bytes(), None)
    assert article.headline == "Housing market slowdown continues with sales and average prices well down from last year"
    assert article.deck == "Average price of a home that sold in September was $640,479"
    assert article.authors == ("Pete Evans",)
    assert article.headings == ("Rental market is hot",)
    assert [f.credit for f in article.figures] == ["Evan Mitsui/CBC", "Darek Zdzienicki/CBC"]
    assert "newsletters" not in article.text


# --- handwritten pages of other layouts

def extract_page(name: str, url: str | None = None) -> fa.Article:
    return fa.extract_article((PAGES / name).read_bytes(), url)


def test_small_cbc_template_page():
    article = extract_page("cbc_template.html", "https://www.cbc.ca/news/canada/nova-scotia/sable-island-keepers-1.1234567")
    assert article.headline == "Lighthouse keepers return to Sable Island"
    assert article.deck == "Federal agency reverses a 2015 decision to run the light remotely"
    assert article.authors == ("Ada Marsh",)
    assert article.section == "Nova Scotia"
    assert article.published == "2025-03-02T14:30:00+00:00"
    assert article.headings == ("A lonely posting",)
    assert article.text.split("\n\n") == [
        "Two lighthouse keepers will live on Sable Island again this summer, ten years after the light was automated.",
        '"We missed having eyes on the water," said Parks Canada spokesperson Lee Chan.',
        "A lonely posting",
        "The keepers will rotate every six weeks, travelling by small plane when the beach runway is dry.",
        "Applications close at the end of the month, the agency said in a release.",
    ]
    assert [(f.caption, f.credit, f.position) for f in article.figures] == [
        ("The east light on Sable Island in 2014.", "Jane Roe/CBC", 0),
        ("Wild horses graze near the station.", "Submitted by Sam Poe", 4),
    ]
    assert [(q.text, q.attribution) for q in article.pull_quotes] == [
        ("We missed having eyes on the water.", "Parks Canada spokesperson Lee Chan")]
    assert article.source_note == "With files from The Canadian Press"


def test_wordpress_post():
    article = extract_page("wordpress_post.html", "https://valleygazette.example/2024/06/14/allotment-heritage-beans/")
    assert article.headline == "Allotment wins county prize for heritage beans"
    assert article.authors == ("Priya Shah",)
    assert (article.published, article.modified) == ("2024-06-14T08:15:00+01:00", "2024-06-15T09:00:00+01:00")
    assert (article.section, article.site_name, article.language) == ("Local", "The Valley Gazette", "en-GB")
    assert article.headings == ("Seeds shared with schools",)
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0].startswith("A community allotment in Eastfold")
    assert paragraphs[-1] == "Entries for next year's show open in March, and the society says it will enter again."
    assert "Every bean on that frame is a great-great-grandchild of the ones my grandmother planted." in paragraphs
    for furniture in ("Share this", "Twitter", "thoughts on this story", "Newsletter", "Posted in"):
        assert furniture not in article.text
    assert [(f.src, f.caption, f.credit) for f in article.figures] == [
        ("https://valleygazette.example/wp-content/uploads/2024/06/beans-1024x683.jpg",
         "The winning beans on the Eastfold plot.", "Tom Okafor")]


def test_article_page_without_json_ld():
    article = extract_page("article_no_json_ld.html")
    assert article.headline == "Le tramway de Brest prolongé jusqu'au port"
    assert article.deck == "Une nouvelle ligne de quatre kilomètres ouvrira en 2027."
    assert article.authors == ("Jeanne Le Gall", "Yann Morvan")
    assert article.published == "2025-01-20T07:00:00+01:00"
    assert article.language == "fr"
    assert article.headings == ("Un budget de 120 millions",)
    assert len(article.text.split("\n\n")) == 5
    for furniture in ("cookies", "À lire aussi", "Le port de Brest en chiffres", "S'abonner", "Tous droits", "Par "):
        assert furniture not in article.text
    assert [(f.src, f.credit) for f in article.figures] == [("https://img.ouest.example/tram.jpg", "Ouest Quotidien")]


def test_page_with_several_json_ld_blocks_one_broken():
    article = extract_page("several_json_ld.html")
    assert article.headline == "Harbour seals counted from drones for the first time"
    assert article.deck == "Researchers found twice as many pups as the last boat survey"
    assert article.authors == ("Marcus Webb", "Associated Press")
    assert (article.published, article.modified) == ("2023-09-05T10:00:00-04:00", "2023-09-06T08:30:00-04:00")
    assert (article.section, article.site_name, article.language) == ("Science", "Coastal Times", "en-US")
    assert article.source_note == "With reporting by the Associated Press"
    assert "newsletter" not in article.text
    assert '"We could see every pup on every rock, which a boat never lets you do," said survey lead Dana Ortiz.' \
        in article.text.split("\n\n")
    assert [f.src for f in article.figures] == ["https://coastal.example/seals.jpg"]


def test_older_cbc_template_page_through_the_generic_path():
    """CBC's pre-2019 article markup (story-title, story-deck, pullquote-container) has no
    template of its own: the generic path reads it."""
    article = extract_page("cbc_older_template.html", "https://www.cbc.ca/news/canada/new-brunswick/moncton-ice-storm-1.3420001")
    assert article.headline == "Ice storm leaves 40,000 without power in Moncton"
    assert article.deck == "Crews from Nova Scotia and Maine are on their way to help"
    assert article.authors == ("Jo Leblanc",)
    assert article.published == "2016-01-27"
    assert article.headings == ("Warming centres open",)
    assert len(article.text.split("\n\n")) == 6
    assert [(q.text, q.attribution) for q in article.pull_quotes] == [
        ("We have every crew we own on the road.", "Marc Belliveau, NB Power")]
    assert [(f.caption, f.credit) for f in article.figures] == [
        ("Ice-covered branches brought down lines across the city on Tuesday night.", "Jo Leblanc/CBC")]
    assert article.source_note == "With files from Radio-Canada"
    assert article.section is None  # the only section link is in the site's navigation
    for furniture in ("Facebook", "Related", "Fredericton", "All rights reserved", "- Marc Belliveau"):
        assert furniture not in article.text
    assert [(q.speaker, q.speaker_title) for q in article.quotes] == [("Marc Belliveau", "NB Power spokesperson")]


# Each handwritten page at a fixed URL: its canonical link where it has one, else an example.com address.
HANDWRITTEN_URLS = {
    "article_no_json_ld.html": "https://example.com/article_no_json_ld",
    "cbc_older_template.html": "https://example.com/cbc_older_template",
    "cbc_template.html": "https://www.cbc.ca/news/canada/nova-scotia/sable-island-keepers-1.1234567",
    "several_json_ld.html": "https://example.com/several_json_ld",
    "wordpress_post.html": "https://valleygazette.example/2024/06/14/allotment-heritage-beans/",
}


def test_every_handwritten_page_has_a_golden_url():
    assert sorted(HANDWRITTEN_URLS) == sorted(path.name for path in PAGES.glob("*.html"))


@pytest.mark.parametrize("name, url", sorted(HANDWRITTEN_URLS.items()))
def test_handwritten_page_golden(name, url):
    article = fa.extract_article((PAGES / name).read_bytes(), url)
    check_golden(f"page-{Path(name).stem}", article)
