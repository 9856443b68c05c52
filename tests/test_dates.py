"""Publication dates: non-ISO values, text dates near the headline, UTC twins, JSON-LD fallbacks."""

from __future__ import annotations

import pytest

import fetch_article as fa

BODY = "<p>" + "The story goes on with enough words to be read as its body text. " * 6 + "</p>"


def page(head: str = "", header: str = "", url: str = "https://example.org/news/story", lang: str = "de") -> fa.Article:
    html = (f"<html lang='{lang}'><head><title>Rain falls on the town</title>{head}</head><body>"
            f"<article><h1>Rain falls on the town</h1>{header}{BODY}</article></body></html>")
    return fa.extract_article(html, url)


@pytest.mark.parametrize("value, expected", [
    ("2020/10/04 15:05:21", "2020-10-04T15:05:21"),
    ("Wed, 04 May 2022 10:00:00 GMT", "2022-05-04T10:00:00+00:00"),
    ("2022-05-05T22:12:00 UTC", "2022-05-05T22:12:00+00:00"),
    ("3 de mayo de 2022", "2022-05-03"),
    ("June 14, 2024", "2024-06-14"),
    ("Tue, Sep 15 2020 10:01:41 EDT", "2020-09-15T10:01:41-04:00"),
    ("a sentence that names no date at all", None),
    ("2024-13-40", None),
])
def test_date_fields_written_otherwise(value, expected):
    assert fa.normalize_date(value) == expected


@pytest.mark.parametrize("text, expected", [
    ("26.10.2018", "2018-10-26"),
    ("02.12.19", "2019-12-02"),
    ("26/10/2018", "2018-10-26"),
    ("10/26/2018", "2018-10-26"),
    ("Frank / 22.04.2020 / 06:15 / Foto", "2020-04-22T06:15:00"),
    ("19. Oktober 2019 15:07", "2019-10-19T15:07:00"),
    ("Dienstag, 2. November 2021", "2021-11-02"),
    ("1 juin 2021 à 10h30", "2021-06-01T10:30:00"),
    ("jueves 2 de abril de 2020", "2020-04-02"),
    ("07 Dezember, 2022", "2022-12-07"),
    ("28. Jan. 2022", "2022-01-28"),
    ("15 августа 2016, 13:43", "2016-08-15T13:43:00"),
    ("2020年07月03日", "2020-07-03"),
    ("April 19, 2019", "2019-04-19"),
    ("8 January 2020, 3:51 pm", "2020-01-08T15:51:00"),
    ("19 Nov 2019 07:09 GMT", "2019-11-19T07:09:00+00:00"),
    ("13 Jan 2020, 22:11 GMT+10", "2020-01-13T22:11:00+10:00"),
    ("Posted: Sep 26, 2016 6:43 AM ET", "2016-09-26T06:43:00-04:00"),
    ("Jan 26, 2016 6:43 PM EST", "2016-01-26T18:43:00-05:00"),
    ("15:05 CEST on 3 July 2019", "2019-07-03"),
    ("Version 9.04 for Windows 2008", None),
    ("Last minute 28.01. - 05.02. 10% off", None),  # a range of days, then a number
    ("2. 11. 2021", "2021-11-02"),
    ("31.02.2020", None),
    ("12.03.1850", None),  # a year too old for a date written on a page
    ("23 de març de 2020", "2020-03-23"),  # Catalan
    ("Dilluns, 5 d'octubre de 2020", "2020-10-05"),
    # the end of a range of days is an event's period, not a date of writing
    ("Ausstellung Palais Epstein 9-23 Feb 2017", None),
    ("vom 9. bis 23. Februar 2017", None),
    ("du 3 au 5 mai 2021", None),
    ("Tagung 12.–14.03.2020", None),
    ("14:07 - 25.04.2024", "2024-04-25"),  # a time before a dash starts no range
    ("Folge 3 - 25.04.2020", "2020-04-25"),  # a numbered title's number starts no range either
    ("Pressemitteilung Nr. 12 - 25.04.2024", "2024-04-25"),
    ("Episode 5 – May 3, 2021", "2021-05-03"),
    ("April 30 - May 3, 2021", None),
    ("2019 - 25.04.2024", "2024-04-25"),
])
def test_dates_written_in_text(text, expected):
    assert fa.parse_date_text(text) == expected


def test_month_first_for_american_pages():
    assert fa.parse_date_text("3/11/2020", month_first=True) == "2020-03-11"
    assert fa.parse_date_text("3/11/2020") == "2020-11-03"


def test_byline_date_under_the_headline():
    article = page(header="<div class='meta'>Von Anna Muster · 31. Oktober 2023</div>")
    assert article.published == "2023-10-31"
    assert article.provenance["published"] == "text near headline"


def test_cbc_style_posted_line_keeps_its_zone():
    article = page(header="<span class='delimiter'>Posted: Sep 26, 2016 6:43 AM ET</span>", lang="en")
    assert article.published == "2016-09-26T06:43:00-04:00"


def test_no_text_date_far_below_the_headline():
    later = "<p>" + "Words that fill the story before any date is named in it. " * 12 + "</p>"
    article = page(header=later + "<p>The council met on 3. Mai 2019 to decide.</p>")
    assert article.published is None


def test_url_day_beats_another_text_day():
    article = page(header="<p>Termin: 18.10.2021</p>", url="https://example.org/2021/10/20/story/")
    assert article.published == "2021-10-20"


@pytest.mark.parametrize("url, expected", [
    ("https://example.org/artikel/bericht_vom_22.04.2020_worauf_wartet", "2020-04-22"),
    ("https://example.org/artikel/bericht-vom-2.4.2020", "2020-04-02"),
    ("https://example.org/artikel/bericht-vom-32.04.2020", None),
    ("https://example.org/artikel/bericht-1.22.04.2020", None),  # part of a longer number
])
def test_dotted_day_in_the_url(url, expected):
    assert page(url=url).published == expected


