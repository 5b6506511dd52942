"""The reader copes with the ways real review pages vary, and refuses input it cannot trust."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from filmgraph.errors import ReadError
from filmgraph.models import ReviewSource
from filmgraph.read import iter_sources, read_review
from filmgraph.values import (
    iso_duration,
    parse_content_rating,
    parse_date,
    parse_runtime,
    script_language,
)
from filmgraph.settings import Settings


def read_file(path: Path):
    return read_review(ReviewSource(str(path), path.read_bytes()))


def read_text(text: str, name: str = "t.txt", encoding: str = "utf-8"):
    return read_review(ReviewSource(name, text.encode(encoding)))


def test_read_seed_header_and_sections(seed_path):
    r = read_file(seed_path)
    assert (r.title, r.original_title, r.original_language, r.year) == ("One Second", "一秒钟", "zh", 2021)
    assert r.genres == ("Drama",)  # value after a non-breaking space
    assert r.directors == ("Zhang Yimou",)
    assert r.cast == ("Zhang Yi", "Liu Haocun", "Fan Wei")
    assert r.runtime_minutes == 104
    assert (r.content_rating, r.content_advisory) == ("PG13", "Some Coarse Language")
    assert r.distributors == ("Clover Films",)
    assert r.opening_day == date(2021, 9, 23)
    assert r.reviewer == "John Li"
    assert r.website is None  # "Official Website:" is empty
    assert r.synopsis.startswith("China during the Cultural Revolution.")
    assert r.body.startswith("Zhang Yimou’s latest work")
    assert r.body.rstrip().endswith("in a sensitive era.")
    assert r.verdict.startswith("Zhang Yimou triumphs again")
    assert "\u00a0" not in r.body + r.synopsis + r.verdict


def test_read_drops_site_boilerplate(reader_case):
    r = read_file(reader_case("boilerplate.txt"))
    assert r.reviewer == "Dev Rao"
    assert r.verdict == "A taut, wintry spy thriller"
    assert r.directors == ("Zhang Yimou",)  # not "Someone Else" from below "Movie Stills"
    assert "You might also like" not in r.body + r.verdict
    assert "Shadow (2018)" not in r.body + r.verdict


def test_read_tolerates_missing_title_line(reader_case):
    r = read_file(reader_case("no-title-line.txt"))
    assert r.title is None and r.has_header
    assert r.directors == ("Zhang Yimou",)
    assert r.cast == ("Ge You", "Gong Li")
    assert r.runtime_minutes == 120
    assert r.body == "A quiet, devastating film about survival."
    assert any("no title line" in w for w in r.warnings)


def test_read_accepts_upper_case_labels_and_spaces_around_colons(reader_case):
    r = read_file(reader_case("upper-case-labels.txt"))
    assert (r.title, r.original_title, r.year) == ("To Live", "活着", 1994)
    assert r.genres == ("Drama",)
    assert r.directors == ("Zhang Yimou",)
    assert r.runtime_minutes == 104
    assert r.distributors == ("Shaw", "Co", "Golden Village")  # "A & B and C": three names
    assert r.opening_day == date(2021, 9, 23)
    assert r.synopsis == "A family lives through four decades of upheaval."
    assert r.body == "A quiet, devastating film about survival."


def test_read_takes_fields_in_any_order_and_values_on_the_next_line(reader_case):
    r = read_file(reader_case("reordered-and-next-line.txt"))
    assert r.directors == ("Zhang Yimou",)
    assert r.cast == ("Jet Li", "Tony Leung Chiu-wai", "Maggie Cheung")
    assert r.opening_day == date(2021, 9, 23)
    assert r.genres == ("Action", "Drama")
    assert (r.content_rating, r.content_advisory) == ("NC16", "Violence")
    assert r.body == "An assassin tells a king three versions of one story."
    assert r.reviewer == "Ben Lim"


def test_read_splits_several_directors_and_distributors(reader_case):
    r = read_file(reader_case("several-directors.txt"))
    assert r.directors == ("Anna Koh", "Bernard Lee", "Chen Wei", "Dina Ong")
    assert r.distributors == ("Clover Films", "Golden Village")
    assert r.reviewer is None


def test_read_free_text_has_body_and_no_subject(reader_case):
    r = read_file(reader_case("free-text.txt"))
    assert not r.has_header and not r.has_subject
    assert r.title is None and r.directors == ()
    assert r.body.startswith("Zhang Yimou's \"Shadow\" is a film of ink and rain.")
    assert "\n\nIt recalls" in r.body  # paragraphs kept
    assert r.reviewer == "Carla Ng"


def test_read_cjk_only_title(reader_case):
    r = read_file(reader_case("cjk-title.txt"))
    assert (r.title, r.year) == ("满江红", 2023)


def test_read_crlf_and_bom_equal_plain_utf8(seed_path):
    plain = seed_path.read_bytes()
    crlf_bom = b"\xef\xbb\xbf" + plain.replace(b"\n", b"\r\n")
    a = read_review(ReviewSource("a.txt", plain))
    b = read_review(ReviewSource("b.txt", crlf_bom))
    fields = lambda r: {k: v for k, v in r.__dict__.items() if k not in ("source", "sha256")}
    assert fields(a) == fields(b)


def test_read_nbsp_and_stray_spaces_around_colons():
    r = read_text("Film X (1999)\n\nGenre\u00a0:\u00a0 Drama \nDirector :Some One\n\nMovie Review:\u00a0Fine.\n")
    assert r.genres == ("Drama",) and r.directors == ("Some One",) and r.body == "Fine."


def test_read_shouted_title_becomes_title_case():
    r = read_text("RAISE THE RED LANTERN (大红灯笼高高挂) (1991)\n\nGenre: Drama\n\nMovie Review:\nText.\n")
    assert r.title == "Raise the Red Lantern"
    r = read_text("ROCKY II (1979)\n\nGenre: Drama\n\nMovie Review:\nText.\n")
    assert r.title == "Rocky II"


def test_read_header_without_section_labels_takes_following_text_as_body():
    r = read_text("Film Y (2001)\nGenre: Drama\nDirector: A B\n\nThe review starts here and goes on.\n\nSecond paragraph.\n")
    assert r.directors == ("A B",)
    assert r.body == "The review starts here and goes on.\n\nSecond paragraph."


@pytest.mark.parametrize(
    "text,minutes",
    [("1 hr 44 mins", 104), ("104 mins", 104), ("2 hrs", 120), ("1h 44m", 104), ("1:44", 104),
     ("104", 104), ("1 hour 5 minutes", 65), ("approx. 95 min", 95), ("unknown", None)],
)
def test_parse_runtime_formats(text, minutes):
    assert parse_runtime(text) == minutes


@pytest.mark.parametrize("minutes,iso", [(104, "PT1H44M"), (120, "PT2H"), (45, "PT45M")])
def test_iso_duration(minutes, iso):
    assert iso_duration(minutes) == iso


@pytest.mark.parametrize(
    "text", ["23 September 2021", "Sep 23, 2021", "23 Sept 2021", "September 23rd, 2021", "2021-09-23", "23rd Sep. 2021"]
)
def test_parse_date_formats(text):
    assert parse_date(text) == date(2021, 9, 23)


@pytest.mark.parametrize("text", ["soon", "31 February 2021", "13/09/2021"])
def test_parse_date_rejects_what_it_cannot_be_sure_of(text):
    assert parse_date(text) is None


def test_unparseable_fields_become_warnings_not_failures():
    r = read_text("Film Z (2010)\n\nRuntime: forever\nOpening Day: soon\n\nMovie Review:\nFine.\n")
    assert r.runtime_minutes is None and r.opening_day is None
    assert any("runtime" in w for w in r.warnings) and any("opening day" in w for w in r.warnings)


@pytest.mark.parametrize(
    "text,expected",
    [("PG13 (Some Coarse Language)", ("PG13", "Some Coarse Language")), ("NC16 [Violence]", ("NC16", "Violence")),
     ("PG", ("PG", None)), ("M18 - Sexual Scenes", ("M18", "Sexual Scenes"))],
)
def test_parse_content_rating_keeps_the_advisory(text, expected):
    assert parse_content_rating(text) == expected


@pytest.mark.parametrize(
    "title,lang", [("一秒钟", "zh"), ("千と千尋の神隠し", "ja"), ("기생충", "ko"), ("Nuovo Cinema Paradiso", None)]
)
def test_script_language_of_original_titles(title, lang):
    assert script_language(title) == lang


# --- bad input -----------------------------------------------------------------------------------


def _errors(paths, settings=None):
    return [x for x in iter_sources(paths, settings or Settings()) if isinstance(x, ReadError)]


def test_empty_file_is_refused_by_name(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"  \n\n")
    [err] = _errors([p])
    assert str(err) == f"{p}: empty file"


def test_binary_file_is_refused_by_name(tmp_path):
    p = tmp_path / "image.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    [err] = _errors([p])
    assert str(p) in str(err) and "binary" in str(err)


def test_undecodable_bytes_are_refused_with_their_offset(tmp_path):
    p = tmp_path / "latin1.txt"
    p.write_bytes("Film (2001)\n\nGenre: Drama\n\nMovie Review:\nCaf\xe9 society.\n".encode("latin-1"))
    [src] = list(iter_sources([p], Settings()))
    with pytest.raises(ReadError) as exc:
        read_review(src)
    assert str(p) in str(exc.value) and "not valid UTF-8" in str(exc.value) and "line 6" in str(exc.value)


def test_oversized_file_is_refused_before_reading(tmp_path):
    p = tmp_path / "huge.txt"
    p.write_bytes(b"x" * 5000)
    [err] = _errors([p], Settings(max_review_bytes=1000))
    assert "5,000 bytes" in str(err) and "1,000-byte limit" in str(err)


def test_missing_path_and_broken_link_are_refused(tmp_path):
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "nowhere.txt")
    errs = _errors([tmp_path / "missing.txt", link])
    assert [e.problem for e in errs] == ["no such file", "no such file (broken symbolic link)"]


def test_directories_are_searched_recursively_for_txt_and_md(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("x")
    (tmp_path / "a" / "two.md").write_text("x")
    (tmp_path / "a" / "skip.json").write_text("{}")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "three.txt").write_text("x")
    names = [Path(s.name).name for s in iter_sources([tmp_path], Settings())]
    assert names == ["one.txt", "two.md"]


def test_stdin_is_read_as_one_review(seed_path):
    import io

    [src] = list(iter_sources(["-"], Settings(), stdin=io.BytesIO(seed_path.read_bytes())))
    assert src.name == "<stdin>"
    assert read_review(src).title == "One Second"
