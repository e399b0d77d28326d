"""People's names and their workplaces as resolutions and programmes write them."""

import re
from dataclasses import dataclass
from functools import cache, lru_cache

UP = "А-ЯЁ"
LOW = "а-яё"
# A surname in capitals is followed by initials or a first name: «ПЕТРОВА И. И.», «ПЕТРОВУ Светлану».
SURNAME = (
    rf"(?:[{UP}][{LOW}]+(?:-[{UP}][{LOW}]+)?|"
    rf"[{UP}]{{2,}}(?:-[{UP}]{{2,}})?(?=\s+[{UP}](?:\.|[{LOW}])))"
)
WORD = rf"[{UP}][{LOW}]+"
INITIAL = rf"[{UP}]\."
# What may follow a name: punctuation, a bracket, a dash, «и», the end.
AFTER_NAME = r"(?=\s*(?:[,;:(]|[—–-]\s|\s-\s|\.(?:\s|$)|\s+и\s|$))"

THREE_WORDS_RX = re.compile(rf"({SURNAME})\s+({WORD})\s+({SURNAME})(?![\w-])")
SURNAME_INITIALS_RX = re.compile(rf"({SURNAME})\s+({INITIAL})\s?({INITIAL})?(?![{LOW}{UP}])")
INITIALS_SURNAME_RX = re.compile(rf"({INITIAL})\s?(?:({INITIAL})\s?)?({SURNAME}){AFTER_NAME}")
INITIALS_SURNAME_LOOSE_RX = re.compile(rf"({INITIAL})\s?({INITIAL})\s?({SURNAME})(?![\w-])")
TWO_WORDS_RX = re.compile(rf"({SURNAME})\s+({SURNAME}){AFTER_NAME}")
# A patronymic in any case: «Петрович», «Петровичу», «Петровна», «Петровну», «Ильиничной».
PATRONYMIC_RX = re.compile(
    rf"[{UP}][{LOW}]+(?:(?:вич|ьич|ич)(?:а|у|ем|е)?|(?:вн|ичн|иничн)(?:а|ы|е|у|ой))"
)


def _words(text):
    return frozenset(text.split())


@cache
def morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def parses(word):
    """pymorphy3's analyses of a word (cached: documents repeat their words)."""
    return tuple(morph().parse(word))


CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")


def _is_first_name(word):
    return any("Name" in p.tag for p in parses(word)) and not _is_patronymic(word)


def _is_surname(word):
    return any("Surn" in p.tag for p in parses(word.lower()))


def _is_patronymic(word):
    return bool(PATRONYMIC_RX.fullmatch(word)) and "-" not in word


def _restore_case(word, template):
    """«попова» written like «ПОПОВОЙ» or «Поповой» → «Попова»."""
    if template[:1].isupper():
        return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))
    return word


LEGAL_FORMS = _words(
    """
    КГБУ КГБУК КГАУ КГАУК КГКУ КГКУК ГБУ ГБУК ГАУ ГАУК ГКУ ГКУК ГУ ГУК ГОБУК ОГБУК ОГАУК ОГУК
    МБУ МБУК МАУ МАУК МКУ МКУК МУ МУК БУ БУК АУ АУК КУ КУК ФГБУ ФГБУК ФГУК ФГБОУ ГБОУ МБОУ МАОУ
    МКОУ ГАПОУ ГБПОУ МБУДО ГБУДО ГАОУ АНО НКО
    """
)
LEGAL_FORM_RX = re.compile(r"[ФГКОМБАНРС]{1,5}У(?:К|КИ|ДО)?")


def is_legal_form(word):
    """КГБУ, МБУК, КГБНУК…: the legal form of a state or municipal institution."""
    return word in LEGAL_FORMS or bool(LEGAL_FORM_RX.fullmatch(word))


LIBRARY_ABBREVIATIONS = _words(
    """
    ЦБС МЦБС ЦСДБ ЦСПБ МЦБ ЦГБ ЦДБ ЦРБ ЦГДБ ЦМБ МЦРБ МБС РНБ РГБ РГДБ РГБМ НБ ОДБ ОЮБ ГПНТБ
    """
)
# Units inside a library: they belong to the department, not the institution.
DEPARTMENT_ABBREVIATIONS = {"ИБЦ", "ИЦ", "ЦОД", "ЦПИ", "ЦОИ", "ПЦПИ", "ЦОДИ", "ИМО", "НМО", "ОИО"}
DEPARTMENT_RX = re.compile(
    r"(?<![\w-])(?:отдел(?:а|ом|е|у)?|сектор(?:а|ом|е|у)?|отделени(?:е|я|ем|и)|"
    r"центр(?:а|ом|е|у)?|служб(?:а|ы|ой|е)|кафедр(?:а|ы|ой|е)|лаборатори(?:я|и|ей)|"
    + "|".join(sorted(DEPARTMENT_ABBREVIATIONS))
    + r")(?![\w-])"
)
DEPARTMENT_NOMINATIVE = {
    "отдел": "отдел",
    "сектор": "сектор",
    "отделени": "отделение",
    "центр": "центр",
    "служб": "служба",
    "кафедр": "кафедра",
    "лаборатори": "лаборатория",
}

