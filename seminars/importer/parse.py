"""Turn the paragraphs of a resolution or programme into a seminar draft.

The result serialises to the JSON schema documented in README.md («Импорт резолюций»).
"""

import datetime
import json
import re
from dataclasses import asdict, dataclass, field

from ..templatetags.russian import MONTHS_GENITIVE
from . import gazetteer
from .documents import read_text
from .names import (
    ABBREVIATIONS,
    POSITION_RX,
    UP,
    department_of,
    depths,
    is_legal_form,
    match_name,
    names_an_institution,
    nominative_institution,
    nominative_name,
    nominative_phrase,
    split_affiliation,
    split_town,
    strip_outer_quotes,
    town_nominative,
)


@dataclass
class Speaker:
    last_name: str
    first_name: str
    patronymic: str = ""
    position: str = ""
    institution: str = ""
    department: str = ""
    region: str | None = None
    locality: str = ""
    person_id: int | None = None
    institution_id: int | None = None
    # Fields the parser guessed (a case form, a name that could be a place): staff check them.
    unsure: list[str] = field(default_factory=list)


@dataclass
class Talk:
    title: str
    speakers: list[Speaker] = field(default_factory=list)
    unsure: list[str] = field(default_factory=list)


@dataclass
class ResolutionItem:
    section: str
    text: str


@dataclass
class Resolution:
    preamble: str = ""
    items: list[ResolutionItem] = field(default_factory=list)
    closing: str = ""


@dataclass
class Place:
    name: str
    kind: str  # "region" or "locality"
    region: str | None = None


@dataclass
class Link:
    url: str | None
    title: str = ""


@dataclass
class Seminar:
    title: str = ""
    date: str | None = None
    end_date: str | None = None
    kind: str | None = None
    format: str | None = None
    scope: str | None = None
    organizer: str = ""
    organizer_department: str = ""
    organizer_region: str | None = None
    organizer_locality: str = ""
    organizer_id: int | None = None
    goal: str = ""
    participants_count: int | None = None
    description: str = ""
    places: list[Place] = field(default_factory=list)
    unsure: list[str] = field(default_factory=list)


@dataclass
class ParsedDocument:
    seminar: Seminar
    talks: list[Talk]
    resolution: Resolution
    links: list[Link]

    def to_dict(self):
        return asdict(self)

    def to_json(self, **kwargs):
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    @classmethod
    def from_dict(cls, data):
        s = dict(data.get("seminar") or {})
        s["places"] = [Place(**p) for p in s.get("places") or []]
        resolution = dict(data.get("resolution") or {})
        resolution["items"] = [ResolutionItem(**i) for i in resolution.get("items") or []]
        return cls(
            seminar=Seminar(**s),
            talks=[
                Talk(
                    t["title"],
                    [Speaker(**sp) for sp in t.get("speakers") or []],
                    t.get("unsure") or [],
                )
                for t in data.get("talks") or []
            ],
            resolution=Resolution(**resolution),
            links=[Link(**link) for link in data.get("links") or []],
        )


# --- vocabulary ------------------------------------------------------------------------------

MONTHS = {name: number for number, name in enumerate(MONTHS_GENITIVE, start=1)}
MONTH = "(" + "|".join(MONTHS) + ")"
DASH = r"\s*[–—-]\s*"
DATE_PATTERNS = [
    re.compile(rf"\b(\d{{1,2}}){DASH}(\d{{1,2}})\s+{MONTH}\s+(\d{{4}})", re.I),
    re.compile(rf"\b(\d{{1,2}})\s+{MONTH}{DASH}(\d{{1,2}})\s+{MONTH}\s+(\d{{4}})", re.I),
    re.compile(rf"«?\b(\d{{1,2}})»?\s+{MONTH}\s+(\d{{4}})", re.I),
    re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})(?:" + DASH + r"(\d{1,2})\.(\d{1,2})\.(\d{4}))?"),
    # «17 октября» without the year: a news page gives the year in its own date.
    re.compile(rf"«?\b(\d{{1,2}})»?\s+{MONTH}(?!\s*\d)", re.I),
]

