"""No header fact is lost, whatever the layout: one test per layout of the real-page development
set (``benchmarks/realworld``), each written in our own words with real films and true facts."""

from __future__ import annotations

from filmgraph.models import ReviewSource
from filmgraph.read import read_review


def read(text: str, name: str = "page.txt"):
    return read_review(ReviewSource(name, text.encode("utf-8")))


def test_credits_block_actor_as_character():
    r = read("Hero Review\n\nJet Li as Nameless\nTony Leung Chiu-wai as Broken Sword\nMaggie Cheung as Flying Snow\n\n"
             "A nameless warrior tells the King of Qin how he defeated three assassins.")
    assert r.title == "Hero"
    assert r.credits == (("Jet Li", "Nameless"), ("Tony Leung Chiu-wai", "Broken Sword"), ("Maggie Cheung", "Flying Snow"))
    assert r.cast == ("Jet Li", "Tony Leung Chiu-wai", "Maggie Cheung")
    assert r.body.startswith("A nameless warrior")


def test_inline_credits_paragraph_after_a_short_review():
    r = read("Curse of the Golden Flower\n\nA poisoned empress plots against her husband in a palace of gold.\n\n"
             "2006. China. 114 min. Written and directed by Zhang Yimou. Cast: Chow Yun-fat (Emperor Ping), "
             "Gong Li (Empress Phoenix), Jay Chou (Prince Jai).")
    assert r.title == "Curse of the Golden Flower"
    assert r.directors == ("Zhang Yimou",)
    assert r.runtime_minutes == 114
    assert r.cast == ("Chow Yun-fat", "Gong Li", "Jay Chou")
    assert ("Gong Li", "Empress Phoenix") in r.credits
    assert "114 min" not in r.body


def test_user_review_mini_header_with_reviewer_and_date():
    r = read("Hero (2002)\nReviewed by: PaperTiger on 2004-09-02\nSummary: Worth the wait\n"
             "Jet Li plays Nameless, and the colours are the real stars.")
    assert (r.title, r.year, r.reviewer) == ("Hero", 2002, "PaperTiger")
    assert "Jet Li plays Nameless" in r.synopsis + r.body


def test_blog_labelled_header_with_grade():
    r = read("House of Flying Daggers (2004)\nDirector: Yimou Zhang\nWriters: Feng Li, Bin Wang, Yimou Zhang\n"
             "Stars: Takeshi Kaneshiro, Andy Lau, Ziyi Zhang\nRuntime: 119 min\nGrade: B+\n\n"
             "Two police captains hunt a rebel in the last years of the Tang dynasty.")
    assert (r.title, r.year, r.runtime_minutes) == ("House of Flying Daggers", 2004, 119)
    assert r.directors == ("Yimou Zhang",)
    assert r.cast == ("Takeshi Kaneshiro", "Andy Lau", "Ziyi Zhang")
    assert ("Writer", "Feng Li, Bin Wang, Yimou Zhang") in r.extra_fields
    assert ("Grade", "B+") in r.extra_fields


def test_release_details_block_after_the_review():
    r = read("House of Flying Daggers\n\nZhang's follow-up to Hero trades politics for romance.\n\n"
             "Release details\nCertificate: 15\nRunning time: 119 mins\nDirector: Zhang Yimou\n"
             "Cast: Andy Lau, Zhang Ziyi, Takeshi Kaneshiro")
    assert r.directors == ("Zhang Yimou",)
    assert r.cast == ("Andy Lau", "Zhang Ziyi", "Takeshi Kaneshiro")
    assert r.runtime_minutes == 119 and r.content_rating == "15"


def test_mini_header_above_the_prose():
    r = read("Raise the Red Lantern (China 1991)\n\nRating: ***\nDirector: Zhang Yimou\nCast: Gong Li\n\n"
             "A young woman becomes the fourth wife of a master who never shows his face.")
    assert (r.title, r.year, r.directors, r.cast) == ("Raise the Red Lantern", 1991, ("Zhang Yimou",), ("Gong Li",))
    assert r.content_rating is None  # "***" scores the review; it is no certificate


