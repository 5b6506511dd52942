"""Reviews as users have them: each kind of input gives the graph its plain-text version gives.

The plain-text twins live in tests/data/inputs/; the pages, Markdown and datasets in data/inputs/.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, Literal
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import XSD

from filmgraph.errors import ReadError
from filmgraph.graph import review_graph
from filmgraph.inputs import kind_of
from filmgraph.inputs.markdown import markdown_to_text
from filmgraph.inputs.markup import iso8601_minutes, markup_nodes, review_fields
from filmgraph.iris import Iris
from filmgraph.models import ReviewSource
from filmgraph.pipeline import build
from filmgraph.read import iter_sources, read_review
from filmgraph.settings import DEFAULT_BASE_IRI, Settings
from filmgraph.vocab import SCHEMA

from conftest import DATA, REPO

INPUTS = REPO / "data" / "inputs"
TWINS = DATA / "inputs"
IRIS = Iris(DEFAULT_BASE_IRI)
#: statements about where and when a review was published: the plain text has no line for them
SOURCE_METADATA = (SCHEMA.datePublished, SCHEMA.url)


def read_path(path: Path, **kind):
    return read_review(ReviewSource(str(path), path.read_bytes(), **kind))


def graph_without_source_metadata(review) -> Graph:
    g = review_graph(review, IRIS).graph
    for p in SOURCE_METADATA:
        g.remove((None, p, None))
    return g


def assert_same_graph(review, twin) -> None:
    actual, expected = graph_without_source_metadata(review), graph_without_source_metadata(twin)
    if not isomorphic(actual, expected):
        _, only_actual, only_expected = graph_diff(to_isomorphic(actual), to_isomorphic(expected))
        pytest.fail("graphs differ\nonly from the input:\n" + only_actual.serialize(format="nt")
                    + "\nonly from the plain text:\n" + only_expected.serialize(format="nt"))


def single_row(path: Path, settings: Settings | None = None):
    sources = list(iter_sources([path], settings or Settings()))
    assert len(sources) == 1 and isinstance(sources[0], ReviewSource), sources
    return read_review(sources[0])


# --- the same review, the same graph: one test per kind --------------------------------------


@pytest.mark.parametrize("name", ["the-story-of-qiu-ju-1992", "not-one-less-1999", "red-sorghum-1987"])
def test_html_page_gives_the_graph_of_its_plain_text(name):
    page = read_path(INPUTS / f"{name}.html")
    twin = read_path(TWINS / f"{name}.txt")
    assert page.title and page.directors and page.body
    assert page.warnings == ()
    assert_same_graph(page, twin)


def test_markdown_review_gives_the_graph_of_its_plain_text():
    md = read_path(INPUTS / "coming-home-2014.md")
    twin = read_path(TWINS / "coming-home-2014.txt")
    assert (md.title, md.original_title, md.year) == ("Coming Home", "归来", 2014)
    assert md.cast == ("Gong Li", "Chen Daoming", "Zhang Huiwen")  # a list under "**Cast:**"
    assert_same_graph(md, twin)


def test_csv_row_gives_the_graph_of_its_plain_text(tmp_path):
    path = tmp_path / "reviews.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["movie", "year", "director", "cast", "reviewer", "review"])
        w.writerow(["The Road Home", "1999", "Zhang Yimou", "Zhang Ziyi, Sun Honglei", "Lena Park",
                    "A son returns to his village for his father's funeral and remembers how his parents met.\n\n"
                    "The memories are in radiant colour and the present in black and white, and Zhang Ziyi, "
                    "in her first film, runs across the autumn hills with a bowl of dumplings as if her life "
                    "depended on it."])
    row = single_row(path)
    assert row.source == f"{path}#row=1"
    assert_same_graph(row, read_path(TWINS / "the-road-home-1999.txt"))


def test_jsonl_row_gives_the_graph_of_its_plain_text(tmp_path):
    path = tmp_path / "reviews.jsonl"
    twin = read_path(TWINS / "the-road-home-1999.txt")
    obj = {"id": "rh-1", "title": "The Road Home", "year": 1999, "directors": ["Zhang Yimou"],
           "actors": ["Zhang Ziyi", "Sun Honglei"], "author": "Lena Park", "text": twin.body}
    path.write_text(json.dumps(obj) + "\n", encoding="utf-8")
    row = single_row(path)
    assert row.source == f"{path}#id=rh-1"  # the row's key is its id
    assert_same_graph(row, twin)


def test_utf16_text_with_bom_reads_like_utf8():
    twin_path = TWINS / "not-one-less-1999.txt"
    text = twin_path.read_text(encoding="utf-8")
    for encoding in ("utf-16", "utf-16-be"):
        data = text.encode(encoding) if encoding == "utf-16" else b"\xfe\xff" + text.encode(encoding)
        r = read_review(ReviewSource("utf16.txt", data))
        assert r.title == "Not One Less" and r.reviewer == "Tomas Reyes"
        assert_same_graph(r, read_path(twin_path))


def test_utf16_file_is_not_refused_as_binary(tmp_path):
    path = tmp_path / "review.txt"
    path.write_bytes((TWINS / "red-sorghum-1987.txt").read_text(encoding="utf-8").encode("utf-16"))
    [source] = list(iter_sources([path], Settings()))
    assert isinstance(source, ReviewSource), source
    assert read_review(source).original_title == "红高粱"


def test_other_encodings_are_one_clear_error_naming_the_file(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Café Society (2016)\n\nDirector: Woody Allen\n".encode("latin-1"))
    [source] = list(iter_sources([path], Settings()))
    with pytest.raises(ReadError) as exc:
        read_review(source)
    message = str(exc.value)
    assert message.startswith(f"{path}: not valid UTF-8: byte 0xe9")
    assert "UTF-16 with a byte-order mark" in message and "\n" not in message


def test_utf16_csv_with_bom_is_read(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_bytes('title,review\nHero,"Colour, duels and a king who listens."\n'.encode("utf-16"))
    r = single_row(path)
    assert r.title == "Hero" and r.body == "Colour, duels and a king who listens."


def test_latin1_csv_is_one_error_naming_the_file(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_bytes("title,review\nAmélie,Paris in green and red.\n".encode("latin-1"))
    items = list(iter_sources([path], Settings()))
    assert len(items) == 1 and isinstance(items[0], ReadError)
    assert str(items[0]).startswith(f"{path}: not valid UTF-8")


# --- HTML and schema.org markup ---------------------------------------------------------------


def test_jsonld_fields_land_exactly():
    r = read_path(INPUTS / "the-story-of-qiu-ju-1992.html")
    assert (r.title, r.original_title, r.original_language, r.year) == ("The Story of Qiu Ju", "秋菊打官司", "zh", 1992)
    assert r.genres == ("Drama",)
    assert r.directors == ("Zhang Yimou",)
    assert r.cast == ("Gong Li", "Liu Peiqi", "Lei Laosheng")
    assert r.runtime_minutes == 100  # PT1H40M
    assert r.reviewer == "Mei Ling Ho"  # from the markup: the byline is not in the main text
    assert (r.rating_value, r.rating_best) == (4.0, 5.0)
    assert r.date_published == date(2024, 3, 2)
    g = review_graph(r, IRIS)
    rating = g.graph.value(g.review_iri, SCHEMA.reviewRating)
    assert g.graph.value(rating, SCHEMA.ratingValue) == Literal(4.0)
    assert g.graph.value(rating, SCHEMA.bestRating) == Literal(5.0)
    assert g.graph.value(g.review_iri, SCHEMA.datePublished) == Literal("2024-03-02", datatype=XSD.date)
    assert (g.film_iri, SCHEMA.director, IRIS.person("Zhang Yimou")) in g.graph


def test_microdata_fields_land_exactly():
    html = (INPUTS / "not-one-less-1999.html").read_text(encoding="utf-8")
    fields = review_fields(markup_nodes(html))
    assert fields == {
        "title": "Not One Less", "year": 1999, "directors": ("Zhang Yimou",),
        "cast": ("Wei Minzhi", "Zhang Huike"), "runtime_minutes": 106, "reviewer": "Tomas Reyes",
        "date_published": date(2023, 11, 18), "rating_value": 9.0, "rating_best": 10.0,
    }


RDFA_PAGE = """<html><body vocab="https://schema.org/" typeof="Review">
<div property="itemReviewed" typeof="Movie"><h1><span property="name">Hero</span> (<span property="dateCreated">2002</span>)</h1>
<p>Director: <span property="director" typeof="Person"><span property="name">Zhang Yimou</span></span></p></div>
<p>Movie Review:</p><p>A king hears three versions of one story, each in its own colour.</p>
<p>By <span property="author" typeof="Person"><span property="name">Ann Lee</span></span></p>
<div property="reviewRating" typeof="Rating"><span property="ratingValue">4</span> of 5</div>
</body></html>"""


def test_rdfa_fields_land_exactly():
    fields = review_fields(markup_nodes(RDFA_PAGE))
    assert fields == {"title": "Hero", "year": 2002, "directors": ("Zhang Yimou",), "reviewer": "Ann Lee",
                      "rating_value": 4.0, "rating_best": 5.0}  # schema.org's default best rating


def test_markup_wins_over_the_text_and_the_disagreement_is_reported():
    r = read_path(TWINS / "disagreeing-markup.html")
    assert (r.title, r.year, r.directors, r.reviewer) == ("Shadow", 2018, ("Zhang Yimou",), "Ann Lee")
    assert r.warnings == ("schema.org markup says director 'Zhang Yimou', the text 'Chen Kaige'; "
                          "using the schema.org markup",)


def test_html_drops_navigation_comments_and_footer():
    r = read_path(INPUTS / "the-story-of-qiu-ju-1992.html")
    everything = " ".join([r.synopsis, r.body, r.verdict])
    for junk in ("Subscribe to our newsletter", "Most read this week", "Advertisement", "filmfan88",
                 "restore the print", "All rights reserved", "You might also like", "Privacy policy"):
        assert junk not in everything
    assert r.body.count("\n\n") == 2  # three paragraphs, kept apart


def test_html_on_stdin_is_read_as_a_page(settings, store):
    page = (INPUTS / "red-sorghum-1987.html").read_bytes()
    [source] = list(iter_sources(["-"], settings, stdin=io.BytesIO(page)))
    assert kind_of(source) == "html"
    r = read_review(source)
    assert (r.title, r.reviewer) == ("Red Sorghum", "Samir Haddad")
    report = build(["-"], store, settings, stdin=io.BytesIO(page))
    assert [o.status for o in report.outcomes] == ["added"]


def test_html_page_title_names_the_film_when_the_text_does_not():
    html = """<html><head><title>Hero (2002) review | Some Site</title></head><body><nav>Home Reviews</nav>
    <article><p>Colour is the story of Hero: red for passion, blue for memory, white for the truth. Jet Li
    is Nameless, and every duel is a painting. A film to see on the largest screen you can find.</p></article>
    </body></html>"""
    r = read_review(ReviewSource("page.html", html.encode()))
    assert (r.title, r.year) == ("Hero", 2002)
    assert not any("no title line" in w for w in r.warnings)


def test_html_page_title_the_review_never_repeats_names_no_film():
    html = """<html><head><title>Evening Notes | A film diary</title></head><body><article><p>Colour is the
    story here: red for passion, blue for memory, white for the truth. Every duel is a painting, and the
    king listens to each version of the tale with the same stillness.</p></article></body></html>"""
    assert read_review(ReviewSource("page.html", html.encode())).title != "Evening Notes"


def test_html_with_no_text_is_one_error():
    with pytest.raises(ReadError, match="no review text found in the page"):
        read_review(ReviewSource("empty.html", b"<html><head><title></title></head><body><script>var x = 1;</script>"
                                               b"<img src='a.png'></body></html>"))


def test_iso8601_durations():
    assert [iso8601_minutes(v) for v in ("PT1H40M", "PT100M", "PT2H", "P0DT1H5M", "PT90M20S")] == [100, 100, 120, 65, 90]
    assert iso8601_minutes("1h 40m") is None and iso8601_minutes("PT") is None


# --- Markdown -----------------------------------------------------------------------------------


def test_markdown_bold_labels_are_header_fields():
    md = "# Hero (2002)\n\n**Director:** Zhang Yimou\n**Cast:** Jet Li, Maggie Cheung\n\nA king, an assassin, three colours.\n"
    r = read_review(ReviewSource("hero.md", md.encode()))
    assert (r.title, r.year) == ("Hero", 2002)  # not "# Hero"
    assert r.directors == ("Zhang Yimou",)
    assert r.cast == ("Jet Li", "Maggie Cheung")
    assert r.body == "A king, an assassin, three colours."
    assert r.warnings == ()


def test_markdown_list_labels_and_heading_sections():
    md = ("# Shadow (2018)\n\n- **Director:** Zhang Yimou\n- **Runtime:** 116 mins\n\n## Cast\n\n* Deng Chao\n* Sun Li\n\n"
          "## Review\n\nInk and rain, a *double* and [a king](https://example.org/king).\n")
    r = read_review(ReviewSource("shadow.md", md.encode()))
    assert (r.title, r.directors, r.runtime_minutes, r.cast) == ("Shadow", ("Zhang Yimou",), 116, ("Deng Chao", "Sun Li"))
    assert r.body == "Ink and rain, a double and a king."


def test_markdown_emphasis_and_links_around_a_title_are_dropped():
    assert markdown_to_text("# *Hero* (英雄) (2002)\n").strip() == "Hero (英雄) (2002)"
    assert markdown_to_text("[**Hero**](https://example.org/hero) (2002)\n").strip() == "Hero (2002)"


# --- datasets ---------------------------------------------------------------------------------


def test_dataset_columns_option_maps_unusual_names(tmp_path):
    path = tmp_path / "reviews.tsv"
    path.write_text("movie_name\twho\topinion\tmark\nTo Live\tAda Tan\tFour decades, one family.\t8/10\n",
                    encoding="utf-8")
    [refused] = list(iter_sources([path], Settings()))
    assert isinstance(refused, ReadError) and "no review text column" in str(refused)
    r = single_row(path, Settings(dataset_columns="title=movie_name,reviewer=who,text=opinion,score=mark"))
    assert (r.title, r.reviewer, r.body, r.rating_value, r.rating_best) == (
        "To Live", "Ada Tan", "Four decades, one family.", 8.0, 10.0)


def test_dataset_column_that_is_not_there_is_one_error(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_text("title,review\nHero,Colour.\n", encoding="utf-8")
    [item] = list(iter_sources([path], Settings(dataset_columns="text=body")))
    assert isinstance(item, ReadError) and "names column 'body' for text" in str(item)


def test_dataset_score_date_and_url_columns_land(tmp_path):
    rows = list(iter_sources([INPUTS / "short-reviews.csv"], Settings()))
    reviews = [read_review(s) for s in rows]
    assert [r.source.rsplit("#", 1)[1] for r in reviews] == ["id=r1", "id=r2", "id=r3"]
    first = reviews[0]
    assert (first.title, first.year, first.reviewer) == ("Raise the Red Lantern", 1991, "Lena Park")
    assert (first.rating_value, first.rating_best, first.date_published) == (5.0, 5.0, date(2023, 5, 14))
    assert "\n\n" in first.body  # the quoted field's two paragraphs
    assert (reviews[2].rating_value, reviews[2].rating_best) == (3.0, 5.0)  # "3/5"


def test_dataset_rows_build_and_an_edited_row_alone_rebuilds(tmp_path, settings, store):
    path = tmp_path / "reviews.csv"
    text = (INPUTS / "short-reviews.csv").read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    first = build([path], store, settings)
    assert [o.status for o in first.outcomes] == ["added"] * 3
    path.write_text(text.replace("slighter than the director's best work", "lighter than his best"), encoding="utf-8")
    second = build([path], store, settings)
    assert [o.status for o in second.outcomes] == ["unchanged", "unchanged", "replaced"]


def test_jsonl_objects_may_leave_keys_out(tmp_path):
    path = tmp_path / "reviews.jsonl"
    path.write_text('{"review": "Colour and duels."}\n{"title": "Shadow", "year": 2018, "review": "Ink and rain."}\n'
                    '{"title": "Hero"}\n', encoding="utf-8")
    items = list(iter_sources([path], Settings()))
    assert read_review(items[1]).title == "Shadow" and read_review(items[1]).year == 2018
    assert isinstance(items[2], ReadError) and "no review text column" in str(items[2])
    assert str(items[2]).startswith(f"{path}#row=3: ")


def test_bad_jsonl_line_is_one_error_and_the_other_rows_build(tmp_path):
    path = tmp_path / "reviews.jsonl"
    path.write_text('{"title": "Hero", "review": "Colour."}\n{not json\n{"title": "Shadow", "review": "Ink."}\n',
                    encoding="utf-8")
    items = list(iter_sources([path], Settings()))
    assert [type(i).__name__ for i in items] == ["ReviewSource", "ReadError", "ReviewSource"]
    assert str(items[1]).startswith(f"{path}#row=2: line 2 is not JSON")


def test_directory_search_finds_every_input_kind(tmp_path):
    items = list(iter_sources([INPUTS], Settings()))
    names = sorted({Path(i.name.split("#")[0]).suffix for i in items})
    assert names == [".csv", ".html", ".jsonl", ".md"]
    assert all(isinstance(i, ReviewSource) for i in items)


def test_html_table_rows_are_header_lines():
    r = read_path(REPO / "benchmarks" / "html_pages" / "happy-times-2000.html")
    assert (r.title, r.year, r.directors, r.cast, r.genres) == (
        "Happy Times", 2000, ("Zhang Yimou",), ("Zhao Benshan", "Dong Jie"), ("Comedy", "Drama"))
    assert r.date_published is None  # no date on the page: none guessed from the film's year


def test_utf16_html_with_bom_is_read_as_a_page():
    page = (INPUTS / "red-sorghum-1987.html").read_text(encoding="utf-8").replace('charset="utf-8"', 'charset="utf-16"')
    source = ReviewSource("<stdin>", page.encode("utf-16"))
    assert kind_of(source) == "html"
    r = read_review(source)
    assert_same_graph(r, read_path(TWINS / "red-sorghum-1987.txt"))


def test_markdown_italic_titles_in_the_text_are_title_cues():
    md = ("# Hero (2002)\n\n**Director:** [Zhang Yimou](https://example.org/zy)\n\n"
          "After *Crouching Tiger, Hidden Dragon*, a *very* different wuxia from [Zhang Yimou](https://example.org/zy).\n")
    r = read_review(ReviewSource("hero.md", md.encode()))
    assert r.directors == ("Zhang Yimou",)  # a link in a header line is no cue
    assert r.body == "After “Crouching Tiger, Hidden Dragon”, a very different wuxia from Zhang Yimou."


def test_html_italic_titles_are_title_cues():
    html = (INPUTS / "the-story-of-qiu-ju-1992.html").read_text(encoding="utf-8").replace(
        "Much of it was shot", "Like <i>To Live</i>, much of it was <b>shot</b>")
    r = read_review(ReviewSource("page.html", html.encode()))
    assert "Like “To Live”, much of it was shot on real streets" in r.body


def _dataset_with_problems(path: Path, rows: int) -> tuple[set[str], set[str]]:
    """A CSV of ``rows`` reviews where every 7th row has no text and every 5th repeats the row
    before it (same film and reviewer, another id); returns the names of the bad and repeated rows."""
    bad, repeated = set(), set()
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "year", "reviewer", "review"])
        for i in range(rows):
            n = i - 1 if i % 5 == 4 else i
            text = "" if i % 7 == 6 else f"A patient film about a family; review number {i}."
            w.writerow([f"r{i}", f"Film Number {n}", 2000 + n % 20, f"Critic {n}", text])
            if not text:
                bad.add(f"{path}#id=r{i}")
            elif i % 5 == 4 and (i - 1) % 7 != 6:
                repeated.add(f"{path}#id=r{i}")
    return bad, repeated


def test_a_large_build_report_counts_every_row_and_keeps_a_bounded_list(tmp_path, settings, store):
    path = tmp_path / "reviews.csv"
    bad, repeated = _dataset_with_problems(path, 60)
    seen = []
    report = build([path], store, settings, on_outcome=seen.append, keep_outcomes=5)
    assert report.total == len(seen) == 60
    assert report.count("failed") == len(bad) and report.count("skipped") == len(repeated)
    assert report.count("added") == 60 - len(bad) - len(repeated)
    assert [o.source for o in report.outcomes] == [o.source for o in seen[:5]]
    assert len(report.problems) == 5 and report.problems_not_kept == len(bad) + len(repeated) - 5
    assert not report.ok
    # nothing lost: every bad row reached on_outcome once, with its one line naming it
    lines = [o.error for o in seen if o.status == "failed"]
    assert sorted(lines) == sorted(f"{name}: no review text in this row" for name in bad)


def test_a_repeated_row_names_the_row_it_repeats(tmp_path, settings, store):
    path = tmp_path / "reviews.csv"
    _, repeated = _dataset_with_problems(path, 10)
    report = build([path], store, settings)
    skipped = [o for o in report.outcomes if o.status == "skipped"]
    assert {o.source for o in skipped} == repeated
    for o in skipped:
        n = int(o.source.rsplit("=r", 1)[1])
        assert o.error == f"{o.source}: same review (film and reviewer) as {path}#id=r{n - 1}; skipped"


def test_digest_set_holds_strings_by_digest():
    from filmgraph.pipeline import DigestSet

    s = DigestSet(["http://example.org/graph/review/a"])
    s.add("http://example.org/graph/review/b")
    assert "http://example.org/graph/review/a" in s and "http://example.org/graph/review/b" in s
    assert "http://example.org/graph/review/c" not in s and 42 not in s and len(s) == 2
