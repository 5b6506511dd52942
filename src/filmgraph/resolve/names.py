"""Keys names are compared by: folded person names, their tokens, romanised Chinese, work titles.

Folding is NFKD with the diacritics dropped, casefolded, with apostrophes and dots removed, so
``Yasujirō Ozu``, ``Yasujiro Ozu`` and ``YASUJIRO OZU`` fold alike. A person's *compact* key
joins every token with no separator: ``Chiu-wai``, ``Chiu Wai`` and ``Chiuwai`` are one key, but
``Zhang Yi`` and ``Zhang Yimou`` are not.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from sys import intern

#: names and titles kept folded (``name_tokens``, ``split_tokens``, ``compact``, ``title_key``): the
#: rules fold the same few names once per review that writes them (a director of 10,000 reviews),
#: and a review's titles several times while they read it; a bounded cache, whatever the store holds
NAME_CACHE = 4096

#: family names that open a name in Chinese, Korean and Vietnamese order, romanised as film writing
#: spells them (pinyin, Cantonese, Wade-Giles, Revised Romanisation and older Korean spellings):
#: ``Yimou Zhang`` is ``Zhang Yimou`` in Western order because ``Zhang`` is one of these
CJK_FAMILY_NAMES = frozenset("""
zhang wang li liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang xie
song tang han feng deng cao peng zeng xiao tian dong yuan pan cai jiang yu du ye cheng su wei lu ding
ren shen yao jin fu zhong cui tan shi kong gong jia xia qian qiu fan bai mao hao kang ning niu jiao
duan lei fang hou long zou xiong qin wan gu meng mo yin
wong leung cheung chan lau chow tsui yeoh ng ho lam kwan chiu kam tse chu lai tsang siu yip fung cheng
mak kwok szeto tong yuen lo ko choi chung hui lui law lee yam koo tsang shek yau
kim park choi jung jeong kang cho jo yoon yun jang lim im han oh seo shin kwon hwang ahn an song yoo
ryu hong jeon moon mun son bae baek heo nam shim sim noh ha kwak sung cha joo woo min na bong chang
nguyen tran le pham hoang huynh phan vu vo dang bui do ngo duong ly
""".split())

_POSSESSIVE = re.compile(r"[’'‘`]s\b")
_DROP = re.compile(r"[’'‘`.]")
_SPLIT = re.compile(r"[^\w-]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


#: words that are never part of a person's name: page labels and prose glued to a name by a bad
#: split (``Starring Gong Li``, ``Zhang Yimou Cast``); a longer name with one is no full name
LABEL_WORDS = frozenset("""
starring stars cast country director directed directors written writer by run time runtime with and the
featuring producer produced review reviewed music screenplay editor genre language rated rating released
year another film movie also
""".split())


def fold(text: str) -> str:
    """``Yasujirō  O'zu`` -> ``yasujiro ozu``: no diacritics, no case, no apostrophes or dots."""
    t = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = _DROP.sub("", _POSSESSIVE.sub("", t.casefold()))
    return " ".join(_SPLIT.sub(" ", t).split())


@lru_cache(maxsize=NAME_CACHE)
def name_tokens(name: str) -> tuple[str, ...]:
    """Tokens as written, a hyphenated part kept whole: ``Bong Joon-ho`` -> ``(bong, joonho)``."""
    return tuple(t.replace("-", "") for t in fold(name).split() if t.strip("-"))


@lru_cache(maxsize=NAME_CACHE)
def split_tokens(name: str) -> tuple[str, ...]:
    """Every part, hyphenated ones split: ``Tony Leung Chiu-wai`` -> ``(tony, leung, chiu, wai)``."""
    return tuple(t for t in re.split(r"[\s-]+", fold(name)) if t)


@lru_cache(maxsize=NAME_CACHE)
def compact(name: str) -> str:
    """``Tony Leung Chiu-wai`` and ``tony leung chiu wai`` -> ``tonyleungchiuwai``.

    Keys (these and ``title_key``'s) are interned: the resolver files one under every review and
    film that names it, and one string a key, not a copy each time, is ~0.8 KB less a review."""
    return intern("".join(name_tokens(name)))


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def is_latin(text: str) -> bool:
    return any(c.isalpha() and c.isascii() for c in unicodedata.normalize("NFKD", text))


def pinyin_compact(name: str) -> str | None:
    """``张艺谋`` -> ``zhangyimou`` (pypinyin's default readings); None for a name with no Chinese."""
    if not has_cjk(name):
        return None
    from pypinyin import lazy_pinyin

    return compact(" ".join(lazy_pinyin(name)))


@lru_cache(maxsize=NAME_CACHE)
def title_key(title: str) -> str:
    """``The Road Home!`` -> ``road home``: case, accents, punctuation and a leading *The* ignored
    (not *A*: *A World* is not *The World*)."""
    t = fold(title.replace("&", " and "))
    t = " ".join(re.sub(r"[^\w]+", " ", t).split())
    return intern(re.sub(r"^the ", "", t))
