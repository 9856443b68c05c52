"""The body's families found on the WCEB dev pages, each on a small inline page."""

from __future__ import annotations

import fetch_article as fa

URL = "https://example.com/blog/post"


def paragraphs(label: str, count: int) -> str:
    return "".join(f"<p>{label} {n}, with commas, clauses, and words enough to be read as prose.</p>" for n in range(count))


def test_comments_whose_text_shares_the_storys_class_are_not_its_chunks():
    html = ("<html><body><h1>A story</h1><div class='text'>" + paragraphs("Story paragraph", 3) + "</div>"
            "<div class='comment'><div class='text'>" + paragraphs("A reader says", 1) + "</div></div></body></html>")
    text = fa.extract_article(html, URL).text
    assert "Story paragraph 2" in text and "A reader says" not in text


def test_a_story_block_inside_the_article_beats_a_header_box_classed_content():
    header = "<section id='header'><div class='panel'><div class='content'>" + paragraphs("Latest issue", 3) + "</div></div></section>"
    story = "<article><h1>A story</h1><div id='editorial'>" + paragraphs("Story paragraph", 3) + "</div></article>"
    text = fa.extract_article(f"<html><body>{header}{story}</body></html>", URL).text
    assert "Story paragraph 2" in text and "Latest issue" not in text


def test_a_post_body_beats_an_unnamed_sidebar_list():
    sidebar = "<div id='alpha'><ul><li>" + paragraphs("Sidebar notice", 4) + "</li></ul></div>"
    post = "<div id='beta'><h1>A post</h1><div class='entry-body'>" + paragraphs("Post paragraph", 2) + "</div></div>"
    text = fa.extract_article(f"<html><body>{sidebar}{post}</body></html>", URL).text
    assert "Post paragraph 1" in text and "Sidebar notice" not in text


def test_a_twin_block_headed_comments_is_the_thread():
    html = ("<html><body><h1>A post</h1><div id='ContentPane'><div id='listing'><div class='post'>"
            + paragraphs("Post paragraph", 4) + "</div></div><div id='listing'><div class='post'><h3>COMMENTS</h3>"
            + paragraphs("A reader says", 2) + "</div></div></div></body></html>")
    text = fa.extract_article(html, URL).text
    assert "Post paragraph 3" in text and "A reader says" not in text


def test_a_one_line_post_beats_the_authors_profile_outside_it():
    profile = ("<div class='about'><div class='profile-block'><p>I live, I learn, I teach, and here I share "
               "my creativity and the creativity of others, one picture at a time.</p></div></div>")
    post = "<div class='entry'><h2>Origami animals</h2><div class='content'><p>Not your mom's origami.</p></div></div>"
    html = f"<html><head><meta property='og:title' content='Origami animals'></head><body>{profile}{post}</body></html>"
    text = fa.extract_article(html, URL).text
    assert "Not your mom's origami." in text and "I teach" not in text


def test_a_post_body_that_is_a_link_roll_beats_a_footer_widget():
    roll = "".join(f"<li><p><a href='/{n}'>Link {n}</a></p><p>Link {n} described, with commas, clauses, and "
                   "words enough to be read as prose, and a little more.</p></li>" for n in range(3))
    post = f"<div class='post'><h3>Links of the day</h3><div class='post-body'><ul>{roll}</ul></div></div>"
    footer = "<div id='footer'><div class='widget-content'>" + "".join(
        f"<p>Disclosure {n}, with commas, clauses, and words enough to be read as prose, and more.</p>" for n in range(12)) + "</div></div>"
    text = fa.extract_article(f"<html><body>{post}{footer}</body></html>", URL).text
    assert "Link 2 described" in text and "Disclosure" not in text


def test_a_header_only_record_around_the_headline_does_not_replace_the_story_outside_it():
    story = "".join(f"<p>Paragraph {n} of the story goes on, with commas, clauses, and words enough to be prose.</p>"
                    for n in range(30))
    html = (f"<html><body><article><header><h1>Storm hits the coast</h1><p>Photo: Jane Doe/AP</p></header></article>"
            f"<div class='col-8'>{story}</div></body></html>")
    text = fa.extract_article(html, URL).text
    assert "Paragraph 29 of the story" in text


def test_a_story_inside_a_page_wrapper_named_for_its_menu_beats_a_slider():
    # The post carries its tags as classes (tag-notebook-gallery), the page sits in div.menu-container.
    slides = "<div class='menu-back'><ul class='slides'>" + "".join(
        f"<li class='slide'><p>Slide {n} teaser, with commas, clauses, and words enough to be read as prose, and more.</p>"
        f"<p>Slide {n} more, with commas, clauses, and words enough to be read as prose, and more.</p></li>" for n in range(6)) + "</ul></div>"
    post = ("<div class='content'><div class='post hentry tag-notebook-gallery'><h1>Halloween Safety Game</h1>"
            "<div class='entry-content'>" + paragraphs("Post paragraph", 5) + "</div></div></div>")
    html = ("<html><head><title>Halloween Safety Game</title></head><body><div class='menu-container'>"
            f"{slides}{post}</div></body></html>")
    text = fa.extract_article(html, URL).text
    assert "Post paragraph 4" in text and "Slide" not in text


def test_an_image_post_beats_a_long_sidebar_text_widget_when_the_title_names_the_blog_first():
    widget = ("<aside><div class='sidebar section'><div class='widget Text' id='Text1'><div class='widget-content'>"
              + paragraphs("About this blog", 8) + "</div></div></div></aside>")
    post = ("<div class='widget Blog' id='Blog1'><div class='post hentry'><h3 class='post-title entry-title'>In the pink...</h3>"
            "<div class='post-body entry-content'><a href='/p.jpg'><img src='/p.jpg'></a></div>"
            "<div class='post-footer'><a class='share-button' href='/share'>Email This</a></div></div></div>")
    html = ("<html><head><title>THE STYLE SCOUT - London Street Fashion: In the pink...</title></head><body>"
            f"<div class='header'><h1>THE STYLE SCOUT</h1></div>{post}{widget}</body></html>")
    text = fa.extract_article(html, URL).text
    assert "In the pink" in text and "About this blog" not in text


def test_a_short_post_beats_a_long_comment_inside_the_block_holding_it():
    comment = "<div class='commentbody by-reader'><div id='c1'>" + paragraphs("A reader says at length", 12) + "</div></div>"
    html = ("<html><body><table><tr><td class='nav'><a href='/'>Home</a></td><td class='contentcell'>"
            "<div class='indivbody'><h1>A post</h1>" + paragraphs("Post paragraph", 2) + "</div>"
            + comment + "</td></tr></table></body></html>")
    text = fa.extract_article(html, URL).text
    assert "Post paragraph 1" in text and "A reader says" not in text


def test_a_story_in_a_block_named_for_sharing_is_still_read():
    # furniture by a word that is no comment's: the rule for comments does not fire
    html = ("<html><body><div class='main'><article class='post hentry'><div class='post-inner'><div class='post-header'>"
            "<h1>A post</h1><p class='tagline'>Web design, technology and business, by the team, every week.</p></div>"
            "<div class='entry share'><div class='entry-inner'>" + paragraphs("Post paragraph", 8)
            + "</div></div></div></article></div></body></html>")
    text = fa.extract_article(html, URL).text
    assert "Post paragraph 7" in text