KINDS = [
    ("round_table", r"кругл\w+\s+стол\w*"),
    ("master_class", r"мастер-класс\w*"),
    ("webinar", r"вебинар\w*"),
    ("conference", r"конференци\w+"),
    ("forum", r"форум\w*"),
    ("school", r"\bшкол[аыеуой]\w*"),
    ("seminar", r"семинар\w*"),
]
KIND_RX = re.compile("|".join(f"(?P<{k}>{rx})" for k, rx in KINDS), re.I)
SCOPES = [
    ("interregional", r"межрегиональн"),
    ("international", r"международн"),
    ("federal", r"всероссийск|федеральн|общероссийск"),
    ("regional", r"региональн|областн|краев|республиканск|окружн"),
    ("municipal", r"муниципальн|районн|городск|межпоселенческ"),
]
# A district or regional event gathers the librarians of its own region.
LOCAL_SCOPES = ("municipal", "regional")
FORMATS = [
    ("blended", r"очно-заочн|смешанн|гибридн|очно-дистанционн"),
    ("correspondence", r"заочн"),
    ("online", r"онлайн|дистанционн|видеоконференц|\bzoom\b|вебинар"),
    ("offline", r"очн"),
]
# Tried in order: «Формат проведения: онлайн» before a bare «… формат».
FORMAT_RXS = [
    re.compile(r"(?:формат|форма)\s+проведения\s*[:—–-]?\s*(\S+)", re.I),
    re.compile(r"в\s+формате\s+(\S+)", re.I),
    re.compile(r"(\S+)-формат\w*", re.I),
    re.compile(
        r"(?:проходил\w*|прош(?:ёл|ел|ла|ло|ли)|проведен\w*|состоял\w*)\s+(онлайн|дистанционно|заочно)",
        re.I,
    ),
    re.compile(r"(?:в|во)\s+(\S+?)(?:\s+и\s+\S+)?\s+(?:формат|режим|форм)\w*", re.I),
    re.compile(r"(\S+)\s+формат\w*", re.I),
]
DOC_TYPE_RX = re.compile(
    r"^(резолюция|программа|решение|итоги|отч[её]т|пресс-релиз|информация|протокол|справка|"
    r"информационн\w+ (?:письм|справк)\w+|аналитическ\w+ справк\w+)"
    r"(?![\w-])",
    re.I,
)
MARKER_RX = re.compile(
    r"^(?:(?:\d{1,3}|[а-яa-z])[.)]\s*(?!\d)|[-–—•·*▪●◦]\s+|"
    # the time slot of a programme: «10.00–10.20»
    r"\d{1,2}[.:]\d{2}(?:\s*[–—-]\s*\d{1,2}[.:]\d{2})?\s+)"
)
SPEAKER_KEYWORD_RX = re.compile(
    r"(?:[,.;]\s*|\s+[—–-]\s*|\s*\(\s*)"
    r"(?:докладчи(?:ки|к|цы|ца)|выступающ(?:ий|ая|ие)|спикер(?:ы)?)"
    r"\s*[:—–-]?\s*",
    re.I,
)
ORGANIZER_RX = re.compile(r"организатор\w*\s*(?:семинара|мероприятия)?\s*[:—–-]\s*(.+)", re.I)
TALK_VERB_RX = re.compile(
    r",?\s+(?:представил\w*|выступил\w*|рассказал\w*|сделал\w*|подготовил\w*)\s+"
    r"(?:с\s+)?(?:доклад\w*|сообщени\w*|презентаци\w*|выступлени\w*)?\s*(?:на\s+тему\s*)?"
    r"[:—–-]?\s*(?=[«„\"“])",
    re.I,
)
TALK_FIRST_VERB_RX = re.compile(
    r"^(?:с\s+)?(?:доклад\w*|сообщени\w*|презентаци\w*|выступлени\w*)\s+"
    r"(?P<title>[«„\"“].+?[»“”\"])\s*,?\s*(?:выступил\w*|представил\w*)\s+(?P<speakers>.+)$",
    re.I,
)
SECTIONS = [
    ("proposals", r"предложени[яй]|предложили|предлагают"),
    ("recommendations", r"рекомендова\w*|рекомендаци\w*|рекомендует|рекомендуют"),
    (
        "decisions",
        r"\bрешени[ея]\b|\bрешили\b|\bрешено\b|постановили|\bрешает\b|\bпостановляет\b",
    ),
    ("conclusions", r"определили|\bвыводы?\b|пришли\s+к\s+выводу|констатировали|отметили"),
    ("tasks", r"\bзадач[иа]?\b"),
]
SECTION_RX = re.compile("|".join(f"(?P<{k}>{rx})" for k, rx in SECTIONS), re.I)
CLOSING_STOP_RX = re.compile(
    r"^(участники(?:\s+\S+){1,3}?\s+(?:отметили|выразили|поблагодарили)(?!\s*:)|познакомиться|"
    r"благодар|председатель|секретарь|материалы|запис[ьи])",
    re.I,
)
LINK_HINT_RX = re.compile(
    r"https?://|www\.|youtube|rutube|vk\.com|вконтакте|познакомиться с|\bканал[еау]?\b", re.I
)
SIGNATURE_RX = re.compile(r"^(председатель|секретарь|составитель|исп\.|подготовил)", re.I)
URL_RX = re.compile(r"(?:https?://|www\.)[^\s<>«»\"]+[^\s<>«»\".,;:)!?]")
PLACES_RX = re.compile(
    r"(?:участ\w*|собрал\w*|присоединились)[^.]*?"
    r"(?:специалист\w*|представител\w*|сотрудник\w*|коллег\w*|библиотек\w*)?\s+из\s+",
    re.I,
)


# --- text helpers ----------------------------------------------------------------------------


def rejoin(paragraphs):
    """Glue paragraphs broken in mid-sentence («Выход в» / blank / «медиапространство…»).

    A line whose quote is still open («…: опыт» / «Соловьёвской библиотеки»») goes on in the
    next one too, unless that one starts a new item.
    """
    result = []
    for p in paragraphs:
        p = p.strip()
        if not p:
            continue
        previous = result[-1] if result else ""
        broken = (
            re.search(r"[а-яё,]$", previous)
            and re.match(r"[а-яё]", p)
            and not re.match(rf"(?:г|с|п|пос|д|ст)\.\s*[{UP}]", p)
        )
        open_quote = (
            previous
            and not re.search(r"[.!?;:]$", previous)
            and depths(previous)[-1] > 0
            and not MARKER_RX.match(p)
            and not PROTOCOL_HEADING_RX.match(p)
        )
        if broken or open_quote:
            result[-1] = f"{previous} {p}"
        else:
            result.append(p)
    return result


def strip_marker(p):
    m = MARKER_RX.match(p)
    return (m.group().strip(), p[m.end() :].strip()) if m else ("", p)


def sentence_end(text, start=0):
    """Index just past the full stop that ends the sentence beginning at start."""
    for m in re.finditer(r"[.!?](?=\s+[«„\"“A-ZА-ЯЁ]|\s*$)", text[start:]):
        before = text[start : start + m.start()].split(" ")[-1].lstrip('([«„"“')
        initials = re.fullmatch(r"(?:[А-ЯЁA-Z]\.)*[А-ЯЁA-Z]", before)
        if m.group() == "." and (len(before) == 1 or initials or before.lower() in ABBREVIATIONS):
            continue
        return start + m.end()
    return len(text)


def first_quoted(text):
    """The quoted segment starting at the first opening quote, as (start, end) or None."""
    d = depths(text)
    for i, c in enumerate(text):
        if c in '«„"“' and d[i] == 0 and d[i + 1] == 1:
            for j in range(i + 1, len(text)):
                if d[j + 1] == 0:
                    return i, j + 1
            return i, len(text)
    return None


def parse_date(text, year=None):
    """(date, end_date) as ISO strings from the first date written in text."""
    best = None
    for k, rx in enumerate(DATE_PATTERNS):
        if k == 4 and (year is None or best is not None):
            continue
        m = rx.search(text)
        if m and (best is None or m.start() < best[1].start()):
            best = (k, m)
    if best is None:
        return None, None
    k, m = best
    g = m.groups()
    try:
        if k == 0:
            month, year = MONTHS[g[2].lower()], int(g[3])
            start = datetime.date(year, month, int(g[0]))
            end = datetime.date(year, month, int(g[1]))
        elif k == 1:
            year = int(g[4])
            start = datetime.date(year, MONTHS[g[1].lower()], int(g[0]))
            end = datetime.date(year, MONTHS[g[3].lower()], int(g[2]))
        elif k == 2:
            start = datetime.date(int(g[2]), MONTHS[g[1].lower()], int(g[0]))
            end = None
        elif k == 4:
            start, end = datetime.date(year, MONTHS[g[1].lower()], int(g[0])), None
        else:
            start = datetime.date(int(g[2]), int(g[1]), int(g[0]))
            end = datetime.date(int(g[5]), int(g[4]), int(g[3])) if g[3] else None
    except ValueError:
        return None, None
    return start.isoformat(), end.isoformat() if end and end != start else None