ABBREVIATIONS = _words("г им ул с п пос д р-н обл св ст пгт мкр")
# The first word of a position: «Методист Е. В. Жукова» starts with one, not with a surname.
POSITION_RX = re.compile(
    r"(?<![\w-])(?:ведущ|главн|старш|младш|заведующ|зав\.|заместител|директор|библиотекар|"
    r"библиограф|методист|руководител|специалист|сотрудни|редактор|хранител|художник|педагог|"
    r"психолог|культорганизатор|менеджер|консультант|куратор|координатор|начальник|инженер|"
    r"программист|учител|преподавател|доцент|профессор|краевед|писател|поэт|архивист)\w*",
    re.I,
)


@dataclass
class Name:
    last_name: str
    first_name: str
    patronymic: str
    # True when the case or the gender, and so the nominative, was a guess.
    unsure: bool = False

    def __post_init__(self):
        # «ИВАНОВА И. И.» → «Иванова»
        if self.last_name.isupper():
            self.last_name = "-".join(p.capitalize() for p in self.last_name.split("-"))


def match_name(text, pos=0):
    """The name written at text[pos:], as (Name, end), or None; the words as written."""
    m = THREE_WORDS_RX.match(text, pos)
    if m:
        a, b, c = m.groups()
        # «Фамилия Имя Отчество» in any case; the patronymic is the proof.
        if _is_patronymic(c) and not _is_patronymic(a):
            return Name(a, b, c), m.end()
        # «Имя Отчество Фамилия»
        if _is_patronymic(b) and _is_first_name(a) and not _is_patronymic(c):
            return Name(c, a, b), m.end()
    m = SURNAME_INITIALS_RX.match(text, pos)
    if (
        m
        and not (_is_first_name(m.group(1)) and not _is_surname(m.group(1)))
        and not POSITION_RX.fullmatch(m.group(1))
    ):
        return Name(m.group(1), m.group(2), m.group(3) or ""), m.end()
    m = INITIALS_SURNAME_RX.match(text, pos) or INITIALS_SURNAME_LOOSE_RX.match(text, pos)
    if m:
        return Name(m.group(3), m.group(1), m.group(2) or ""), m.end()
    m = TWO_WORDS_RX.match(text, pos)
    if m:
        a, b = m.groups()
        if _is_first_name(b) and not _is_first_name(a):
            return Name(a, b, ""), m.end()
        if _is_first_name(a) and not _is_first_name(b):
            return Name(b, a, ""), m.end()
    return None


def _name_parse(word, grammeme, case=None, gender=None):
    """The analysis of a first name or patronymic agreeing with the hints, or None."""
    found = [p for p in parses(word) if grammeme in p.tag and "sing" in p.tag]
    if gender:
        found = [p for p in found if gender in p.tag] or found
    if case:
        found = [p for p in found if case in p.tag] or found
    return found[0] if found else None


@lru_cache(maxsize=100_000)
def _nominative_word(parse, word):
    inflected = parse.inflect({"nomn"}) if parse.tag.case != "nomn" else None
    return _restore_case(inflected.word, word) if inflected else word