def test_sidebar_time_is_not_the_story_date():
    header = "<div class='meta'>22. Oktober 2019</div>"
    related = "<div class='related-posts'><time datetime='2009-04-11'>11. April 2009</time></div>"
    html = (f"<html><body><article><h1>Rain falls on the town</h1>{header}{BODY}</article>{related}</body></html>")
    assert fa.extract_article(html, "https://example.org/a").published == "2019-10-22"


def test_utc_time_yields_to_its_local_twin():
    head = "<meta property='article:published_time' content='2022-05-04T03:37:37+00:00'>"
    header = "<time datetime='2022-05-03T23:37:37-04:00'>3 May, 2022</time>"
    assert page(head, header).published == "2022-05-03T23:37:37-04:00"


def test_utc_time_across_midnight_takes_the_url_day():
    head = "<meta property='article:published_time' content='2018-12-31T23:11:59+00:00'>"
    assert page(head, url="https://example.org/2019/01/01/new-year/").published == "2019-01-01"
    # a UTC morning is not read as the previous day of a URL (that would be UTC-10 or further west)
    head = "<meta property='article:published_time' content='2020-07-09T10:04:04+00:00'>"
    assert page(head, url="https://example.org/2020/07/08/story/").published == "2020-07-09T10:04:04+00:00"


def test_utc_time_across_midnight_on_the_clock_of_the_sites_country():
    head = "<meta property='article:published_time' content='2020-08-25T00:23:33+00:00'>"
    # the same instant, written on the newsroom's clock, where that is another day
    assert page(head, url="https://ici.example.ca/nouvelle/1728875").published == "2020-08-24T20:23:33-04:00"
    assert page(head, url="https://diario.example.com.bo/autos").published == "2020-08-24T20:23:33-04:00"
    # the same day on that clock, or a site of no country: the value as the page gives it
    assert page(head, url="https://example.de/story").published == "2020-08-25T00:23:33+00:00"
    assert page(head, url="https://example.com/story").published == "2020-08-25T00:23:33+00:00"
    assert page(head, url="https://example.io/story").published == "2020-08-25T00:23:33+00:00"


def test_every_newsroom_zone_is_a_zone_name():
    from zoneinfo import available_timezones
    newer_names = {"Europe/Kyiv"}  # (2022: a system's older tz database may lack it; see _newsroom_zone)
    assert set(fa.NEWSROOM_ZONES.values()) - available_timezones() <= newer_names
    assert all(len(country) == 2 and country.islower() for country in fa.NEWSROOM_ZONES)


def test_utc_evening_is_the_next_day_east_of_greenwich():
    head = "<meta property='article:published_time' content='2021-03-04T23:30:00+00:00'>"
    assert page(head, url="https://zeitung.example.de/politik/1").published == "2021-03-05T00:30:00+01:00"
    assert page(head, url="https://zeitung.example.de./politik/1").published == "2021-03-05T00:30:00+01:00"


@pytest.mark.parametrize("name", ["og:article:published_time", "sailthru.date", "dcterms.created",
                                  "analyticsattributes.articledate"])
def test_more_meta_names(name):
    head = f"<meta name='{name}' content='2020-01-13T13:37:49+0000'>"
    assert page(head).published == "2020-01-13T13:37:49+00:00"


def test_broken_json_ld_is_repaired_for_its_date():
    head = """<script type="application/ld+json">{"@type": "NewsArticle", // the story
        "headline": "Rain", "datePublished": "2019-10-19T13:07:47+02:00",}</script>"""
    assert page(head).published == "2019-10-19T13:07:47+02:00"


def test_video_upload_date_when_no_article_item():
    head = """<script type="application/ld+json">{"@type": "VideoObject", "uploadDate": "2020-04-04T20:57:00+02:00"}</script>"""
    assert page(head).published == "2020-04-04T20:57:00+02:00"


def test_webpage_item_date_is_not_a_publication_date():
    head = """<script type="application/ld+json">{"@type": "WebPage", "datePublished": "2019-12-02T17:15:20+00:00"}</script>"""
    assert page(head).published is None


def test_hatom_and_microdata_dates():
    abbr = "<abbr class='published' title='2016-12-23T05:11:00-05:00'>Friday</abbr>"
    assert page(header=abbr).published == "2016-12-23T05:11:00-05:00"
    span = "<span itemprop='datePublished' content='2011-03-30T21:05:00-07:00'>March 30</span>"
    assert page(header=span).published == "2011-03-30T21:05:00-07:00"


SCHEMA = "https://schema.org/"


@pytest.mark.parametrize("item, expected", [
    # a download portal's program: its release date, not the page's
    (f"<div itemscope itemtype='{SCHEMA}SoftwareApplication'><time itemprop='datePublished'"
     " datetime='2020-02-12'>this version</time></div>", None),
    # a guest's review of a holiday let, dated by a <meta itemprop>
    (f"<div itemscope itemtype='{SCHEMA}LodgingBusiness'><div itemprop='review' itemscope itemtype='{SCHEMA}Review'>"
     "<meta itemprop='datePublished' content='2018-05-23'>Lovely stay</div></div>", None),
    # a critic's review that is the page itself keeps its date
    (f"<div itemscope itemtype='{SCHEMA}Review'><meta itemprop='datePublished' content='2018-05-23'></div>",
     "2018-05-23"),
])
def test_microdata_dates_of_other_things_are_not_the_pages(item, expected):
    assert page(header=item).published == expected


def test_no_date_anywhere_is_none():
    assert page(header="<p>© 2020 Example Media</p>").published is None


def test_headline_in_h2_anchors_the_text_date():
    html = ("<html><head><meta property='og:title' content='Rain falls on the town | Site'></head><body>"
            "<h2>Rain falls on the town</h2><div>27 Sep 2016</div>" + BODY + "</body></html>")
    assert fa.extract_article(html, "https://example.org/a").published == "2016-09-27"