def detect_kind(text):
    """(kind, scope) from the first event word, e.g. «межрегионального семинара»."""
    m = KIND_RX.search(text)
    if not m:
        return None, None
    kind = m.lastgroup
    before = " ".join(text[: m.start()].split()[-3:]).lower()
    for scope, rx in SCOPES:
        if re.search(rx, before):
            return kind, scope
    return kind, None


SCOPE_NOUN_RX = re.compile(
    r"(?:[\w-]+\s+)?(?:методическ\w+\s+)?(?:объединени|совет|совещани|заседани|встреч|чтени|"
    + "|".join(rx for _, rx in KINDS)
    + r")\w*",
    re.I,
)


def detect_scope(text):
    """«районного методического объединения» → municipal: an adjective before an event noun."""
    for m in re.finditer(r"[\w-]+", text):
        for scope, rx in SCOPES:
            if re.search(rx, m.group(), re.I) and SCOPE_NOUN_RX.match(text, m.end() + 1):
                return scope
    return None


def detect_format(text):
    for format_rx in FORMAT_RXS:
        for m in format_rx.finditer(text):
            word, whole = m.group(1).lower(), m.group().lower()
            for fmt, rx in FORMATS:
                if re.search(rx, word) or (fmt == "blended" and re.search(rx, whole)):
                    return fmt
    return None


# --- talks -----------------------------------------------------------------------------------

CONNECTOR_RX = re.compile(r",\s*и\s+|\s+и\s+|,\s*|;\s*")


def parse_speakers(text, case=None, gender=None):
    """Speakers written one after another: «А, должность, и Б, должность, Учреждение».

    case and gender are hints from the words around (a verb «выступила», «слово предоставили»
    takes the dative); names, positions and libraries come back in the nominative.
    """
    text = text.strip().lstrip(":—–-").strip()
    first = match_name(text, 0)
    if not first:
        return []
    found = [(0, 0, *first)]
    d = depths(text)
    pos = first[1]
    while True:
        nxt = None
        for m in CONNECTOR_RX.finditer(text, pos):
            if d[m.start()]:
                continue
            name = match_name(text, m.end())
            if name:
                nxt = (m.start(), m.end(), *name)
                break
        if not nxt:
            break
        found.append(nxt)
        pos = nxt[3]
    speakers = []
    for k, (_, _, written, end) in enumerate(found):
        stop = found[k + 1][0] if k + 1 < len(found) else len(text)
        name, name_case, _ = nominative_name(written, case, gender if len(found) == 1 else None)
        speakers.append(_new_speaker(name, split_affiliation(text[end:stop], name_case)))
    # «А, должность, и Б, должность, Учреждение»: the institution is shared.
    for k, speaker in enumerate(speakers):
        if not speaker.institution:
            later = next((s for s in speakers[k + 1 :] if s.institution), None)
            if later:
                speaker.institution, speaker.locality = later.institution, later.locality
                speaker.region = later.region
    return speakers


def _new_speaker(name, affiliation):
    """The Speaker of a name and its affiliation, placed in the region they point to."""
    return Speaker(
        last_name=name.last_name,
        first_name=name.first_name,
        patronymic=name.patronymic,
        position=affiliation.position,
        institution=affiliation.institution,
        department=affiliation.department,
        locality=affiliation.locality,
        region=gazetteer.region_for(affiliation.institution)
        or gazetteer.region_for(affiliation.locality),
        unsure=[*(["last_name"] if name.unsure else []), *affiliation.unsure],
    )


def _speaker_first(body, case=None, gender=None):
    """«Иванова И. И., должность, Учреждение — «Title»» (dash, colon or full stop)."""
    if not match_name(body, 0):
        return None
    d = depths(body)
    candidates = re.finditer(
        r"\s+[—–-]\s+|:\s+|\.\s+(?=[«„\"“A-ZА-ЯЁ])|,\s+(?=[«„\"“])|" + TALK_VERB_RX.pattern,
        body,
        re.I,
    )
    for m in candidates:
        if d[m.start()] or m.start() == 0:
            continue
        left, right = body[: m.start()], body[m.end() :].strip()
        if not right:
            continue
        if m.group().strip() == "." or m.group().startswith("."):
            before = left.split(" ")[-1]
            if len(before) == 1 or before.lower() in ABBREVIATIONS:
                continue
        if m.group().strip() in "—–-" and not re.match(r"[«„\"“A-ZА-ЯЁ0-9]", right):
            continue  # «Библиотека семейного чтения – филиал №7»
        if match_name(right, 0) and not right.startswith(("«", "„", '"', "“")):
            continue
        speakers = parse_speakers(left, case, gender)
        if speakers:
            return Talk(strip_outer_quotes(right), speakers)
    return None


def parse_talk(p, case=None):
    """A Talk if the paragraph is a talk line, else None."""
    _, body = strip_marker(p)
    if len(body) < 10:
        return None
    gender = _verb_gender(body)
    m = TALK_FIRST_VERB_RX.match(body)
    if m:
        speakers = parse_speakers(m.group("speakers"), case, gender)
        if speakers:
            return Talk(strip_outer_quotes(m.group("title")), speakers)
    m = SPEAKER_KEYWORD_RX.search(body)
    if m and m.start() > 0 and body[m.end() :].strip():
        title = strip_outer_quotes(body[: m.start()])
        rest = body[m.end() :]
        if rest.rstrip(". ").endswith(")") and "(" in body[m.start() : m.end()]:
            rest = rest.rstrip(". ")[:-1]
        return Talk(title, parse_speakers(rest, case, gender))
    talk = _speaker_first(body, case, gender)
    if talk:
        return talk
    if body[:1] in '«„"“':
        quoted = first_quoted(body)
        if quoted:
            rest = body[quoted[1] :]
            rest = re.sub(r"^\s*[,.;:—–-]?\s*\(?", "", rest)
            speakers = parse_speakers(rest, case, gender)
            if speakers:
                return Talk(strip_outer_quotes(body[: quoted[1]]), speakers)
    # An unquoted title, then a dash or colon, then the speaker.
    for sep in re.finditer(r"\s+[—–-]\s+|:\s+", body):
        rest = body[sep.end() :]
        if match_name(rest, 0) and len(body[: sep.start()].split()) >= 2:
            speakers = parse_speakers(rest)
            if speakers:
                return Talk(strip_outer_quotes(body[: sep.start()]), speakers)
    return None


def _title_only(p):
    _, body = strip_marker(p)
    if body[:1] in '«„"“' and not match_name(body, 0):
        quoted = first_quoted(body)
        if quoted and not body[quoted[1] :].strip(" .,"):
            return strip_outer_quotes(body)
    return None