def test_dvd_capsule_with_studio_and_rated():
    r = read("Raise the Red Lantern\nStudio: MGM\nRated: PG\n"
             "Zhang Yimou's film follows a concubine in a walled household in the 1920s.")
    assert r.title == "Raise the Red Lantern"
    assert r.distributors == ("MGM",) and r.content_rating == "PG"


def test_abbreviated_credits():
    r = read("Crouching Tiger, Hidden Dragon\n\nD: Ang Lee. W: Wang Hui-ling, James Schamus. "
             "C: Chow Yun-fat, Michelle Yeoh, Zhang Ziyi. 120 min.\n\nTwo warriors search for a stolen sword.")
    assert r.directors == ("Ang Lee",)
    assert r.cast == ("Chow Yun-fat", "Michelle Yeoh", "Zhang Ziyi")
    assert r.runtime_minutes == 120


def test_labels_and_values_on_separate_lines():
    r = read("The Flowers of War\n\nDirected By\nZhang Yimou\nRun Time\n2 hours 26 minutes\nCast\n"
             "Christian Bale, Ni Ni, Zhang Xinyi\n\nNanjing, 1937: a mortician shelters schoolgirls in a church.")
    assert r.directors == ("Zhang Yimou",)
    assert r.runtime_minutes == 146
    assert r.cast == ("Christian Bale", "Ni Ni", "Zhang Xinyi")


def test_labels_without_colons():
    r = read("Cliff Walkers (2021)\n\nDirector Zhang Yimou\nStarring Zhang Yi, Qin Hailu, Yu Hewei\n\n"
             "Four agents parachute into Manchukuo in the winter of 1931.")
    assert (r.title, r.year) == ("Cliff Walkers", 2021)
    assert r.directors == ("Zhang Yimou",)
    assert r.cast == ("Zhang Yi", "Qin Hailu", "Yu Hewei")


def test_names_given_in_both_scripts_keep_their_latin_form():
    r = read("Snipers\n\nDirectors: Zhang Yimou 张艺谋, Zhang Mo 张末\n\nA sniper duel on the Korean front in 1952.")
    assert r.directors == ("Zhang Yimou", "Zhang Mo")


def test_title_and_director_mini_header_inside_a_prose_page():
    r = read("My favourite film of the year so far, and a long way from the city.\n\nNot One Less\n"
             "Director: Zhang Yimou\nRelease Date: 1999\n\nA thirteen-year-old substitute teacher goes to the city "
             "to bring back a pupil.")
    assert r.title == "Not One Less"
    assert r.directors == ("Zhang Yimou",)
    assert r.year == 1999


def test_newspaper_capsule_with_certificate_runtime_and_stars():
    r = read("SOURCE: https://news.example.com/life/full-river-red-review\nFull River Red (NC16)\n\n"
             "159 minutes, opens on Thursday\n\n4 stars\n\nThe story: An envoy is found dead in a Song dynasty camp. "
             "Full River Red keeps its twists coming for two and a half hours.")
    assert r.title == "Full River Red"
    assert "4 stars" not in r.body


def test_starring_line_and_chinese_title_label():
    r = read("The Flowers of War\nChinese: 金陵十三钗\nYear: 2011\nStarring: Christian Bale, Ni Ni\nDuration: 146 min\n\n"
             "A mortician shelters schoolgirls and courtesans in a Nanjing church.")
    assert (r.title, r.original_title, r.original_language, r.year) == ("The Flowers of War", "金陵十三钗", "zh", 2011)
    assert r.cast == ("Christian Bale", "Ni Ni") and r.runtime_minutes == 146


