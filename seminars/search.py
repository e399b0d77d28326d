"""Full-text search in Russian: the engine behind /search/ and the talks filter's text box.

Both databases cut the query into words (letters and digits only, so no quote, operator, `%` or
backslash ever reaches SQL), fold case and ё/е, drop Russian stop words and match each word's
Snowball stem as the *prefix* of a document word: «библиотеками» → «библиотек» finds «Библиотека»,
«Ёлки» → «елк» finds «ёлка» and «Ёлкина». All words must match; if that finds nothing anywhere,
any word may match (visitors type «соцсети для подростков»).

PostgreSQL: stored `search_vector` columns (GIN, kept current by the triggers of migration
seminars.0004_search_triggers) with the `russian` configuration; each word goes through
`plainto_tsquery` and gets the prefix flag `:*`; ranking by `ts_rank` (weights A title, B abstract,
C speaker, D library) with date as tie-break; `ts_headline` snippets; `pg_trgm` for surname typos.

SQLite: the same words as Unicode-aware, case-insensitive regular expressions (`\\bстем`) on the
live columns, so renames show at once and nothing has to be kept in sync. Python's Snowball stemmer
is the algorithm PostgreSQL's `russian` configuration uses, so both databases agree on the demo
data (tests/seminars/test_search.py keeps the table).
"""

import difflib
import operator
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, reduce

import snowballstemmer
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchQueryField,
    SearchRank,
)
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.utils.html import escape
from django.utils.safestring import mark_safe

from config.cache import kept
from config.compiled import Compiled
from config.lookups import AnyOf
from config.text import fold
from libraries.models import Library, library_title
from people.models import Person, full_name, short_name

from .models import ResolutionItem, Seminar, Talk, TalkSpeaker
from .rows import seminar_url, slug_url

CONFIG = "russian"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MIN_TERM_LENGTH = 2

