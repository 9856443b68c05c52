"""Headlines: the <h1> in its social title's wording, kickers and site names left out."""

from __future__ import annotations

import pytest

import fetch_article as fa

PROSE = ("<div class='article-body'><p>The ferry between the two islands sailed again on Tuesday after three days in port.</p>"
         "<p>Crews checked the ramps and the engines before the first crossing at dawn.</p></div>")


def extract(head: str, heading: str, url: str = "https://news.example/2024/05/06/ferry") -> fa.Article:
    html = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}</head>'
            f"<body>{heading}<article>{PROSE}</article></body></html>")
    return fa.extract_article(html, url)


def og(title: str) -> str:
    return f"<meta property='og:title' content='{title}'>"


def ld(headline: str) -> str:
    return f'<script type="application/ld+json">{{"@type":"NewsArticle","headline":"{headline}"}}</script>'


@pytest.mark.parametrize("head, heading, expected, source", [
    # a kicker in its own element: the social title has the colon the <h1> lacks
    (og("Storm inquiry: Two ministers resign"), "<h1><span>Storm inquiry</span> Two ministers resign</h1>",
     "Storm inquiry: Two ministers resign", "h1 as meta og:title (punctuation)"),
    # a title that only adds a symbol is decorated, not punctuated
    ("<title>▷ Two ministers resign over the storm | Presseportal</title>", "<h1>Two ministers resign over the storm</h1>",
     "Two ministers resign over the storm", "h1"),
    # straight quotes and hyphens in the social title: the <h1>'s typography stays
    (og("Ferry back - and 'on time'"), "<h1>Ferry back – and ‘on time’</h1>", "Ferry back – and ‘on time’", "h1"),
    # a kicker glued on without a space, left out of the social title
    (og("Brawl ends the final in Athens"), "<h1><span>Basketball-Euroleague</span>Brawl ends the final in Athens</h1>",
     "Brawl ends the final in Athens", "h1 as meta og:title (kicker)"),
    # a section before the headline
    (ld("Ferry service resumes after storm"), "<h1>Local News | Ferry service resumes after storm</h1>",
     "Ferry service resumes after storm", "h1 as json-ld headline (kicker)"),
    # the kicker stays where a social title gives the <h1> as it stands
    (ld("Storm inquiry: Two ministers resign") + og("Two ministers resign"), "<h1>Storm inquiry: Two ministers resign</h1>",
     "Storm inquiry: Two ministers resign", "h1"),
    # a blog theme's "Headline | DOMAIN" <h1>
    (og("Ferry back on time"), "<h1>Ferry back on time | ISLANDBLOG.NET</h1>",
     "Ferry back on time", "h1 as meta og:title (site)"),
    # a subtitle after a dash in the <h1> is not a site's name
    (og("Ferry back on time"), "<h1>Ferry back on time - and the crews cheer</h1>", "Ferry back on time - and the crews cheer", "h1"),
])
def test_h1_in_the_social_wording(head, heading, expected, source):
    article = extract(head, heading)
    assert (article.headline, article.provenance["headline"]) == (expected, source)


@pytest.mark.parametrize("head, heading, expected", [
    # a blog theme's site title above the post's own <h1>
    (og("Ferry back on time | Island Blog"), "<h1 class='site-title'>Island Blog</h1><h1 class='entry-title'>Ferry back on time</h1>",
     "Ferry back on time"),
    # an <h1> that is og:site_name, the social title the only other
    ("<meta property='og:site_name' content='Island Blog'>" + og("Into the new year"), "<h1>Island Blog</h1>", "Into the new year"),
    # an <h1> that is the host's name
    ("<title>Islandnews online - Notices - New ferry timetable published</title>",
     "<h1>Islandnews</h1><h1>New ferry timetable published</h1>", "New ferry timetable published"),
    # a logo's text names the site in the <title>
    ("<title>Basic muffins : Muffin Recipes</title>", "<h1 class='logo'>Muffin Recipes</h1>", "Basic muffins"),
])
def test_h1_naming_the_site_is_not_the_headline(head, heading, expected):
    assert extract(head, heading, "https://islandnews.example/2024/05/06/ferry").headline == expected


def test_a_headline_in_application_name_does_not_name_the_site():
    head = "<meta name='application-name' content='Ferry back - Crews cheer at dawn'>" + ld("Ferry back - Crews cheer at dawn")
    assert extract(head, "").headline == "Ferry back - Crews cheer at dawn"


@pytest.mark.parametrize("title, names, social, expected", [
    ("Headline | CBC News", set(), False, "Headline"),
    ("Ferry back - Island News", set(), False, "Ferry back"),
    ("Items We Never Knew We Wanted : The Perspective", {"theperspective"}, True, "Items We Never Knew We Wanted"),
    ("Diario HOY | Ferry back", {"diariohoy"}, True, "Ferry back"),
    ("Gift Guide | Journelles | Shop now!", {"journelles"}, True, "Gift Guide"),
    ("Produkttester werden│Nestlé Marktplatz", {"nestlémarktplatz"}, True, "Produkttester werden"),
    ("Ferry back – and the crews cheer – ISLAND NEWS", {"islandnews"}, True, "Ferry back – and the crews cheer"),
    # a social title's last part that does not name the site is its subtitle
    ("Coronalage – worauf wartet die Politik?", set(), True, "Coronalage – worauf wartet die Politik?"),
    ("How to Grow a Lemon Tree | Step-by-Step Guide", {"youhadmeatgardening"}, True, "How to Grow a Lemon Tree | Step-by-Step Guide"),
    # a French colon is cut only where the part after it names the site
    ("Tempête Ciaran : des records de vent", {"leparisien"}, False, "Tempête Ciaran : des records de vent"),
    ("Ferry back -", set(), True, "Ferry back"),
])
def test_strip_site_suffix(title, names, social, expected):
    assert fa.strip_site_suffix(title, {}, names, social) == expected