def test_header_without_a_title_line_keeps_every_fact():
    r = read("Genre: Drama\nDirector: Zhang Yimou\nCast: Gong Li, Chen Daoming\nRun time: 111 mins\n"
             "In Theaters: 16 May 2014\nDistributed by: Sony Pictures Classics\n\nA man returns home after years in a camp.")
    assert r.title is None
    assert r.directors == ("Zhang Yimou",) and r.cast == ("Gong Li", "Chen Daoming")
    assert r.runtime_minutes == 111 and r.distributors == ("Sony Pictures Classics",)
    assert r.opening_day.isoformat() == "2014-05-16"


def test_site_navigation_share_and_trailer_lines_are_not_review_text():
    r = read("Home | Reviews | News | Contact\nShadow (2018)\nShare\nTweet\nWatch the Official Trailer\n\n"
             "Deng Chao plays a commander and his double in a kingdom of rain.\n\nWas this review helpful?")
    assert (r.title, r.year) == ("Shadow", 2018)
    assert r.body == "Deng Chao plays a commander and his double in a kingdom of rain."


# --- layouts met on the second round of pages ----------------------------------------------------


def test_a_runtime_line_above_a_credits_block_is_not_the_title():
    r = read("SOURCE: https://example.org/film/house-of-flying-daggers\nHouse of Flying Daggers (15)\n\n"
             "UK release:\n\nFri Dec 24, 2004\n\n119 mins\n\nDirected by Zhang Yimou\n\n"
             "Two captains of the Tang court hunt the daughter of a rebel leader.")
    assert r.title == "House of Flying Daggers"
    assert r.title != "119 mins"


def test_cast_and_crew_heading_is_not_a_cast_value():
    r = read("Chungking Express Review\n\nCast and crew\n\nTwo lovesick policemen in Hong Kong, told in two halves.")
    assert "and crew" not in r.cast


def test_a_row_of_labels_is_not_a_label_and_its_value():
    r = read("The Road Home\nDirector Language\nZhang Yimou Mandarin\n\nA son walks his father home to the village.")
    assert not any("Language" in d for d in r.directors)


def test_numbered_list_of_fields_keeps_the_title_and_every_field():
    r = read("DVD review: Red Sorghum\n\nZhang Yimou's debut, set in a Shandong winery in the 1930s.\n\n"
             "  1. Red Sorghum\n  2. Production year: 1987\n  3. Country: China\n  4. Runtime: 91 mins\n"
             "  5. Directors: Zhang Yimou\n  6. Cast: Gong Li, Jiang Wen\n")
    assert r.title == "Red Sorghum"
    assert r.directors == ("Zhang Yimou",)
    assert r.cast == ("Gong Li", "Jiang Wen")
    assert r.runtime_minutes == 91


def test_a_known_label_at_the_end_of_a_caption_line():
    r = read("Kung Fu Hustle (2004) Kung Fu Hustle\n\nKung Fu Hustle posters Dir: Stephen Chow\n\n"
             "A small-time crook wants to join the Axe Gang and finds a slum full of kung fu masters.")
    assert (r.title, r.year) == ("Kung Fu Hustle", 2004)
    assert r.directors == ("Stephen Chow",)


def test_one_name_per_line_under_a_label_is_a_list_of_names():
    r = read("The Big Lebowski (1998)\nDirectors: Joel Coen\nEthan Coen\nGenre: Comedy\n\n"
             "A slacker in Los Angeles is mistaken for a millionaire of the same name.")
    assert r.directors == ("Joel Coen", "Ethan Coen")


def test_a_dated_heading_with_a_weekday_is_not_the_title():
    r = read("Thursday, Dec. 18, 2003\n\nKill Bill, Vol. 1\n\n"
             "Quentin Tarantino's homage to kung fu and yakuza films follows a bride out for revenge.")
    assert "Thursday" not in (r.title or "")