def _speakers_only(p):
    _, body = strip_marker(p)
    body = re.sub(
        r"^(?:докладчи\w*|выступающ\w*|спикер\w*|ведущ\w*)\s*[:—–-]?\s*", "", body, flags=re.I
    )
    if match_name(body, 0) and not _speaker_first(body):
        return parse_speakers(body)
    return []


# --- narrative reports and protocols ---------------------------------------------------------

# A verb of speech in any tense and gender: «выступила», «рассказал», «поделились опытом».
SPEECH_VERB_RX = re.compile(
    r"(?<![\w-])(?:выступ(?:ил|ает|ают|ал)\w*|рассказ(?:ал|ыва)\w*|представ(?:ил|ля)\w*|"
    r"подел(?:ил|ят|ит)\w*|познакоми\w*|ознакоми\w*|знакоми\w*|пров(?:[её]л|ел|од)\w*|"
    r"осветил\w*|сделал\w*|подготовил\w*|презентовал\w*|доложил\w*|сообщил\w*|"
    r"обратил\w*|остановил\w*|раскрыл\w*|продолжил\w*|предостав\w*)(?![\w-])",
    re.I,
)
# Nouns after which the quoted phrase is the talk's title.
TALK_NOUN_RX = re.compile(
    r"(?:доклад|сообщени|выступлени|презентаци|мастер-класс|консультаци|тем[аеуыой]|вопрос|"
    r"информаци|обзор|практикум|лекци|бесед|рекомендаци|урок|тренинг|онлайн-урок|мини-лекци)"
    r"\w*\s*(?:на\s+тему\s*)?[:—–-]?\s*$",
    re.I,
)
# Quoted names that are not talks: a library, a club, a project, a book, the seminar itself.
NOT_TITLE_RX = re.compile(
    r"(?:(?-i:(?<![\w-])[А-ЯЁ]{2,6})|библиотек\w*|клуб\w*|проект\w*|акци\w*|программ\w*|конкурс\w*|"
    r"фестивал\w*|платформ\w*|отдел\w*|сектор\w*|центр\w*|журнал\w*|газет\w*|книг\w*|"
    r"сказк\w*|поэм\w*|роман\w*|повест\w*|студи\w*|кружк?\w*|объединени\w*|семинар\w*|"
    r"конференци\w*|им\.|имени|систем\w*|ресурс\w*|сайт\w*|сообществ\w*|групп\w*|портал\w*)\s*$",
    re.I,
)
MODERATOR_RX = re.compile(r"модератор|председател|секретар|вед(?:ущ\w+|ела|[её]л)\s+семинар", re.I)
# Where an affiliation written after a name ends.
AFTER_AFFILIATION_RX = re.compile(
    r",?\s*(?:котор\w+|выступив|рассказав|представив|отметив|подчеркнув|поделившись|"
    r"(?:с|в)\s+(?:сво\w+\s+)?(?:доклад|сообщени|выступлени|презентаци|информаци)\w*)\b|"
    r"\s+[—–-]\s|\)|;",
    re.I,
)
TALK_NOUN_OPENING_RX = re.compile(
    r"(?:[А-ЯЁ]\w+\s+)?(?:выступлени|доклад|сообщени|презентаци)\w*\s+(?!на\b|о\b|об\b)", re.I
)
PRONOUN_RX = re.compile(r"^(?:[А-ЯЁ]\w*\s+)?(?:она|он|ею|им)\b", re.I)
ABOUT_RX = re.compile(r"(?:рассказал\w*|рассказыва\w*)\s+(об?|обо)\s+([^«„\"“]+?)(?=,\s|$)", re.I)
SLOVO_RX = re.compile(r"предостав\w*\s*$", re.I)
GOVERNING_NOUN_RX = re.compile(
    r"(?:выступлени|сообщени|доклад|информаци|презентаци)[еяюуи]?м?\s*$", re.I
)


def sentences(text):
    """The sentences of a paragraph; initials and «им.», «г.» do not end one."""
    found, start = [], 0
    while start < len(text):
        end = sentence_end(text, start)
        found.append(text[start:end].strip())
        start = end
    return [s for s in found if s]


def quoted_spans(text):
    """(start, end) of every top-level quoted phrase."""
    d = depths(text)
    spans, start = [], None
    for i in range(len(text)):
        if d[i] == 0 and d[i + 1] == 1:
            start = i
        elif start is not None and d[i] >= 1 and d[i + 1] == 0:
            spans.append((start, i + 1))
            start = None
    if start is not None:
        spans.append((start, len(text)))
    return spans


def _verb_gender(text):
    for m in SPEECH_VERB_RX.finditer(text):
        word = m.group().lower()
        if re.search(r"(?:ла|лась)$", word):
            return "femn"
        if re.search(r"(?:[её]л|ил|ал|ял|лся)$", word):
            return "masc"
    return None


def _names_in(text):
    """[(start, end, Name)] of names written outside quotes and not after «им.»."""
    d = depths(text)
    found, pos = [], 0
    for m in re.finditer(rf"(?<![\w.-])[{UP}]", text):
        if m.start() < pos or d[m.start()]:
            continue
        if re.search(r"(?:им\.|имени)\s*(?:[А-ЯЁ]\.\s*)*$", text[: m.start()]):
            continue
        name = match_name(text, m.start())
        if name:
            found.append((m.start(), name[1], name[0]))
            pos = name[1]
    return found


def _title_span(text, exclude=()):
    """The quoted phrase that names the talk, as (start, end), or None."""
    candidates = []
    for start, end in quoted_spans(text):
        if any(a <= start < b for a, b in exclude):
            continue
        before = text[:start].rstrip()
        if TALK_NOUN_RX.search(before):
            return start, end
        if not NOT_TITLE_RX.search(before):
            candidates.append((start, end))
    return candidates[0] if candidates else None


def _affiliation_text(sentence, start, end, lower_bound):
    """(text of position and workplace, its span) around the name at sentence[start:end]."""
    after = sentence[end:]
    if re.match(r"\s*,", after):
        rest = after[re.match(r"\s*,\s*", after).end() :]
        d = depths(rest)
        stop = len(rest)
        for m in AFTER_AFFILIATION_RX.finditer(rest):
            if not d[m.start()]:
                stop = m.start()
                break
        for m in SPEECH_VERB_RX.finditer(rest[:stop]):
            if not d[m.start()]:
                stop = m.start()
                break
        for q_start, _ in quoted_spans(rest[:stop]):
            if not NOT_TITLE_RX.search(rest[:q_start].rstrip()):
                stop = q_start
                break
        text = rest[:stop].strip(" ,")
        if text and (POSITION_RX.match(text) or re.match(r"[«А-ЯЁ]", text)):
            offset = end + (len(after) - len(rest))
            return text, (offset, offset + stop)
    before = sentence[lower_bound:start]
    d = depths(before)
    for m in POSITION_RX.finditer(before):
        if d[m.start()]:
            continue
        text = before[m.start() :].strip(" ,")
        if re.search(r"(?:её|его)\s*$", before[: m.start()]):
            text = f"{text} {_institution_in(sentence)}".strip()
        return text, (lower_bound + m.start(), start)
    return "", (start, start)


