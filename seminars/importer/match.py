"""Propose existing people and libraries for the names a document gives.

A person matches on the same surname, first name and patronymic, or the same surname with initials
that agree («Иванова И. И.» ↔ «Иванова Ирина Ивановна»). A library matches on its name, short name
or «legal form + name», ignoring case, ё/е, quotes, a trailing «, г. Город», how the legal form is
spelled («МБУК» or «муниципальное бюджетное учреждение культуры») and the words «г.», «города»,
«им.», «имени» — and, for a library inside a ЦБС, on its parent as well («филиал № 5»).

Everything is read in a fixed number of queries per document, whatever its length.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q

from core.text import fold, sort_key
from libraries.models import Library
from people.models import Person

from .names import depths, is_legal_form, split_town, strip_outer_quotes

# «муниципальное бюджетное учреждение культуры» → «МБУК»: the words whose initials make the form.
LEGAL_FORM_WORDS_RX = re.compile(
    r"(?<![\w-])((?:(?:федеральн|государственн|краев|областн|республиканск|муниципальн|"
    r"бюджетн|казенн|казённ|автономн|общеобразовательн)\w*\s+)+)"
    r"(учреждени\w*)(\s+(?:культуры|дополнительного\s+образования))?(?![\w-])",
    re.I,
)
SPELLED_INITIALS = {"краев": "К", "областн": "О", "республиканск": "Р"}
PEOPLE_PER_QUERY = 300


def abbreviate_legal_form(text):
    """The spelled-out legal form at the start of a name as its usual abbreviation."""

    def initials(m):
        words = [*m.group(1).split(), m.group(2)]
        letters = "".join(
            next((v for k, v in SPELLED_INITIALS.items() if w.lower().startswith(k)), w[0].upper())
            for w in words
        )
        if m.group(3):
            letters += "К" if "культур" in m.group(3) else "ДО"
        return letters

    return LEGAL_FORM_WORDS_RX.sub(initials, text or "", count=1)


SHORT_NAMES = {
    "централизованная библиотечная система": "ЦБС",
    "централизованная система детских библиотек": "ЦСДБ",
    "централизованная система публичных библиотек": "ЦСПБ",
}


def library_key(text):
    """«МБУК «ЦБС г. Чита»» and «мбук цбс чита» give the same key."""
    t = fold(abbreviate_legal_form(split_town(text or "")[0]))
    t = re.sub(r"[«»„“”\"'()]", " ", t)
    t = re.sub(r"(?<![\w-])(?:им\.|имени|г\.|гор\.|города|город|г\.о\.)(?=\s|$|\w)", " ", t)
    t = re.sub(r"№\s*", "№", t)
    t = re.sub(r"\s*[‐‑–—-]\s*", "-", t)
    t = re.sub(r"[.,;:]", " ", t)
    return " ".join(t.split())


@dataclass
class LibraryPart:
    legal_form: str
    name: str

    @property
    def short_name(self):
        for long, short in SHORT_NAMES.items():
            if fold(self.name).startswith(long):
                return short + self.name[len(long) :]
        return ""

    def match_keys(self):
        keys = {library_key(self.name)}
        if self.legal_form:
            keys.add(library_key(f"{self.legal_form} {self.name}"))
        return keys


def _part(text):
    text = text.strip(" ,;")
    m = re.match(r"(\S+)\s+(.*)$", text)
    if m and is_legal_form(m.group(1)):
        legal_form, rest = m.groups()
        if rest[:1] in '«„"“':
            d = depths(rest)
            end = next((i + 1 for i in range(1, len(rest)) if d[i + 1] == 0), len(rest))
            name = strip_outer_quotes(rest[:end])
            tail = rest[end:].strip()
            return LibraryPart(legal_form, f"{name} {tail}".strip())
        return LibraryPart(legal_form, rest.strip())
    return LibraryPart("", strip_outer_quotes(text) if text[:1] in '«„"' else text)


BRANCH_RX = re.compile(r"филиал\w*\s*№\s*(\d+)", re.I)


def branch_number(name):
    """«Библиотека-филиал № 5», «филиал №5» → "5": how a ЦБС tells its branches apart."""
    m = BRANCH_RX.search(name or "")
    return m.group(1) if m else None


def split_institution(text):
    """Parts of a workplace, outermost first: a ЦБС, then its branch."""
    text = abbreviate_legal_form(split_town(text or "")[0])
    if not text:
        return []
    d = depths(text)
    cuts = [
        m.start()
        for m in re.finditer(r"(?<![\w-])([А-ЯЁ]{2,6})(?![\w-])", text)
        if m.start() > 0 and not d[m.start()] and is_legal_form(m.group(1))
    ]
    pieces = []
    start = 0
    for cut in cuts:
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return [_part(p) for p in reversed(pieces) if p.strip(" ,;")]


class LibraryIndex:
    """Every library by its keys, loaded once per document."""

    def __init__(self):
        self.by_key = {}
        self.branches = {}
        for library in Library.objects.select_related("parent", "region"):
            self.add(library)

    def add(self, library):
        keys = {library_key(library.name)}
        if library.short_name:
            keys.add(library_key(library.short_name))
        if library.legal_form:
            keys.add(library_key(f"{library.legal_form} {library.name}"))
        for key in keys:
            self.by_key.setdefault(key, []).append(library)
        number = branch_number(library.name)
        if library.parent_id and number:
            self.branches.setdefault((library.parent_id, number), []).append(library)

    def find(self, part, parent):
        found = []
        for key in part.match_keys():
            for library in self.by_key.get(key, []):
                if library.parent_id == (parent.pk if parent else None) and library not in found:
                    found.append(library)
        number = branch_number(part.name)
        if not found and parent and number:
            # «филиал № 5» of a ЦБС is its branch number 5, however the branch is named.
            found = list(self.branches.get((parent.pk, number), []))
        return found

    def match(self, institution):
        """(the library, [candidates]) for a workplace as written; the library may be None."""
        parts = split_institution(institution)
        if not parts:
            return None, []
        parent = None
        for part in parts:
            found = self.find(part, parent)
            if not found:
                break
            parent = found[0]
        else:
            return parent, [parent]
        # Not the whole chain: offer libraries of the innermost name under any parent.
        candidates = []
        for key in parts[-1].match_keys():
            candidates += [lib for lib in self.by_key.get(key, []) if lib not in candidates]
        return None, candidates


def _agrees(written, stored):
    """A full name must equal; an initial must be the first letter."""
    written, stored = fold(written.strip()), fold(stored.strip())
    if not written or not stored:
        return True
    if written.endswith(".") or stored.endswith("."):
        return written[0] == stored[0]
    return written == stored


class PeopleIndex:
    """The people who share a surname with any speaker, read in a few queries."""

    def __init__(self, speakers):
        surnames = sorted({sort_key(s.last_name) for s in speakers if s.last_name.strip()})
        self.by_surname = defaultdict(list)
        for k in range(0, len(surnames), PEOPLE_PER_QUERY):
            chunk = surnames[k : k + PEOPLE_PER_QUERY]
            query = reduce(or_, (Q(sort_key__startswith=f"{key} ") for key in chunk))
            for person in Person.objects.filter(query).order_by("sort_key", "pk"):
                self.by_surname[sort_key(person.last_name)].append(person)

    def candidates(self, speaker):
        """Existing people who may be this speaker, the exact match first."""
        people = self.by_surname.get(sort_key(speaker.last_name), [])
        full = sort_key(
            " ".join(filter(None, (speaker.last_name, speaker.first_name, speaker.patronymic)))
        )
        exact = [p for p in people if p.sort_key == full]
        similar = [
            p
            for p in people
            if p not in exact
            and fold(p.first_name.strip())[:1] == fold(speaker.first_name.strip())[:1]
            and _agrees(speaker.first_name, p.first_name)
            and _agrees(speaker.patronymic, p.patronymic)
        ]
        return exact + similar


def match_document(document):
    """Fill person_id and institution_id (and the organiser's) where one record clearly fits."""
    index = LibraryIndex()
    speakers = [speaker for talk in document.talks for speaker in talk.speakers]
    people = PeopleIndex(speakers)
    organizer, _ = index.match(document.seminar.organizer)
    document.seminar.organizer_id = organizer.pk if organizer else None
    for speaker in speakers:
        found = people.candidates(speaker)
        full = sort_key(f"{speaker.last_name} {speaker.first_name} {speaker.patronymic}")
        exact = [p for p in found if p.sort_key == full]
        chosen = exact[:1] or (found if len(found) == 1 else [])
        speaker.person_id = chosen[0].pk if chosen else None
        library, candidates = index.match(speaker.institution)
        speaker.institution_id = library.pk if library else None
        if speaker.region is None:
            # A library of the same name elsewhere in the archive knows its region.
            known = next((lib.region for lib in candidates if lib.region_id), None)
            speaker.region = known.name if known else None
    return document