# PostgreSQL's russian.stop (the Snowball list): the same words are dropped on SQLite.
_STOP_WORDS = """и в во не что он на я с со как а то все она так его но да ты к у же вы за бы
    по только ее мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был
    него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней
    для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того
    потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем
    всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего
    них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя
    такой им более всегда конечно всю между"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
_WORD_RE = re.compile(r"[^\W_]+")
_LAST_WORD_RE = re.compile(r"[^\W_]+$")
_RUSSIAN = snowballstemmer.stemmer("russian")
_ENGLISH = snowballstemmer.stemmer("english")
# Highlight markers from ts_headline: private-use characters, replaced after escaping.
_START, _STOP = "\ue000", "\ue001"


@dataclass
class Query:
    """What a visitor typed, cut into searchable words, with a message when there is nothing."""

    text: str
    terms: list[str]
    message: str = ""
    notes: list[str] = field(default_factory=list)

    def __bool__(self):
        return bool(self.terms)

    # Cached: the results page highlights the query in a hundred names and titles.
    @cached_property
    def stems(self):
        return [_stem(term) for term in self.terms]

    @cached_property
    def words(self):
        """Whole words starting with a stem, for highlighting."""
        return re.compile(
            "|".join(_pattern(stem) + r"\w*" for stem in self.stems), flags=re.IGNORECASE
        )


def _stem(term):
    """The stem PostgreSQL's `russian` configuration would index: its parser sends Latin words to
    the English Snowball stemmer, words with digits to no stemmer, the rest to the Russian one."""
    if any(char.isdigit() for char in term):
        return term
    return (_ENGLISH if term.isascii() else _RUSSIAN).stemWord(term)


def parse(raw):
    text = unicodedata.normalize("NFC", (raw or "").strip())
    notes = []
    if len(text) > MAX_QUERY_LENGTH:
        cut = text[:MAX_QUERY_LENGTH]
        # Not half a word: «…маяк ма» would look for everything starting with «ма».
        if _WORD_RE.match(text, MAX_QUERY_LENGTH):
            cut = _LAST_WORD_RE.sub("", cut).rstrip() or cut
        text = cut
        notes.append(f"Запрос слишком длинный: искали по первым {MAX_QUERY_LENGTH} символам.")
    words = [fold(word) for word in _WORD_RE.findall(text)]
    # A stem of one letter («ая» → «а») as a prefix would match half the archive.
    long_enough = [word for word in words if len(_stem(word)) >= MIN_TERM_LENGTH]
    terms = []
    for word in long_enough:
        if word not in STOP_WORDS and word not in terms:
            terms.append(word)
    if len(terms) > MAX_TERMS:
        terms = terms[:MAX_TERMS]
        notes.append(f"Учтены только первые {MAX_TERMS} слов запроса.")
    if terms:
        message = ""
    elif not text:
        message = "Введите слово для поиска: тему доклада, фамилию, название библиотеки."
    elif not words:
        message = "В запросе нет букв или цифр — искать нечего."
    elif not long_enough:
        message = "Слишком короткий запрос: введите слово целиком."
    else:
        message = "Запрос состоит только из служебных слов («и», «в», «для»…) — уточните его."
    return Query(text=text, terms=terms, message=message, notes=notes)


def _is_postgresql():
    return connection.vendor == "postgresql"


# PostgreSQL ------------------------------------------------------------------------------------


class PrefixQuery(SearchQuery):
    """`plainto_tsquery('russian', word)` with the prefix flag when it yields a single lexeme.

    The user's word only ever passes through plainto_tsquery; `:*` is added to its output.
    """

    def __init__(self, term):
        super().__init__(term, config=CONFIG, search_type="plain")

    def as_sql(self, compiler, connection, function=None, template=None):
        sql, params = super().as_sql(compiler, connection, function, template)
        return (
            f"(CASE WHEN numnode({sql}) = 1 THEN ({sql}::text || ':*')::tsquery ELSE {sql} END)",
            [*params, *params, *params],
        )


def _tsquery(query, any_term):
    return reduce(operator.or_ if any_term else operator.and_, map(PrefixQuery, query.terms))


class FoldedLastName(Func):
    """translate(lower(last_name), 'ё', 'е'): the expression of the trigram index."""

    template = "translate(lower(%(expressions)s), 'ё', 'е')"


class TrigramMatch(Func):
    """`a % b` of pg_trgm, which can use the trigram index (a similarity() filter cannot)."""

    arg_joiner = " %% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class TrigramSimilarity(Func):
    function = "similarity"
    output_field = FloatField()


class Match(Func):
    """`vector @@ query` for a query expression that Django's `exact` lookup would re-wrap."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class RegionQuery(Func):
    """The query's words within these regions, as `Talk.region_search` holds them
    (`seminars_region_tsquery()` of migration seminars.0015_talk_region_search)."""

    function = "seminars_region_tsquery"
    template = "%(function)s(%(expressions)s::bigint[])"
    output_field = SearchQueryField()

    def __init__(self, tsquery, regions):
        super().__init__(tsquery, Value(list(regions), output_field=ArrayField(BigIntegerField())))


def _headline(expression, tsquery, **options):
    return SearchHeadline(
        expression, tsquery, config=CONFIG, start_sel=_START, stop_sel=_STOP, **options
    )


# SQLite ----------------------------------------------------------------------------------------


def _pattern(stem):
    """`\\b` + the stem, ё and е alike; Django's iregex adds (?i) and Python's re does the rest."""
    return r"\b" + "".join("[её]" if char == "е" else re.escape(char) for char in stem)


def _person_q(pattern, prefix=""):
    """A person's name as indexed: surname always, first name and patronymic only with consent."""
    return Q(**{f"{prefix}last_name__iregex": pattern}) | Q(
        Q(**{f"{prefix}first_name__iregex": pattern})
        | Q(**{f"{prefix}patronymic__iregex": pattern}),
        **{f"{prefix}consent": Person.Consent.GIVEN},
    )


def _library_q(pattern, prefix=""):
    return Q(**{f"{prefix}name__iregex": pattern}) | Q(**{f"{prefix}short_name__iregex": pattern})


def _talk_fields(pattern):
    speakers = TalkSpeaker.objects.filter(talk=OuterRef("pk"))
    return [
        (1.0, Q(title__iregex=pattern)),
        (0.4, Q(abstract__iregex=pattern)),
        (0.2, Q(Exists(speakers.filter(_person_q(pattern, "person__"))))),
        (0.1, Q(Exists(speakers.filter(_library_q(pattern, "library__"))))),
    ]


def _seminar_fields(pattern):
    return [
        (1.0, Q(title__iregex=pattern)),
        (0.4, Q(goal__iregex=pattern) | Q(description__iregex=pattern)),
        (0.1, _library_q(pattern, "organizer__")),
    ]