# --- dates shown on the page where no field gives one, or a later day than the field's (helper-prototyped)

LABEL_BODY = "<p>" + " ".join(["Ein Satz mit einigen Worten darin, der den Text des Artikels lang genug macht."] * 12) + "</p>"


def labelled_page(head: str, article: str) -> str:
    return f"<html><head>{head}</head><body><article>{article}</article></body></html>"


def test_hungarian_dotted_date_before_headline():
    html = labelled_page("", f"<div>lassú kilábalás</div><div>2020. 08. 18. 21:35</div><h1>A címe a cikknek itt</h1>{LABEL_BODY}")
    article = fa.extract_article(html, "https://example.hu/eletstilus/a-cikk-2928554/")
    assert article.published.startswith("2020-08-18")


def test_labelled_date_further_down():
    html = labelled_page("", f"<h1>Verkündung des Gesetzes</h1>{LABEL_BODY}<p>Datum: 18.10.2021</p>")
    article = fa.extract_article(html, "https://example.de/meldungen/gesetz.html")
    assert article.published == "2021-10-18"
    assert article.provenance["published"] == "labelled text date"


def test_labelled_date_not_read_when_unlabelled():
    html = labelled_page("", f"<h1>Verkündung des Gesetzes</h1>{LABEL_BODY}<p>Im Gesetzblatt vom 17.08.2021 steht es.</p>")
    assert fa.extract_article(html, "https://example.de/meldungen/gesetz.html").published is None


@pytest.mark.parametrize("classes, expected", [
    ("meta__date", "2022-02-01"), ("news-Datum", "2022-02-01"),
    ("update", None),  # not a date's class
])
def test_date_in_an_element_classed_as_a_date(classes, expected):
    html = labelled_page("", f"<h1>Klimaschutz im Bundestag</h1>{LABEL_BODY}<span class='{classes}'>01.02.2022</span>")
    article = fa.extract_article(html, "https://example.de/themen/klimaschutz")
    assert article.published == expected
    assert expected is None or article.provenance["published"] == "element classed as a date"


def test_classed_date_of_another_story_or_holding_more_than_a_date_is_not_read():
    teaser = "<div class='date'>Am 01.02.2022 stand hier ein anderer, langer Satz über etwas.</div>"
    sidebar = "<aside><span class='date'>03.02.2022</span></aside>"
    html = labelled_page("", f"<h1>Klimaschutz im Bundestag</h1>{LABEL_BODY}{teaser}{sidebar}")
    assert fa.extract_article(html, "https://example.de/themen/klimaschutz").published is None


def test_date_opening_the_story():
    # (no headline on the page, so no date is read beside one)
    html = labelled_page("<title>Der Arbeitsmarkt im Januar</title>", "<p>01.02.2022 – " + LABEL_BODY[3:])
    article = fa.extract_article(html, "https://example.de/news/arbeitsmarkt")
    assert (article.published, article.provenance["published"]) == ("2022-02-01", "date opening the story")


@pytest.mark.parametrize("before", [
    "<h2>Trotz der Maßnahmen auf Erholungskurs</h2>",  # a press release's subtitle above its dated first paragraph
])
def test_date_opening_the_first_paragraph_after_a_subheading(before):
    html = labelled_page("<title>Der Arbeitsmarkt im Januar</title>", before + "<p>01.02.2022 – " + LABEL_BODY[3:])
    article = fa.extract_article(html, "https://example.de/news/arbeitsmarkt")
    assert (article.published, article.provenance["published"]) == ("2022-02-01", "date opening the story")


def test_a_date_set_as_the_first_heading_still_dates_the_story():
    html = labelled_page("<title>In the pink</title>", "<h2>6 Nov 2012</h2>" + LABEL_BODY)
    assert fa.extract_article(html, "https://example.com/blog/in-the-pink").published == "2012-11-06"


def test_shown_later_day_beats_field():
    head = '<meta property="article:published_time" content="2021-11-22T18:42:22+01:00">'
    html = labelled_page(head, f"<h1>Diese Hotels versprechen Erholung</h1><div>Von Fiona B.</div><div>Stand: 07.11.2023, 07:30 Uhr</div>{LABEL_BODY}")
    assert fa.extract_article(html, "https://example.de/artikel/hotels").published.startswith("2023-11-07")


def test_event_date_in_lead_does_not_override():
    head = '<meta property="article:published_time" content="2021-11-22T18:42:22+01:00">'
    lead = "<p>Die Regierung hat beschlossen, dass das neue Gesetz am 1. Januar 2023 in Kraft tritt, und zwar bundesweit für alle.</p>"
    html = labelled_page(head, f"<h1>Neues Gesetz beschlossen</h1>{lead}{LABEL_BODY}")
    assert fa.extract_article(html, "https://example.de/artikel/gesetz").published.startswith("2021-11-22")


def test_earlier_shown_day_keeps_field():
    head = '<meta property="article:published_time" content="2021-11-22T18:42:22+01:00">'
    html = labelled_page(head, f"<h1>Neues Gesetz beschlossen</h1><div>20.11.2021</div>{LABEL_BODY}")
    assert fa.extract_article(html, "https://example.de/artikel/gesetz").published.startswith("2021-11-22")


@pytest.mark.parametrize("name, expected", [
    ("date", "2022-01-21T13:30:00"),  # a bare "date" may be the page's last change: the byline's day wins
    ("dc.date", "2022-01-21T13:30:00"),
    ("article:published_time", "2022-01-26"),  # a publication field keeps its day over an earlier one shown
])
def test_shown_day_beats_an_unspecific_meta_date(name, expected):
    head = f'<meta name="{name}" content="2022-01-26">'
    html = labelled_page(head, f"<h1>Neues Gesetz beschlossen</h1><div>21.01.2022 - 13:30</div>{LABEL_BODY}")
    assert fa.extract_article(html, "https://example.de/artikel/gesetz").published == expected


