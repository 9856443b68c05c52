"""Quoted speech and its speakers: labelled real pages and one small case per rule."""

from __future__ import annotations

import pytest

import fetch_article as fa
from conftest import shared_file
from test_pages import GAZA, TARGET_PAGE

# The target article, labelled by hand: (start of the quote, speaker, full sentence?).
ALEPPO_LABELS = [
    ("intrepid but delusional", "John McCain", False),
    ("The cause of what is happening", "John Kerry", True),
    ("Today there is no ceasefire", "John Kerry", True),
    ("barbarism", "the United States", False),
    ("Aleppo city's hospitals are overwhelmed", "Aref al-Aref", True),
    ("We are unable to bring anything in", "Aref al-Aref", True),
    ("It's the same situation", "Bebars Mishal", True),
    ("Now, there's just the helicopter", "Bebars Mishal", True),
    ("Everybody is scared", "Bebars Mishal", True),
    ("absolutely no prospect", "Dmitry Peskov", False),
    ("This convoy has brought relief", "Jakob Kern", True),
]

# The real CBC Gaza page, labelled by hand.
GAZA_LABELS = [
    ("mastermind", None, False),  # a scare quote: Israel "characterized" him so; nobody is quoted
    ("an internal decision.", "Jamil Al Saadouni", False),
    ("This has nothing to do with other factions", "Jamil Al Saadouni", True),
    ("Choosing a military leadership", "Abu Hassan Amer", True),  # "he told El Saife": not El Saife
    ("Because as they say", "Abu Hassan Amer", True),
    ("hard-liner", "Matthew Levitt", False),
    ("understands Israelis.", "Matthew Levitt", False),
    ("He learned Hebrew", "Matthew Levitt", True),
    ("The killing of Haniyeh already", "Lina Khatib", True),
    ("The next chess move", "Lina Khatib", True),
    ("Choosing him from the stance of Palestine", "Abu Anas Al Saud", True),
    ("We need someone to defend the land", "Abu Anas Al Saud", True),
    ("He's the most wanted man to Israel", "Abu Anas Al Saud", True),
    ("It will not advance negotiations", "Abu Anas Al Saud", True),
    ("is someone who grew up within the brigade", "Matthew Levitt", True),  # Sinwar "is…," said Levitt
    ("challenge to Israel", "Sadeq Abu Amer", False),
    ("might take a step that will surprise everyone.", "Sadeq Abu Amer", False),
    ("protect the historical rights", "Palestinian Dialogue Group", False),
    ("in the immediate", "Matthew Levitt", False),
    ("The same factors that were driving Hamas", "Matthew Levitt", True),  # a quote-only paragraph
    ("There is only one place for Yahya Sinwar", "Daniel Hagari", True),
    ("That is the only place we're preparing", "Daniel Hagari", True),
    ("There are rules to resistance", "Abu Hassan Amer", True),  # "Amer" is not Sadeq Abu Amer
    ("[And] we need peace", "Abu Hassan Amer", True),
]


def score(article: fa.Article, labels) -> dict[str, int]:
    """Counts of labelled quotes found, and of full-sentence quotes with the right speaker."""
    by_start = {quote.text[:60]: quote for quote in article.quotes}
    counts = {"labelled": len(labels), "found": 0, "full": 0, "full_right": 0, "right": 0}
    for start, speaker, full_sentence in labels:
        quote = next((q for key, q in by_start.items() if key.startswith(start[:60])), None)
        counts["found"] += quote is not None
        right = quote is not None and quote.speaker == speaker
        counts["right"] += right
        counts["full"] += full_sentence
        counts["full_right"] += full_sentence and right
    return counts