def _person_fields(pattern):
    given_names = Q(first_name__iregex=pattern) | Q(patronymic__iregex=pattern)
    return [
        (1.0, Q(last_name__iregex=pattern)),
        (0.4, given_names & Q(consent=Person.Consent.GIVEN)),
    ]


def _library_fields(pattern):
    return [(1.0, _library_q(pattern))]


def _item_fields(pattern):
    return [(1.0, Q(text__iregex=pattern))]


FIELDS = {
    Talk: _talk_fields,
    Seminar: _seminar_fields,
    Person: _person_fields,
    Library: _library_fields,
    ResolutionItem: _item_fields,
}


# Both ------------------------------------------------------------------------------------------


def matching(queryset, query, any_term=False, regions=None):
    """`queryset` narrowed to records matching `query`, annotated with `search_rank`.

    `regions` (talks on PostgreSQL only): keys of regions one of whose libraries a speaker of the
    talk represented — the region filter and the text in one lookup of `Talk.region_search`.
    """
    if _is_postgresql():
        tsquery = _tsquery(query, any_term)
        if regions:
            queryset = queryset.filter(Match(F("region_search"), RegionQuery(tsquery, regions)))
        else:
            queryset = queryset.filter(search_vector=tsquery)
        return queryset.annotate(search_rank=SearchRank(F("search_vector"), tsquery))
    fields_of = FIELDS[queryset.model]
    conditions, rank = [], Value(0.0)
    for stem in query.stems:
        fields = fields_of(_pattern(stem))
        conditions.append(reduce(operator.or_, (condition for _, condition in fields)))
        for weight, condition in fields:
            rank += Case(When(condition, then=Value(weight)), default=Value(0.0))
    condition = reduce(operator.or_ if any_term else operator.and_, conditions)
    return queryset.filter(condition).annotate(search_rank=rank)


def ranked(queryset, query, any_term, candidates_order, candidates):
    """Records matching `query`, annotated with `search_rank`: the first `candidates` matches in
    `candidates_order`, ranked.

    Ranking reads every match's vector, and a common word («чтения») is in a third of a national
    archive: 360,000 talks to rank for 21 hits, 0.6 s at 1M talks. The first matches in an order
    an index can walk (newest talks and seminars, latest added resolution items, people and
    libraries) are found at once, and only those are ranked; a word with fewer matches is ranked
    in full. Either way the cost is bounded: PostgreSQL walks the index while matches are common
    (about `candidates` / their share of the rows) and reads them all from the GIN index when they
    are few. At 1M talks a word in 1 % of them took 34 ms to find its newest 500 and takes 8 ms
    for 100 (docs/performance.md).

    The walk assumes matches are spread along the order. A surname's people are not spread along
    the alphabet: walked by name, «Ёлкина» read 56,000 people first (38 ms), «Яковлева» 106 ms;
    so people and libraries are walked in the order they were added.
    """
    candidates = (
        matching(queryset, query, any_term).order_by(*candidates_order).values("pk")[:candidates]
    )
    if _is_postgresql():
        # The candidates are known to match: filtering them again only made planning slower.
        rank = SearchRank(F("search_vector"), _tsquery(query, any_term))
        return queryset.model.objects.filter(pk__in=candidates).annotate(search_rank=rank)
    return matching(queryset.filter(pk__in=candidates), query, any_term)


def any_term_needed(raw, queryset=None):
    """Whether `raw` has several words that no talk in `queryset` has all together."""
    query = parse(raw)
    if len(query.terms) < 2:
        return False
    queryset = Talk.objects.published() if queryset is None else queryset
    return not matching(queryset, query).exists()


def filter_talks(queryset, raw, any_term=None, regions=None):
    """For the talks FilterSet's text box: matching talks annotated with `search_rank`, best first,
    newest first on a tie.

    All words must match, or any word when `any_term` (by default: when all together find no talk
    in `queryset`). Text with no searchable word («и», «!!!») matches nothing; no text, everything.
    `regions`: talks of these regions only, on PostgreSQL (see `matching`).
    """
    query = parse(raw)
    if not query:
        return queryset.none() if query.text else queryset
    if any_term is None:
        any_term = any_term_needed(raw, queryset)
    return matching(queryset, query, any_term, regions).order_by(
        "-search_rank", "-seminar_date", "-seminar_id", "order"
    )


