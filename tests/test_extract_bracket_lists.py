"""What brackets hold on real pages, in sentences of our own (real films, true facts): the actor
the small model did not tag after a character, and a director's films listed after the name."""

from __future__ import annotations

import pytest

from conftest import analyse

pytestmark = pytest.mark.model


@pytest.mark.parametrize("sentence, actor, character", [
    ("The arrest puts the cook in the hands of Captain Zhang (Sun Honglei), who needs him alive.",
     "Sun Honglei", "Captain Zhang"),
    ("After Li (Fan Bingbing) and her husband Qin (Li Zonghan) fake a divorce, he marries another woman.",
     "Fan Bingbing", "Li"),
])
def test_a_full_name_in_brackets_after_a_character_is_the_actor(stage, sentence, actor, character):
    refined, result = analyse(stage, "Drug War\n\n" + sentence)
    assert (actor, character) in {(r.actor, r.character) for r in result.cast_roles}
    assert actor in refined.cast


@pytest.mark.parametrize("text, roles", [
    ("Hannah and Her Sisters\n\nWoody Allen gathers a large cast: Hannah, Lee and Holly (Mia Farrow, "
     "Barbara Hershey and Dianne Wiest) are the sisters.",
     {("Mia Farrow", "Hannah"), ("Barbara Hershey", "Lee"), ("Dianne Wiest", "Holly")}),
    ("Incendies\n\nTheir mother's will sends the twins Jeanne and Simon (Mélissa Désormeaux-Poulin and Maxim "
     "Gaudette) to find a father and a brother.",
     {("Mélissa Désormeaux-Poulin", "Jeanne"), ("Maxim Gaudette", "Simon")}),
])
def test_a_list_of_characters_and_a_bracket_of_as_many_actors_pair_in_order(stage, text, roles):
    refined, result = analyse(stage, text)
    assert roles <= {(r.actor, r.character) for r in result.cast_roles}
    assert {a for a, _c in roles} <= set(refined.cast)
    assert not {a for a, _c in roles} & {w.title for w in result.works}


def test_the_header_cast_turns_a_credit_of_actor_and_character_round(stage):
    refined, result = analyse(stage, (
        "Title: In the Mood for Love\nCast: Tony Leung Chiu-wai, Maggie Cheung\n\n"
        "Tony Leung Chiu-wai (Chow Mo-wan) and his neighbour meet on the stairs."))
    roles = {(r.actor, r.character) for r in result.cast_roles}
    assert ("Tony Leung Chiu-wai", "Chow Mo-wan") in roles
    assert not any(a == "Chow Mo-wan" for a, _c in roles)


@pytest.mark.parametrize("sentence, titles", [
    ("Secret Sunshine is the fourth film from director Lee Chang-dong (Green Fish, Oasis and Peppermint Candy).",
     {"Green Fish", "Oasis", "Peppermint Candy"}),
    ("His films (including To Live and The Story of Qiu Ju) look simple and play like epics.",
     {"To Live", "The Story of Qiu Ju"}),
    ("From the Chinese director Zhang Yimou (Raise the Red Lantern, To Live) comes a gentle comedy.",
     {"Raise the Red Lantern", "To Live"}),
])
def test_titles_listed_in_brackets_after_a_director_are_works(stage, sentence, titles):
    _refined, result = analyse(stage, sentence)
    assert titles <= {w.title for w in result.works}


def test_a_title_with_and_in_brackets_stays_whole(stage):
    _refined, result = analyse(stage, "Ang Lee (Sense and Sensibility) had never filmed a martial arts story.")
    assert not {"Sense", "Sensibility"} & {w.title for w in result.works}


@pytest.mark.parametrize("text, not_a_work", [
    ("Happy Times\n\nFew films about a blind girl avoid pity, even one as accomplished as Lars von Trier's "
     "“Dancer in the Dark.”", "Lars von Trier"),
    ("Red Sorghum\n\nIt was the film that announced the “Fifth Generation” to the world, and Gong Li with it.",
     "Fifth Generation"),
    ("Yellow Earth\n\nChen Kaige's debut won “Best Foreign Film” nowhere, yet it changed Chinese cinema.",
     "Best Foreign Film"),
])
def test_a_director_a_movement_or_an_award_in_quotes_is_no_work(stage, text, not_a_work):
    _refined, result = analyse(stage, text)
    assert not_a_work not in {w.title for w in result.works}


def test_casting_x_and_y_names_the_cast(stage):
    refined, _ = analyse(stage, (
        "The Yellow Sea\n\nNa Hong-jin puts faith in the two leads of his debut again, casting Ha Jung-woo and "
        "Kim Yun-seok as a desperate taxi driver and the gangster who hires him."))
    assert {"Ha Jung-woo", "Kim Yun-seok"} <= set(refined.cast)


@pytest.mark.parametrize("line, pair", [
    ("Min-sik Choi as Mr. Baek", ("Min-sik Choi", "Mr. Baek")),
    ("Dal-su Oh as Mr. Chang", ("Dal-su Oh", "Mr. Chang")),
    ("Yeong-ae Lee as Geum-ja Lee", ("Yeong-ae Lee", "Geum-ja Lee")),
])
def test_a_credit_line_may_name_a_character_by_a_title_and_surname(line, pair):
    from filmgraph.header import credit

    assert credit(line) == pair


def test_a_known_title_that_begins_a_longer_one_gives_way_to_it(stage):
    _refined, result = analyse(stage, (
        "Not One Less\n\nIt was made in the same year as the wonderful The Road Home, and it shares its "
        "village school."))
    titles = {w.title for w in result.works}
    assert "The Road Home" in titles and "The Road" not in titles


def test_a_years_possessive_makes_a_title_of_what_the_ner_took_for_a_name(stage):
    _refined, result = analyse(stage, (
        "Happy Times\n\nZhang is famous for rural epics with a historical setting (such as 1990's Ju Dou). "
        "This one is a comedy set in a city."))
    assert "Ju Dou" in {w.title for w in result.works}


def test_a_list_after_names_like_holds_names_not_works(stage):
    _refined, result = analyse(stage, "Hero\n\nThe king of Qin lives in fear of three assassins with names like "
                                      "Sky, Broken Sword and Flying Snow.")
    assert not {"Sky", "Broken Sword", "Flying Snow"} & {w.title for w in result.works}
    assert not result.comparisons


def test_a_comparison_cue_still_compares_without_a_names_word(stage):
    _refined, result = analyse(stage, "Shadow\n\nIts look recalls Hero, and its story is told like Rashomon.")
    assert {"Hero", "Rashomon"} <= {c.work for c in result.comparisons}