def nominative_name(name, case=None, gender=None):
    """The name in the nominative, with the case and gender it was written in.

    The first name and patronymic decide the case and gender when they are written in full;
    otherwise the hints (the governing word, the verb's gender) do, and a surname whose
    nominative still depends on a guess marks the name unsure.
    """
    first = patronymic = None
    if len(name.first_name) > 2:
        first = _name_parse(name.first_name, "Name", case, gender)
    if len(name.patronymic) > 2:
        patronymic = _name_parse(name.patronymic, "Patr", case, gender)
    known = first or patronymic
    if known:
        case, gender = known.tag.case, known.tag.gender
    first_name = _nominative_word(first, name.first_name) if first else name.first_name
    patronymic_word = (
        _nominative_word(patronymic, name.patronymic) if patronymic else name.patronymic
    )
    surnames = [p for p in parses(name.last_name.lower()) if "Surn" in p.tag and "sing" in p.tag]
    if gender:
        surnames = [p for p in surnames if gender in p.tag or "Ms-f" in p.tag]
    if case:
        surnames = [p for p in surnames if p.tag.case == case]
    elif any(p.tag.case == "nomn" for p in surnames):
        # No hint: a form that can be a nominative is taken as one.
        surnames = [p for p in surnames if p.tag.case == "nomn"]
    forms = {_nominative_word(p, name.last_name) for p in surnames}
    if len(forms) == 1:
        last_name, unsure = next(iter(forms)), False
    else:
        # Not a surname pymorphy3 knows, or still ambiguous: kept as written, to be checked.
        last_name = name.last_name
        unsure = bool(forms) or (case not in (None, "nomn") and not known)
    if not known and not case and len(forms) == 1:
        # Without a hint, «Тимофеева» may be a woman or the genitive of «Тимофеев».
        every = {
            _nominative_word(p, name.last_name)
            for p in parses(name.last_name.lower())
            if "Surn" in p.tag and "sing" in p.tag
        }
        unsure = len(every) > 1 and not gender
    if last_name.isupper():
        last_name = last_name.capitalize()
    return Name(last_name, first_name, patronymic_word, unsure=unsure), case, gender


# --- quotes ----------------------------------------------------------------------------------


def quote_roles(text):
    """[(index, +1 opening / -1 closing)] for every quote mark, straight ones by context."""
    roles = []
    for i, c in enumerate(text):
        if c in "«„":
            roles.append((i, 1))
        elif c in "»”":
            roles.append((i, -1))
        elif c in '"“':
            prev = text[i - 1] if i else " "
            opening = prev.isspace() or prev in "([«„—–-/:"
            roles.append((i, 1 if opening else -1))
    return roles


def depths(text):
    """Quote depth before each character of text (never below zero)."""
    result = [0] * (len(text) + 1)
    roles = dict(quote_roles(text))
    depth = 0
    for i in range(len(text)):
        result[i] = depth
        depth = max(0, depth + roles.get(i, 0))
    result[len(text)] = depth
    return result


def strip_outer_quotes(text):
    """«Title» → Title, keeping inner quotes and mending unbalanced outer ones."""
    text = text.strip().rstrip(",;:—–- ").strip()
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    roles = quote_roles(text)
    if roles and roles[0] == (0, 1):
        depth = 0
        closed_at = None
        for i, r in roles:
            depth += r
            if depth == 0:
                closed_at = i
                break
        if closed_at == len(text) - 1:
            return text[1:-1].strip()
        if closed_at is None:
            # «Title «Inner» — the outer closing mark merged with the inner one.
            text = text[1:].strip()
    depth = 0
    for i, r in quote_roles(text):
        depth += r
        if depth < 0:
            if i == len(text) - 1:
                # «Inner» rest» — the opening mark merged with the inner one.
                return text[:-1].strip()
            depth = 0
    return text


# --- workplaces ------------------------------------------------------------------------------


def _token_core(token):
    return token.strip("«»„“”\"'(),;:.")


def _institution_start(text):
    """Index where the institution begins in «position [department] institution»."""
    d = depths(text)
    tokens = [(m.start(), m.group()) for m in re.finditer(r"\S+", text)]
    for k, (start, token) in enumerate(tokens):
        first_letter = start + next((j for j, c in enumerate(token) if c.isalnum()), 0)
        if d[first_letter]:
            continue
        if not token[:1].isupper():
            # «библиотекарь библиотеки-филиала № 4»: a library named by its kind.
            if k and re.match(r"библиотек[иеуой]+-филиал", token):
                return start
            continue
        core = _token_core(token)
        if core in DEPARTMENT_ABBREVIATIONS:
            continue
        if is_legal_form(core) or core in LIBRARY_ABBREVIATIONS:
            return start
        if not core[:1].isupper() or token[0] in '«"':
            continue
        for _, word in tokens[k : k + 5]:
            if _is_institution_noun(_token_core(word)):
                return start
            if any(c in word for c in '«»",;:()'):
                break
    return None


INSTITUTION_NOUNS = _words(
    "библиотека система музей учреждение университет институт колледж академия дворец дом "
    "библиотека-филиал филиал"
)


