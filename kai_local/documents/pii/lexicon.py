"""Word lists the recognizers share, loaded once (when the Anonymizer is built) and passed in.

Sources, all offline and installed: Faker's person/address/job data (de_AT, de_DE, de_CH, en_US,
en_GB), python-stdnum's Austrian post office list, spaCy's German and English stop words,
wordfreq's German and English word frequencies, our own curated lists in `data/` (diagnoses,
nationalities, religions, insurers, ...), and lists derived from names-dataset (given and family
names of 67 countries) and GeoNames (places) by scripts/derive_pii_lists.py.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kai_local.documents.pii.phrases import PhraseMatcher

DATA_DIR = Path(__file__).resolve().parent / "data"
NAME_LOCALES = ("de_AT", "de_DE", "de_CH", "en_US", "en_GB")
ADJECTIVE_ENDINGS = ("", "e", "er", "en", "em", "es")
# The most frequent English words (wordfreq) count as everyday words. 20,000 reaches down to a
# Zipf frequency of 3.3 ("discharged" 3.8, "medication" 4.2); the names no name list knows stay
# well below it (Akça 0, Stoica 1.4, Toma 2.6).
EVERYDAY_ENGLISH_WORDS = 20_000
# The same for German: the 20,000 most frequent words reach down to a Zipf frequency of about 3.4
# ("Station" 4.5, "Mann" 5.7); rarer names stay below it (Farid 3.1, Notburga 1.9). Frequent
# words of the names-dataset lists are dropped unless Faker's curated lists know them as names.
EVERYDAY_GERMAN_WORDS = 20_000
# The most frequent of them (Zipf 3.9 and up: "Mann", "Hans", "Anna"): a first name among these
# is no evidence alone; Faker's first names below it are ("Gisela" 3.7, "Waltraud").
FREQUENT_GERMAN_WORDS = 8_000
# A place this large is a city even when its name is also a word ("Graz", "Wien"); smaller ones
# that are words ("Au", "Hof", "Lauf") need a place context. A few large cities are everyday words.
LARGE_CITY = 100_000


def data_lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a file in data/."""
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _faker_attr(module: str, attr: str) -> list[str]:
    provider = importlib.import_module(module).Provider
    value = getattr(provider, attr, ())
    return list(value.keys() if isinstance(value, dict) else value)


def _split_gendered(job: str) -> list[str]:
    """Faker de_AT writes 'Bäcker*in', 'Beauftragte*r', 'Arzt/Ärztin'; a letter uses one form."""
    forms = []
    for part in job.split("/"):
        base, star, suffix = part.strip().partition("*")
        if base:
            forms += [base, base + suffix] if star else [base]
    return forms