def test_target_article_quotes():
    article = fa.extract_article(shared_file(TARGET_PAGE).read_bytes(), fa.DEFAULT_URL)
    counts = score(article, ALEPPO_LABELS)
    assert counts == {"labelled": 11, "found": 11, "full": 8, "full_right": 8, "right": 11}
    assert len(article.quotes) == 11
    assert len({q.speaker for q in article.quotes}) == 7
    mishal = [q for q in article.quotes if q.speaker == "Bebars Mishal"]
    assert [q.cue for q in mishal] == ["told Reuters", "said", "said"]
    assert mishal[0].speaker_title == "civil defence worker"
    mccain = article.quotes[0]
    assert (mccain.cue, mccain.speaker_title, mccain.kind) == ("described him as", "Republican senator", "speech")
    paragraphs = article.text.split("\n\n")
    assert all(q.text in paragraphs[q.paragraph] for q in article.quotes)
    assert not any("This is your destiny" in q.text for q in article.quotes)  # captions are not quoted speech
    assert not any(q.text.startswith("Everybody is scared …") for q in article.quotes)  # nor the pull quote


def test_gaza_page_quotes():
    article = fa.extract_article(shared_file(GAZA + ".html").read_bytes(), None)
    counts = score(article, GAZA_LABELS)
    assert counts["found"] == counts["labelled"] == 24
    assert counts["full_right"] / counts["full"] >= 0.9, counts
    by_text = {q.text[:20]: q for q in article.quotes}
    assert by_text["Choosing a military "].cue == "told El Saife"
    assert by_text["mastermind"].speaker is None


# --- one small case per rule

def quotes_of(*paragraphs: str) -> list[tuple[str, str | None]]:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = f"<html><body><article><h1>A headline for the test story</h1><div class='story'>{body}</div></article></body></html>"
    return [(q.text, q.speaker) for q in fa.extract_article(html, None).quotes]


