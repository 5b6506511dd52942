"""What tells the reviewed film on pages whose first line is no title: a sentence that calls a
phrase a film, a certificate after a heading, a headline's "Review:", a place the text keeps
naming, and a site's navigation. Each shape was seen on real pages (``benchmarks/realworld``);
the sentences are our own, with real films and true facts."""

from __future__ import annotations

import pytest

from conftest import analyse

pytestmark = pytest.mark.model


@pytest.mark.parametrize("text, title", [
    ("The Story of Qiu Ju is a patient Chinese film directed by Zhang Yimou (Ju Dou, Raise the Red Lantern). "
     "Gong Li plays a pregnant peasant who wants an apology from the village chief.", "The Story of Qiu Ju"),
    ("Black Coal, Thin Ice is a cold detective movie set in northern China. Liao Fan plays a former "
     "policeman who drinks too much.", "Black Coal, Thin Ice"),
])
def test_a_phrase_the_text_calls_a_film_is_the_subject_even_once(stage, text, title):
    refined, _ = analyse(stage, text)
    assert refined.title == title


def test_a_character_who_is_the_films_main_character_is_no_film(stage):
    refined, _ = analyse(stage, (
        "Days of Being Wild\n\n"
        "Yuddy is the film's main character, a restless young man in 1960 Hong Kong. Yuddy drifts between "
        "two women, and Yuddy never settles. Leslie Cheung plays him."))
    assert refined.title == "Days of Being Wild"


def test_a_certificate_after_a_heading_and_a_booking_link_are_no_part_of_the_title(stage):
    refined, _ = analyse(stage, (
        "Book Tickets\n\nNot One Less U\n\nZhang Yimou, China, 1999, 106m.\n\n"
        "Not One Less is a plain, moving story of a thirteen-year-old substitute teacher in a mountain village."))
    assert refined.title == "Not One Less"


def test_a_headline_of_title_review_and_tagline_gives_the_title_alone(stage):
    refined, _ = analyse(stage, (
        "SOURCE: https://example.org/drug-war-review-johnnie-to-has-done-it-again/\n"
        "Drug War Review: Johnnie To Has Done it Again!\n\n"
        "Johnnie To has struck gold once again with Drug War, a crime story set in mainland China. "
        "A meth cook turns informer to save his life."))
    assert refined.title == "Drug War"


def test_a_place_the_text_keeps_naming_is_not_the_subject(stage):
    refined, _ = analyse(stage, (
        "SOURCE: https://example.org/reviews/comrades-almost-a-love-story-1996\n"
        "Too many viewers only think of flying kicks when they hear “Hong Kong”. Peter Chan's romance "
        "Comrades: Almost a Love Story follows two mainlanders who arrive in Hong Kong in 1986. Hong Kong "
        "changes them both, and Hong Kong is where they lose each other."))
    assert refined.title == "Comrades: Almost a Love Story"


@pytest.mark.parametrize("line, title", [
    ("Not One Less U", "Not One Less"), ("Shadow PG-13", "Shadow"), ("Malcolm X", "Malcolm X"),
    ("Apollo 13", "Apollo 13"), ("The Flowers of War (15)", "The Flowers of War"),
])
def test_a_certificate_after_a_title_is_cut_and_a_title_ending_in_a_letter_or_number_is_kept(line, title):
    from filmgraph.header import clean_title

    assert clean_title(line) == title


@pytest.mark.parametrize("line, ok", [
    ("Book Tickets", False), ("Link to Article on External Website", False), ("View Original Article", False),
    ("The Book of Eli", True), ("Book of Eli", True), ("A View to a Kill", True),
])
def test_a_sites_navigation_is_no_title(line, ok):
    from filmgraph.header import title_candidate

    assert title_candidate(line) is ok


def test_a_film_the_text_calls_a_film_wins_over_the_short_story_it_shares_words_with(stage):
    refined, _ = analyse(stage, (
        "Christopher Nolan adapted a short story entitled “Memento Mori” by his brother Jonathan. "
        "Guy Pearce plays a man who cannot form new memories.\n\n"
        "Memento is a clever film, told backwards, and it never cheats."))
    assert refined.title == "Memento"


# --- the director, in the words around the title -----------------------------------------------


def test_the_owner_of_a_kind_of_film_before_the_title_directed_it(stage):
    refined, _ = analyse(stage, (
        "I Am Not Madame Bovary\n\n"
        "Feng Xiaogang’s social comedy “I Am Not Madame Bovary” frames most of its story in a circle. "
        "Fan Bingbing plays a village woman who spends ten years suing over a sham divorce."))
    assert refined.title == "I Am Not Madame Bovary"
    assert "Feng Xiaogang" in refined.directors