def test_dateline_below_a_standfirst():
    standfirst = "<p>" + "Der neue Schuh ist ein besonders vielseitiger Begleiter, der im Aufstieg und in der Abfahrt gefällt und " * 4 + "viel kann</p>"
    head = '<meta property="article:published_time" content="2022-01-10">'  # updated on the 21st
    html = labelled_page(head, f"<h1>Neues Gesetz beschlossen</h1>{standfirst}<div>21.01.2022 - 13:30</div><div>Quelle: Hersteller</div>{LABEL_BODY}")
    assert fa.extract_article(html, "https://example.de/artikel/gesetz").published == "2022-01-21T13:30:00"


@pytest.mark.parametrize("field, shown, site, expected, exact", [
    ("2022-05-04T00:25:56Z", "3 de mayo de 2022 21:25", "com", "2022-05-03T21:25:56-03:00", True),  # its local time
    ("2022-05-04T00:25:56Z", "3 de mayo de 2022", "com", "2022-05-03", True),                    # its local day
    ("2022-05-04T00:25:56Z", "3 de mayo de 2022", "com.ar", "2022-05-03T21:25:56-03:00", True),  # the country's clock
    ("2022-05-04T15:25:56Z", "3 de mayo de 2022", "com.ar", "2022-05-04", False),                # too far: the field stays
])
def test_utc_field_and_the_shown_local_date(field, shown, site, expected, exact):
    head = f'<meta property="article:published_time" content="{field}">'
    html = labelled_page(head, f"<h1>Jugada del oficialismo en Diputados</h1><div>{shown}</div>{LABEL_BODY}")
    published = fa.extract_article(html, f"https://example.{site}/politica/jugada/").published
    assert published == expected if exact else published.startswith(expected)


def test_short_lead_sentence_with_event_date_does_not_override():
    head = '<meta property="article:published_time" content="2021-11-22T18:42:22+01:00">'
    html = labelled_page(head, f"<h1>Neues Gesetz beschlossen</h1><p>Das Gesetz gilt ab 1. Januar 2023.</p>{LABEL_BODY}")
    assert fa.extract_article(html, "https://example.de/artikel/gesetz").published.startswith("2021-11-22")


def wiki_page(head: str, footer: str, generator: str = "MediaWiki 1.35.0",
              lead: str = "<p>The next meeting is on 5 February 2020 at the town hall.</p>") -> fa.Article:
    html = (f"<html lang='en'><head><title>Town hall - Wiki</title><meta name='generator' content='{generator}'>{head}"
            f"</head><body><h1>Town hall</h1>{lead}{BODY}"
            f"<div id='footer'><ul><li id='footer-info-lastmod'>{footer}</li></ul></div></body></html>")
    return fa.extract_article(html, "https://wiki.example.org/Town_hall")


def test_a_wikis_date_is_its_last_revision():
    ld = ('<script type="application/ld+json">{"@type": "Article", "name": "Town hall",'
          ' "datePublished": "2005-07-26T16:22:26-07:00", "dateModified": "2020-04-07T12:33:32-07:00"}</script>')
    article = wiki_page(ld, "This page was last edited on 16 February 2020, at 16:20.")
    assert (article.published, article.provenance["published"]) == (
        "2020-04-07T12:33:32-07:00", "json-ld dateModified, the wiki's last revision")
    article = wiki_page("", "Diese Seite wurde zuletzt am 29. Januar 2020 um 13:22 Uhr geändert.")
    assert (article.published, article.provenance["published"]) == ("2020-01-29T13:22:00", "the wiki's last revision")
    # a page of another publishing system: its footer line is not read as its date
    assert wiki_page("", "Last edited on 16 February 2020.", generator="WordPress 6.1", lead="").published is None


@pytest.mark.parametrize("body_class, header, expected", [
    ("page-template-default page page-id-5716", "", None),  # a static page: its SEO stamp is no publication date
    ("post-template-default single single-post postid-886", "", "2015-06-20T10:00:00+02:00"),  # a post is dated
    ("page-template-default page page-id-5716", "<p class='date'>3. März 2021</p>", "2021-03-03"),  # a date it prints
    ("pagination page-id-x", "", "2015-06-20T10:00:00+02:00"),  # no WordPress page
    ("page-template-default page", "", "2015-06-20T10:00:00+02:00"),  # "page" alone: another theme's word
    ("page-id-5716 pages", "", "2015-06-20T10:00:00+02:00"),
])
def test_wordpress_static_pages_are_not_dated_by_their_fields(body_class, header, expected):
    html = (f"<html lang='de'><head><title>Expeditionen planen</title>"
            "<meta property='article:published_time' content='2015-06-20T10:00:00+02:00'></head>"
            f"<body class='{body_class}'><article><h1>Expeditionen planen</h1>{header}{BODY}</article></body></html>")
    assert fa.extract_article(html, "https://example.com/expeditionen/").published == expected


def test_a_zone_this_system_lacks_leaves_the_utc_time(monkeypatch):
    monkeypatch.setitem(fa.NEWSROOM_ZONES, "ca", "America/No_Such_Zone")
    head = "<meta property='article:published_time' content='2020-08-25T00:23:33+00:00'>"
    assert page(head, url="https://ici.example.ca/nouvelle/1").published == "2020-08-25T00:23:33+00:00"


def test_a_time_on_another_headings_card_is_not_the_pages_date():
    card = ("<div class='material'><h2>Ressourcenwende: Appell an die Bundesregierung</h2>"
            "<time datetime='2022-12-08'>08.12.2022</time><a href='/appell.pdf'>Herunterladen</a></div>")
    html = f"<html><body><main><h1>Nachhaltiger leben</h1>{BODY}{card}</main></body></html>"
    assert fa.extract_article(html, "https://example.de/engagieren/nachhaltiger-leben").published is None
    # the headline's own header, and a heading below the date inside the story, leave it the page's
    header = "<header><h1>Nachhaltiger leben</h1><time datetime='2022-12-08'>08.12.2022</time></header>"
    html = f"<html><body><main><div>{header}<div>{BODY}<h3>Was tun?</h3>{BODY}</div></div></main></body></html>"
    assert fa.extract_article(html, "https://example.de/engagieren/nachhaltiger-leben").published == "2022-12-08"