@pytest.mark.parametrize("paragraphs, expected", [
    # straight, curly, &quot;, guillemets and German marks
    (['"We are ready," said Mayor Ann Lee.'], [("We are ready", "Ann Lee")]),
    (["“We are ready,” Ann Lee told reporters."], [("We are ready", "Ann Lee")]),
    (["&quot;We are ready,&quot; Ann Lee said."], [("We are ready", "Ann Lee")]),
    (["« We are ready, » said Ann Lee."], [("We are ready", "Ann Lee")]),
    (["„We are ready“, said Ann Lee."], [("We are ready", "Ann Lee")]),
    # an interrupted quote: both halves, no word lost
    (['"Today is good," Ann Lee said. "Tomorrow is better."'], [("Today is good", "Ann Lee"), ("Tomorrow is better.", "Ann Lee")]),
    # surname to the fullest earlier form
    (["Ann Lee, the harbour master, spoke on Monday.", '"The ice is gone," Lee said.'], [("The ice is gone", "Ann Lee")]),
    # "he said" is the most recent speaker, never the listener
    (['Tom Barr spoke first. "We sail at dawn," he told Jo Mills.', '"Be ready," he said.'],
     [("We sail at dawn", "Tom Barr"), ("Be ready", "Tom Barr")]),
    # a paragraph that is only a quote continues the previous speaker
    (['"We sail at dawn," said Tom Barr.', '"Nobody will stay behind."'],
     [("We sail at dawn", "Tom Barr"), ("Nobody will stay behind.", "Tom Barr")]),
    # a quote left open runs on into the next paragraph, which reopens it
    (['"We sail at dawn,', '"and we come back at dusk," said Tom Barr.'],
     [("We sail at dawn", "Tom Barr"), ("and we come back at dusk", "Tom Barr")]),
    # the speaker is the one after the quote, not the subject before it
    (['Sinwar "is someone who grew up in the wing," said Levitt.'], [("is someone who grew up in the wing", "Levitt")]),
    # a scare quote has no speaker
    (['The council called it a "mastermind" plan of sorts, the papers reported.'], [("mastermind", None)]),
    (['Critics saw the plan as a "mastermind" move at the time.'], [("mastermind", None)]),
    # short partial quotes are listed with their speaker when the sentence names one
    (['Moscow saw "absolutely no prospect" for a summit, Kremlin spokesman Dmitry Peskov said.'],
     [("absolutely no prospect", "Dmitry Peskov")]),
    (['According to Ann Lee, the plan is "dead in the water."'], [("dead in the water.", "Ann Lee")]),
    (['"It is over," the minister said.'], [("It is over", "the minister")]),
    (['Ann Lee said: "We will rebuild."'], [("We will rebuild.", "Ann Lee")]),
    # a surname quoted before the article gives the full name
    (['"We will rebuild," Clarke said.', "NASA's Steve Clarke leads the programme from Houston."],
     [("We will rebuild", "Steve Clarke")]),
    # ‘‘doubled single quotes’’ set as double ones
    (["‘‘We will rebuild,’’ Ann Lee said."], [("We will rebuild", "Ann Lee")]),
    # honorifics and ages belong with the name, not in it
    (['"Wash your hands," Dr. Anthony Fauci said on Sunday.'], [("Wash your hands", "Anthony Fauci")]),
    (['"It is a disaster," said Jane Smith, 45, a resident of Paradise.', '"Yes," she said.'],
     [("It is a disaster", "Jane Smith"), ("Yes", "Jane Smith")]),
    # a sentence-opening word is not part of the name
    (['To Ann Lee, it was simple. "We will rebuild," Ann Lee said.'], [("We will rebuild", "Ann Lee")]),
    # an honorific before the name is not the name; "X of Y" is X; a party tag is skipped
    (['"We will vote no," said Sen. Ann Lee of Vermont.'], [("We will vote no", "Ann Lee")]),
    (['"Prices are up," said Tom Barr of the Harbour Traders Association.'], [("Prices are up", "Tom Barr")]),
    (['"We will vote no," Tom Barr (D-Vt.) said in a statement.'], [("We will vote no", "Tom Barr")]),
    # verbs of saying beyond "said", before or after the name
    (['"The ice is thin," explained Jo Mills, a guide.'], [("The ice is thin", "Jo Mills")]),
    (['Jo Mills answered that the ice was "thin as paper."'], [("thin as paper.", "Jo Mills")]),
    # "noted that X": X is the subject of what was said, not its speaker
    (['Tom Barr spoke first. He noted that Jo Mills "might surprise everyone."'],
     [("might surprise everyone.", "Tom Barr")]),
    # a series of partial quotes in one sentence shares its speaker, whichever end names them
    (['Tom Barr called the plan "reckless," "costly" and "late."'],
     [("reckless", "Tom Barr"), ("costly", "Tom Barr"), ("late.", "Tom Barr")]),
    (['The plan was "reckless," "costly" and "late," Tom Barr said.'],
     [("reckless", "Tom Barr"), ("costly", "Tom Barr"), ("late", "Tom Barr")]),
    # a quote that ends its sentence ends the series
    (['Tom Barr said it "will work." The group aims to "protect the coast."'],
     [("will work.", "Tom Barr"), ("protect the coast.", None)]),
    # "she said" is the person the last sentences were about, even one who said nothing before
    (['"We sail at dawn," said Tom Barr.', 'Jo Mills, the harbour master, has walked away from the race. '
      '"It is easier now," she said.'], [("We sail at dawn", "Tom Barr"), ("It is easier now", "Jo Mills")]),
    # a name that introduces the quote with a colon, or signs it after a dash
    (['It does not surprise harbour master Jo Mills: "The sea always wins."'], [("The sea always wins.", "Jo Mills")]),
    (['"The sea always wins." ― Jo Mills'], [("The sea always wins.", "Jo Mills")]),
    (['The notice read: "Closed until spring."'], [("Closed until spring.", None)]),
    # a quote inside a sentence with no verb of saying: the person the sentence is about
    (['Tom Barr has hailed the new harbour as "a triumph for the town."'], [("a triumph for the town.", "Tom Barr")]),
    # ...unless its words are all capitalised: the name of a show, a book, a slogan
    (['Tom Barr, the star of "The Harbour Show," sailed on Monday.'], [("The Harbour Show", None)]),
    # "Name of Place said": the person, not the place; "X said Y 'quote'": X, not what is spoken of
    (['"We will vote no," Senator Jo Mills of Vermont said.'], [("We will vote no", "Jo Mills")]),
    (['Tom Barr said the harbour "must reopen."'], [("must reopen.", "Tom Barr")]),
    # an interview transcript: each quoted turn opens with its speaker's name; stage directions are nobody's
    (['Chris Mills interviewed Ann Lee on Sunday.', '"MILLS: Will you run?"', '"(CROSSTALK)"', '"LEE: Not this year."'],
     [("MILLS: Will you run?", "Chris Mills"), ("LEE: Not this year.", "Ann Lee")]),
    # the person at the head of an apposition, not a place or a body inside it
    (['"It is a disaster," Tom Barr, 30, of Raleigh, N.C., who lost his boat, said on Monday.'],
     [("It is a disaster", "Tom Barr")]),
    # a day between subject and verb; a lower-case title before the name
    (['Tom Barr on Saturday tweeted that the plan was "a joke."'], [("a joke.", "Tom Barr")]),
    (['Harbour chair Jo Mills dismissed the plan as "a joke."'], [("a joke.", "Jo Mills")]),
    # a sentence that is only a speech clause introduces the quote opening the next one
    (['Jo Mills agreed. "The harbour must reopen before the summer."'],
     [("The harbour must reopen before the summer.", "Jo Mills")]),
    # after "told" or "urged" the name is the listener
    (['"Stay home," urged Tom Barr.'], [("Stay home", None)]),
    # an opening “ closed by a second “, as a slip of typing
    (['“We are ready,“ said Ann Lee. “Tomorrow too.”'], [("We are ready", "Ann Lee"), ("Tomorrow too.", "Ann Lee")]),
    # the person who opens the last quote's sentence is whom a later "she" means
    (['"We sail at dawn," said Tom Barr.', 'Jo Mills, the harbour master, credited him for "a fine season."',
      '"It is easier now," she said.'],
     [("We sail at dawn", "Tom Barr"), ("a fine season.", "Jo Mills"), ("It is easier now", "Jo Mills")]),
    # a sentence that opens with a place, a time or a subordinate clause names no subject
    (['"We sail at dawn," said Tom Barr.', 'At Harbour West, where it costs more, nothing changed.', '"It is easier now," he said.'],
     [("We sail at dawn", "Tom Barr"), ("It is easier now", "Tom Barr")]),
    (['"We sail at dawn," said Tom Barr.', 'Last September the harbour froze.', '"It is easier now," he said.'],
     [("We sail at dawn", "Tom Barr"), ("It is easier now", "Tom Barr")]),
    (['"We sail at dawn," said Tom Barr.', 'Unless Jo Mills returns, the club will close.', '"It is easier now," he said.'],
     [("We sail at dawn", "Tom Barr"), ("It is easier now", "Tom Barr")]),
    # "went on to lead" is no speech; "of Harbour claims" is a noun, not "Harbour" speaking
    (['"We sail at dawn," said Tom Barr.', 'Tom Barr backed Jo Mills, who went on to lead the club.',
      '"It is easier now," he said.'], [("We sail at dawn", "Tom Barr"), ("It is easier now", "Tom Barr")]),
    (['"We sail at dawn," said Tom Barr.', 'The board rated 32% of Harbour claims as false.', '"It is easier now," he said.'],
     [("We sail at dawn", "Tom Barr"), ("It is easier now", "Tom Barr")]),
    # "he" opening a sentence is its subject, whatever comes before its first comma
    (['"We sail at dawn," said Tom Barr.', 'He apologized the next day, saying it was "a mistake."'],
     [("We sail at dawn", "Tom Barr"), ("a mistake.", "Tom Barr")]),
    # a title after a comma with no verb of saying is a name, not speech
    (['In his 2002 book, "Make Your Kid a Sailor," Tom Barr said little.'], [("Make Your Kid a Sailor", None)]),
    # a sentence that opens with a lead phrase and goes on in a quote: the speaker goes on
    (['"We sail at dawn," said Tom Barr. Indeed, "nobody will stay behind."'],
     [("We sail at dawn", "Tom Barr"), ("nobody will stay behind.", "Tom Barr")]),
    # "she said" inside a sentence that opens with a person is that person
    (['Tom Barr spoke first.', 'Jo Mills called the plan unserious - "we need the details," she said - and left.'],
     [("we need the details", "Jo Mills")]),
    # more verbs of saying; an honorific's full stop ends no name
    (['"Not a chance," scoffed Tom Barr.'], [("Not a chance", "Tom Barr")]),
    (['Tom Barr fumed on Tuesday. "We lost."'], [("We lost.", "Tom Barr")]),
    (['"It is misguided," said Mr. Barr (a view shared by many).'], [("It is misguided", "Barr")]),
    (['"This is a waste," said Del. Jo Mills of Guam.'], [("This is a waste", "Jo Mills")]),
    # mixed quotes: a title of the campaign or the press before the sentence's subject
    (['Harbour party nominee Jo Mills, on Monday, referred to the plan as "a sinking ship."'],
     [("a sinking ship.", "Jo Mills")]),
    (['Radio talk host Tom Barr used his show to mock what he called a "paper harbour."'],
     [("paper harbour.", "Tom Barr")]),
    (['Harbour front-runner Jo Mills defended her deputy as a "very decent sailor."'],
     [("very decent sailor.", "Jo Mills")]),
    # ...an opening of sequence or time before it
    (['Tom Barr spoke first.', 'Early in the race, Barr attacked the club, calling it "a failed harbour."'],
     [("a failed harbour.", "Tom Barr")]),
    # ...a name with the state it comes from
    (['Senator Jo Mills of Vermont, a member of the finance committee, backs a "harbour tax" of sorts.'],
     [("harbour tax", "Jo Mills")]),
    # ...a long opening full of commas, the name and its verb after the last comma
    (['Preceded at the lectern by Ann Lee, the harbour master, Tom Barr launched into a lament for the "lost boats."'],
     [("lost boats.", "Tom Barr")]),
    # ...but a plural noun after a name is no verb ("Barr supporters ripped")
    (['Tom Barr left.', 'In Dover, which hosts the race, Barr supporters ripped the signs away, calling the club "a disgrace."'],
     [("a disgrace.", None)]),
    # a phrase with a person and a participle that runs to the quote: that person speaks
    (['Tom Barr and Jo Mills met on Monday.', 'The board issued a statement – Barr saying he was "very pleased" and '
      'Mills calling it "a good start."'], [("very pleased", "Tom Barr"), ("a good start.", "Jo Mills")]),
    (['Sailors were annoyed by the lack of detail, with Senator Jo Mills calling it "a paper plan."'],
     [("a paper plan.", "Jo Mills")]),
    # capitalised words someone gave as a name to a person or a thing: their words, not a title
    (['Tom Barr and Jo Mills met on Monday.', 'Mills refers to the captain as "Tommy." Barr called Mills "Madam Harbour."'],
     [("Tommy.", "Jo Mills"), ("Madam Harbour.", "Tom Barr")]),
    (['First, Tom Barr identified the judge as "Spanish," then he left.'], [("Spanish", "Tom Barr")]),
    # ...but not a name a thing or a person is known by, with no object before it
    (['Tom Barr read a blog called "The Harbour Diary" on Monday.'], [("The Harbour Diary", None)]),
    (['Tom Barr, known online as "Harbour Hawk," left on Monday.'], [("Harbour Hawk", None)]),
    # a clause after a quote that ends its sentence is the next sentence's
    (["Jo Mills labeled the plan ''unfit for the harbour.'' When the vote came, Ann Lee said it would wait."],
     [("unfit for the harbour.", "Jo Mills")]),
])
def test_quote_rules(paragraphs, expected):
    assert quotes_of(*paragraphs) == expected