def highlight(text, query):
    """`text` escaped, with words starting with a query stem wrapped in <mark>."""
    if not text:
        return ""
    if not query:
        return escape(text)
    parts, last = [], 0
    for found in query.words.finditer(text):
        parts += [escape(text[last : found.start()]), f"<mark>{escape(found.group())}</mark>"]
        last = found.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))


def excerpt(text, query, words=30):
    """About `words` words of `text` around its first match, highlighted; '' without a match."""
    if not text or not query:
        return ""
    alternatives = "|".join(_pattern(stem) for stem in query.stems)
    found = re.search(alternatives, text, flags=re.IGNORECASE)
    if not found:
        return ""
    before = list(re.finditer(r"\S+", text[: found.start()]))
    lead = words // 3
    start = before[-lead].start() if len(before) > lead else 0
    after = list(re.finditer(r"\S+", text[start:]))
    end = start + after[words - 1].end() if len(after) > words else len(text)
    shown = text[start:end]
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{highlight(shown, query)}{suffix}")


def _marked(headline):
    """A ts_headline result escaped first, then its markers turned into <mark>."""
    if not headline:
        return ""
    return mark_safe(escape(headline).replace(_START, "<mark>").replace(_STOP, "</mark>"))


@dataclass(frozen=True)
class Extent:
    """How many hits a group shows, and how many of its first matches are ranked to pick them."""

    hits: int
    candidates: int


# Every group on one page: its 5 best hits among its first 20 matches (see `ranked`).
OVERVIEW = Extent(hits=5, candidates=20)
# One group's own page (?group=…): 20 hits among 100.
ONE_GROUP = Extent(hits=20, candidates=100)


@dataclass
class Group:
    key: str
    title: str
    hits: list
    more: bool = False
    fuzzy: bool = False


@dataclass
class Results:
    query: Query
    groups: list[Group]
    any_term: bool = False
    suggestion: str = ""
    # The key of the one group searched, None for the overview of all.
    group: str | None = None

    @property
    def total(self):
        return sum(len(group.hits) for group in self.groups)

    def keys(self, fuzzy=False):
        """{group key: [str(record), …]} of exact hits: what the parity tests compare."""
        return {
            group.key: [str(hit.record) for hit in group.hits]
            for group in self.groups
            if fuzzy or not group.fuzzy
        }


@dataclass
class Hit:
    record: object
    title: str
    snippet: str = ""
    url: str = ""
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Ranking:
    """Which records a search shows, best first: its groups' keys (one more than an extent's hits
    tells that there are more), whether any word was enough, and the typo fallback's findings."""

    keys: dict[str, list[int]]
    any_term: bool = False
    # The people's keys are surnames similar to the words, not matches.
    fuzzy: bool = False
    suggestion: str = ""


# The tie-breaks after rank; for talks and seminars also which matches `ranked()` keeps.
# Newest first as the talk_published_newest index walks: by date, then the newest seminar.
# People and libraries: which matches are ranked (LATEST_ADDED), then shown by name.
TALK_ORDER = ("-seminar_date", "-seminar_id", "order")
SEMINAR_ORDER = ("-start_date", "-id")
ITEM_ORDER = ("-resolution__seminar__start_date", "resolution_id", "order")
NAME_ORDER = ("sort_key", "id")
LATEST_ADDED = ("-id",)


# Hits read neither the records' search vectors nor a seminar's long texts they do not show.
SEMINAR_TEXTS = ("search_vector", "goal", "description")
LIBRARY_VECTORS = ("search_vector", "parent__search_vector", "parent__parent__search_vector")


def _of(relation, fields):
    return [f"{relation}__{name}" for name in fields]


# The talk hits' speakers as values, one prepared statement: as records, with their libraries'
# parents, they were 37 of a search's 49 records and took longer to build than to find.
TALK_SPEAKERS = Compiled(
    lambda keys: (
        TalkSpeaker.objects.filter(AnyOf(F("talk_id"), keys))
        .order_by("talk_id", "order", "id")
        .values_list(
            "talk_id",
            "person__last_name",
            "person__first_name",
            "person__patronymic",
            "person__slug",
            "person__consent",
            "library__slug",
            "library__is_published",
            # A library's name carries its parents' (a branch of a branch: two levels up).
            *[
                f"library{'__parent' * level}__{name}"
                for level in range(3)
                for name in ("legal_form", "name")
            ],
        )
    ),
    list,
)


