"""Postal addresses: street + house number (with Stiege/Top/Tür), postcode + town, Postfach, and
English street lines, US "City, ST 12345" and UK postcodes.

A postcode + town is taken when the postcode is a real Austrian one (python-stdnum's list), the
town is a known one, it carries a country prefix (A-1010), or it follows a street line; pieces on
one line separated by ", " are reported as one address.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kai_local.documents.pii.lexicon import data_lines
from kai_local.documents.pii.recognizers.base import (
    SWISS_CANTONS,
    RuleRecognizer,
    Span,
    has_context,
    second_name_end,
    words,
)

STREET_SUFFIXES = (
    "straße",
    "strasse",
    "str.",
    "gasse",
    "weg",
    "platz",
    "allee",
    "ring",
    "gürtel",
    "kai",
    "zeile",
    "promenade",
    "ufer",
    "damm",
    "steig",
    "stiege",
    "markt",
    "hof",
    "berg",
    "feld",
    "siedlung",
    "park",
    "graben",
    "bühel",
    "anger",
    "steg",
    "lände",
    "winkel",
    "chaussee",
    "pfad",
    "brücke",
    "wall",
    "kamp",
    "heide",
    "plateau",
    "boulevard",
    "passage",
    "hang",
    "leite",
    "gstetten",
    "ried",
    "egg",
    "gries",
    "rain",
)
NUMBER = r"\d{1,4}\s?[a-zA-Z]?(?:\s?[-/]\s?\d{1,4}[a-zA-Z]?){0,3}"
UNIT = r"(?:(?:,?\s|\s?/\s?)(?:\d{1,2}\.\s?)?(?i:Stiege|Stg\.?|Top|Tür|Whg\.?|Wohnung|Stock|Etage|Haus|Block|Bauteil|Apt\.?|Apartment|Suite|Unit|Flat)\s?\d{1,4}[a-zA-Z]?)*"
STREET_WORD = re.compile(
    # "Hauptstraße 5", "10.-Oktober-Straße 5"; OCR'd text may have two spaces before the number
    r"(?<![\w-])(?P<word>(?=[A-ZÄÖÜ]|\d{1,2}\.-[A-ZÄÖÜ])[\w.'’-]{0,60}?(?i:"
    + "|".join(re.escape(s) for s in STREET_SUFFIXES)
    + r"))"
    r"\s{1,2}(?P<num>" + NUMBER + r")(?P<unit>" + UNIT + r")(?![\w]|[.,]\d)"
)
# Where a street word can end: its suffix, a space and a digit. The full pattern is only tried
# from the start of the word before such a spot (fast on long runs of "A.A.A." in an upload).
SUFFIX_HIT = re.compile(r"(?i:" + "|".join(re.escape(s) for s in STREET_SUFFIXES) + r")\s{1,2}\d")
WORD_CHARS = re.compile(r"[\w.'’-]{0,60}$")
# Streets of Italian, Romansh, French, Portuguese and Slavic names: "Via Nova 14", "Rue du Lac 3".
ROMANCE_STREET = re.compile(
    r"(?<![\w-])(?:Via|Viale|Vicolo|Piazza|Corso|Rue|Route|Chemin|Avenue|Av\.|Place|Rua|Travessa|Calle|Ulica|ul\.)"
    r"(?:\s(?:[A-ZÄÖÜÀ-Ý][\w'’-]*|dal|del|della|dei|da|di|de|du|des|la|le|l'|all'|al|sul|dos|das|do))"
    r"{1,4}\s(?P<num>\d{1,4}[a-zA-Z]?)(?![\w]|[.,]\d)"
)
PREPOSITION_STREET = re.compile(
    r"(?<![\w-])(?:Am|An der|Auf der|Auf dem|Im|In der|Zum|Zur|Unter den|Hinter der|Bei der|Beim|Obere[rs]?|Untere[rs]?)"
    r"\s(?P<word>[A-ZÄÖÜ][\w'’-]+)\s(?P<num>" + NUMBER + r")(?P<unit>" + UNIT + r")(?![\w]|[.,]\d)"
)
# A street named without its number: a compound of its own name and straße/gasse/allee.
NAMED_STREET = re.compile(r"(?<![\w-])[A-ZÄÖÜ][\w'’-]{2,40}?(?:straße|strasse|gasse|allee)(?![\w-])")
# ... but not a kind of road or lane (compared with "ß" as "ss").
ROAD_WORDS = frozenset(
    """bundesstrasse landstrasse landesstrasse seitenstrasse nebenstrasse einbahnstrasse sackgasse
    waschstrasse hauptverkehrsstrasse durchgangsstrasse kreisstrasse gemeindestrasse ortsstrasse
    zufahrtsstrasse privatstrasse wohnstrasse baumallee rettungsgasse teststrasse impfstrasse
    umgehungsstrasse schnellstrasse autostrasse passstrasse""".split()
)
# Words that may stand before the suffix word: "Wiener Straße", "Obere Donaustraße", "St.-Peter-Gürtel".
LEFT_WORD = re.compile(
    r"(?:[A-ZÄÖÜ][\w'’-]*er|Obere|Untere|Alte|Neue|Große|Kleine|Lange|Hohe|Hintere|Vordere|Innere"
    r"|Äußere|St\.|Sankt|Dr\.|Prof\.|Am|An|Auf|Im|In|Zum|Zur|Unter|der|den|dem)$"
)
POSTCODE_TOWN = re.compile(
    # a country's letters before the postcode: "A-1010", "I-39042", "SI-2380", "CZ-350 02"
    r"(?<![\w-])(?:(?P<cc>A|AT|D|DE|CH|FL|LI|I|IT|SI|SLO|CZ|SK|H|HU|PL|F|FR|NL|B|L|LU|DK|S|N|HR)-\s?)?"
    r"(?P<pc>\d{4,5}|\d{3}[ \t]\d{2})\s(?P<town>(?i:St\.\s|Sankt\s|Bad\s|Markt\s|Maria\s)?"
    r"[A-ZÄÖÜ][\w'’.-]*(?:/[A-ZÄÖÜ][\w'’-]*)?(?:\s(?i:am|an der|an|im|in der|in|ob der|bei|unter)\s[A-ZÄÖÜ][\w'’-]*)?)"
)
# Where in the building: floor, flat, staircase, door.
FLOOR = r"(?:OG|UG|DG|EG|Stock|Etage|Obergeschoss|Stockwerk)(?:[ \t](?:links|rechts|Mitte|li\.|re\.))?"
DWELLING = re.compile(
    r",?[ \t](?:\d{1,2}\.[ \t]?"
    + FLOOR
    + r"|(?:Top|Tür|Stiege|Stg\.|Whg\.?|Wohnung|App\.?|Apt\.?)[ \t]?[\d.]+[a-z]?)(?![\w])"
    # the floor as the last part of the house number: "Schmiedgasse 21/1. Stock", "Landstraße 47/2. OG"
    r"|(?<=/\d)\.[ \t]?" + FLOOR + r"(?![\w])"
)
# A farm, alp or hut named before the street or postcode of its address: "Oberer Hahnhof,
# Schwarzau 14, 3920 Groß Gerungs", "Untere Gaißbachalpe, 87541 Bad Hindelang".
FARM = re.compile(
    r"(?<![\w-])(?:(?:Obere[rs]?|Untere[rs]?|Hintere[rs]?|Vordere[rs]?|Alte[rs]?|Neue[rs]?)[ \t])?"
    r"[A-ZÄÖÜ][\w-]*(?:hof|alm|Alm|alpe|Alpe|hütte|Hütte|gut|mühle|Mühle|lehen|gütl|häusl)"
    r"(?=,[ \t]*(?:[A-ZÄÖÜ][\w.'’-]*(?:[ \t][\w.'’-]+){0,2}[ \t]\d|\d{4,5}[ \t]))"
)
TOWN_WORD_AFTER = re.compile(r"[ \t]([A-ZÄÖÜ][\w'’]+(?:-[A-ZÄÖÜ][\w'’]+)*)(?![\w.-])")
LINE_END = re.compile(r"[ \t]*(?:\r?\n|$)")
CONTACT_LABELS = frozenset({"Tel", "Telefon", "Fax", "Telefax", "Mobil", "Handy", "Mail", "Email", "E-Mail", "Web"})
# "Frankenberg (Eder)", "Weißenburg i. Bay.", "Freiburg i. Br.", "Frankfurt a. M."
TOWN_QUALIFIER = re.compile(
    r"[ \t]?\([A-ZÄÖÜ][\w.'’ -]{1,24}\)|[ \t](?:i\.|a\.|b\.|i\.[ \t]?d\.|a\.[ \t]?d\.)[ \t]?[A-ZÄÖÜ][\w]{0,11}\.?"
    r"|[ \t]" + SWISS_CANTONS + r"(?![\w])"
)
POSTFACH = re.compile(
    r"(?<!\w)(?:Postfach|Postfach-Nr\.?|Postf\.|PF|P\.\s?O\.\s?Box|PO Box|Post Office Box)\s?\d{1,6}(?!\w)"
    r"|(?<!\w)Postfach(?=,?[ \t]\d{4,5}[ \t])"  # "Postfach, 8081 Zürich"
)
EN_STREET = re.compile(
    r"(?<![\w-])(?:(?:Flat|Apt\.?|Apartment|Unit|Suite)[ \t]\w{1,5},?[ \t])?"
    r"(?P<num>\d{1,5}[A-Za-z]?)[ \t](?P<name>(?:[A-Z][\w'’-]*[ \t]){1,3})(?P<suffix>[A-Z][a-z]+)\.?"
    r"(?P<unit>(?:,?\s(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Floor|Fl\.?|#)\s?[\w-]{1,6})?)(?![\w])"
)
EN_ABBREVIATIONS = frozenset("St Ave Rd Ln Dr Blvd Ct Pl Sq Ter Hwy Pkwy Cres Cl Gdns Gr".split())
US_CITY = re.compile(
    r"(?<![\w-])(?P<city>[A-Z][\w'’-]*(?:\s[A-Z][\w'’-]*){0,2}),\s(?P<state>[A-Z]{2})\s(?P<zip>\d{5}(?:-\d{4})?)(?!\w)"
)
US_STATES = frozenset(
    """AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH
    OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP FM MH PW AA AE AP""".split()
)
UK_POSTCODE = re.compile(
    r"(?<![\w-])(?:(?P<town>[A-Z][\w'’-]*(?:[ \t](?:upon[ \t]|on[ \t])?[A-Z][\w'’-]*){0,2}),?[ \t])?"
    r"(?P<pc>[A-Z]{1,2}\d[A-Z\d]?[ \t]\d[A-Z]{2})(?!\w)"
)
# Ireland: an Eircode ("D12 K8X4", "T45 K2W8"), a Dublin postal district ("Dublin 8") and a county
# ("Co. Kildare", "County Kerry").
IRISH_PLACE = re.compile(
    r"(?<![\w-])(?:[A-Z][\w'’-]*[ \t])?(?:[AC-FHKNPRTV-Y]\d{2}|D6W)[ \t]?(?=\d{0,3}[AC-FHKNPRTV-Y])[0-9AC-FHKNPRTV-Y]{4}(?!\w)"
    r"|(?<![\w-])Dublin[ \t]\d{1,2}W?(?!\w)|(?<![\w-])(?:Co\.|County)[ \t][A-Z][a-z]+(?![\w-])"
)
# The parts of a British or Irish address before its town, on the same line and separated by
# commas: "Flat 3, 22 Pennsylvania Road", "Churchill Drive, Headington", "James's Walk".
EN_ADDRESS_PART = re.compile(
    r"(?:(?:Flat|Apt\.?|Apartment|Unit|Suite|Block)[ \t]\w{1,5}|\d{1,5}[A-Za-z]?[ \t][A-Z][\w'’-]*(?:[ \t][A-Z][\w'’-]*){0,3}"
    r"|[A-Z][\w'’.-]*(?:[ \t](?:[A-Z][\w'’.-]*|upon|on|\d{1,3}))*)"
)
# A street line that no street word marks ("Eppendorfer Baum 27", "Hofmark 3", "Hlboká 22",
# "IM ERGEL 1", "14 Birchfield Road") is still a street right before a postcode and town: at the end
# of the text before it on the same line, or as the whole line above it.
STREET_BEFORE = re.compile(
    r"(?:^|(?<=[,:|·]\s)|(?<=\s[.·]\s)|(?<=\s{3})|(?<=wohnhaft )|(?<=wohnhaft in )|(?<=wohnt )|(?<=wohnt in )"
    r"|(?<=lebt in )|(?<=Adresse )|(?<=Anschrift )|(?<=wh\. ))(?P<s>[A-ZÄÖÜÀ-Ý][\w.'’-]*(?:\s[\w.'’-]+){0,3}\s"
    + NUMBER
    + UNIT
    + r"|\d{1,4}[a-zA-Z]?\s[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+){0,2})\s?[,.]?\s*$"
)
NOT_STREET_LINE = re.compile(
    r"(?i:zimmer|zi\.|station|bett|raum|tel|fax|fall|pat|nr|seite|page|ihr|unser|datum|vom|geb)"
)
SALUTATIONS = frozenset(data_lines("name_salutations.txt"))  # "Mr John Smith, 14 Easter Road" names a person
ADDRESS_CONTEXT = words(
    "wohnhaft",
    "wohnt",
    "Wohnort",
    "Wohnadresse",
    "Adresse",
    "Anschrift",
    "Hauptwohnsitz",
    "Wohnsitz",
    "Meldeadresse",
    "Postanschrift",
    "Lieferadresse",
    "Rechnungsadresse",
    "address",
    "lives",
    "resident",
    "residing",
)


# A whole line after an address label: what the other patterns cut ("Home address: The Old
# Forge, Church Lane, Chipping Campden GL55 6JD") is still the address. With a digit in it (a
# house number or a postcode): "Adresse: siehe oben" is no address.
LABELLED_LINE = re.compile(
    r"(?im)^[ \t]*(?:Home address|Address|Adresse|Anschrift|Wohnadresse|Wohnanschrift|Meldeadresse"
    r"|Postanschrift|Hauptwohnsitz|Wohnsitz)[ \t]*:[ \t]*(?P<v>[^\s][^\n]{3,119}?)[ \t]*$"
)


# A numbered district ("16. Bezirk", "im 3. Gemeindebezirk"): Vienna's, a place smaller than a town.
VIENNA_DISTRICT = re.compile(r"(?<![\w.])\d{1,2}\.[ \t]?(?:Bezirk|Gemeindebezirk|Wiener Gemeindebezirk)(?![\w-])")


class AddressRule(RuleRecognizer):
    ENTITY = "ADDRESS"

    def find(self, text: str, nlp_artifacts: object) -> Iterable[Span]:
        pieces: list[Span] = []
        pieces += self._streets(text)
        pieces += [Span(m.start(), m.end(), 0.75) for m in FARM.finditer(text)]  # a postcode may follow
        pieces += self._towns(text, pieces)
        pieces += [Span(m.start(), m.end(), 0.85) for m in POSTFACH.finditer(text)]
        pieces += self._english(text)
        yield from self._merge(text, pieces)
        for m in VIENNA_DISTRICT.finditer(text):
            yield Span(m.start(), m.end(), 0.75)
        for m in LABELLED_LINE.finditer(text):
            if any(c.isdigit() for c in m.group("v")):
                yield Span(m.start("v"), m.end("v"), 0.7)

    def _streets(self, text: str) -> list[Span]:
        found = []
        for m in self._street_words(text):
            word = m.group("word")
            if word.lower() in STREET_SUFFIXES or word in self.lexicon.not_names:
                start = self._extend_left(text, m.start())
                if start == m.start() and word.lower() in STREET_SUFFIXES:
                    continue  # a bare "Straße 3" is no address
            else:
                start = self._extend_left(text, m.start())
            floor = DWELLING.match(text, m.end())  # "Ewaldstraße 83, 2. OG links, 45699 Herten"
            found.append(Span(start, floor.end() if floor else m.end(), 0.85))
        for m in ROMANCE_STREET.finditer(text):
            found.append(Span(m.start(), m.end(), 0.8))
        for m in NAMED_STREET.finditer(text):
            if m.group().lower().replace("ß", "ss") not in ROAD_WORDS:
                found.append(Span(m.start(), m.end(), 0.6))  # "in der Königstraße", "Raufhandel Annenstraße"
        for m in PREPOSITION_STREET.finditer(text):
            word = m.group("word")
            if word not in self.lexicon.not_names and word.lower() not in self.lexicon.common_words:
                found.append(Span(m.start(), m.end(), 0.7))
        return found

    @staticmethod
    def _street_words(text: str) -> Iterable[re.Match[str]]:
        last_end = -1
        for hit in SUFFIX_HIT.finditer(text):
            back = WORD_CHARS.search(text, max(0, hit.start() - 60), hit.start())
            begin = back.start() if back else hit.start()
            for start in range(begin, hit.start() + 1):  # the first word start that matches
                if start < last_end:
                    continue
                m = STREET_WORD.match(text, start)
                if m is not None:
                    last_end = m.end()
                    yield m
                    break

    @staticmethod
    def _extend_left(text: str, start: int) -> int:
        for _ in range(3):
            m = re.search(r"([^\s(\[„\"'«]+)[ ]$", text[max(0, start - 40) : start])
            if not m or not (
                LEFT_WORD.match(m.group(1)) or (m.group(1).isupper() and LEFT_WORD.match(m.group(1).title()))
            ):
                break
            start -= len(m.group(0))
        return start

    def _towns(self, text: str, streets: list[Span]) -> list[Span]:
        street_ends = {s.end for s in streets}
        found = []
        for m in POSTCODE_TOWN.finditer(text):
            town = _as_gazetteer_writes(m.group("town"))
            first = town.split()[0].split("/")[0]
            if first in self.lexicon.not_names and town not in self.lexicon.towns:
                continue
            pc = m.group("pc")
            after_street = any(
                0 < m.start() - end <= 3 and text[end : m.start()].strip(" ,\n") == "" for end in street_ends
            )
            # "Bad Hindelang-Hinterstein": a known town and its district
            names = (town, first, town.split("-")[0])
            known_town = any(name in self.lexicon.towns or name in self.lexicon.places for name in names)
            austrian = pc in self.lexicon.at_postcodes
            if m.group("cc") or after_street:
                score = 0.9
            elif known_town:
                score = 0.85
            elif austrian and self._matches_post_office(self.lexicon.at_postcodes[pc], town):
                score = 0.85
            elif has_context(ADDRESS_CONTEXT, text, m.start(), 40, same_line=False):
                score = 0.75
            else:
                score = 0.0
            street = self._street_before(text, m.start())
            if street is not None and not score and text[street[1] : m.start()].strip(" ,") == "":
                score = 0.7  # "Dorf 32, 9411 Reute": a street and house number, then postcode and town
            if not score:
                continue
            found.append(Span(m.start(), self._whole_town(text, m.start("town"), m.end()), score))
            if street is not None:
                found.append(Span(street[0], street[1], 0.75))
        return found

    @staticmethod
    def _street_before(text: str, postcode: int) -> tuple[int, int] | None:
        """The unmarked street line right before a postcode: on its line, or the line above."""
        line_start = text.rfind("\n", 0, postcode) + 1
        before = text[line_start:postcode]
        if not before.strip():
            above_start = text.rfind("\n", 0, max(0, line_start - 1)) + 1
            before = text[above_start : max(above_start, line_start - 1)]
            line_start = above_start
        m = STREET_BEFORE.search(before)
        if m is None or NOT_STREET_LINE.match(m.group("s")):
            return None
        value = m.group("s").rstrip(" ,.")
        return line_start + m.start("s"), line_start + m.start("s") + len(value)

    def _whole_town(self, text: str, start: int, end: int) -> int:
        """The end of the longest known place name from `start` ("2700 Wiener Neustadt",
        "06110 Halle (Saale)", "7013 Domat/Ems", "94032 PASSAU"), at least `end`."""
        line_end = text.find("\n", start)
        line = text[start : line_end if line_end != -1 else len(text)]
        pieces = re.findall(r"\S+", line)[:5]
        best = end
        for k in range(1, len(pieces) + 1):
            candidate = " ".join(pieces[:k]).rstrip(",;.")
            if _as_gazetteer_writes(candidate) in self.lexicon.places or candidate.title() in self.lexicon.places:
                best = max(best, start + line.find(candidate) + len(candidate))
        best = self._town_words_after(text, best)  # "6356 Rigi Kaltbad", "59556 Lippstadt-Bad Waldliesborn"
        best = second_name_end(text, best, self.lexicon)
        qualifier = TOWN_QUALIFIER.match(text, best)  # "35066 Frankenberg (Eder)", "Taufkirchen (Vils)"
        if qualifier:
            best = qualifier.end()
        floor = DWELLING.match(text, best)  # "44145 Dortmund, 2. OG links", "12629 Berlin, Whg. 9.04"
        return floor.end() if floor else best

    def _town_words_after(self, text: str, end: int) -> int:
        """Up to two more capitalised words of the town's name on its line, where the gazetteer
        lacks the place ("Rigi Kaltbad", "Lippstadt-Bad Waldliesborn"): none an everyday word,
        a label ("Tel", "Fax") or a country."""
        lexicon = self.lexicon
        for _ in range(2):
            m = TOWN_WORD_AFTER.match(text, end)
            if m is None:
                break
            word = m.group(1)
            # An everyday word ends the town's name unless it ends its line: "7270 Davos Platz"
            last_on_line = LINE_END.match(text, m.end()) is not None and word not in CONTACT_LABELS
            if (lexicon.is_everyday_word(word) and not last_on_line) or word in lexicon.countries or word.isupper():
                break
            end = m.end()
        return end

    @staticmethod
    def _matches_post_office(location: str, town: str) -> bool:
        return location.split()[0] == town.split()[0] or town.startswith(location[:5])

    def _english(self, text: str) -> list[Span]:
        suffixes = self.lexicon.street_suffixes_en
        found = []
        for m in EN_STREET.finditer(text):
            if m.group("suffix") in suffixes or m.group("suffix") in EN_ABBREVIATIONS:
                found.append(Span(m.start(), m.end(), 0.8))
        for m in US_CITY.finditer(text):
            if m.group("state") in US_STATES:
                found.append(Span(m.start(), m.end(), 0.85))
        for m in UK_POSTCODE.finditer(text):
            start = (
                m.start("town") if m.group("town") and m.group("town") not in self.lexicon.not_names else m.start("pc")
            )
            found.append(Span(self._english_parts_before(text, start), m.end(), 0.85))
        for m in IRISH_PLACE.finditer(text):
            found.append(Span(self._english_parts_before(text, m.start()), m.end(), 0.8))
        return found

    def _english_parts_before(self, text: str, start: int) -> int:
        """Where a British or Irish address begins on its line: the street, flat and district
        parts before its town or postcode, each after a comma ("Flat 3, 22 Pennsylvania Road,
        Exeter EX4 6BH", "Churchill Drive, Headington, Oxford OX3 7LE"); not a person or a label."""
        line_start = text.rfind("\n", 0, start) + 1
        for _ in range(4):
            before = text[line_start:start]
            if not before.endswith(", "):
                break
            comma, colon = before.rfind(", ", 0, len(before) - 2), before.rfind(": ", 0, len(before) - 2)
            part_start = max(comma + 2 if comma >= 0 else 0, colon + 2 if colon >= 0 else 0)
            raw = before[part_start:-2]
            part = raw.strip()
            words = part.replace(".", " ").split()
            if (
                EN_ADDRESS_PART.fullmatch(part) is None
                or not words
                or words[0] in SALUTATIONS
                or words[0] + "." in SALUTATIONS
                or all(w in self.lexicon.first_names for w in words)
                or (
                    len(words) > 1 and all(w in self.lexicon.first_names or w in self.lexicon.last_names for w in words)
                )
            ):
                break
            start = line_start + part_start + len(raw) - len(raw.lstrip())
        return start

    @staticmethod
    def _merge(text: str, pieces: list[Span]) -> Iterable[Span]:
        """One span for pieces of one address on one line ("Hauptstraße 1, 8010 Graz")."""
        merged: list[Span] = []
        for piece in sorted(pieces):
            if (
                merged
                and piece.start - merged[-1].end <= 2
                and text[merged[-1].end : piece.start] in ("", " ", ", ", ",")
            ):
                last = merged.pop()
                piece = Span(last.start, max(last.end, piece.end), max(last.score, piece.score))
            elif merged and piece.start < merged[-1].end:
                last = merged.pop()
                piece = Span(last.start, max(last.end, piece.end), max(last.score, piece.score))
            merged.append(piece)
        return merged


def _as_gazetteer_writes(town: str) -> str:
    """A town written in capitals or without the space after "St." as the gazetteer writes it:
    "BADEN" -> "Baden", "ST.GALLEN" -> "St. Gallen", "St . Gallen" -> "St. Gallen"."""
    if town.isupper():
        town = town.title()
    return re.sub(r"^(St|Sankt)\s?\.\s?(?=\w)", r"\1. ", town)