def test_each_quote_names_the_rule_that_found_its_speaker():
    html = ("<html><body><article><h1>A headline for the test story</h1><div class='story'>"
            "<p>\"We sail at dawn,\" said Tom Barr. \"Nobody stays behind.\"</p><p>\"Not one.\"</p>"
            "<p>Jo Mills said: \"We are ready.\"</p><p>The plan, a \"folly\" of sorts, was dropped.</p>"
            "<blockquote><p>The sea gives and takes.</p><footer>— Ann Lee, harbour master</footer></blockquote>"
            "</div></article></body></html>")
    quotes = fa.extract_article(html, None).quotes
    assert [(q.speaker, q.rule) for q in quotes] == [
        ("Tom Barr", "clause after"), ("Tom Barr", "same speaker goes on"), ("Tom Barr", "quote-only paragraph"),
        ("Jo Mills", "clause before"), (None, None), ("Ann Lee", "block quote attribution"),
    ]
    assert {rule.name for rule in fa.SPEAKER_RULES} >= {q.rule for q in quotes[:4]}


def test_a_role_is_the_speaker_only_when_no_rule_names_anyone():
    assert quotes_of('"We will hold the line," said the base chief.') == [("We will hold the line", "the base chief")]
    assert quotes_of('"It was a long night," the governor said.') == [("It was a long night", "the governor")]
    # the senator just named is who "the senator" is: a later rule's name wins over the role
    assert quotes_of('Senator Jo Mills, a Democrat, spoke first. "We are ready," the senator said.') == [
        ("We are ready", "Jo Mills")]