def _is_institution_noun(word):
    word = word.lower()
    return any(
        p.normal_form in INSTITUTION_NOUNS or p.normal_form.split("-")[0] in INSTITUTION_NOUNS
        for p in parses(word)
        if "NOUN" in p.tag
    ) or bool(re.fullmatch(r"библиотек\w*(?:-филиал\w*)?", word))


def _sing_parses(word, kinds):
    return [p for p in parses(word.lower()) if p.tag.POS in kinds and "plur" not in p.tag]


def _proper(parse):
    return any(g in parse.tag for g in ("Surn", "Name", "Patr", "Geox"))


def _hyphen_parts(word):
    """«библиотеки-филиала» declines in both parts, «Усть-Нюкжинской» as one adjective."""
    if "-" in word and any(p.tag.POS == "ADJF" for p in _sing_parses(word, {"ADJF"})):
        return [word]
    return word.split("-")


def _agreeing_cases(parts_parses):
    """Cases in which every word of a phrase agrees (singular, same gender), in a fixed order."""
    pairs = None
    for options in parts_parses:
        found = {(p.tag.case, p.tag.gender) for p in options}
        pairs = found if pairs is None else pairs & found
    return [c for c in CASES if any(case == c for case, _ in pairs or ())]


@lru_cache(maxsize=50_000)
def nominative_phrase(text, case=None):
    """A position or a library in the nominative: the leading adjectives and their noun.

    «заведующей отделом» → «заведующая отделом», «ведущего методиста отдела» → «ведущий
    методист отдела», «Советской сельской библиотекой» → «Советская сельская библиотека».
    Words after the head noun («отделом», «им. …», «Тындинского района») keep their case.
    Returns (phrase, unsure).
    """
    tokens = text.split(" ")
    head = []  # (index, hyphen part index, word)
    for k, token in enumerate(tokens):
        core = _token_core(token)
        if not core or not re.fullmatch(rf"[{UP}{LOW}-]+", core) or core != token.rstrip(",;:"):
            break
        options = [_sing_parses(w, {"NOUN", "ADJF", "PRTF"}) for w in _hyphen_parts(core)]
        if not all(options):
            break
        nouns = [o for o in options[0] if o.tag.POS == "NOUN" and not _proper(o)]
        # «Горицкой» may read as a surname; before a noun it declines as an adjective.
        adjectives = [o for o in options[0] if o.tag.POS in ("ADJF", "PRTF") or _proper(o)]
        if head and nouns and not adjectives:
            previous = [p for _, p in head]
            if not _agreeing_cases([*previous, nouns]):
                break  # «заведующей отделом»: the participle is the head itself
            head.append((k, nouns))
            break
        if nouns and not adjectives:
            head.append((k, nouns))
            break
        if head and adjectives and not _agreeing_cases([*(p for _, p in head), adjectives]):
            break  # «заведующую детским отделом»: «детским» belongs to the next noun
        head.append((k, adjectives or options[0]))
    if not head:
        return text, False
    cases = _agreeing_cases([p for _, p in head])
    if case and case in cases:
        cases = [case]
    if not cases or "nomn" in cases:
        return text, False
    results = {_inflected(tokens, head, c) for c in cases}
    # A guess when the words fit several cases whose nominatives differ.
    return _inflected(tokens, head, cases[0]), len(results) > 1


def _inflected(tokens, head, case):
    tokens = list(tokens)
    genders = None
    for _, options in head:
        found = {p.tag.gender for p in options if p.tag.case == case}
        genders = found if genders is None else (genders & found) or genders
    for k, _ in head:
        token = tokens[k]
        core = _token_core(token)
        words = []
        for w in _hyphen_parts(core):
            options = [p for p in _sing_parses(w, {"NOUN", "ADJF", "PRTF"}) if p.tag.case == case]
            if genders:
                options = [p for p in options if p.tag.gender in genders] or options
            words.append(_nominative_word(options[0], w) if options else w)
        tokens[k] = token.replace(core, "-".join(words), 1)
    return " ".join(tokens)


def town_nominative(word):
    """«Кириллова» → «Кириллов», if pymorphy3 knows the word as a place name."""
    for p in parses(word.lower()):
        if "Geox" in p.tag and "sing" in p.tag:
            return _restore_case(_nominative_word(p, word).lower(), word)
    return ""


