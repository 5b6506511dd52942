"""Who directed the reviewed film when no labelled field says so, each case a page of our own
(real films, true facts): the director a heading pairs with the title, a director the text
names by surname alone, and a possessive the NER swallowed into the name."""

from __future__ import annotations

import pytest

from filmgraph.extract.heading_credits import credited_in_headings

from conftest import analyse


def _credited(text: str, names: list[str], title: str, every_line: bool = True) -> dict[str, str]:
    persons = [(text.index(n), text.index(n) + len(n)) for n in names]
    return credited_in_headings(text, persons, title, lambda name: name, every_line)


# --- heading lines, without the model ----------------------------------------------------------


@pytest.mark.parametrize("line", [
    "Still Walking (2008) by Hirokazu Kore-eda",
    "Hirokazu Kore-eda - Still Walking (2008), 9/10",
    "Review: Still Walking (Hirokazu Kore-eda)",
    "Still Walking, directed by Hirokazu Kore-eda",
    "Hirokazu Kore-eda's Still Walking",
])
def test_a_heading_that_pairs_the_title_with_a_name_credits_the_name(line):
    assert "Hirokazu Kore-eda" in _credited(line, ["Hirokazu Kore-eda"], "Still Walking")


@pytest.mark.parametrize("line", ["Edward Yang, 2000, Taiwan (9/10)", "2000 / Edward Yang"])
def test_a_credits_line_of_a_name_and_a_year_credits_the_name(line):
    assert "Edward Yang" in _credited(f"Yi Yi\n{line}", ["Edward Yang"], "Yi Yi")


@pytest.mark.parametrize("line", [
    "Still Walking starring Hiroshi Abe",
    "Still Walking review, posted by Hiroshi Abe",
    "Hiroshi Abe on why he loves Still Walking",
])
def test_a_star_a_byline_or_a_sentence_in_a_heading_is_no_credit(line):
    assert _credited(line, ["Hiroshi Abe"], "Still Walking") == {}


def test_in_the_text_only_short_lines_that_are_no_sentence_count_as_headings():
    short = "Hirokazu Kore-eda - Still Walking (2008)"
    sentence = "I watched it twice: Hirokazu Kore-eda - Still Walking (2008) is a quiet family drama."
    assert _credited(short, ["Hirokazu Kore-eda"], "Still Walking", every_line=False)
    assert _credited(sentence, ["Hirokazu Kore-eda"], "Still Walking", every_line=False) == {}


# --- with the model ----------------------------------------------------------------------------


@pytest.mark.model
def test_the_name_in_brackets_after_the_title_line_directs_the_film(stage):
    refined, _ = analyse(stage, (
        "Yi Yi (Edward Yang)\n\n"
        "A wedding, a birth and a funeral frame three hours in the life of one Taipei family. "
        "Yang never hurries a scene, and the long takes let every member of the family breathe."))
    assert refined.title == "Yi Yi"
    assert refined.directors == ("Edward Yang",)


@pytest.mark.model
def test_a_blogger_in_brackets_loses_to_the_director_the_text_names(stage):
    refined, _ = analyse(stage, (
        "Fallen Angels (Moth Reviews)\n\n"
        "Fallen Angels follows a hitman and his agent through the Hong Kong night. "
        "Wong Kar-wai shot it with wide lenses pressed close to the faces of Leon Lai and Michelle Reis."))
    assert refined.directors == ("Wong Kar-wai",)


@pytest.mark.model
def test_a_surname_two_people_share_goes_to_the_film_director_among_them(stage):
    refined, _ = analyse(stage, (
        "Chungking Express\n\n"
        "Faye Wong and Tony Leung are the second pair of lovers in the film Wong Kar-wai made in 1994 "
        "while editing Ashes of Time. Wong's camera races through the snack bars of Tsim Sha Tsui, and "
        "Wong lets the pop songs carry the story."))
    assert "Wong Kar-wai" in refined.directors
    assert "Faye Wong" not in refined.directors


@pytest.mark.model
def test_a_surname_alone_carries_the_cues_of_the_director_named_in_full_once(stage):
    refined, _ = analyse(stage, (
        "Yi Yi\n\n"
        "Edward Yang spent three hours on one Taipei family: a wedding, a birth and a funeral. "
        "Yang's film watches the Jians from across the street, and Yang lets every scene run long."))
    assert refined.directors == ("Edward Yang",)


@pytest.mark.model
def test_a_person_span_leaves_out_the_possessive_the_ner_takes_into_it(stage):
    from filmgraph.extract.sections import collect

    text = "Aftershock is Feng Xiaogang’s biggest film, and Feng Xiaogang’s direction keeps the quake short."
    facts = collect(stage.nlp(text), "body")
    assert [text[s:e] for s, e in facts.persons] == ["Feng Xiaogang", "Feng Xiaogang"]


@pytest.mark.model
def test_a_surname_the_ner_does_not_tag_still_counts_for_the_name_in_full(stage):
    refined, _ = analyse(stage, (
        "Still Walking\n\n"
        "The Yokoyama family gather for one summer day in the house where they mourn a drowned son, with "
        "Hirokazu Kore-eda watching. Kore-eda's film never raises its voice, and Kore-eda lets the meals "
        "and the chores carry the grief."))
    assert refined.directors == ("Hirokazu Kore-eda",)


@pytest.mark.model
def test_a_character_whose_job_in_the_story_is_director_is_not_the_films_director(stage):
    refined, result = analyse(stage, (
        "Drive My Car Review\n\nRyusuke Hamaguchi adapts a Murakami story. Theatre director Yusuke Kafuku "
        "(Hidetoshi Nishijima) is married to the screenwriter Oto (Reika Kirishima)."))
    assert "Yusuke Kafuku" not in refined.directors
    assert ("Hidetoshi Nishijima", "Yusuke Kafuku") in {(r.actor, r.character) for r in result.cast_roles}