@pytest.mark.parametrize("line, expected", [
    ("Zuletzt aktualisiert am 28.01.2020", None),  # a listing's last change
    ("Aktualisiert am 28.01.2020", "2020-01-28"),
    ("Stand: 7. November 2023", "2023-11-07"),
    ("Stand 07.11.2023", "2023-11-07"),
    ("Stand vom 07.11.2023", "2023-11-07"),
    ("Stand der Informationen: 07.11.2023", "2023-11-07"),
    ("10 Ideas for a DIY Plant Stand August 13, 2020", None),  # English: a word, no label
])
def test_labels_that_do_not_date_the_page(line, expected):
    html = labelled_page("", f"<h1>Ferienhaus Feinen</h1>{LABEL_BODY}<div><span>{line}</span></div>")
    assert fa.extract_article(html, "https://example.de/ferienhaus/feinen.php").published == expected


SEO_GRAPH = ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
             '{"@type": "WebSite", "name": "Garden"}, {"@type": "WebPage", "name": "Lemon tree from seed"}%s]}</script>')


@pytest.mark.parametrize("graph_extra, printed, lang, expected", [
    ("", "", "en", None),  # an SEO plugin's stamp on a post that shows no date
    ("", "<p class='meta'>April 21, 2020</p>", "en", "2020-04-21T06:44:14+00:00"),  # the page prints that day
    (', {"@type": "Article", "headline": "Lemon tree from seed"}', "", "en", "2020-04-21T06:44:14+00:00"),  # an article
    ("", "<p class='meta'>21 kwietnia 2020</p>", "pl", "2020-04-21T06:44:14+00:00"),  # month names not read here
])
def test_a_meta_date_the_page_hides_on_a_web_page_graph(graph_extra, printed, lang, expected):
    head = (SEO_GRAPH % graph_extra) + "<meta property='article:published_time' content='2020-04-21T06:44:14+00:00'>"
    html = (f"<html lang='{lang}'><head><title>Lemon tree from seed</title>{head}</head><body><article>"
            f"<h1>Lemon tree from seed</h1>{printed}{BODY}</article></body></html>")
    assert fa.extract_article(html, "https://example.com/lemon-tree-from-seed/").published == expected


def test_dates_in_a_sidebar_of_other_posts_are_not_the_pages():
    sidebar = ("<aside class='sidebar'><h2>Recent Posts</h2><ul><li><a href='/zz'>ZZ Plant Care</a> October 30, 2020</li>"
               "<li><a href='/stand'>10 Ideas for a DIY Plant Stand</a> August 13, 2020</li></ul></aside>")
    html = (f"<html lang='en'><body><div class='hero'><h2>Lemon tree from seed</h2></div>"
            f"<div class='container'>{sidebar}<div class='content'>{BODY}</div></div></body></html>")
    assert fa.extract_article(html, "https://example.com/lemon-tree-from-seed/").published is None
    # the same line in the story's own info box is its date
    box = "<aside class='blogData'><dl><dt>Datum</dt><dd>12.01.2017</dd></dl></aside>"
    html = labelled_page("", f"<h2>Dateien mit Migrationshintergrund</h2><p>{LABEL_BODY}</p>{box}")
    assert fa.extract_article(html, "https://example.com/blog/dateien").published == "2017-01-12"


@pytest.mark.parametrize("header", [
    "<h1>Storm hits the coast</h1><h2>Thousands without power</h2><p>By Ann Lee <time datetime='2021-05-03T10:00'>3 May</time></p>",
    "<h3 class='kicker'>Weather</h3><time datetime='2021-05-03T10:00'>3 May</time><h1>Storm hits the coast</h1>",
])
def test_a_deck_or_kicker_heading_in_the_headlines_header_leaves_its_time_the_pages(header):
    html = f"<html><body><article><header>{header}</header>{BODY}</article></body></html>"
    assert fa.extract_article(html, "https://example.org/news/storm").published == "2021-05-03T10:00:00"


@pytest.mark.parametrize("wrapper", ["site-content no-sidebar", "content-sidebar-wrap"])
def test_a_layout_wrapper_named_for_its_sidebar_still_holds_the_pages_dates(wrapper):
    html = (f"<html><body><div class='{wrapper}'><main><article><h1>Verkündung des Gesetzes</h1>{LABEL_BODY}"
            "<p>Veröffentlicht am 25.04.2024</p></article></main></div></body></html>")
    assert fa.extract_article(html, "https://example.de/meldungen/gesetz.html").published == "2024-04-25"


def test_a_sidebar_between_the_headline_and_the_story_is_not_read_for_its_date():
    sidebar = "<aside class='sidebar'><ul><li><a href='/zz'>ZZ Plant Care</a> October 30, 2020</li></ul></aside>"
    html = (f"<html lang='en'><body><div class='hero'><h1>Lemon tree from seed</h1></div>"
            f"<div class='container'>{sidebar}<div class='content'>{BODY}<p>Posted April 21, 2020</p></div></div></body></html>")
    assert fa.extract_article(html, "https://example.com/lemon-tree-from-seed/").published == "2020-04-21"


def test_a_labelled_date_in_a_list_of_other_posts_is_theirs():
    others = "<div class='recent-posts'><p><a href='/zz'>ZZ Plant Care</a></p><p>Posted on October 30, 2020</p></div>"
    html = labelled_page("", f"<h1>Lemon tree from seed</h1>{LABEL_BODY}") .replace("</article>", f"</article>{others}")
    assert fa.extract_article(html, "https://example.com/lemon-tree-from-seed/").published is None
    html = html.replace("<p>Posted on October 30, 2020</p></div>", "</div><p>Posted on October 30, 2020</p>")
    assert fa.extract_article(html, "https://example.com/lemon-tree-from-seed/").published == "2020-10-30"


