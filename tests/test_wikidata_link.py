"""Linking offline from the bundled snapshot: the seed's acceptance links, context, traps, the RDF written."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDFS

from filmgraph.iris import Iris
from filmgraph.store import FilmStore
from filmgraph.vocab import FG, SCHEMA, WD, WDT
from filmgraph.wikidata.link import Linker, Mention
from filmgraph.wikidata.lookup import Lookup
from filmgraph.wikidata.merge import link_record, link_store, links_graph
from filmgraph.wikidata.snapshot import Snapshot

from wikidata_server import BASE, offline_settings, real_snapshot, seed_store  # noqa: F401


def _decisions(report):
    return {d.mention.iri.removeprefix(BASE): d for d in report.decisions}


def _linker(tmp_path, threshold=0.6):
    return Linker(Lookup(offline_settings(tmp_path), snapshot=real_snapshot()), threshold)


def test_offline_seed_links_the_acceptance_entities(seed_store):
    store, settings = seed_store
    d = _decisions(link_store(store, settings))
    assert d["person/zhang-yimou"].qid == "Q55430"
    assert d["film/cinema-paradiso-1988"].qid == "Q464032"
    assert d["film/house-of-flying-daggers"].qid == "Q369388"
    assert d["event/berlin-film-festival"].qid == "Q130871"


def test_offline_seed_leaves_one_second_and_its_cast_unlinked_and_says_so(seed_store):
    store, settings = seed_store
    report = link_store(store, settings)
    d = _decisions(report)
    for iri in ("film/one-second-2021", "person/zhang-yi", "person/liu-haocun", "person/fan-wei"):
        assert d[iri].status == "unlinked" and d[iri].qid is None
        assert "offline snapshot" in d[iri].describe()
    links = store.graph(links_graph(store.iris))
    assert not list(links.triples((URIRef(BASE + "film/one-second-2021"), OWL.sameAs, None)))


def test_entities_missing_from_the_snapshot_are_never_linked(seed_store):
    store, settings = seed_store
    d = _decisions(link_store(store, settings))
    # not in the offline data (../shared/wikidata/README.md)
    for iri in ("film/shadow", "film/red-sorghum", "film/raise-the-red-lantern", "film/to-live-1994",
                "film/the-great-wall-2016", "person/giuseppe-tornatore"):
        assert d[iri].status != "linked", d[iri].describe()


def test_coming_home_in_a_zhang_yimou_review_is_never_the_hal_ashby_film(seed_store):
    store, settings = seed_store
    d = _decisions(link_store(store, settings))["film/coming-home-2014"]
    assert d.status == "ambiguous" and d.qid is None
    assert d.candidates[0].qid == "Q1114683"
    assert any("contradicts" in r for r in d.candidates[0].reasons)


def test_coming_home_without_a_year_is_not_linked_on_its_common_words(tmp_path):
    m = Mention(BASE + "film/coming-home", "film", (("Coming Home", "en"),),
                review_directors=((BASE + "person/zhang-yimou", "Zhang Yimou"),))
    d = _linker(tmp_path).link([m])[0]
    assert d.status == "ambiguous"
    assert any("common words" in r for r in d.candidates[0].reasons)


def test_reviewer_is_not_linked(seed_store):
    store, settings = seed_store
    report = link_store(store, settings)
    assert BASE + "person/john-li" not in {d.mention.iri for d in report.decisions}


def test_link_prefers_film_matching_year(tmp_path):
    linker = _linker(tmp_path)
    old, new = linker.link([Mention(BASE + "film/king-kong-1933", "film", (("King Kong", "en"),), 1933),
                            Mention(BASE + "film/king-kong-2005", "film", (("King Kong", "en"),), 2005)])
    assert (old.qid, new.qid) == ("Q309048", "Q160215")


def test_link_prefers_film_whose_description_names_our_director(tmp_path):
    hamlet = Mention(BASE + "film/hamlet", "film", (("Hamlet", "en"),),
                     directors=((BASE + "person/kenneth-branagh", "Kenneth Branagh"),))
    d = _linker(tmp_path).link([hamlet])[0]
    assert d.qid == "Q898721"
    assert "director Kenneth Branagh matches" in d.reasons


def test_same_title_without_context_stays_ambiguous_with_top_candidates(tmp_path):
    d = _linker(tmp_path).link([Mention(BASE + "film/hamlet", "film", (("Hamlet", "en"),))])[0]
    assert d.status == "ambiguous"
    assert {c.qid for c in d.candidates} == {"Q27178", "Q898721", "Q1422824"}


def test_link_prefers_film_whose_p57_is_the_linked_director(tmp_path):
    # Psycho 1960 has P57 Q7374 (Alfred Hitchcock) in the data; the 1998 remake does not
    linker = _linker(tmp_path)
    people = [Mention(BASE + "person/alfred-hitchcock", "person", (("Alfred Hitchcock", "en"),))]
    film = Mention(BASE + "film/psycho", "film", (("Psycho", "en"),),
                   directors=((BASE + "person/alfred-hitchcock", "Alfred Hitchcock"),))
    out = {d.mention.iri: d for d in linker.link(people + [film])}
    assert out[BASE + "person/alfred-hitchcock"].qid == "Q7374"
    assert out[BASE + "film/psycho"].qid == "Q163038"


def test_common_word_title_links_only_with_supporting_context(tmp_path):
    linker = _linker(tmp_path)
    bare = linker.link([Mention(BASE + "film/fargo", "film", (("Fargo", "en"),))])[0]
    dated = linker.link([Mention(BASE + "film/fargo-1996", "film", (("Fargo", "en"),), 1996)])[0]
    assert bare.status == "ambiguous"
    assert dated.qid == "Q222720"


def test_type_constraint_keeps_a_city_from_becoming_a_film(tmp_path):
    d = _linker(tmp_path).link([Mention(BASE + "film/elizabeth-1998", "film", (("Elizabeth", "en"),), 1998)])[0]
    assert d.qid == "Q499656"
    assert all(c.qid != "Q138311" for c in d.candidates)


def test_link_records_carry_score_and_reasons(seed_store):
    store, settings = seed_store
    link_store(store, settings)
    g = store.graph(links_graph(store.iris))
    film = URIRef(BASE + "film/house-of-flying-daggers")
    rec = link_record(store.iris, str(film))
    assert rec == URIRef(BASE + "link/film-house-of-flying-daggers")
    assert (film, OWL.sameAs, WD.Q369388) in g
    assert g.value(rec, FG.linkSubject) == film and g.value(rec, FG.linkTarget) == WD.Q369388
    assert 0.6 <= float(g.value(rec, FG.linkScore)) <= 1.0
    assert len(list(g.objects(rec, FG.linkReason))) >= 3


def test_wikidata_graph_holds_real_facts_in_wikidata_vocabulary(seed_store):
    store, settings = seed_store
    link_store(store, settings)
    g = store.graph(store.iris.wikidata_graph)
    assert (WD.Q369388, WDT.P161, WD.Q16766) in g  # Andy Lau, cast member (CodEx)
    assert (WD.Q55430, RDFS.label, Literal("Zhang Yimou", lang="en")) in g
    assert (WD.Q130871, SCHEMA.description, Literal("annual film festival held in Berlin, Germany", lang="en")) in g
    snap = real_snapshot()
    for s, p, o in g.triples((None, None, None)):  # every statement is in the data: nothing invented
        if str(p).startswith(str(WDT)):
            assert str(o).rsplit("/", 1)[-1] in snap.entities[str(s).rsplit("/", 1)[-1]].items(str(p).rsplit("/", 1)[-1])


def test_linking_never_touches_review_graphs_and_is_repeatable(seed_store):
    store, settings = seed_store
    review = store.iris.review_graph("one-second-2021-by-john-li")
    before = len(store.graph(review))
    link_store(store, settings)
    first = (store.graph(links_graph(store.iris)), store.graph(store.iris.wikidata_graph))
    link_store(store, settings)
    assert len(store.graph(review)) == before
    assert set(store.graph(links_graph(store.iris))) == set(first[0])
    assert set(store.graph(store.iris.wikidata_graph)) == set(first[1])


def test_links_graph_conforms_to_the_shapes(seed_store):
    from filmgraph.validate import validate_graph

    store, settings = seed_store
    link_store(store, settings)
    result = validate_graph(store.graph(links_graph(store.iris)))
    assert result.conforms, result.text


def test_header_only_graph_links_its_people(tmp_path):
    """A header-only review (no text stage): film and people are still linked where the data has them."""
    from wikidata_server import build_reviews

    review = tmp_path / "cthd.txt"
    review.write_text("CROUCHING TIGER, HIDDEN DRAGON (2000)\n\nDirector: Ang Lee\nCast: Chow Yun-fat, Michelle Yeoh, "
                      "Zhang Ziyi\n\nMovie Review:\n\nA wuxia film.\n\nReview by Someone\n", encoding="utf-8")
    settings = offline_settings(tmp_path)
    with FilmStore.open(settings.store_path, Iris(settings.base_iri)) as store:
        build_reviews(store, settings, review)
        d = _decisions(link_store(store, settings))
    assert d["film/crouching-tiger-hidden-dragon-2000"].qid == "Q273978"
    assert d["person/ang-lee"].qid == "Q160726"
    assert d["person/chow-yun-fat"].qid == "Q181425"
    assert d["person/michelle-yeoh"].qid == "Q214289"
    assert any("credited" in r for r in d["person/zhang-ziyi"].reasons)


def test_chinese_name_matches_a_chinese_label_of_imported_entity_json(tmp_path):
    from wikidata_server import SHARED

    from filmgraph.wikidata.snapshot import parse_import

    sample = SHARED / "wikidata" / "api-samples" / "entity_Q45648994_zh_labels_dpriskorn.json"
    if not sample.exists():
        pytest.skip("../shared/wikidata is absent")
    snap = Snapshot(parse_import(sample))
    assert snap.search("宋许") == ["Q45648994"]  # zh-hans label
    linker = Linker(Lookup(offline_settings(tmp_path), snapshot=snap), 0.6)
    d = linker.link([Mention(BASE + "person/song-hu", "person", (("宋許", "zh"),))])[0]
    assert d.qid == "Q45648994"
    assert any(r.startswith("Chinese label") for r in d.reasons)
    assert any("P31 Q5" in r for r in d.reasons)