@dataclass(slots=True, frozen=True)
class Named:
    """A speaker or a library in a talk hit: the name as shown, and its page if it has one."""

    title: str
    url: str = ""


def _speakers(talk_keys, query):
    """{talk key: [(speaker, library or None), …]} in programme order, as `Named`."""
    library_url = slug_url("libraries:library_detail")
    speakers = {}
    for row in TALK_SPEAKERS(talk_keys):
        # The columns of TALK_SPEAKERS: the talk, the person's five, the library's two, the names.
        talk, person, (slug, published), names = row[0], row[1:6], row[6:8], row[8:]
        library = None
        if slug is not None:
            levels = zip(names[::2], names[1::2], strict=True)
            title = " ".join(library_title(*level) for level in levels if level[1] is not None)
            library = Named(highlight(title, query), library_url(slug) if published else "")
        speakers.setdefault(talk, []).append((Named(*_shown_name(*person, query)), library))
    return speakers


def _seminar_url(seminar):
    # The records' get_absolute_url() without a reverse() for each of a hundred hits.
    return seminar_url(seminar.start_date, seminar.slug)


def _talk_rows(keys, tsquery):
    talks = (
        Talk.objects.filter(AnyOf(F("pk"), keys))
        .select_related("seminar")
        .defer("search_vector", "region_search", *_of("seminar", SEMINAR_TEXTS))
    )
    if tsquery is None:
        return talks
    # The headline is the abstract the hit shows.
    return talks.defer("abstract").annotate(
        title_headline=_headline("title", tsquery, highlight_all=True),
        abstract_headline=_headline("abstract", tsquery, max_fragments=2, max_words=30),
    )


def _talk_hits(talks, query):
    speakers = _speakers([talk.pk for talk in talks], query)
    hits = []
    for talk in talks:
        if _is_postgresql():
            title = _marked(talk.title_headline)
            snippet = _marked(talk.abstract_headline) if _START in talk.abstract_headline else ""
        else:
            title, snippet = highlight(talk.title, query), excerpt(talk.abstract, query)
        hits.append(
            Hit(
                talk,
                title,
                snippet,
                f"{_seminar_url(talk.seminar)}#talk-{talk.order}",
                {"seminar": talk.seminar, "speakers": speakers.get(talk.pk, [])},
            )
        )
    return hits


def _seminar_rows(keys, tsquery):
    seminars = (
        Seminar.objects.filter(AnyOf(F("pk"), keys))
        .select_related("organizer", "organizer__parent")
        .defer("search_vector", *_of("organizer", LIBRARY_VECTORS[:2]))
    )
    if tsquery is None:
        return seminars
    texts = Func(Value(" "), "goal", "description", function="concat_ws", output_field=TextField())
    return seminars.defer("goal", "description").annotate(
        title_headline=_headline("title", tsquery, highlight_all=True),
        text_headline=_headline(texts, tsquery, max_fragments=2, max_words=30),
    )


def _seminar_hits(seminars, query):
    hits = []
    for seminar in seminars:
        if _is_postgresql():
            title = _marked(seminar.title_headline)
            snippet = _marked(seminar.text_headline) if _START in seminar.text_headline else ""
        else:
            title = highlight(seminar.title, query)
            snippet = excerpt(seminar.goal, query) or excerpt(seminar.description, query)
        hits.append(
            Hit(seminar, title, snippet, _seminar_url(seminar), {"organizer": seminar.organizer})
        )
    return hits


def _published_speakers():
    return Person.objects.filter(
        Exists(TalkSpeaker.objects.filter(person=OuterRef("pk"), talk__seminar_published=True))
    )


def _shown_name(last, first, patronymic, slug, consent, query):
    """A person's name as a hit shows it, and their page."""
    if consent == Person.Consent.GIVEN:
        name = highlight(full_name(last, first, patronymic), query)
        return name, slug_url("people:person_detail")(slug)
    # Without consent (152-ФЗ): surname and initials, no page to link to.
    return highlight(short_name(last, first, patronymic), query), ""


def _person_rows(keys, tsquery):
    return Person.objects.filter(AnyOf(F("pk"), keys)).defer("search_vector")


def _person_hits(people, query):
    hits = []
    for person in people:
        title, url = _shown_name(
            person.last_name,
            person.first_name,
            person.patronymic,
            person.slug,
            person.consent,
            query,
        )
        hits.append(Hit(person, title, url=url))
    return hits


