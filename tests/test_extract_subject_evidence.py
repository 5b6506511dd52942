"""Evidence for the reviewed film that holds on pages of any site, each in a sentence of our own
(real films, true facts): what the reviewer watched, what a sentence calls a film, titles given as
examples, and a title line the text contradicts."""

from __future__ import annotations

import pytest

from filmgraph.extract.subject import RELATED_BEFORE, WATCHED_BEFORE, _in_bracketed_list
from filmgraph.models import ReviewSource
from filmgraph.read import read_review

from conftest import analyse


# --- cues, without the model -------------------------------------------------------------------


@pytest.mark.parametrize("before", [
    "Last night I finally saw ", "I just came back from watching ", "We caught ", "a preview screening of ",
    "I have just seen "])
def test_watching_words_before_a_title_say_the_reviewer_saw_it(before):
    assert WATCHED_BEFORE.search(before)


@pytest.mark.parametrize("before", ["a far better film than ", "He later made ", "I never liked "])
def test_other_words_before_a_title_are_not_watching(before):
    assert not WATCHED_BEFORE.search(before)


@pytest.mark.parametrize("before", [
    "the director behind ", "wuxia epics such as ", "after his breakthrough ", "won an Oscar for directing ",
    "this plays like Ang Lee's "])
def test_example_and_earlier_work_words_mark_another_film(before):
    assert RELATED_BEFORE.search(before)


def test_titles_listed_in_brackets_are_examples_and_a_year_in_brackets_is_not_a_list():
    text = "his dramas with Gong Li (Ju Dou, To Live, Raise the Red Lantern) made her a star"
    start = text.index("To Live")
    assert _in_bracketed_list(text, start, start + len("To Live"))
    text = "Red Sorghum (1987, his first film) made her a star"
    assert not _in_bracketed_list(text, 0, len("Red Sorghum"))


# --- with the model ----------------------------------------------------------------------------


@pytest.mark.model
def test_the_film_the_reviewer_saw_wins_over_the_film_it_is_measured_against(stage):
    refined, _ = analyse(stage, (
        "Yesterday I saw ‘Hero’, with Jet Li and Maggie Cheung. If you liked ‘Crouching Tiger, Hidden Dragon’ "
        "you will like this one too, because the colours are even bolder here."))
    assert refined.title == "Hero"


@pytest.mark.model
def test_titles_after_director_behind_are_not_the_subject_and_a_repeated_sentence_subject_is(stage):
    refined, _ = analyse(stage, (
        "SOURCE: https://example.org/p/4411\n"
        "Hayao Miyazaki, the director behind Spirited Away and My Neighbor Totoro, is at his fiercest in "
        "Princess Mononoke. Princess Mononoke is a forest war between iron-makers and animal gods."))
    assert refined.title == "Princess Mononoke"


@pytest.mark.model
def test_a_muse_of_the_director_is_not_the_director(stage):
    refined, _ = analyse(stage, (
        "Zhang Yimou returns to the 1920s with Raise the Red Lantern. Raise the Red Lantern is a "
        "drama of four wives. Gong Li, the director's longtime muse, plays Songlian."))
    assert "Gong Li" not in refined.directors


@pytest.mark.model
def test_a_fellow_director_named_in_passing_is_not_the_director(stage):
    refined, _ = analyse(stage, (
        "SOURCE: https://example.org/reviews/yellow-earth\n"
        "Yellow Earth is a film by Chen Kaige. It lacks the polish of fellow director Zhang Yimou, "
        "but Yellow Earth still looks at the Shaanxi hills with patience."))
    assert "Zhang Yimou" not in refined.directors


@pytest.mark.model
def test_a_title_line_the_text_contradicts_gives_way_to_the_film_the_text_reviews(stage):
    # the one line above the labelled fields is a section name of the site, not the film
    refined, _ = analyse(stage, (
        "SOURCE: https://example.org/reviews/shanghai-triad-1995\n"
        "Weekend Classics\n"
        "Director: Zhang Yimou\n"
        "Cast: Gong Li, Li Baotian\n\n"
        "Shanghai Triad is Zhang Yimou's gangster film of 1995. Shanghai Triad follows a boy from the country "
        "who becomes the servant of a singer, played by Gong Li."))
    assert refined.title == "Shanghai Triad"
    assert refined.directors == ("Zhang Yimou",)


@pytest.mark.model
def test_a_title_line_stays_when_the_text_agrees_or_says_nothing_clear(stage):
    refined, _ = analyse(stage, (
        "Coming Home\n"
        "Director: Zhang Yimou\n\n"
        "Gong Li plays a woman who no longer knows her husband when he returns from a labour camp."))
    assert refined.title == "Coming Home"


@pytest.mark.model
def test_a_title_the_ner_misses_is_a_candidate_when_the_words_after_it_describe_a_film(stage):
    refined, _ = analyse(stage, (
        "SOURCE: https://example.org/user/review/99812\n"
        "Wong Kar-wai is at his most tender with In the Mood for Love, a sad and patient portrait of two "
        "neighbours in 1962 Hong Kong."))
    assert refined.title == "In the Mood for Love"


# --- cast --------------------------------------------------------------------------------------


@pytest.mark.model
def test_actors_with_a_film_in_brackets_share_the_plural_verb_after_them(stage):
    refined, _ = analyse(stage, (
        "In the Mood for Love\n\n"
        "Tony Leung (\"Chungking Express\") and Maggie Cheung (\"Hero\") play neighbours whose spouses "
        "are having an affair."))
    assert {"Tony Leung", "Maggie Cheung"} <= set(refined.cast)