@pytest.mark.parametrize("lang, expected", [("en", None), ("en-GB", None), ("de", "2024-04-25")])
def test_stand_labels_a_date_on_german_pages_only(lang, expected):
    html = (f"<html lang='{lang}'><body><article><h1>Messe</h1>{LABEL_BODY}<p>Stand 12, 25.04.2024</p>"
            "</article></body></html>")
    assert fa.extract_article(html, "https://example.com/messe").published == expected


@pytest.mark.parametrize("box, expected", [
    # a forum's author box dates the member's joining; the post's own line dates the page
    ("<dl><dt>Registriert:</dt><dd>18.09.2008, 05:56</dd></dl><p>Beitrag von r23 » 21.01.2009, 05:42</p>", "2009-01-21T05:42:00"),
    ("<div>Joined: 15.09.2008</div>", None),
    ("<div>Mitglied seit 03.04.2011</div>", None),
    ("<ul><li>Genre: Abenteuer</li><li>Release: 14.11.2019</li></ul>", None),  # a product's release
    ("<div>Press release: 14.11.2019</div>", "2019-11-14"),
])
def test_dates_labelled_as_something_else(box, expected):
    html = labelled_page("", f"<h1>Was ist Freie Software</h1>{box}{LABEL_BODY}")
    assert fa.extract_article(html, "https://example.de/forum/viewtopic").published == expected


# --- Pages without a publication date that print other days (see the families in fetch_article's
# date constants): each case fails without its rule.

def undated_page(header: str = "", after: str = "", head: str = "", lang: str = "de", title: str = "Unser Angebot",
                 body_class: str = "", footer: str = "") -> str:
    return (f"<html lang='{lang}'><head><title>{title}</title>{head}</head><body class='{body_class}'><main>"
            f"<h1>{title}</h1>{header}{LABEL_BODY}{after}</main>{footer}</body></html>")


@pytest.mark.parametrize("line, expected", [
    # a lead's or a notice's sentence names an event's or a closure's day
    ("<p>Das Sommerkonzert der Chorknaben findet am 15. Juni 2024 um 19 Uhr in der Stadtkirche St. Martin statt.</p>", None),
    ("<p>Please note: our office is closed on 25 December 2024 and reopens on 2 January 2025 as usual.</p>", None),
    # a press release's paragraph opening with its date, or a place and its date, stays
    ("<p>12.03.2024 – Der Gemeinderat hat am Dienstagabend nach langer Debatte den Haushalt beschlossen.</p>", "2024-03-12"),
    ("<p>Hamburg, 2. November 2021 – Die Stadt hat am Dienstagabend nach langer Debatte den Haushalt beschlossen.</p>", "2021-11-02"),
    ("<p>Last updated at 11:25am on 07.01.08 Add your view: the council has approved the budget after a long debate</p>", "2008-01-07"),
])
def test_a_date_in_a_sentence_under_the_headline_is_not_the_pages(line, expected):
    assert fa.extract_article(undated_page(line), "https://example.de/angebot").published == expected


@pytest.mark.parametrize("line, expected", [
    ("<p>Unser Sommerfest findet am <strong>Samstag, 15. Juni 2024</strong> ab 14 Uhr auf dem Vereinsgelände statt.</p>", None),
    ("<p class='meta'>Veröffentlicht am <b>12.03.2024</b> von <a href='/max'>Max Mustermann</a> in Politik, Wirtschaft "
     "und Gesellschaft</p>", "2024-03-12"),
    # a credit line's own clause: "with files from" is not the date's sentence
    ("<p><span>CanWest News Service; with files from Reuters Published: Tuesday, January 08, 2008</span></p>", "2008-01-08"),
])
def test_a_date_set_inline_in_a_sentence_is_read_with_the_sentence(line, expected):
    assert fa.extract_article(undated_page(line), "https://example.de/verein").published == expected


@pytest.mark.parametrize("line", [
    "Angebot gültig bis 31.03.2024", "Lieferbar ab 15.04.2024", "Eintritt ab 01.08.2024 · Bewerbungsfrist: 30.06.2024",
    "Anmeldeschluss ist der 30.04.2024", "Rates as of March 1, 2024", "Biglietti validi fino al 31 dicembre 2024",
    "Fecha de inicio: 3 de septiembre de 2024", "Valable jusqu’au 31 décembre 2024", "eingetragen am 12.03.2009",
    "Latest version: 2.3.1 (12 March 2024)", "Version 24.01 vom 12.02.2024", "2.3.1 — 2024-03-12: fixed a crash",
    "Kurs: 12.03.2024 – 16.04.2024", "Montag, 3. Juni 2024 – Freitag, 7. Juni 2024", "12.03. – 16.04.2024",
])
def test_validity_deadline_start_as_of_version_and_range_days_are_not_the_pages(line):
    assert fa.extract_article(undated_page(f"<p>{line}</p>"), "https://example.de/angebot").published is None


@pytest.mark.parametrize("line", [
    "<p>Datum: 15.06.2024</p><p>Uhrzeit: 19:00 Uhr</p>", "<p>Date : samedi 15 juin 2024, de 9h à 17h</p>",
    "<p>Sa 15.06.2024 | 19:00 - 22:00 Uhr</p>", "<p>3 May 2024, 7pm–10pm</p>",
])
def test_an_events_date_with_its_hours_is_not_the_pages(line):
    assert fa.extract_article(undated_page(line), "https://example.de/konzert").published is None
    # a news agency's box names a place after its date, and a byline its updated time: still the story's
    box = "<p>Published Date: 09 January 2008 Source: Press Association Location: London</p>"
    assert fa.extract_article(undated_page(box), "https://example.de/news").published == "2008-01-09"
    line = "<p>Updated Nov 12 2012 - 2:35pm · Posted Nov 12 2012 - 2:33pm by Chi</p>"
    assert fa.extract_article(undated_page(line), "https://example.de/news").published == "2012-11-12T14:35:00"