def _library_rows(keys, tsquery):
    return (
        Library.objects.filter(AnyOf(F("pk"), keys))
        .select_related("parent__parent")
        .defer(*LIBRARY_VECTORS)
    )


def _library_hits(libraries, query):
    url = slug_url("libraries:library_detail")
    return [
        Hit(
            library,
            highlight(str(library), query),
            url=url(library.slug) if library.is_published else "",
        )
        for library in libraries
    ]


def _item_rows(keys, tsquery):
    items = (
        ResolutionItem.objects.filter(AnyOf(F("pk"), keys))
        .select_related("resolution__seminar")
        .defer("search_vector", *_of("resolution__seminar", SEMINAR_TEXTS))
    )
    if tsquery is None:
        return items
    return items.annotate(text_headline=_headline("text", tsquery, max_fragments=2, max_words=35))


def _item_hits(items, query):
    hits = []
    for item in items:
        seminar = item.resolution.seminar
        snippet = _marked(item.text_headline) if _is_postgresql() else excerpt(item.text, query, 35)
        url = f"{_seminar_url(seminar)}#resolution"
        hits.append(Hit(item, item.get_section_display(), snippet, url, {"seminar": seminar}))
    return hits


@dataclass(frozen=True)
class Section:
    """A group of the search: what it finds, in which orders, and how its hits are read and shown.

    `rows(keys, tsquery)` reads the hits' records by key; `tsquery` (None on SQLite, and for
    sections with `marked` False) gives PostgreSQL's headlines.
    """

    key: str
    title: str
    records: object  # () → the queryset that may be found
    candidates_order: tuple
    order: tuple
    rows: object
    hits: object  # (records in order, query) → [Hit]
    marked: bool = False


SECTIONS = [
    Section(
        "talks", "Доклады", Talk.objects.published, TALK_ORDER, TALK_ORDER,
        _talk_rows, _talk_hits, marked=True,
    ),
    Section(
        "seminars", "Семинары", Seminar.objects.published, SEMINAR_ORDER, SEMINAR_ORDER,
        _seminar_rows, _seminar_hits, marked=True,
    ),
    Section(
        "people", "Докладчики", _published_speakers, LATEST_ADDED, NAME_ORDER,
        _person_rows, _person_hits,
    ),
    Section(
        "libraries", "Библиотеки", Library.objects.published, LATEST_ADDED, NAME_ORDER,
        _library_rows, _library_hits,
    ),
    Section(
        "resolution_items", "Пункты резолюций",
        lambda: ResolutionItem.objects.filter(resolution__seminar__is_published=True),
        # Ordering the candidates by the seminar's date would join every matching item.
        LATEST_ADDED, ITEM_ORDER, _item_rows, _item_hits, marked=True,
    ),
]  # fmt: skip
GROUP_TITLES = {section.key: section.title for section in SECTIONS}


def _best(section, query, any_term, extent):
    """The keys of `section`'s best matches, one more than `extent.hits`."""
    records = ranked(
        section.records(), query, any_term, section.candidates_order, extent.candidates
    )
    return records.order_by("-search_rank", *section.order).values_list("pk", flat=True)[
        : extent.hits + 1
    ]


# Compiled queries, on PostgreSQL: (section, number of words, any word[, extent]) → Compiled.
_BEST, _ROWS = {}, {}


def _query_of(terms):
    """The query of a compiled statement's words."""
    return Query(" ".join(terms), list(terms))


def _best_keys(section, query, any_term, extent):
    """`_best`, on PostgreSQL compiled to SQL once per section, number of words and extent (a
    section's queryset took as long to compile as to run). The words reach the SQL only as
    parameters, and the plan is made for each search, as it depends on how common they are."""
    if not _is_postgresql():
        return list(_best(section, query, any_term, extent))
    key = (section.key, len(query.terms), any_term, extent)
    if key not in _BEST:
        _BEST[key] = Compiled(
            lambda *terms: _best(section, _query_of(terms), any_term, extent),
            *[str] * len(query.terms),
            prepare=False,
        )
    return _BEST[key](*query.terms)


