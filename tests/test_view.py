"""Views without a browser: presets pick the right entities, text is bound and escaped, pages are self-contained."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from filmgraph.errors import ViewError
from filmgraph.view import keep_most_central, render_html, write_view
from filmgraph.viewgraph import ViewSpec, view_graph
from view_support import (BASE, CINEMA_PARADISO, FILM, HOSTILE_FILM, REVIEW, ZHANG_YIMOU, fixture_store,
                          hostile_store)


@pytest.fixture(scope="module")
def store():
    s = fixture_store()
    yield s
    s.close()


def labels(g, key=None):
    return {d["entity"].label for _, d in g.nodes(data=True) if key is None or d["entity"].type.key == key}


def relation(g, s, o):
    return ", ".join(g.edges[s, o]["relations"])


def page_data(page: str) -> dict:
    block = re.search(r'<script type="application/json" id="fg-data">(.*?)</script>', page, re.S)
    return json.loads(block.group(1))


def test_director_view_holds_the_filmography(store):
    g = view_graph(store, ViewSpec("director", "zhang yimou"))
    assert labels(g, "film") == {"One Second (2021)", "Red Sorghum", "Raise the Red Lantern", "House of Flying Daggers",
                                 "Shadow", "The Great Wall (2016)", "To Live (1994)", "Coming Home (2014)"}
    assert "Cinema Paradiso (1988)" not in labels(g)  # compared to, but by Giuseppe Tornatore
    assert relation(g, FILM, ZHANG_YIMOU) == "director"
    assert g.graph["focus"] == [ZHANG_YIMOU]
    assert REVIEW in g  # the reviews of each film come along


def test_film_view_draws_roles_with_character_names(store):
    g = view_graph(store, ViewSpec("film", "ONE SECOND"))
    assert labels(g, "role") == {"projectionist", "orphan", "escaped convict"}
    fan_wei, role = BASE + "person/fan-wei", BASE + "role/one-second-2021--fan-wei"
    assert relation(g, FILM, role) == "cast"
    assert relation(g, role, fan_wei) == "played by"
    assert not g.has_edge(FILM, fan_wei)  # drawn once, through the role
    assert relation(g, FILM, ZHANG_YIMOU) == "director"


def test_review_view_shows_mentions_and_folds_comparisons_into_edges(store):
    g = view_graph(store, ViewSpec("review", "one-second-2021-by-john-li"))
    assert {"Berlin International Film Festival", "Cultural Revolution", "Cinema Paradiso (1988)",
            "Academy Award for Best Foreign Language Film"} <= labels(g)
    assert labels(g, "period") == {"Cultural Revolution"}
    edge = g.edges[FILM, CINEMA_PARADISO]
    assert edge["relations"] == ["compared to (China’s version of; in the vein of)"]
    assert edge["polarity"] == "Favourable"
    assert any("in the vein of Cinema Paradiso" in e["sentence"] for e in edge["evidence"])
    # the evidence machinery is folded into tooltips, never drawn
    assert not [n for n in g if "/annotation/" in n or "/comparison/" in n or "/rating/" in n]


def test_review_view_accepts_the_title_of_the_reviewed_film(store):
    by_title = view_graph(store, ViewSpec("review", "One Second"))
    by_id = view_graph(store, ViewSpec("review", "one-second-2021-by-john-li"))
    assert set(by_title) == set(by_id)
    assert by_title.graph["title"] == "References in the review of One Second by John Li"  # what was found


def test_entity_carries_wikidata_link_original_title_and_evidence(store):
    g = view_graph(store, ViewSpec("review", "One Second"))
    zy = g.nodes[ZHANG_YIMOU]["entity"]
    assert zy.wikidata == "https://www.wikidata.org/wiki/Q55430"
    assert zy.wikidata_description == "Chinese actor, film director, screenwriter and film producer"
    assert zy.original == "张艺谋"  # Wikidata's Chinese label
    assert zy.wikipedia == "https://en.wikipedia.org/wiki/Zhang_Yimou"
    daggers = g.nodes[BASE + "film/house-of-flying-daggers"]["entity"]
    assert daggers.wikidata_facts == [("director", "Zhang Yimou")]  # wdt:P57, its value by label
    assert zy.evidence[0].sentence.startswith("Zhang Yimou’s latest work about the power of cinema")
    assert zy.evidence[0].role == "director"
    film = g.nodes[FILM]["entity"]
    assert (film.label, film.original) == ("One Second (2021)", "一秒钟")
    assert ("Year", "2021") in film.facts and ("Duration", "1 h 44 min") in film.facts
    assert "Original title" not in dict(film.facts)  # shown once, as the original title
    review = g.nodes[REVIEW]["entity"]
    assert review.label == "Review of One Second by John Li"
    assert any(k == "Verdict" and "triumphs again" in v for k, v in review.facts)  # the rating, folded


def test_focus_walks_the_neighbourhood_to_depth(store):
    assert set(view_graph(store, ViewSpec("focus", "Cinema Paradiso", 0))) == {CINEMA_PARADISO}
    one = set(view_graph(store, ViewSpec("focus", "Cinema Paradiso", 1)))
    assert one == {CINEMA_PARADISO, FILM, REVIEW, BASE + "person/giuseppe-tornatore"}
    assert one < set(view_graph(store, ViewSpec("focus", "Cinema Paradiso", 2)))


def test_names_are_bound_as_terms_not_pasted_into_sparql(store):
    for hostile in ['Zhang" } ; DROP ALL ; #', "?x } UNION { ?x ?p ?o", "\\u0022"]:
        with pytest.raises(ViewError, match="no director named"):
            view_graph(store, ViewSpec("director", hostile))
    assert len(store) > 400  # nothing dropped
    hs = hostile_store()
    g = view_graph(hs, ViewSpec("focus", 'Jane "Quote" O\'Hara', 1))
    assert HOSTILE_FILM in g


def test_names_match_whole_names_first_then_word_starts(store):
    assert view_graph(store, ViewSpec("focus", "yimou", 0)).graph["focus"] == [ZHANG_YIMOU]
    assert set(view_graph(store, ViewSpec("focus", "zhang yi", 0))) == {BASE + "person/zhang-yi"}  # exact wins
    with pytest.raises(ViewError):
        view_graph(store, ViewSpec("focus", "ang", 0))  # inside "Zhang", not at a word start


def test_unknown_names_say_what_exists(store):
    with pytest.raises(ViewError, match=r"no film titled 'Hero'.*One Second"):
        view_graph(store, ViewSpec("film", "Hero"))
    with pytest.raises(ViewError, match="one-second-2021-by-john-li"):
        view_graph(store, ViewSpec("review", "no-such-review"))


def test_query_preset_draws_exactly_the_construct_result(store, tmp_path):
    rq = tmp_path / "directors.rq"
    rq.write_text("PREFIX schema: <https://schema.org/>\n"
                  "CONSTRUCT { ?film schema:director ?who } WHERE { ?film a schema:Movie ; schema:director ?who }")
    g = view_graph(store, ViewSpec("query", str(rq)))
    assert g.number_of_edges() == 9  # 8 films by Zhang Yimou, Cinema Paradiso by Tornatore
    assert all(d["relations"] == ["director"] for *_, d in g.edges(data=True))
    assert g.nodes[ZHANG_YIMOU]["entity"].label == "Zhang Yimou"  # labels come from the store
    select = tmp_path / "select.rq"
    select.write_text("SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(ViewError, match="CONSTRUCT"):
        view_graph(store, ViewSpec("query", str(select)))
    broken = tmp_path / "broken.rq"
    broken.write_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p")
    with pytest.raises(ViewError, match=r"broken\.rq: SPARQL syntax error"):
        view_graph(store, ViewSpec("query", str(broken)))
    with pytest.raises(ViewError, match="no query named"):
        view_graph(store, ViewSpec("query", "no-such-query", 2), queries_dir=tmp_path)


def test_query_preset_finds_named_queries_in_the_queries_folder(store, tmp_path):
    (tmp_path / "comparisons.rq").write_text(
        "PREFIX fg: <https://w3id.org/filmgraph/ontology#>\nCONSTRUCT { ?a fg:comparedTo ?b } WHERE { ?a fg:comparedTo ?b }")
    g = view_graph(store, ViewSpec("query", "comparisons"), queries_dir=tmp_path)
    assert list(g.edges) == [(FILM, CINEMA_PARADISO)]


def test_budget_keeps_the_most_central_nodes_and_says_what_was_left_out(store):
    g = view_graph(store, ViewSpec("review", "One Second"))
    kept, omitted, omitted_edges = keep_most_central(g, 5)
    assert kept.number_of_nodes() == 5
    assert REVIEW in kept and ZHANG_YIMOU in kept  # the focus, then the best connected
    assert sum(omitted.values()) == g.number_of_nodes() - 5
    assert omitted_edges == g.number_of_edges() - kept.number_of_edges()
    data = page_data(render_html(g, budget=5))
    assert len(data["nodes"]) == 5
    assert data["omitted"]["nodes"] == g.number_of_nodes() - 5
    assert "--focus" in data["omitted"]["howTo"] and "--budget" in data["omitted"]["howTo"]
    assert page_data(render_html(g, budget=1000))["omitted"] is None


class _Resources(HTMLParser):
    """Every attribute that makes a browser fetch something, and every script and stylesheet tag."""

    def __init__(self) -> None:
        super().__init__()
        self.fetches: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "action", "srcset", "poster", "data", "background") and value:
                self.fetches.append(f"<{tag} {name}={value}>")


def test_page_is_one_self_contained_file(store):
    page = render_html(view_graph(store, ViewSpec()))
    parser = _Resources()
    parser.feed(page)
    assert parser.fetches == []
    assert "link" not in parser.tags and "iframe" not in parser.tags
    assert "vis.Network" in page and "@version 9.1.2" in page  # vis-network inlined from pyvis
    assert not re.search(r"""url\(\s*['"]?(https?:)?//""", page)  # no remote CSS images or fonts
    for host in ("jsdelivr", "cdnjs", "unpkg", "bootstrap.min", "googleapis"):
        assert host not in page  # what pyvis's own template would load
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "unsafe-inline" not in csp.split("style-src")[0]


def test_review_text_cannot_break_out_of_the_embedded_json():
    hs = hostile_store()
    page = render_html(view_graph(hs, ViewSpec()))
    block = re.search(r'<script type="application/json" id="fg-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in block and ">" not in block  # escaped as \u003c / \u003e
    data = json.loads(block)
    names = {n["label"] for n in data["nodes"]}
    assert 'The <script>alert(1)</script> "quoted" Film (2020)' in names
    assert '"><img src=x onerror=alert(9)>' in names
    assert "<title>The whole graph · filmgraph</title>" in page
    work = next(n for n in data["nodes"] if n["id"].endswith("/work/img-onerror"))
    assert work["fg"]["wikidata"] is None  # a javascript: sameAs is never a link
    assert "</script><script>alert(5)" in work["fg"]["evidence"][0]["sentence"]
    parser = _Resources()
    parser.feed(page)
    assert parser.tags.count("script") == 3 and "img" not in parser.tags  # data, vis-network, ours


def test_cli_view_writes_the_page_and_reports_unknown_names(tmp_path):
    from filmgraph.cli import main

    runner = CliRunner()
    store_dir = tmp_path / "store"
    from filmgraph.iris import Iris
    from filmgraph.store import FilmStore
    import pyoxigraph as ox
    from view_support import DATA

    with FilmStore.open(store_dir, Iris(BASE)) as s:
        s.oxigraph.load(path=str(DATA / "one-second.trig"), format=ox.RdfFormat.TRIG)
    out = tmp_path / "zy.html"
    result = runner.invoke(main, ["--store", str(store_dir), "view", "--director", "Zhang Yimou", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Filmography: Zhang Yimou: 10 nodes, 17 edges" in result.output
    assert len(page_data(out.read_text(encoding="utf-8"))["nodes"]) == 10
    result = runner.invoke(main, ["--store", str(store_dir), "view", "--film", "Hero", "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 2 and "no film titled 'Hero'" in result.output
    assert not (tmp_path / "x.html").exists()
    result = runner.invoke(main, ["--store", str(store_dir), "view", "--film", "A", "--director", "B", "-o", str(out)])
    assert result.exit_code == 2 and "choose one of" in result.output


def test_write_view_refuses_an_empty_view(tmp_path):
    from filmgraph.iris import Iris
    from filmgraph.store import FilmStore

    with pytest.raises(ViewError, match="nothing to draw"):
        write_view(FilmStore.in_memory(Iris(BASE)), ViewSpec(), tmp_path / "empty.html")
    assert not (tmp_path / "empty.html").exists()