def names_an_institution(text):
    """«КГБУ «…»», «Камчатская краевая библиотека им. …», not «Новости библиотеки»."""
    first = _token_core(text.split(" ")[0]) if text else ""
    if is_legal_form(first) or first in LIBRARY_ABBREVIATIONS:
        return True
    for token in text.split(" ")[:6]:
        word = _token_core(token)
        nouns = [p for p in _sing_parses(word, {"NOUN"}) if not _proper(p)]
        if nouns and not _sing_parses(word, {"ADJF"}):
            return _is_institution_noun(_token_core(token))
    return False


def nominative_institution(name):
    """«Центральной детской библиотеки …» → «Центральная детская библиотека …»."""
    if not name or is_legal_form(name.split(" ")[0]) or name[:1] in '«"„':
        return name
    return nominative_phrase(name)[0]


# A trailing place: «…, г. Биробиджан», «… (г. Порхов)», «…, с. Соловьёвск», «…, Псковский район».
TOWN_TAIL_RX = re.compile(
    rf"(?:,\s*|\s*\(\s*|\s+)"
    rf"(?P<town>(?:г\.|гор\.|город|с\.|село|пос\.|п\.|пгт|рп|д\.|ст-ца|х\.)\s*"
    rf"[{UP}][{LOW}]+(?:[-\s][{UP}][{LOW}]+)*"
    rf"|[{UP}][{LOW}]+(?:ий|ый|ой)\s+(?:муниципальный\s+)?(?:район|округ))"
    r"\s*\)?\s*$"
)
TOWN_PREFIX_RX = re.compile(r"^(?:г\.|гор\.|город|с\.|село|пос\.|п\.|пгт|рп|д\.|ст-ца|х\.)\s*")


def split_town(text):
    """(institution, locality) with a trailing «, г. Город» moved out of the name.

    A town written inside the name without a comma («ЦБС г. Чита») stays: it is part of it.
    """
    m = TOWN_TAIL_RX.search(text or "")
    if not m or m.start() == 0:
        return text, ""
    if not re.search(r"[,(]", text[m.start() : m.start("town")]):
        return text, ""
    return text[: m.start()].rstrip(" ,"), TOWN_PREFIX_RX.sub("", m.group("town")).strip()


def _strip_end(text):
    text = text.strip().strip(",;").strip()
    if text.endswith(")") and text.count("(") < text.count(")"):
        text = text[:-1].rstrip()
    if text.endswith("."):
        last = text[:-1].split(" ")[-1]
        if not ((len(last) == 1 and last.isalpha()) or last in ABBREVIATIONS):
            text = text[:-1].rstrip()
    return text.strip().strip(",;").strip()


def department_of(position):
    """The unit named inside a position: «заведующий отделом «Детство»» → «отдел «Детство»»,
    «заведующая детским отделом» → «детский отдел»."""
    d = depths(position)
    for m in DEPARTMENT_RX.finditer(position):
        if d[m.start()]:
            continue
        # Adjectives just before the unit belong to it: «детским отделом».
        start = m.start()
        for word in reversed(re.findall(rf"[{LOW}-]+\s+", position[: m.start()])):
            if not position[:start].endswith(word) or not _sing_parses(word.strip(), {"ADJF"}):
                break
            start -= len(word)
        rest = position[start:]
        end = len(rest)
        rd = depths(rest)
        for i, c in enumerate(rest):
            if c in ",;" and rd[i] == 0:
                end = i
                break
        department = rest[:end].strip()
        if start < m.start():
            return nominative_phrase(department)[0]
        word = m.group()
        for stem, nominative in DEPARTMENT_NOMINATIVE.items():
            if word.lower().startswith(stem):
                department = nominative + department[len(word) :]
                break
        return department
    return ""


@dataclass
class Affiliation:
    position: str = ""
    department: str = ""
    institution: str = ""
    locality: str = ""
    # Fields whose nominative was a guess, for the review page.
    unsure: tuple = ()


def split_affiliation(text, case=None):
    """«position department institution[, г. Город]», in the name's case, in the nominative."""
    # «…, директора МБУК «…», которая представила…»: the relative clause is not a workplace.
    text = _strip_end(re.split(r",?\s+котор\w+\b", text)[0])
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    text, locality = split_town(text)
    start = _institution_start(text)
    if start is None:
        position, institution = text, ""
    else:
        position, institution = text[:start], text[start:]
    position = _strip_end(position).strip("(").strip()
    unsure = []
    if position:
        position, guessed = nominative_phrase(position, case)
        if guessed:
            unsure.append("position")
    institution = nominative_institution(_strip_end(institution).strip("()").strip())
    institution = institution[:1].upper() + institution[1:]
    return Affiliation(position, department_of(position), institution, locality, tuple(unsure))
