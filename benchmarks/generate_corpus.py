#!/usr/bin/env python3
"""Write N realistic, synthetic film reviews in the seed review's format, for scale tests.

    python benchmarks/generate_corpus.py 10000 /tmp/corpus --seed 7

The films, directors and casts reviewed are invented (so they never clash with real facts);
the works they are compared with, the festivals, awards and historical periods the text mentions
are real and stated correctly (title, year, director). Headers vary the way real pages do: fields
go missing or change order, labels change case and wording, a value sits on the next line, and
runtimes and dates come in several formats. The same ``--seed`` writes the same files, byte for
byte. Nothing here imports filmgraph: the corpus is input, like any other.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import unicodedata
from pathlib import Path

# --- real works, with correct year and maker (used in comparisons and mentions) ----------------
FILMS = [
    ("Cinema Paradiso", 1988, "Giuseppe Tornatore"), ("Raise the Red Lantern", 1991, "Zhang Yimou"),
    ("To Live", 1994, "Zhang Yimou"), ("Red Sorghum", 1987, "Zhang Yimou"),
    ("Bicycle Thieves", 1948, "Vittorio De Sica"), ("Tokyo Story", 1953, "Yasujirō Ozu"),
    ("In the Mood for Love", 2000, "Wong Kar-wai"), ("Chungking Express", 1994, "Wong Kar-wai"),
    ("Rashomon", 1950, "Akira Kurosawa"), ("Seven Samurai", 1954, "Akira Kurosawa"),
    ("Vertigo", 1958, "Alfred Hitchcock"), ("The Godfather", 1972, "Francis Ford Coppola"),
    ("Spirited Away", 2001, "Hayao Miyazaki"), ("Parasite", 2019, "Bong Joon-ho"),
    ("Memories of Murder", 2003, "Bong Joon-ho"), ("Pan's Labyrinth", 2006, "Guillermo del Toro"),
    ("Oldboy", 2003, "Park Chan-wook"), ("Yi Yi", 2000, "Edward Yang"),
    ("Farewell My Concubine", 1993, "Chen Kaige"), ("The 400 Blows", 1959, "François Truffaut"),
    ("Jaws", 1975, "Steven Spielberg"), ("Alien", 1979, "Ridley Scott"), ("Heat", 1995, "Michael Mann"),
    ("Moonlight", 2016, "Barry Jenkins"), ("Roma", 2018, "Alfonso Cuarón"),
    ("Shoplifters", 2018, "Hirokazu Kore-eda"), ("Burning", 2018, "Lee Chang-dong"),
    ("Mad Max: Fury Road", 2015, "George Miller"), ("The Shawshank Redemption", 1994, "Frank Darabont"),
    ("Amélie", 2001, "Jean-Pierre Jeunet"),
]
NOVELS = [
    ("One Hundred Years of Solitude", "Gabriel García Márquez"), ("The Great Gatsby", "F. Scott Fitzgerald"),
    ("Moby-Dick", "Herman Melville"), ("Pride and Prejudice", "Jane Austen"),
    ("The Remains of the Day", "Kazuo Ishiguro"), ("Beloved", "Toni Morrison"),
]
FESTIVALS = ["Berlin International Film Festival", "Cannes Film Festival", "Venice Film Festival",
             "Toronto International Film Festival", "Busan International Film Festival",
             "Sundance Film Festival"]
AWARDS = ["Golden Bear", "Palme d'Or", "Golden Lion", "Academy Award for Best International Feature Film",
          "Golden Horse Award for Best Feature Film"]
PERIODS = ["the Cultural Revolution", "the Second World War", "the Great Depression", "the Cold War",
           "the Partition of India", "the Korean War", "the Great Leap Forward"]

# --- invented films and people --------------------------------------------------------------
TITLE_A = ["Silent", "Last", "Crimson", "Hidden", "Broken", "Distant", "Golden", "Midnight", "Paper",
           "Quiet", "Burning", "Hollow", "Northern", "Winter", "Glass", "Little", "Iron", "Wandering",
           "Salt", "Falling", "Electric", "Forgotten", "Borrowed", "Second", "Lonely", "Wild"]
TITLE_B = ["Harbour", "Lantern", "River", "Summer", "Station", "Garden", "Orchard", "Reel", "Border",
           "Kingdom", "Frontier", "Letters", "Tides", "Mountain", "Passage", "Season", "Theatre",
           "Promise", "Echoes", "Compass", "Weather", "Island", "Signal", "Hours", "Bridge", "Shadows"]
TITLE_FORMS = ["The {a} {b}", "{a} {b}", "A {a} {b}", "{b} of the {a} {c}", "The {b}", "{a} {b} {n}",
               "Beyond the {b}", "{b} in {place}"]
PLACES = ["Shanghai", "Lisbon", "Seoul", "Marrakech", "Oslo", "Havana", "Kyoto", "Naples", "Tbilisi",
          "Manila", "Hanoi", "Bogotá", "Dakar", "Istanbul"]
ORIGINALS = [("远方的灯", "zh"), ("春天的河", "zh"), ("海边的信", "zh"), ("静かな港", "ja"), ("夏の駅", "ja"),
             ("겨울 바다", "ko"), ("바람의 편지", "ko"), ("La nuit lente", None), ("El largo silencio", None)]
FIRST = ["Wei", "Mei", "Hiroshi", "Yuki", "Min-jun", "Ji-woo", "Arjun", "Priya", "Lucas", "Sofia",
         "Mateo", "Chiara", "Olivier", "Camille", "Kwame", "Amara", "Ingrid", "Lars", "Anna", "Tomás",
         "Leila", "Omar", "Nadia", "Daniel", "Grace", "Samuel", "Hana", "Kenji", "Elena", "Pablo"]
LAST = ["Chen", "Lin", "Tanaka", "Sato", "Kim", "Park", "Sharma", "Iyer", "Moreau", "Rossi", "Silva",
        "García", "Okafor", "Mensah", "Larsen", "Novak", "Haddad", "Costa", "Fischer", "Nguyen",
        "Santos", "Kowalski", "Byrne", "O'Neill", "Abe", "Yamamoto", "Petrov", "Delacroix"]
CJK_NAMES = ["Zhang Wei", "Liu Fang", "Wang Lei", "Li Na", "Zhou Xun", "Huang Bo", "Sun Li", "Xu Zheng"]
REVIEWERS = ["John Li", "Jason Ng", "Sarah Tan", "Daniel Koh", "Amelia Wong", "Marcus Lim", "Priya Nair",
             "Tom Byrne", "Hana Sato", "Elena Costa"]
ROLES = ["projectionist", "schoolteacher", "fisherman", "detective", "widow", "orphan", "nurse",
         "soldier", "stationmaster", "pianist", "smuggler", "village chief", "journalist", "cook",
         "lighthouse keeper", "tailor"]
GENRES = ["Drama", "Comedy", "Thriller", "Romance", "Horror", "Action", "Mystery", "Documentary",
          "Animation", "Crime", "War", "Family", "Musical", "Science Fiction"]
DISTRIBUTORS = ["Clover Films", "Golden Village Pictures", "Shaw Organisation", "Encore Films",
                "Anticipate Pictures", "Purple Plan", "mm2 Entertainment", "Lighthouse Pictures"]
RATINGS = [("PG", None), ("PG13", "Some Coarse Language"), ("NC16", "Violence"), ("M18", "Sexual Scenes"),
           ("G", None), ("R21", "Mature Content"), ("PG13", "Some Violence And Disturbing Scenes")]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]

FAVOURABLE_CUES = ["in the vein of {w}", "recalls {w}", "is this decade's answer to {w}",
                   "owes a clear debt to {w}", "can stand beside {w}"]
UNFAVOURABLE_CUES = ["pales next to {w}", "never reaches the heights of {w}", "is a lesser cousin of {w}"]


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "review"


class Writer:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.used: set[tuple[str, int, str]] = set()

    # --- pieces ----------------------------------------------------------------------------------
    def person(self) -> str:
        r = self.rng
        return r.choice(CJK_NAMES) if r.random() < 0.15 else f"{r.choice(FIRST)} {r.choice(LAST)}"

    def title(self) -> str:
        r = self.rng
        form = r.choice(TITLE_FORMS)
        return form.format(a=r.choice(TITLE_A), b=r.choice(TITLE_B), c=r.choice(TITLE_B),
                           n=r.choice(["II", "III", "2049", "1979"]), place=r.choice(PLACES))

    def work_ref(self, with_year: bool) -> tuple[str, str]:
        """A real film (``Title (Year)`` or ``Director's Title``) or novel, as text; and its title."""
        r = self.rng
        if r.random() < 0.8:
            t, y, d = r.choice(FILMS)
            form = r.random()
            if with_year and form < 0.4:
                return f"{t} ({y})", t
            if form < 0.6:
                return f"{d}'s {t}", t
            if form < 0.75:
                return f"{y}'s {t}", t
            return t, t
        t, a = r.choice(NOVELS)
        return f"{a}'s novel {t}", t

    def runtime(self, minutes: int) -> str:
        h, m = divmod(minutes, 60)
        return self.rng.choice([f"{h} hr {m} mins", f"{minutes} mins", f"{h}h {m}m", f"{h}:{m:02d}",
                                f"{minutes} minutes", f"{h} hrs {m} mins"])

    def date(self, year: int) -> str:
        r = self.rng
        month, day = r.randint(1, 12), r.randint(1, 28)
        name = MONTHS[month - 1]
        return r.choice([f"{day} {name} {year}", f"{name[:3]} {day}, {year}", f"{year}-{month:02d}-{day:02d}",
                         f"{day} {name[:4] if name == 'September' else name[:3]} {year}"])

    # --- a review ----------------------------------------------------------------------------------
    def review(self) -> tuple[str, str]:
        r = self.rng
        while True:
            title, year, reviewer = self.title(), r.randint(1995, 2025), r.choice(REVIEWERS)
            if (title, year, reviewer) not in self.used:
                self.used.add((title, year, reviewer))
                break
        director = self.person()
        cast = []
        while len(cast) < r.randint(2, 5):
            p = self.person()
            if p != director and p not in cast:
                cast.append(p)
        roles = r.sample(ROLES, len(cast))
        genres = r.sample(GENRES, r.randint(1, 3))
        minutes = r.randint(78, 178)
        original = r.choice(ORIGINALS) if r.random() < 0.2 else None

        upper = r.random() < 0.5
        head = (title.upper() if upper else title)
        head += f" ({original[0]})" if original else ""
        head += f" ({year})"

        fields: list[tuple[str, str]] = [
            (r.choice(["Genre", "GENRE", "Genres"]), ", ".join(genres)),
            (r.choice(["Director", "Directed By", "DIRECTOR"]), director),
            (r.choice(["Cast", "Starring", "CAST"]), ", ".join(cast)),
            (r.choice(["Runtime", "RunTime", "Running Time", "Duration"]), self.runtime(minutes)),
        ]
        rating, advisory = r.choice(RATINGS)
        fields.append((r.choice(["Rating", "Rated"]), rating + (f" ({advisory})" if advisory else "")))
        fields.append((r.choice(["Released By", "Distributor"]), r.choice(DISTRIBUTORS)))
        fields.append(("Official Website", ""))
        lines = [head, ""]
        for label, value in fields:
            if r.random() < 0.12 and not label.lower().startswith("direct"):
                continue  # missing field
            if r.random() < 0.1 and value:
                lines += [f"{label}:", value]  # value on the next line
            else:
                lines.append(f"{label}: {value}".rstrip() if value else f"{label}: ")
        lines.append("")
        if r.random() < 0.9:
            lines += [f"{r.choice(['Opening Day', 'Release Date', 'OPENING DAY'])}: {self.date(year)}", ""]

        period = r.choice(PERIODS)
        lead, lead_role = cast[0], roles[0]
        comp_text, _ = self.work_ref(with_year=False)
        synopsis = (
            f"{r.choice(['Set during', 'In the years of', 'Against the backdrop of'])} {period}, "
            f"a {lead_role} {r.choice(['returns home', 'goes missing', 'finds a lost letter', 'makes a fateful choice'])} "
            f"and {r.choice(['a family is torn apart', 'a small town is never the same', 'old secrets surface'])}. "
            f"A {r.choice(['tender', 'haunting', 'furious', 'playful'])} story "
            f"{r.choice(FAVOURABLE_CUES).format(w=comp_text)} from {director}."
        )
        lines += [f"{r.choice(['Synopsis', 'SYNOPSIS', 'Plot'])}: {synopsis}", "",
                  r.choice(["Movie Review:", "MOVIE REVIEW:", "Film Review:"]), ""]
        lines += self.body(title, year, director, cast, roles, period) + [""]
        score = r.choice(["", "", f" {r.randint(2, 5)}/5", f" {r.randint(4, 9)} out of 10"])
        verdict = (f"({director} {r.choice(['delivers', 'stumbles with', 'offers'])} a "
                   f"{r.choice(['moving', 'muddled', 'handsome', 'bold'])} {genres[0].lower()} "
                   f"that {r.choice(['lingers', 'fades fast', 'rewards patience'])}){score}")
        lines += [r.choice(["Movie Rating:", "MOVIE RATING:"]), "", verdict, "",
                  f"Review by {reviewer}", "", "You might also like:", "", "", "Movie Stills"]
        name = f"{slug(title)}-{year}-by-{slug(reviewer)}.txt"
        return name, "\n".join(lines) + "\n"

    def body(self, title: str, year: int, director: str, cast: list[str], roles: list[str],
             period: str) -> list[str]:
        r = self.rng
        paras: list[str] = []
        fest, award = r.choice(FESTIVALS), r.choice(AWARDS)
        paras.append(
            f"{director}'s {r.choice(['latest', 'new', 'long-awaited', 'third'])} film "
            f"{r.choice(['premiered', 'made waves', 'was a late addition'])} at the {fest} "
            f"{r.choice(['last year', 'this spring', 'to a standing ovation'])}, and there is already "
            f"talk of the {award}. It is, after all, a story set during {period}, a period that still "
            f"{r.choice(['divides audiences', 'haunts its survivors', 'rarely reaches the screen'])}."
        )
        acting = []
        for person, role in zip(cast, roles):
            acting.append(r.choice([
                f"{person} plays the {role} with {r.choice(['quiet', 'fierce', 'wry', 'unshowy'])} conviction.",
                f"As the {role}, {person} {r.choice(['steals every scene', 'is a revelation', 'does what she can', 'does what he can'])}.",
                f"The {role} ({person}) {r.choice(['carries the middle act', 'arrives late but memorably', 'is the heart of the film'])}.",
            ]))
        paras.append(" ".join(acting))
        comparisons = []
        for _ in range(r.randint(1, 3)):
            text, _t = self.work_ref(with_year=True)
            cue = r.choice(FAVOURABLE_CUES if r.random() < 0.7 else UNFAVOURABLE_CUES)
            comparisons.append(f"At its best the film {cue.format(w=text)}.")
        other, _o = self.work_ref(with_year=True)
        comparisons.append(f"Fans of {other} will find much to admire here.")
        paras.append(" ".join(comparisons))
        for _ in range(r.randint(2, 4)):
            paras.append(" ".join(r.sample(FILLER, r.randint(4, 7))))
        paras.append(
            f"Throughout its {r.randint(80, 170)} minute runtime, {title} "
            f"{r.choice(['rarely loses its grip', 'sometimes meanders', 'builds to a devastating finale'])}, "
            f"and {cast[-1]} {r.choice(['deserves', 'will surely earn', 'has earned'])} wider recognition."
        )
        return "\n\n".join(paras).split("\n")


FILLER = [
    "The cinematography is lush, all golden dust and lamplight.",
    "Some scenes run long, and the score is occasionally too insistent.",
    "The editing keeps the second half taut without ever feeling rushed.",
    "There is a sequence in a crowded market that will make you hold your breath.",
    "The screenplay trusts its audience, leaving much unsaid.",
    "Its sense of place is remarkable: you can almost smell the rain.",
    "The production design recreates the era down to the tea cups.",
    "Humour arrives when you least expect it, and it lands.",
    "The final act ties its threads together with real grace.",
    "Not every subplot earns its keep, but the central story does.",
    "Few films this year look so good on a big screen.",
    "The sound design deserves a special mention.",
]


def generate(n: int, out: Path, seed: int = 7) -> list[Path]:
    """Write ``n`` reviews into ``out`` (created); return their paths, in order."""
    out.mkdir(parents=True, exist_ok=True)
    w = Writer(seed)
    paths = []
    width = len(str(max(n - 1, 1)))
    for i in range(n):
        name, text = w.review()
        p = out / f"{i:0{width}d}-{name}"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="how many reviews")
    ap.add_argument("out", type=Path, help="directory to write them into")
    ap.add_argument("--seed", type=int, default=7, help="random seed (same seed, same files)")
    args = ap.parse_args(argv)
    paths = generate(args.n, args.out, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} reviews ({size / 1e6:.1f} MB) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