def test_title_with_its_own_possessive_is_kept_whole():
    r = read("SOURCE: https://example.org/movies/movie-review-long-days-journey-into-night\n"
             "Movie Review: Long Day's Journey Into Night\n\n"
             "Bi Gan's second feature ends with an hour-long take in 3D, and Long Day's Journey Into Night earns it.")
    assert r.title == "Long Day's Journey Into Night"


def test_a_credits_line_that_opens_with_its_film_and_year():
    r = read("Old Movie Notes\n\nToshiro Mifune\nRASHOMON (1950). Director: Akira Kurosawa.\n\n"
             "A woodcutter and a priest shelter from the rain at a ruined gate and tell of a trial.")
    assert (r.title.lower(), r.year) == ("rashomon", 1950)
    assert r.directors == ("Akira Kurosawa",)


def test_a_signature_line_is_not_the_title_and_a_one_word_title_keeps_its_year():
    r = read('"One of Kitano\'s finest films."\n\n- Len\n\nFireworks (1997)\n\nAKA: Hana-bi\n\n'
             "Director: Takeshi Kitano\n\nCast: Takeshi Kitano, Kayoko Kishimoto\n\n"
             "A detective leaves the force after his partner is crippled in a shooting.")
    assert (r.title, r.year) == ("Fireworks", 1997)
    assert r.directors == ("Takeshi Kitano",)


def test_a_directed_by_value_with_the_reviewers_aside_keeps_only_the_name():
    r = read("Fallen Angels (1995)\n\nDirected by\nWong Kar-wai? Who else!\n\nHitmen and insomniacs roam Hong Kong.")
    assert r.directors == ("Wong Kar-wai",)


def test_a_credits_block_under_a_standfirst_takes_values_from_the_line_after_each_label():
    """A trade-paper layout: headline, a one-sentence standfirst, then 'Director:' / 'With:' with
    each value on the next line."""
    r = read("Film Review: Hero\n\nThe colours are the true stars of Zhang Yimou's martial arts epic.\n\n"
             "Director:\nZhang Yimou\nWith:\nJet Li, Tony Leung Chiu-wai, Maggie Cheung, Zhang Ziyi.\n\n"
             "A nameless warrior tells the King of Qin how he defeated three assassins.")
    assert r.title == "Hero"
    assert r.directors == ("Zhang Yimou",)
    assert r.cast == ("Jet Li", "Tony Leung Chiu-wai", "Maggie Cheung", "Zhang Ziyi")
    assert "Zhang Yimou\n" not in r.body and r.body.rstrip().endswith("three assassins.")


def test_a_sentence_after_an_empty_label_in_the_text_is_no_value():
    r = read("Film Review: Hero\n\nThe colours are the true stars of this epic.\n\n"
             "Director:\nThe film is long and often slow, but every duel is worth the wait.\n\n"
             "Hero is a martial arts film of rare beauty.")
    assert r.directors == ()
    assert "every duel is worth the wait" in r.body


def test_uncoloned_starring_and_directed_by_in_one_line_are_two_fields():
    r = read("Happy Times (2000)\n\nStarring Zhao Benshan, Dong Jie, Li Xuejian. Directed and produced by Zhang Yimou.\n\n"
             "A retired worker pretends to run a massage parlour for a blind girl.")
    assert set(r.cast) == {"Zhao Benshan", "Dong Jie", "Li Xuejian"}
    assert r.directors == ("Zhang Yimou",)


def test_a_credit_on_a_line_of_fields_ends_with_its_sentence():
    r = read("Still Walking (2008)\n\nStarring Hiroshi Abe, Yui Natsukawa. Written and directed by Hirokazu Kore-eda. "
             "Opens Friday at the Cinematheque. 114 minutes.\n\n"
             "A family gathers on the anniversary of a son's death.")
    assert r.directors == ("Hirokazu Kore-eda",)
    assert set(r.cast) == {"Hiroshi Abe", "Yui Natsukawa"}