@pytest.mark.parametrize("text, name", [
    ("Directed and acted by Jiang Wen, along with Chow Yun-fat", "Jiang Wen"),
    ("written and directed by Lee Chang-dong", "Lee Chang-dong"),
])
def test_directed_and_another_job_by_names_the_director(text, name):
    from filmgraph.extract.film_people import director_cue

    start = text.index(name)
    assert director_cue(text, start, start + len(name))


def test_the_directors_debut_named_with_a_possessive_is_not_the_reviewed_film(stage):
    refined, _ = analyse(stage, (
        "SOURCE: https://example.org/reviews/the-yellow-sea\n"
        "Such was the success of Na Hong-jin’s debut, “The Chaser,” that Hollywood called. Mr. Na keeps "
        "close to what made “The Chaser” a hit with his follow-up, “The Yellow Sea.” “The Yellow Sea” "
        "follows a taxi driver who crosses to Korea to kill a man."))
    assert refined.title == "The Yellow Sea"


def test_a_one_word_title_after_a_film_noun_and_described_as_a_film_is_the_subject(stage):
    refined, _ = analyse(stage, (
        "Korean filmmaker Bong Joon-ho shows how far a class war can go in his first English-language "
        "movie, Snowpiercer, a smart thriller set on a train that never stops. Snowpiercer stars Chris Evans."))
    assert refined.title == "Snowpiercer"


def test_a_heading_that_says_directed_by_names_the_director_the_text_never_names_again(stage):
    refined, _ = analyse(stage, (
        "Incendies: Directed by Denis Villeneuve\n\n"
        "A brother and a sister travel to the Middle East to find the father they never knew, as their "
        "mother's will asks them to."))
    assert refined.title == "Incendies"
    assert refined.directors == ("Denis Villeneuve",)


@pytest.mark.parametrize("heading, parts", [
    ("Incendies: Directed by Denis Villeneuve", ["Incendies"]),
    ("Shadow | Review by Jane Doe", ["Shadow"]),
    ("Mission: Impossible", ["Mission: Impossible", "Mission", "Impossible"]),
])
def test_a_heading_with_a_credit_offers_the_title_not_the_whole_line(heading, parts):
    from filmgraph.header import heading_parts

    assert heading_parts(heading) == parts


@pytest.mark.parametrize("heading, parts", [
    ("Ratatouille cooks up a storm", ["Ratatouille"]),
    ("Spirited Away delights children and their parents", ["Spirited Away"]),
    ("The lives of others", ["The lives of others"]),  # a title in sentence case is no headline
    ("Nobody knows", ["Nobody knows"]),
    ("Audition: 2-Disc Collector's Edition", ["Audition"]),  # a release, not a second title
    ("Sonatine AKA Sonachine (Blu-ray)", ["Sonatine"]),
    ("Le Samouraï (1967)PG", ["Le Samouraï"]),  # a certificate glued to the year
    ("Late Spring (1949) / Drama", ["Late Spring"]),
    ("412. Huang tu di/Yellow Earth (1984)", ["Yellow Earth"]),  # a list's number, the original title
    ("Ashes of Time @ Fantasia 2008 [Recommended]", ["Ashes of Time"]),
    ("’Vagabond’ (Sans toit ni loi)", ["Vagabond"]),
    ("Face/Off", ["Face/Off"]),
    ("General Details", []),
    ("Madman Entertainment", []),  # a distributor
    ("The Last Picture Show", ["The Last Picture Show"]),
    ("(Satyajit Ray, India, 1955) 125 minutes", []),
])
def test_a_headline_sentence_offers_its_subject_as_the_title(heading, parts):
    from filmgraph.header import heading_parts

    assert heading_parts(heading) == parts


def test_a_headline_names_the_film_the_address_spells(stage):
    refined, _ = analyse(stage, (
        "SOURCE: https://example.org/film/ratatouille-cooks-up-a-storm-1234.html\n"
        "Ratatouille cooks up a storm\n\n"
        "Brad Bird's rat who wants to be a chef in a Paris kitchen is Pixar at its most generous."))
    assert refined.title == "Ratatouille"


@pytest.mark.parametrize("text, directors", [
    ("La Strada\n\nMy second Fellini, and I already see why he mattered. Giulietta Masina plays a simple "
     "woman sold to a travelling strongman.", ("Fellini",)),
    ("Kikujiro\n\nOur film club has run Hana-Bi and Sonatine, and now Kitano's 1999 Kikujiro, a gentle "
     "road movie about a boy looking for his mother.", ("Kitano",)),
    ("Cinema Paradiso\n\nThe village square is as crowded and loud as Fellini at his busiest, and the "
     "projectionist is its heart.", ()),
])
def test_a_known_directors_surname_alone_names_the_director_only_with_a_makers_cue(stage, text, directors):
    refined, _ = analyse(stage, text)
    assert refined.directors == directors