def test_the_day_of_the_event_a_page_describes_is_not_the_pages():
    event = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "MusicEvent",'
             ' "name": "Summer Gala", "startDate": "2024-06-15T19:00"}</script>')
    html = undated_page("<p>Saturday, 15 June 2024, 7:00 pm</p>", head=event, lang="en")
    assert fa.extract_article(html, "https://example.org/whats-on/gala").published is None
    html = undated_page("<p>1 March 2024</p>", head=event, lang="en")  # a post announcing it: its own day
    assert fa.extract_article(html, "https://example.org/news/gala-announced").published == "2024-03-01"
    microdata = (f"<div itemscope itemtype='{SCHEMA}Event'><time itemprop='startDate' datetime='2024-06-15T19:00'>"
                 "15 June</time></div>")
    assert fa.extract_article(undated_page(microdata, lang="en"), "https://example.org/whats-on/gala").published is None


@pytest.mark.parametrize("box, lang", [
    ("<p>Start date: 3 September 2024</p>", "en"), ("<p>Date modified: 2024-03-12</p>", "en"),
    ("<p>Datum der letzten Änderung: 12.03.2024</p>", "de"), ("<p>Zinsen ab 3,49 % (Stand: 01.03.2024)</p>", "de"),
])
def test_labels_of_another_day(box, lang):
    assert fa.extract_article(undated_page(after=box, lang=lang), "https://example.org/kurs").published is None


def test_labelled_dates_of_comments_and_of_the_site_footer_are_not_the_pages():
    comments = ("<div id='comments' class='comments-area'><ol class='comment-list'><li class='comment'>"
                "<p class='comment-meta'>Posted on March 12, 2024 at 10:03 am</p><p>Thanks!</p></li></ol></div>")
    html = undated_page(after=comments, lang="en")
    assert fa.extract_article(html, "https://example.org/guide").published is None
    # a theme that names a post's own meta line "Comment" still dates the post
    html = undated_page(after="<div class='Comment'>Published on November 1st, 2012 - 6 Comments</div>", lang="en")
    assert fa.extract_article(html, "https://example.org/guide").published == "2012-11-01"
    html = undated_page(footer="<footer id='footer'><p>© Praxis</p><p>Stand: 12.03.2024</p></footer>")
    assert fa.extract_article(html, "https://example.de/leistungen").published is None
    html = undated_page(after="<footer class='entry-footer'>Veröffentlicht am 12. März 2024</footer>")
    assert fa.extract_article(html, "https://example.de/leistungen").published == "2024-03-12"


@pytest.mark.parametrize("listing", [
    # a press list, a timeline, a news box, a guestbook, a category page's teasers
    "<ul class='press'>" + "".join(f"<li><span class='date'>{day}.03.2024</span> <a href='/p{day}'>Meldung {day}</a></li>"
                                  for day in (12, 8, 1)) + "</ul>",
    "<ul class='timeline'>" + "".join(f"<li>{day}.05.2001: Einweihung des Gerätehauses Nummer {day}</li>" for day in (5, 9, 12)) + "</ul>",
    "<aside><h3>Neuigkeiten</h3>" + "".join(f"<p>{day}.02.2024: Neue Trainingszeiten</p>" for day in (1, 8, 15)) + "</aside>",
    "<aside><h3>Neuigkeiten</h3>" + "".join(f"<p>{day}.02.2024: Jahreshauptversammlung</p>" for day in (1, 8, 15)) + "</aside>",
    "".join(f"<div class='gb-entry'><p class='gb-head'>Eintrag von Anna am {day}.03.2024</p><p>Schön!</p></div>" for day in (2, 9, 12)),
    "".join(f"<article class='post'><h2><a href='/p{day}'>Post {day}</a></h2><div class='entry-meta'>Posted on March {day}, 2024</div>"
            f"<p>A short teaser of the post.</p></article>" for day in (2, 9, 12)),
])
def test_a_listings_dated_entries_are_not_the_pages(listing):
    assert fa.extract_article(undated_page(listing), "https://example.de/presse").published is None


def test_a_post_dated_like_its_comments_and_a_front_page_of_whole_posts_keep_their_dates():
    # TypePad: the post's "Posted by" line and each comment's are siblings of one class
    post = (f"<h2>My post</h2>{LABEL_BODY}{LABEL_BODY}<p class='posted'>Posted by Kathy on April 6, 2007 | Permalink</p>"
            + "".join(f"<p>Comment {n}</p><p class='posted'>Posted by: Reader {n} | Mar 2{n}, 2007 2:0{n}:18 PM</p>" for n in (1, 2, 3)))
    html = f"<html lang='en'><body><div class='content'><h1>Creating Passionate Users</h1>{post}</div></body></html>"
    assert fa.extract_article(html, "https://example.org/blog/my-post").published == "2007-04-06"
    # a blog's front page: date headers over whole posts
    days = "".join(f"<h2>August {day}, 2004</h2><div class='post'>{LABEL_BODY}{LABEL_BODY}</div>" for day in (29, 17, 10))
    html = f"<html lang='en'><body><div><h1>Rants and Articles</h1>{days}</div></body></html>"
    assert fa.extract_article(html, "https://example.org/").published == "2004-08-29"