def _records(section, keys, query, any_term):
    """The records of `keys` in their order, read by key: on PostgreSQL a prepared statement per
    section and number of words (only headlines take them), whose generic plan suits any words."""
    if not keys:
        return []
    if not _is_postgresql():
        found = section.rows(keys, None)
    else:
        words = len(query.terms) if section.marked else 0
        key = (section.key, words, any_term)
        if key not in _ROWS:
            _ROWS[key] = Compiled(
                lambda keys, *terms: section.rows(
                    keys, _tsquery(_query_of(terms), any_term) if terms else None
                ),
                list,
                *[str] * words,
            )
        found = _ROWS[key](keys, *query.terms[:words])
    by_key = {record.pk: record for record in found}
    # A record deleted since the ranking (in the moment before the generation changes) is left out.
    return [by_key[key] for key in keys if key in by_key]


def _similar_surnames(term, limit=5):
    """Surnames of published speakers close to `term`, most similar first (typo fallback)."""
    people = _published_speakers()
    if _is_postgresql():
        similarity = TrigramSimilarity(FoldedLastName("last_name"), Value(term))
        return list(
            people.filter(TrigramMatch(FoldedLastName("last_name"), Value(term)))
            .annotate(similarity=similarity)
            .order_by("-similarity", "sort_key", "id")[:limit]
        )
    # SQLite (the small embedded database): difflib over the surnames in Python.
    by_surname = {}
    for person in people.order_by("sort_key", "id"):
        by_surname.setdefault(fold(person.last_name), []).append(person)
    close = difflib.get_close_matches(term, list(by_surname), n=limit, cutoff=0.75)
    return [person for surname in close for person in by_surname[surname]][:limit]


def _ranking(query, sections, extent):
    """Which records `query` shows in `sections`: all words, else any word, else similar
    surnames."""
    for any_term in (False, True):
        keys = {section.key: _best_keys(section, query, any_term, extent) for section in sections}
        if any(keys.values()) or len(query.terms) < 2:
            break
    if any(keys.values()):
        return Ranking(keys, any_term)
    # Nothing found: people whose surname is close to a word, and the corrected query.
    people, corrected = [], []
    for term in query.terms:
        similar = _similar_surnames(term)
        people += [person.pk for person in similar if person.pk not in people]
        corrected.append(similar[0].last_name if similar else term)
    if not people:
        return Ranking(keys, any_term)
    suggestion = " ".join(corrected) if corrected != query.terms else ""
    if "people" in keys:
        keys["people"] = people
    return Ranking(keys, any_term, fuzzy="people" in keys, suggestion=suggestion)


def search(raw, group=None):
    """Everything the search page shows for the visitor's text `raw`: the best few hits of every
    group, or more of one group (`group`, a key of GROUP_TITLES).

    Five groups of twenty hits took most of a search's time to find, build and render, and made a
    page few read to the end; each group links to more of its own.

    Which records a search shows is kept per archive generation (`config.cache.kept`): ranking
    them was most of a repeated search's cost, in statements PostgreSQL plans for the words. The
    records themselves are read by key on every visit.
    """
    query = parse(raw)
    if not query:
        return Results(query, [], group=group)
    extent = ONE_GROUP if group else OVERVIEW
    sections = [section for section in SECTIONS if group in (None, section.key)]
    ranking = kept(
        ("search", query.terms, group, extent), lambda: _ranking(query, sections, extent)
    )
    groups = []
    for section in sections:
        keys = ranking.keys[section.key]
        fuzzy = ranking.fuzzy and section.key == "people"
        records = _records(section, keys[: extent.hits], query, ranking.any_term)
        hits = section.hits(records, None if fuzzy else query)
        groups.append(Group(section.key, section.title, hits, len(keys) > extent.hits, fuzzy))
    return Results(query, groups, ranking.any_term, ranking.suggestion, group)


def explain_talk_search(raw, **options):
    """PostgreSQL's plan for the talk search of `raw`, as the talks list runs it.

    For the benchmark, not a timed test: `explain_talk_search("маяк", analyze=True)`. Options are
    QuerySet.explain()'s (analyze, buffers, …). Empty when `raw` has no searchable word.
    """
    if not parse(raw):
        return ""
    return filter_talks(Talk.objects.published(), raw)[: ONE_GROUP.hits].explain(**options)


def uses_gin_index(raw):
    """Whether the plan for the talk search of `raw` reads the GIN index on search_vector.

    Pick a selective word: for one in most talks a sequential scan is the right plan.
    """
    return "talk_search_vector" in explain_talk_search(raw)