def test_a_hard_wrapped_paragraph_is_read_as_prose_not_as_headings():
    r = read("A peasant girl is sold to an old winemaker in rural Shandong\n"
             'in the twenties. "Red Sorghum" is Zhang Yimou\'s first film as\n'
             "a director, and it made Gong Li a star overnight. Its colours\n"
             "burn in the memory long after its wine has been drunk.\n\nThe colours burn.")
    assert not r.headings
    assert '"Red Sorghum" is Zhang Yimou\'s first film as a director, and it made Gong Li' in r.body
    assert r.body.startswith("A peasant girl")


def test_unwrapping_keeps_short_lines_finished_sentences_and_title_case_ends_apart():
    from filmgraph.layout import unwrap

    lines = ["Red Sorghum (1987)", "A carrier falls for a bride on the road to her wedding.",
             "See also: Raise the Red Lantern, Two or Three Things I Know About Her",
             "1987 91m Gong Li, Jiang Wen; D: Zhang Yimou"]
    assert unwrap(lines) == lines
    assert unwrap(["The bride is carried through the sorghum by men who sing of",
                   "her beauty"]) == ["The bride is carried through the sorghum by men who sing of her beauty"]


def test_a_heading_in_chinese_title_marks_names_the_film_by_its_english_title():
    r = read("《Still Life 三峡好人》\n\nJia Zhangke follows two people looking for their spouses "
             "in a town the Three Gorges Dam will soon drown.")
    assert r.title == "Still Life"


def test_a_credit_list_with_dots_and_no_spaces_gives_actors_and_their_parts():
    r = read("director: Wong Kar-wai\n90 minutes\n\n"
             "Tony Leung Chiu-wai ....Cop 663\nFaye Wong / Wong Faye ....Faye\nBrigitte Lin ....\"Woman in blonde wig\"\n\n"
             "Two lovesick policemen wander through Hong Kong at night and fall for the wrong women.")
    assert r.credits == (("Tony Leung Chiu-wai", "Cop 663"), ("Faye Wong", "Faye"), ("Brigitte Lin", "Woman in blonde wig"))
    assert set(r.cast) == {"Tony Leung Chiu-wai", "Faye Wong", "Brigitte Lin"}


def test_a_cast_list_after_the_review_gives_one_name_a_line():
    r = read("To Live\n\nA gambler loses the family house, and his wife leaves him, then comes back.\n\n"
             "Release details\n\n133 mins\n\nCast and crew\n\nGe You\nGong Li\nNiu Ben\nGuo Tao\nYou may also like")
    assert r.cast == ("Ge You", "Gong Li", "Niu Ben", "Guo Tao")
    assert "You may also like" not in r.cast


def test_a_byline_under_the_site_menu_keeps_the_review_that_follows():
    r = read("Reviews & Columns\nIn Theaters\nDVD Talk Radio\nFeature Articles\n\nRashomon: Criterion Collection\n\n"
             "Review by Jane Doe | posted May 1, 2012\n\n"
             "Four witnesses tell four different stories of one killing in a forest, and Akira Kurosawa "
             "never says which of them is true. Toshiro Mifune plays the bandit Tajomaru.")
    assert r.reviewer == "Jane Doe"
    assert "Toshiro Mifune plays the bandit" in r.body


def test_an_unlabelled_line_of_names_in_a_credits_block_is_the_cast():
    r = read("In the Mood for Love\n\nWong Kar-wai\nTony Leung Chiu-wai, Maggie Cheung, Rebecca Pan, Siu Ping-lam\n"
             "98 mins, Subtitled, 2000, Hong Kong\n\n"
             "Two neighbours in 1962 Hong Kong find out that their spouses are having an affair.")
    assert r.cast == ("Tony Leung Chiu-wai", "Maggie Cheung", "Rebecca Pan", "Siu Ping-lam")


def test_a_line_of_surnames_is_no_cast_list():
    r = read("Late Spring\n\nKurosawa, Mizoguchi, Naruse\n\nOzu's quietest film follows a daughter who will not marry.")
    assert r.cast == ()