def _institution_in(sentence):
    """«Об опыте Кирилловской районной библиотеки рассказала её директор»: the library."""
    m = re.search(r"((?:[А-ЯЁ][\w-]+(?:ой|ей|ого|его)\s+)(?:[\w-]+\s+){0,3}библиотек\w*)", sentence)
    return nominative_institution(m.group(1)) if m else ""


def _speaker(sentence, start, end, written, lower_bound, case=None, gender=None):
    text, span = _affiliation_text(sentence, start, end, lower_bound)
    before = sentence[lower_bound:start]
    hint = case
    if SLOVO_RX.search(before[: span[0] - lower_bound] if span[0] < start else before):
        hint = "datv"
    elif GOVERNING_NOUN_RX.search(sentence[: min(span[0], start)]):
        hint = "gent"
    name, name_case, _ = nominative_name(written, hint, gender)
    if POSITION_RX.match(text):
        text = text[:1].lower() + text[1:]  # «Ведущий методист Н. И. Кожевникова…»
    return _new_speaker(name, split_affiliation(text, name_case)), span


def talk_in_sentence(sentence, previous=None, implicit_verb=False, case=None):
    """(Talk or None, the last person named) for one sentence of a report or protocol entry."""
    sentence = sentence.strip().rstrip(".")
    # «Выступление заведующей … Кравцовой О. И. «…» вызвало интерес»: the noun is the verb.
    verb = SPEECH_VERB_RX.search(sentence) or TALK_NOUN_OPENING_RX.match(sentence)
    names = _names_in(sentence)
    speakers, spans = [], []
    gender = _verb_gender(sentence)
    bound = 0
    for start, end, written in names:
        speaker, span = _speaker(sentence, start, end, written, bound, case, gender)
        speakers.append(speaker)
        spans.append((min(start, span[0]), max(end, span[1])))
        bound = max(end, span[1])
    last = speakers[-1] if speakers else previous
    if not (verb or implicit_verb) or MODERATOR_RX.search(sentence):
        return None, last
    if not speakers:
        if previous is None or not PRONOUN_RX.match(sentence):
            return None, last
        speakers = [previous]
    span = _title_span(sentence, spans)
    unsure = []
    if span:
        title = strip_outer_quotes(sentence[span[0] : span[1]])
    else:
        about = ABOUT_RX.search(sentence)
        if not about:
            return None, last
        title = f"{about.group(1).capitalize()} {about.group(2).strip()}"
        unsure = ["title"]
    talk = Talk(title, speakers[:1] if not implicit_verb else speakers)
    talk.unsure = unsure
    return talk, last


def inline_talks(p):
    """«Тема» (Фамилия И. О., библиотека, город), «Тема» (…) written in one paragraph."""
    talks = []
    for start, end in quoted_spans(p):
        m = re.match(r"\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)", p[end:])
        if m and match_name(m.group(1).strip(), 0):
            speakers = parse_speakers(m.group(1))
            if speakers:
                talks.append(Talk(strip_outer_quotes(p[start:end]), speakers))
    return talks


def narrative_talks(p, previous=None):
    """Talks told sentence by sentence, and the last person named (for «Она выступила…»)."""
    talks = inline_talks(p)
    if len(talks) >= 2:
        return talks, previous
    talks = []
    for sentence in sentences(p):
        talk, previous = talk_in_sentence(sentence, previous)
        if talk:
            talks.append(talk)
    return talks, previous


# --- the whole document ----------------------------------------------------------------------


def section_of(p):
    """The resolution section a heading paragraph opens, or None."""
    marker, body = strip_marker(p)
    if marker and not body.endswith(":"):
        return None
    text = body.rstrip()
    short = len(text.split()) <= 4 and not re.search(r"[.!?;]$", text)
    if not (text.endswith(":") or short):
        return None
    last_sentence = re.split(r"(?<=[.!?])\s+", text)[-1]
    found = list(SECTION_RX.finditer(last_sentence))
    if not found:
        return None
    return found[-1].lastgroup


def _header_block(P, limit):
    """(doc_type index, title index, title) of the heading lines."""
    doc_idx = next((i for i in range(min(limit, 12)) if DOC_TYPE_RX.match(P[i])), None)
    start = doc_idx if doc_idx is not None else 0
    for i in range(start, min(limit, start + 5)):
        p = P[i]
        if re.match(r"^(?:тема\w*\s*(?:семинара|мероприятия)?\s*[:—–-])", p, re.I):
            value = re.sub(r"^тема\w*\s*(?:семинара|мероприятия)?\s*[:—–-]\s*", "", p, flags=re.I)
            return doc_idx, i, strip_outer_quotes(value)
        quoted = first_quoted(p)
        if not quoted:
            continue
        prefix = p[: quoted[0]].strip()
        # «Межрегионального семинара «…»», «РЕЗОЛЮЦИЯ семинара «…»», or a line that is all title.
        if (
            KIND_RX.search(prefix)
            or (prefix and doc_idx is not None and DOC_TYPE_RX.match(prefix))
            or (not prefix and (doc_idx is not None or i <= 3))
        ):
            # A line that is all title stays whole (its quotes may be unbalanced); after
            # «семинара «…»» the rest, such as «, состоявшегося 5 мая», is cut off.
            rest = p[quoted[1] :].rstrip(" .")
            cut = prefix and re.search(r"\w", rest) and not rest.endswith(("»", "“", '"'))
            end = quoted[1] if cut else len(p)
            return doc_idx, i, strip_outer_quotes(p[quoted[0] : end])
    return doc_idx, None, ""


def _title_from_intro(text):
    m = KIND_RX.search(text)
    while m:
        rest = text[m.end() :]
        quoted = re.match(r"\s*(?:на\s+тему\s*)?[:—–-]?\s*", rest)
        after = rest[quoted.end() :]
        q = first_quoted(after)
        if q and q[0] == 0:
            return strip_outer_quotes(after[: q[1]])
        m = KIND_RX.search(text, m.end())
    return ""


def _goal(text):
    m = re.search(
        r"цел(?:ью|ь)\s+(?:которого|которой|семинара|вебинара|конференции|мероприятия|встречи)?"
        r"\s*(?:являлось|являлась|являлся|было|была|стало|является|—|–|-|:)\s*",
        text,
        re.I,
    )
    if not m:
        return ""
    end = sentence_end(text, m.end())
    return text[m.end() : end].rstrip(".").strip()