def test_a_courtesy_title_is_no_speaker_title_but_a_rank_is():
    html = ("<html><body><article><h1>A headline for the test story</h1><div class='story'>"
            "<p>\"We fish at dawn,\" said Mr. Dai Pritchard.</p><p>\"We vote no,\" said Sen. Ann Lee.</p>"
            "</div></article></body></html>")
    quotes = fa.extract_article(html, None).quotes
    assert [(q.speaker, q.speaker_title) for q in quotes] == [("Dai Pritchard", None), ("Ann Lee", "Sen.")]


def test_speaker_title_and_cue():
    html = ("<html><body><article><h1>A headline for the test story</h1><div class='story'>"
            "<p>\"We are out of bread,\" said Aref al-Aref, an intensive care medical worker, on Sunday.</p>"
            "<p>\"Nobody came,\" WFP director Jakob Kern told the AP in an interview.</p>"
            "</div></article></body></html>")
    quotes = fa.extract_article(html, None).quotes
    assert [(q.speaker, q.speaker_title, q.cue, q.paragraph, q.kind) for q in quotes] == [
        ("Aref al-Aref", "intensive care medical worker", "said", 0, "speech"),
        ("Jakob Kern", "WFP director", "told the AP", 1, "speech"),
    ]


def test_block_quotes_take_their_speaker_from_cite_or_footer():
    html = ("<html><body><article><h1>A headline for the test story</h1><div class='story'>"
            "<p>The society met on Friday evening to vote on the plan for the new allotments.</p>"
            "<blockquote><p>Every bean on that frame is a great-great-grandchild of my grandmother's.</p>"
            "<footer>— Margaret Bell, society secretary</footer></blockquote>"
            "<blockquote>We will plant again in spring, whatever the weather brings us.<cite>Tom Barr</cite></blockquote>"
            "</div></article></body></html>")
    article = fa.extract_article(html, None)
    assert [(q.text[:20], q.speaker, q.speaker_title, q.kind, q.paragraph) for q in article.quotes] == [
        ("Every bean on that f", "Margaret Bell", "society secretary", "block", 1),
        ("We will plant again ", "Tom Barr", None, "block", 2),
    ]
    assert "Tom Barr" not in article.text


def test_embedded_post_attribution_loses_handle_and_date():
    assert fa.split_attribution("— The Nigerian Senate (@NGRSenate) October 9, 2018") == ("The Nigerian Senate", None)
    assert fa.split_attribution("- Civil defence worker Bebars Mishal") == ("Bebars Mishal", "Civil defence worker")


def test_quotes_render_in_markdown():
    html = ("<html><body><article><h1>A headline for the test story</h1><div class='story'>"
            "<p>\"We sail at dawn,\" said Tom Barr, the ferry captain.</p></div></article></body></html>")
    markdown = fa.render_markdown(fa.extract_article(html, None))
    assert "## Quotes\n\n- **Tom Barr** (ferry captain) — “We sail at dawn”" in markdown


def test_verbs_that_may_come_before_the_speaker_are_verbs_of_saying():
    # the clause rules are skipped in paragraphs without a verb of saying: every cue they read must be one
    assert set(fa.INVERTED_CUE_WORDS) <= set(fa.SPEECH_VERB_WORDS)
    assert fa.re.fullmatch(f"(?:{fa.words_pattern(['say', 'says', 'said'])})", "says")