@pytest.mark.parametrize("words", ["latest-news", "news-ticker"])
def test_a_latest_news_box_is_a_list_of_other_stories(words):
    box = f"<div class='{words}'><ul><li><time datetime='2024-03-13'>March 13, 2024</time> <a href='/x'>Storm</a></li></ul></div>"
    html = (f"<html lang='en'><body><h1>Council approves budget</h1>{box}<article><p class='dateline'>March 12, 2024</p>"
            f"{BODY}</article></body></html>")
    assert fa.extract_article(html, "https://example.org/news/budget").published == "2024-03-12"
    # an id that only begins with "latest" (a byline's "latest-article-stats") is not such a box, nor "has-no-ticker"
    stats = "<div id='latest-article-stats'><span>133 views</span> <span>Posted Nov 7, 2012</span></div>"
    html = (f"<html lang='en'><body><div class='has-no-ticker'><article><h1>Road test</h1><div class='byline'>{stats}</div>"
            f"{BODY}</article></div></body></html>")
    assert fa.extract_article(html, "https://example.org/news/road-test").published == "2012-11-07"


def test_readers_reviews_in_json_ld_are_not_the_pages():
    graph = ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
             '{"@type": "Product", "name": "Garden kneeler"},'
             '{"@type": "Review", "datePublished": "2023-07-04", "reviewBody": "Sturdy."}]}</script>')
    assert fa.extract_article(undated_page(head=graph, lang="en"), "https://shop.example.org/p/kneeler").published is None
    critic = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Review",'
              ' "datePublished": "2024-03-12", "itemReviewed": {"@type": "Movie", "name": "The Long Summer"}}</script>')
    assert fa.extract_article(undated_page(head=critic, lang="en"), "https://example.org/the-long-summer").published == "2024-03-12"


def test_a_body_wide_web_page_items_microdata_date_is_still_read():
    # themes put the post's own date on the <body>'s WebPage item, as others put it on an Article
    html = (f"<html lang='de'><body itemscope itemtype='{SCHEMA}WebPage'><meta itemprop='datePublished' content='2018-05-01'>"
            f"<main><h1>Alte Obstsorten</h1>{LABEL_BODY}</main></body></html>")
    assert fa.extract_article(html, "https://example.de/sorten").published == "2018-05-01"


def test_a_match_report_printed_after_kick_off_keeps_its_date():
    ld = '<script type="application/ld+json">{"@type": "SportsEvent", "name": "Derby", "startDate": "2024-03-03T15:30+01:00"}</script>'
    html = labelled_page(ld, f"<h1>Derbysieg in letzter Minute</h1><p>Von Hans Müller, 03.03.2024, 18:12 Uhr</p>{LABEL_BODY}")
    assert fa.extract_article(html, "https://example.de/sport/derby").published == "2024-03-03T18:12:00"


EN_PROSE = "<p>" + "The story goes on with enough words to be read as its body text, and then some more. " * 4 + "</p>"


@pytest.mark.parametrize("line, expected", [
    # a published and an updated date joined by a dash are a byline's, not a range
    ("<p>Published March 3, 2024 - Updated March 4, 2024</p>", "2024-03-03"),
    ("<p>March 3, 2024 – Updated: March 4, 2024</p>", "2024-03-03"),
    ("<p>3 marzo 2024 - Aggiornato 4 marzo 2024</p>", "2024-03-03"),
    # long bylines with conjunctions and roles before the date are no sentence
    ("<div class='byline'>By <a>Jane Doe</a>, Senior Reporter and <a>John Roe</a>, Washington Correspondent "
     "<span>March 3, 2024</span></div>", "2024-03-03"),
    ("<p>By John Smith and Jane Doe, staff writers for the Daily Planet newspaper, March 3, 2024 10:05 am</p>",
     "2024-03-03T10:05:00"),
    # a lead's sentence still names an event's day, not the page's
    ("<p>The council said on Monday that the bridge will reopen on March 10, 2024 after repairs to two girders.</p>", None),
])
def test_bylines_and_leads_after_the_headline(line, expected):
    html = f"<html lang='en'><body><article><h1>Some headline of the story here</h1>{line}{EN_PROSE}{EN_PROSE}</article></body></html>"
    assert fa.extract_article(html, "https://example.com/news/story").published == expected


def test_a_story_headers_dated_lines_are_no_listing():
    meta = "<ul class='post-meta'><li>March 3, 2024</li><li>Updated: March 4, 2024</li><li>Last reviewed: March 5, 2024</li></ul>"
    html = f"<html lang='en'><body><article><h1>Some headline of the story here</h1>{meta}{EN_PROSE}{EN_PROSE}</article></body></html>"
    assert fa.extract_article(html, "https://example.com/news/story").published == "2024-03-03"


def test_an_event_line_below_a_standfirst_or_a_captions_date_does_not_date_the_story():
    teaser = "<p>" + "Das Festival beginnt bald mit einem großen Programm, vielen Gästen und Konzerten in der ganzen Stadt. " * 4 + "</p>"
    head = '<meta property="article:published_time" content="2023-03-01T08:00:00+01:00">'
    html = labelled_page(head, f"<h1>Das Festival kommt</h1>{teaser}<p><b>Eröffnungskonzert: 15.04.2023, 20 Uhr</b></p>{LABEL_BODY}")
    assert fa.extract_article(html, "https://example.de/kultur/festival").published == "2023-03-01T08:00:00+01:00"
    caption = "<figure><img src='/a.jpg'><figcaption>Archivbild vom 12.01.2019</figcaption></figure>"
    html = labelled_page('<meta name="date" content="2023-03-01">', f"<h1>Das Festival kommt</h1>{caption}{LABEL_BODY}")
    assert fa.extract_article(html, "https://example.de/kultur/festival").published == "2023-03-01"


@pytest.mark.parametrize("line", ["<p>FOR IMMEDIATE RELEASE</p><p>March 3, 2023</p>", "<div>News release: March 3, 2023</div>"])
def test_a_press_releases_date_is_its_own(line):
    html = f"<html lang='en'><body><article><h1>Some headline of the story here</h1>{line}{EN_PROSE}{EN_PROSE}</article></body></html>"
    assert fa.extract_article(html, "https://example.com/news/story").published == "2023-03-03"