def _place(item, default_kind_noun=None):
    item = item.strip().strip(".")
    if not item:
        return None
    if default_kind_noun and re.fullmatch(r"[А-ЯЁа-яё-]+(?:ой|ей|ого|его)", item):
        item = f"{item} {default_kind_noun}"
    town = gazetteer.find_town(item)
    region = gazetteer.region_for(item)
    district = re.search(r"([А-ЯЁ][\w-]+?)(?:ого|ий|ом)\s+(?:муниципальн\w+\s+)?район\w*", item)
    if district:
        stem = district.group(1)
        name = f"{stem}ий" if stem.endswith(("ск", "цк")) else f"{stem}ый"
        if "муниципальн" in district.group():
            name += " муниципальный район"
        else:
            name += " район"
        return Place(name, "locality", region)
    if town:
        return Place(town[0], "locality", region or town[1])
    canonical = gazetteer.canonical_region(item)
    if canonical:
        return Place(canonical, "region", canonical)
    # A town the gazetteer does not know yet: pymorphy3 knows most Russian place names.
    if re.fullmatch(rf"[{UP}][\w-]+", item):
        town = town_nominative(item)
        if town:
            return Place(town, "locality", None)
    return None


def _places(text):
    m = PLACES_RX.search(text)
    if not m:
        return []
    end = sentence_end(text, m.end())
    listing = text[m.end() : end].rstrip(".")
    items = [i for i in re.split(r",\s*|\s+и\s+", listing) if i.strip()]
    places = []
    for k, item in enumerate(items):
        noun = None
        if re.fullmatch(r"\s*[А-ЯЁа-яё-]+(?:ой|ей|ого|его)\s*", item):
            # «Ивановской, Орловской и Владимирской областей», «Облученского и … районов»
            for later in items[k + 1 :]:
                tail = re.search(r"(областей|краев|краёв|республик|районов)\s*$", later)
                if tail:
                    noun = {
                        "областей": "области",
                        "республик": "республики",
                        "районов": "района",
                    }.get(tail.group(1), "края")
                    break
        item = re.sub(r"\bобластей\b", "области", item)
        item = re.sub(r"\bкра[её]в\b", "края", item)
        item = re.sub(r"\bрайонов\b", "района", item)
        place = _place(item, noun)
        if place and place not in places:
            places.append(place)
    return places


def _organizer_from_header(header):
    organizer = department = ""
    for p in header:
        text = p.strip().rstrip(".")
        if not organizer and (
            re.search(r"(?<![\w-])(?:[КМГФО]*[БАК]?УК?|МБУ|ГБУ|КГБУ|ФГБУ)(?![\w-])", text)
            or (re.search(r"библиотек|ЦБС", text, re.I) and names_an_institution(text))
        ):
            organizer = text
        elif (
            organizer
            and not department
            and re.match(r"^(?:[\w-]+\s+){0,2}(?:отдел|сектор|центр|ИБЦ|служба)\b", text, re.I)
        ):
            department = text
    return organizer, department


ORGANIZER_PATTERNS = [
    # «24 ноября 2021 года Камчатская краевая детская библиотека организовала семинар»
    r"(?:\d{4}\s+(?:года|г\.)|\d{2}\.\d{2}\.\d{4})\s+(?:на базе\s+)?(?P<name>.+?)\s+"
    r"(?:организовал\w*|провел\w*|провёл\w*|проводил\w*)",
    # «Краевая детская библиотека провела краевой вебинар»
    r"^(?P<name>[А-ЯЁ][^.«»]*?(?:«[^»]*»)?[^.«»]*?)\s+(?:организовал\w*|провел\w*|провёл\w*)",
    # «… на базе ГБУК «…» прошла конференция», «… состоялся на базе МБУК «…», г. Город.»
    r"на\s+базе\s+(?P<name>.+?)(?:\s+(?:прош(?:ла|ел|ёл|ло)|состоял\w*|проходил\w*)|\.?$)",
    # «17 октября в Вологодской областной детской библиотеке прошёл семинар»
    r"(?<![\w-])в\s+(?P<name>(?:[А-ЯЁ][\w-]*\s+)(?:[\w-]+\s+){0,4}?(?:библиотек|ЦБС|центр|музе)\w*"
    r"(?:\s+им(?:\.|ени)\s+(?:[А-ЯЁ]\.\s*){0,2}[А-ЯЁ][\w-]+)?)\s+"
    r"(?:прош(?:ла|ел|ёл|ло)|состоял\w*|проходил\w*)",
]


def _organizer_in(paragraph):
    """The organiser named in one sentence of the intro, in the nominative, or ""."""
    for sentence in sentences(paragraph):
        for pattern in ORGANIZER_PATTERNS:
            m = re.search(pattern, sentence)
            if m and names_an_institution(m.group("name").strip(" ,")):
                return nominative_institution(m.group("name").strip(" ,."))
    return ""


def _organizer_from_intro(paragraphs):
    """(organiser, its department) from the first lines of a report or a protocol."""
    for p in paragraphs:
        m = ORGANIZER_RX.search(p)
        if m:
            # «Организатор: ГБУК «…», отдел методической работы.»
            value = m.group(1).strip().rstrip(".")
            d = depths(value)
            for cut in re.finditer(r",\s*(?=(?:отдел|сектор|центр|служба)\b)", value):
                if not d[cut.start()]:
                    return value[: cut.start()], department_of(value[cut.end() :])
            return value, ""
    for p in paragraphs[:6]:
        # A protocol's letterhead under its heading: «МБУК «ЦБС», г. Холмск».
        if is_legal_form(p.split(" ")[0]) and len(p) < 200 and not p.rstrip().endswith("."):
            return p.strip(), ""
    for p in paragraphs:
        found = _organizer_in(p)
        if found:
            return found, ""
    # «… в КГБУ «…» состоялась конференция»: the first institution of that paragraph.
    for p in paragraphs:
        if not re.search(r"состоял|прош(?:ла|ел|ёл|ло)\b|проходил|организовал|пров[её]л", p):
            continue
        for m in re.finditer(r"(?<![\w-])([А-ЯЁ]{2,7})\s+(?=[«„\"“])", p):
            quoted = first_quoted(p[m.end() :])
            if is_legal_form(m.group(1)) and quoted and quoted[0] == 0:
                return p[m.start() : m.end() + quoted[1]], ""
    return "", ""


def _links(paragraphs):
    links = []
    for p in paragraphs:
        urls = URL_RX.findall(p)
        for url in urls:
            title = p.replace(url, "").strip(" :—–-.")
            links.append(Link(url if "://" in url else f"https://{url}", title))
        if not urls and LINK_HINT_RX.search(p):
            links.append(Link(None, p))
    return links