@dataclass(frozen=True)
class Lexicon:
    first_names: frozenset[str]  # without everyday words ("Ernst", "Will")
    last_names: frozenset[str]
    listed_names: frozenset[str]  # every first and last name of the lists, unfiltered
    not_names: frozenset[str]  # capitalised words that are never (part of) a name
    common_words: frozenset[str]  # lower-cased German and English everyday words
    english_words: frozenset[str]  # lower-cased, the most frequent English words, names included
    stop_words: frozenset[str]  # lower-cased German and English function words (spaCy)
    towns: frozenset[str]
    places: dict[str, int]  # GeoNames place -> population (DACH 500+, elsewhere 15,000+)
    place_matcher: PhraseMatcher  # all places, case-folded; built once (about 1.4 s), shared by both languages
    german_words: frozenset[str]  # lower-cased, the most frequent German words, names included
    german_frequent: frozenset[str]  # lower-cased, the FREQUENT_GERMAN_WORDS most frequent ones
    curated_first_names: frozenset[str]  # Faker's first names (de_AT, de_DE, de_CH, en_US, en_GB)
    curated_names: frozenset[str]  # Faker's first and last names, unfiltered (the English NER's filter)
    street_suffixes_en: frozenset[str]
    occupations: frozenset[str]
    diagnoses: tuple[str, ...]  # longest first
    religions: tuple[str, ...]
    insurers: tuple[str, ...]
    nationality_words: frozenset[str]  # lower-cased adjectives (inflected), nouns, English
    countries: frozenset[str]
    vehicle_codes_at: frozenset[str]
    vehicle_codes_de: frozenset[str]
    at_postcodes: dict[str, str]  # Austrian postcode -> post office town

    def is_everyday_word(self, word: str) -> bool:
        """A German or English everyday word, or a capitalised word that is never a name ("Mai")."""
        folded = word.lower()
        return (
            folded in self.german_words
            or folded in self.english_words
            or folded in self.common_words
            or word in self.not_names
        )

    @classmethod
    def load(cls) -> Lexicon:
        from spacy.lang.de.stop_words import STOP_WORDS as DE_STOP
        from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP

        first: set[str] = set()
        last: set[str] = set()
        for locale in NAME_LOCALES:
            module = f"faker.providers.person.{locale}"
            first.update(_faker_attr(module, "first_names"))
            first.update(_faker_attr(module, "first_names_male"))
            first.update(_faker_attr(module, "first_names_female"))
            last.update(_faker_attr(module, "last_names"))
        lorem = {w.lower() for w in _faker_attr("faker.providers.lorem.de_DE", "word_list")}
        common = frozenset(lorem | {w.lower() for w in DE_STOP | EN_STOP})
        not_names = frozenset(data_lines("not_names.txt"))
        german_ranked = _top_words("de", EVERYDAY_GERMAN_WORDS)  # most frequent first
        german = frozenset(german_ranked)
        english = frozenset(_top_words("en", EVERYDAY_ENGLISH_WORDS))
        faker_names = first | last
        curated_first = frozenset(first)
        for name_file, names in (("given_names.txt", first), ("family_names.txt", last)):
            for name in data_lines(name_file):
                folded = name.lower()
                if name in faker_names or (folded not in german and folded not in english and folded not in common):
                    names.add(name)
        listed = frozenset(first | last)
        # A first name that is also an everyday word ("Ernst", "Will") is no evidence alone.
        first = {n for n in first if n.lower() not in common and n not in not_names}

        towns: set[str] = set(data_lines("extra_towns.txt"))
        for locale in ("de_AT", "de_DE", "de_CH"):
            towns.update(_faker_attr(f"faker.providers.address.{locale}", "cities"))
        at_postcodes = _austrian_post_offices()
        towns.update(at_postcodes.values())

        occupations: set[str] = set()
        for job in _faker_attr("faker.providers.job.de_AT", "jobs"):
            occupations.update(_split_gendered(job))
        for module in ("faker.providers.job.de_DE", "faker.providers.job.en_US"):
            for job in _faker_attr(module, "jobs"):
                occupations.update(_split_gendered(job))
        occupations.update(data_lines("occupations.txt"))

        nationality_words: set[str] = set()
        countries: set[str] = set()
        for line in data_lines("nationalities.txt"):
            stem, nouns, country, english_name = (part.strip() for part in line.split("|"))
            nationality_words.update(stem + ending for ending in ADJECTIVE_ENDINGS)
            nationality_words.update(n.strip() for n in nouns.split(","))
            nationality_words.add(english_name)
            countries.add(country)
        vehicle = {line.split()[0]: frozenset(line.split()[1:]) for line in data_lines("vehicle_codes.txt")}

        places = _places("places_dach.txt", "places_world.txt")
        return cls(
            first_names=frozenset(first),
            last_names=frozenset(last),
            listed_names=listed,
            not_names=not_names,
            common_words=common,
            english_words=english,
            stop_words=frozenset(w.lower() for w in DE_STOP | EN_STOP),
            towns=frozenset(towns),
            places=places,
            place_matcher=PhraseMatcher(places, casefold=True),
            german_words=german,
            german_frequent=frozenset(german_ranked[:FREQUENT_GERMAN_WORDS]),
            curated_first_names=curated_first,
            curated_names=frozenset(faker_names),
            street_suffixes_en=frozenset(
                _faker_attr("faker.providers.address.en_US", "street_suffixes")
                + _faker_attr("faker.providers.address.en_GB", "street_suffixes")
            ),
            occupations=frozenset(o for o in occupations if len(o) >= 4),
            diagnoses=by_length(data_lines("diagnoses_de.txt") + data_lines("diagnoses_en.txt")),
            religions=by_length(data_lines("religions.txt")),
            insurers=by_length(data_lines("insurers.txt")),
            nationality_words=frozenset(w.lower() for w in nationality_words),
            countries=frozenset(countries),
            vehicle_codes_at=vehicle["AT"],
            vehicle_codes_de=vehicle["DE"],
            at_postcodes=at_postcodes,
        )

    def is_name_token(self, token: str) -> bool:
        """Could this capitalised token be part of a person's name?"""
        if token in self.first_names or token in self.last_names:
            return True
        return token not in self.not_names and token.lower() not in self.common_words


def _top_words(language: str, count: int) -> list[str]:
    """The `count` most frequent words of `language`, most frequent first (wordfreq)."""
    import wordfreq

    words = wordfreq.top_n_list(language, count)
    # wordfreq caches the whole list (about 16 MB); only these words are needed.
    wordfreq.get_frequency_list.cache_clear()
    wordfreq.top_n_list.cache_clear()
    return words


def _places(*files: str) -> dict[str, int]:
    places: dict[str, int] = {}
    for name in files:
        for line in data_lines(name):
            place, _, population = line.partition("\t")
            places[place] = max(places.get(place, 0), int(population or 0))
    return places


def _austrian_post_offices() -> dict[str, str]:
    """Postcode -> town of every Austrian post office, from python-stdnum's postal code table
    (read once here: stdnum's own lookup re-parses the table on every call)."""
    import stdnum.at

    path = Path(stdnum.at.__file__).parent / "postleitzahl.dat"
    text = path.read_text(encoding="utf-8")
    return dict(re.findall(r'^(\d{4}) location="([^"]+)"', text, re.MULTILINE))


def by_length(items: Iterable[str]) -> tuple[str, ...]:
    """Distinct items, longest first: an alternation tries the longer of two overlapping words first."""
    return tuple(sorted(set(items), key=len, reverse=True))