def test_a_name_without_a_part_among_credits_is_cast_too():
    r = read("Oldboy\n\nChoi Min-sik as Oh Dae-su\nYoo Ji-tae as Lee Woo-jin\nKim Byeong-ok\nKang Hye-jung as Mi-do\n\n"
             "Directed by Park Chan-wook\n\nA man is locked in a room for fifteen years and never told why.")
    assert r.cast == ("Choi Min-sik", "Yoo Ji-tae", "Kang Hye-jung", "Kim Byeong-ok")
    assert ("Kang Hye-jung", "Mi-do") in r.credits


def test_a_field_whose_value_is_a_placeholder_takes_the_line_below():
    r = read("3-Iron\n|\nDirector: |\nKim Ki-duk\n|\nStars: |\nLee Seung-yeon, Jae Hee, Kwon Hyuk-ho\n|\n"
             "Review: |\nA young drifter lives in other people's houses while they are away.")
    assert r.directors == ("Kim Ki-duk",)
    assert r.cast == ("Lee Seung-yeon", "Jae Hee", "Kwon Hyuk-ho")


def test_a_title_line_that_names_its_director_gives_both():
    r = read("Close-Up (1990) dir. Abbas Kiarostami\n\nA man poses as the director Mohsen Makhmalbaf. "
             "Close-Up replays his trial with the real people playing themselves.")
    assert r.title == "Close-Up"
    assert r.directors == ("Abbas Kiarostami",)


def test_a_cast_table_of_actor_and_part_cells_gives_credits_and_the_crew_table_none():
    r = read("Close-Up - 1990\nDirected by Abbas Kiarostami\n\nCast\nHossain Sabzian | Himself |\n"
             "Mohsen Makhmalbaf | Himself |\nAbolfazl Ahankhah | Himself |\nCrew\nWriter | Abbas Kiarostami |\n"
             "Director of Photography | Ali Reza Zarrindast |\nSound Recordist | Jahangir Mirshekari |\n\n"
             "A man who pretended to be a famous director is put on trial.")
    assert r.credits == (("Hossain Sabzian", "Himself"), ("Mohsen Makhmalbaf", "Himself"), ("Abolfazl Ahankhah", "Himself"))
    assert "Crew" not in r.cast and "Sound Recordist" not in r.cast


def test_lines_of_actor_and_bracketed_part_are_credits_but_one_alone_is_a_title_line():
    r = read("Mandabi (The Money Order)\n\nDirector: Ousmane Sembene\nMakhouredia Gueye (Ibrahima Dieng)\n"
             "Ynousse N'Diaye (1st Wife, Mety)\nIsseu Niang (2nd Wife, Aram)\n\n"
             "A money order from Paris brings a Dakar man nothing but trouble.")
    assert r.title == "Mandabi"
    assert r.credits == (("Makhouredia Gueye", "Ibrahima Dieng"), ("Ynousse N'Diaye", "Mety"), ("Isseu Niang", "Aram"))


def test_watch_links_with_languages_in_brackets_are_not_credits():
    r = read("Close-Up - 1990\nDirected by Abbas Kiarostami\nWatch Trailer (English), Watch Scene (Farsi)\n\n"
             "A man who pretended to be a famous director is put on trial.")
    assert r.credits == ()
    assert r.cast == ()


def test_a_distributor_line_above_the_credits_is_not_the_title():
    r = read("Solaris (Criterion Collection) (1972)\nReleased 3-Dec-2002\nDetails At A Glance\n"
             "Running Time 166 minutes\nDirected By Andrei Tarkovsky\nMadman Entertainment\n"
             "Starring Natalya Bondarchuk, Donatas Banionis\n\n"
             "A psychologist is sent to a space station above an ocean that seems to think.")
    assert r.title == "Solaris"
    assert r.directors == ("Andrei Tarkovsky",)