PROTOCOL_HEADING_RX = re.compile(
    r"^(?:\d{1,2}[.)]\s*)?(?P<word>СЛУШАЛИ|ВЫСТУПИЛИ|ВЫСТУПИЛ[АИ]?|ДОКЛАДЫВАЛ[АИ]?|Слушали|Выступили)"
    r"\s*[:—–-]?\s*(?P<rest>.*)$"
)
AGENDA_RX = re.compile(r"^(?:ПОВЕСТКА(?:\s+ДНЯ)?|Повестка(?:\s+дня)?)\s*[:.]?\s*$")
INLINE_SECTION_RX = re.compile(
    r"^(?:\d{1,2}[.)]\s*)?(?:решили|постановили|решение|постановлено|решено)"
    r"\s*:\s*(?P<text>\S.*)$",
    re.I,
)
SERVICE_RX = re.compile(
    r"^(?:присутствовал\w*|присутствует|отсутствовал\w*|приглашен\w*|приглашён\w*|"
    r"председател\w*|секретар\w*|модератор\w*|"
    r"ведущ(?:ая|ий)\s+(?:семинара|вебинара|круглого|встречи|заседания)|"
    r"дата\s+проведения|место\s+проведения|"
    r"форма\s+проведения|формат\s+проведения|время\s+проведения|организатор\w*)\b",
    re.I,
)
PARTICIPANTS_RX = re.compile(
    r"(?:участ\w*|присутствовал\w*|подключил\w*|собрал\w*|присоединил\w*)[^.\d]{0,60}?"
    r"(\d{1,4})\s+(?:человек|специалист|библиотекар|участник|представител|сотрудник|работник|"
    r"коллег|слушател|педагог)|"
    r"(\d{1,4})\s+(?:человек|специалист|библиотекар|участник|представител|сотрудник|работник|"
    r"коллег|слушател|педагог)\w*[^.\d]{0,40}?(?:участ\w*|присутствовал\w*|подключил\w*|собрал\w*)",
    re.I,
)


def _participants(text):
    m = PARTICIPANTS_RX.search(text)
    return int(m.group(1) or m.group(2)) if m else None


def _protocol_talks(text, case):
    """Talks of one entry under «СЛУШАЛИ:» / «ВЫСТУПИЛИ:»: the verb is the heading."""
    _, body = strip_marker(text)
    talk = parse_talk(body, case)
    if talk:
        return [talk]
    talk, _ = talk_in_sentence(body, implicit_verb=True, case=case)
    return [talk] if talk else []


def _sentence_case(title):
    """«ЧИТАЕМ ВМЕСТЕ: ФОРМЫ…» → «Читаем вместе: формы…» (proper names then need a look)."""
    letters = [c for c in title if c.isalpha()]
    if len(letters) < 4 or not all(c.isupper() for c in letters):
        return title, False
    lowered = title.lower()
    return lowered[:1].upper() + lowered[1:], True