# --- directors ---------------------------------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize("text, director", [
    ("Election\n\nThe film is by Johnnie To. It moves like a slow game of chess.", "Johnnie To"),
    ("Shoplifters\n\nHirokazu Kore-eda never says where the story is going, and Hirokazu Kore-eda is one of "
     "the most humane filmmakers working.", "Hirokazu Kore-eda"),
])
def test_prose_that_calls_someone_the_filmmaker_gives_the_director(stage, text, director):
    refined, _ = analyse(stage, text)
    assert director in refined.directors


def test_a_phrase_on_the_line_after_directed_by_is_no_director():
    review = read_review(ReviewSource("page.txt", (
        "Happy Times (2000)\n\nDirected by\nSimple but effective\n\n"
        "Zhao Benshan plays a retired factory worker who pretends to run a hotel.").encode()))
    assert review.directors == ()


@pytest.mark.model
def test_a_directorial_debut_names_its_director_over_an_actor_who_also_directs(stage):
    refined, _ = analyse(stage, (
        "Red Sorghum (1987)\n\n"
        "Gong Li is a bride sold to a leper who owns a winery, and Jiang Wen is the carrier who wants her. "
        "It is Zhang Yimou's directorial debut, and the colour red fills every frame."))
    assert refined.directors == ("Zhang Yimou",)


# --- comparisons in ordinary reviewer language -------------------------------------------------


@pytest.mark.parametrize("sentence, work, relation", [
    ("The Great Wall is a throwback to The Ten Commandments and its casts of thousands.",
     "The Ten Commandments", "inspired by"),
    ("Shadow is on a par with Ran in its battles.", "Ran", "similar to"),
    ("Its rain-soaked duels are not unlike Hero at its best.", "Hero", "similar to"),
    ("The heist plot takes its cue from Rififi.", "Rififi", "inspired by"),
    ("Measured against Raise the Red Lantern, the film feels thin.", "Raise the Red Lantern", "similar to"),
])
def test_general_comparison_language_before_a_work_is_a_comparison(sentence, work, relation):
    from filmgraph.extract.compare_sentences import find

    start = sentence.index(work)
    found = find(sentence, [(0, len(sentence))], [(start, start + len(work))])
    assert [(f.work_start, f.relation) for f in found] == [(start, relation)]


# --- page text ---------------------------------------------------------------------------------


def test_an_archived_newsgroup_heading_names_the_film_before_a_film_review_by():
    review = read_review(ReviewSource("page.txt", (
        "RED SORGHUM A film review by Jane Doe Copyright 1988 Jane Doe\n\n"
        "Gong Li is a young bride carried across the sorghum fields to a leper's winery.").encode()))
    assert review.title == "Red Sorghum"


def test_inline_html_tags_left_in_a_page_are_not_part_of_its_words():
    review = read_review(ReviewSource("page.txt", (
        "Christian Bale plays a mortician in <em>The Flowers of War</em>, Zhang Yimou's "
        "film of the Nanking massacre.").encode()))
    assert "<em>" not in review.body and "</em>" not in review.body
    assert "in The Flowers of War, Zhang" in review.body


@pytest.mark.model
def test_a_country_the_address_spells_is_not_the_reviewed_film(stage):
    refined, _ = analyse(stage, (
        "SOURCE: https://example.org/film/back-to-china/\n"
        "Zhang Yimou's The Flowers of War takes Christian Bale to China in 1937. China is shown as a city "
        "of ruins, and The Flowers of War never lets China out of its sight."))
    assert refined.title == "The Flowers of War"


@pytest.mark.model
def test_actors_named_as_the_characters_they_play_are_cast(stage):
    refined, _ = analyse(stage, (
        "The Great Wall\n\n"
        "Matt Damon and Pedro Pascal are a couple of European mercenaries who come to China for black powder."))
    assert {"Matt Damon", "Pedro Pascal"} <= set(refined.cast)


@pytest.mark.model
def test_a_plural_verb_after_an_appositive_name_is_not_that_names_part(stage):
    refined, _ = analyse(stage, (
        "Hero\n\n"
        "The colours, shot by cinematographer Christopher Doyle, give the duels their beauty. "
        "Jet Li plays Nameless."))
    assert "Christopher Doyle" not in refined.cast
    assert "Jet Li" in refined.cast


@pytest.mark.model
def test_a_comma_title_the_review_writes_whole_twice_is_one_title(stage):
    refined, result = analyse(stage, (
        "A Woman, a Gun and a Noodle Shop is Zhang Yimou's remake of Blood Simple, moved to a noodle shop "
        "in the Gansu desert. The owner's wife buys a pistol from a Persian trader. Sun Honglei plays a "
        "patient, silent policeman. A Woman, a Gun and a Noodle Shop is loud and broad, but its last half "
        "hour is as tense as anything Zhang has shot."))
    assert refined.title == "A Woman, a Gun and a Noodle Shop"
    assert "Gun" not in {w.title for w in result.works}


@pytest.mark.model
def test_a_list_of_titles_after_a_comma_stays_several_titles(stage):
    _, result = analyse(stage, (
        "Shadow follows Hero, House of Flying Daggers and Curse of the Golden Flower, and like Hero, "
        "House of Flying Daggers and Curse of the Golden Flower it is a martial arts film by Zhang Yimou."))
    titles = {w.title for w in result.works}
    assert not any("," in t for t in titles)