def parse_paragraphs(paragraphs):
    P = rejoin(paragraphs)
    protocol = any(PROTOCOL_HEADING_RX.match(p) for p in P)

    talks, talk_idx, skipped = [], [], set()
    resolution = Resolution()
    resolution_start = last_item = None
    previous = None
    i = 0

    def add(found, index):
        talks.extend(found)
        talk_idx.extend([index] * len(found))

    while i < len(P):
        p = P[i]
        if AGENDA_RX.match(p):
            skipped.add(i)
            i += 1
            while i < len(P) and strip_marker(P[i])[0] and not PROTOCOL_HEADING_RX.match(P[i]):
                skipped.add(i)
                i += 1
            continue
        heading = PROTOCOL_HEADING_RX.match(p)
        if heading:
            # «СЛУШАЛИ: Петрову Светлану Игоревну» names the speaker in the accusative.
            case = "accs" if heading.group("word").lower() == "слушали" else None
            add(_protocol_talks(heading.group("rest"), case) if heading.group("rest") else [], i)
            skipped.add(i)
            i += 1
            while i < len(P) and not (
                PROTOCOL_HEADING_RX.match(P[i])
                or section_of(P[i])
                or INLINE_SECTION_RX.match(P[i])
                or SIGNATURE_RX.match(P[i])
            ):
                found = _protocol_talks(P[i], case)
                if not found:
                    break
                add(found, i)
                i += 1
            continue
        inline = INLINE_SECTION_RX.match(p)
        if inline and (talks or protocol):
            resolution_start = i if resolution_start is None else resolution_start
            resolution.items.append(ResolutionItem("decisions", inline.group("text")))
            last_item = i
            i += 1
            continue
        section = section_of(p)
        if section and (talks or protocol):
            if resolution_start is None:
                resolution_start = i
                between = [
                    P[k]
                    for k in range((talk_idx[-1] + 1) if talk_idx else 0, i)
                    if k not in skipped and not section_of(P[k])
                ]
                if len(p.split()) > 4:
                    resolution.preamble = p
                elif between and talks:
                    resolution.preamble = "\n\n".join(between)
            i += 1
            marked = None
            while i < len(P) and not section_of(P[i]) and not PROTOCOL_HEADING_RX.match(P[i]):
                marker, body = strip_marker(P[i])
                if marked is None:
                    marked = bool(marker)
                if (marked and not marker) or (not marked and CLOSING_STOP_RX.match(P[i])):
                    break
                resolution.items.append(ResolutionItem(section, body))
                last_item = i
                i += 1
            if not protocol and i < len(P) and not section_of(P[i]):
                break
            continue
        if SERVICE_RX.match(p) or SIGNATURE_RX.match(p):
            # «Модератор – Иванова И. И.», «Председатель …»: never a speaker.
            i += 1
            continue
        if resolution_start is None or protocol:
            single = MARKER_RX.match(p) or len(sentences(p)) == 1
            talk = parse_talk(p) if single else None
            if talk:
                add([talk], i)
                previous = talk.speakers[-1] if talk.speakers else previous
                i += 1
                continue
            title = _title_only(p)
            if title and i + 1 < len(P):
                speakers = _speakers_only(P[i + 1])
                if speakers:
                    add([Talk(title, speakers)], i)
                    talk_idx.append(i + 1)
                    i += 2
                    continue
            found, previous = narrative_talks(p, previous)
            add(found, i)
        i += 1
    if not talks:
        resolution_start = next((k for k, p in enumerate(P) if section_of(p)), None)
    first_talk = talk_idx[0] if talk_idx else (resolution_start or len(P))

    # Heading, title, kind and dates.
    doc_idx, title_idx, title = _header_block(P, first_talk)
    header = P[: doc_idx if doc_idx is not None else (title_idx or 0)]
    intro_start = (title_idx + 1) if title_idx is not None else len(header)
    if doc_idx is not None and title_idx is None:
        intro_start = doc_idx + 1
    intro = [P[k] for k in range(intro_start, first_talk) if k not in skipped]
    if intro and talk_idx and intro[-1].endswith(":"):
        intro = intro[:-1]  # «В ходе семинара были заслушаны выступления:»
    heading_text = " ".join(P[doc_idx if doc_idx is not None else 0 : intro_start])
    intro_text = " ".join(intro)
    seminar = Seminar()
    if not title:
        title = _title_from_intro(intro_text)
    if not title and doc_idx is not None and re.match(r"протокол", P[doc_idx], re.I):
        # «ПРОТОКОЛ / заседания методического совета» → «Заседание методического совета».
        line = P[doc_idx + 1] if doc_idx + 1 < len(P) else ""
        if re.match(r"[а-яё]", line):
            title = nominative_phrase(line)[0]
            title = title[:1].upper() + title[1:]
            seminar.unsure.append("title")
    title, guessed = _sentence_case(title)
    if guessed:
        seminar.unsure.append("title")
    seminar.title = title
    seminar.kind, seminar.scope = detect_kind(heading_text)
    if not seminar.kind:
        seminar.kind, seminar.scope = detect_kind(intro_text)
    if not seminar.scope:
        seminar.scope = detect_scope(heading_text) or detect_scope(intro_text)
    # A news page's own date line comes before the title: the event's date is in the text.
    year = _page_year(header)
    own_heading = " ".join(P[len(header) : intro_start])
    for text in (own_heading, intro_text, " ".join(header)):
        seminar.date, seminar.end_date = parse_date(text, year)
        if seminar.date:
            break
    seminar.format = detect_format(heading_text + " " + intro_text)
    if not seminar.format and seminar.kind == "webinar":
        seminar.format = "online"
    seminar.organizer, seminar.organizer_department = _organizer_from_header(header)
    if not seminar.organizer:
        seminar.organizer, seminar.organizer_department = _organizer_from_intro(
            [heading_text, *intro]
        )
    seminar.organizer, seminar.organizer_locality = split_town(seminar.organizer)
    seminar.organizer_locality = _canonical_town(seminar.organizer_locality)
    # The organiser's own name may not say where it is; the letterhead or the place line may.
    place_line = [p for p in intro[:1] if len(p) < 80]
    seminar.organizer_region = (
        gazetteer.region_for(seminar.organizer)
        or gazetteer.region_for(seminar.organizer_locality)
        or gazetteer.region_for(" ".join(header))
        or gazetteer.region_for(" ".join(place_line))
    )
    if seminar.organizer_region is None and seminar.scope not in (
        "interregional",
        "federal",
        "international",
    ):
        # «… для библиотекарей Вологодской области»: a local event names its own region.
        seminar.organizer_region = gazetteer.region_for(intro[0] if intro else "")
    known = {sp.region for talk in talks for sp in talk.speakers if sp.region}
    if seminar.organizer_region is None and len(known) == 1 and seminar.scope in LOCAL_SCOPES:
        # A local event whose speakers all come from one region is held in it; staff confirm.
        seminar.organizer_region = known.pop()
        seminar.unsure.append("organizer_region")
    organizer_key = gazetteer.fold(strip_outer_quotes(seminar.organizer))
    # A district or regional seminar, or a protocol, gathers its own region's librarians.
    local = seminar.scope in LOCAL_SCOPES or protocol
    for talk in talks:
        for speaker in talk.speakers:
            speaker.locality = _canonical_town(speaker.locality)
            same = gazetteer.fold(strip_outer_quotes(speaker.institution)) == organizer_key
            if speaker.region is None and (same or local):
                speaker.region = seminar.organizer_region
    seminar.goal = _goal(intro_text)
    seminar.participants_count = _participants(intro_text)
    seminar.places = _places(intro_text)
    for place in seminar.places:
        if place.region is None and local:
            place.region = seminar.organizer_region

    # Resolution: the closing after the last item; what follows the talks otherwise.
    tail_start = max([k + 1 for k in talk_idx] + [(last_item or 0) + 1 if last_item else 0])
    if resolution_start is None:
        tail_start = (talk_idx[-1] + 1) if talk_idx else first_talk
    trailing = [P[k] for k in range(tail_start, len(P)) if k not in skipped]
    closing = [
        p
        for p in trailing
        if not (LINK_HINT_RX.search(p) or SIGNATURE_RX.match(p) or section_of(p))
        and not parse_talk(p)
    ]
    if resolution.items:
        resolution.closing = "\n\n".join(closing)
    seminar.description = _description(intro, seminar, [] if resolution.items else closing)

    links = _links(trailing if resolution_start is not None else P[first_talk:])
    links += [link for link in _links(intro) if link.url and link not in links]
    return ParsedDocument(seminar=seminar, talks=talks, resolution=resolution, links=links)


def _description(intro, seminar, after):
    """The intro without what became a field: the date line, the goal, service lines."""
    kept = []
    for p in [*intro, *after]:
        if (
            SERVICE_RX.match(p)
            or ORGANIZER_RX.match(p)
            or (LINK_HINT_RX.search(p) and URL_RX.search(p))
        ):
            continue
        if len(p) < 80 and parse_date(p)[0] and not re.search(r"[.!?]$", p):
            continue  # «с. Соловьёвск, 16.04.2024»
        parts = [
            s
            for s in sentences(p)
            if not (seminar.goal and seminar.goal in s)
            and not (
                seminar.date and parse_date(s)[0] == seminar.date and SEMINAR_EVENT_RX.search(s)
            )
        ]
        if parts:
            kept.append(p if len(parts) == len(sentences(p)) else " ".join(parts))
    return "\n\n".join(kept)


SEMINAR_EVENT_RX = re.compile(
    r"состоял\w*|прош(?:ла|ел|ёл|ло|ли)\b|проходил\w*|организовал\w*|пров[её]л\w*|"
    r"провела|провели|открыл\w*",
    re.I,
)


def _canonical_town(name):
    town = gazetteer.find_town(name) if name else None
    return town[0] if town and gazetteer.fold(town[0]) == gazetteer.fold(name) else name


def _page_year(header):
    """The year of a news page's own date, for a report that gives «17 октября» only."""
    for p in header:
        m = re.search(r"\b(?:\d{1,2}\.\d{1,2}\.|\d{1,2}\s+\w+\s+)(\d{4})\b", p)
        if m:
            return int(m.group(1))
    return None


def parse_text(text):
    return parse_paragraphs(read_text(text))
