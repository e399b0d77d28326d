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
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramSimilarity,
)
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.text import fold
from libraries.models import Library
from people.models import Person

from .cards import speakers_of
from .models import ResolutionItem, Seminar, Talk, TalkSpeaker, published_speakers

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


def matching(queryset, query, any_term=False):
    """`queryset` narrowed to records matching `query`, annotated with `search_rank`."""
    if _is_postgresql():
        tsquery = _tsquery(query, any_term)
        return queryset.filter(search_vector=tsquery).annotate(
            search_rank=SearchRank(F("search_vector"), tsquery)
        )
    fields_of = FIELDS[queryset.model]
    conditions, rank = [], Value(0.0)
    for stem in query.stems:
        fields = fields_of(_pattern(stem))
        conditions.append(reduce(operator.or_, (condition for _, condition in fields)))
        for weight, condition in fields:
            rank += Case(When(condition, then=Value(weight)), default=Value(0.0))
    condition = reduce(operator.or_ if any_term else operator.and_, conditions)
    return queryset.filter(condition).annotate(search_rank=rank)


def any_term_needed(raw, queryset=None):
    """Whether `raw` has several words that no talk in `queryset` has all together."""
    query = parse(raw)
    if len(query.terms) < 2:
        return False
    queryset = Talk.objects.published() if queryset is None else queryset
    return not matching(queryset, query).exists()


def filter_talks(queryset, raw, any_term=None):
    """For the talks FilterSet's text box: matching talks annotated with `search_rank`, best first,
    newest first on a tie.

    All words must match, or any word when `any_term` (by default: when all together find no talk
    in `queryset`). Text with no searchable word («и», «!!!») matches nothing; no text, everything.
    """
    query = parse(raw)
    if not query:
        return queryset.none() if query.text else queryset
    if any_term is None:
        any_term = any_term_needed(raw, queryset)
    return matching(queryset, query, any_term).order_by("-search_rank", *TALK_ORDER)


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
class Named:
    """A speaker or a library in a talk hit: the name as shown, and its page if it has one."""

    title: str
    url: str = ""


# Every group on one page shows its 5 best hits; one group's own page (?group=…) its 20 best.
OVERVIEW_HITS, GROUP_HITS = 5, 20
# The most matches ranked one by one (`_best`); the talk list shows more newest first.
RANK_LIMIT = 10_000
# Walked newest first, a title index reads about 1 / share rows per hit: from 1 % of the rows on
# that is fewer than ranking every title match.
TITLE_WALK_SHARE = 0.01
# The tie-breaks after rank: newest first as the talk_published_newest index walks, by name.
TALK_ORDER = ("-seminar_date", "-seminar_id", "order")
SEMINAR_ORDER = ("-start_date", "-id")
ITEM_ORDER = ("-resolution__seminar__start_date", "resolution_id", "order")
NAME_ORDER = ("sort_key", "id")


def _shown_name(person, query):
    """A person's name as a hit shows it (highlighted), and their page."""
    if person.is_public:
        return Named(highlight(person.full_name, query), person.get_absolute_url())
    # Without consent (152-ФЗ): surname and initials, no page to link to.
    return Named(highlight(person.short_name, query))


def _library_named(library, query):
    url = library.get_absolute_url() if library.is_published else ""
    return Named(highlight(str(library), query), url)


def _headlines(records, section, query, any_term):
    """PostgreSQL's headlines of the hits' texts (computed for the returned rows only)."""
    if not _is_postgresql() or not section.marked:
        return records
    tsquery = _tsquery(query, any_term)
    texts = {
        "talks": ("title", "abstract"),
        "seminars": (
            "title",
            Func(Value(" "), "goal", "description", function="concat_ws", output_field=TextField()),
        ),
        "resolution_items": (None, "text"),
    }[section.key]
    title, text = texts
    options = {"max_fragments": 2, "max_words": 35 if title is None else 30}
    if title is not None:
        records = records.annotate(title_headline=_headline(title, tsquery, highlight_all=True))
    return records.annotate(text_headline=_headline(text, tsquery, **options))


def _snippet(headline):
    """A headline with a match marked in it, else nothing: a text without the words."""
    return _marked(headline) if _START in headline else ""


def _talk_hits(talks, query):
    speakers_by_talk = speakers_of([talk.pk for talk in talks])
    hits = []
    for talk in talks:
        if _is_postgresql():
            title, snippet = _marked(talk.title_headline), _snippet(talk.text_headline)
        else:
            title, snippet = highlight(talk.title, query), excerpt(talk.abstract, query)
        speakers = [
            (
                Named(highlight(speaker.name, query), speaker.url),
                speaker.library and Named(highlight(speaker.library, query), speaker.library_url),
            )
            for speaker in speakers_by_talk.get(talk.pk, [])
        ]
        extra = {"seminar": talk.seminar, "speakers": speakers}
        hits.append(Hit(talk, title, snippet, talk.get_absolute_url(), extra))
    return hits


def _seminar_hits(seminars, query):
    hits = []
    for seminar in seminars:
        if _is_postgresql():
            title, snippet = _marked(seminar.title_headline), _snippet(seminar.text_headline)
        else:
            title = highlight(seminar.title, query)
            snippet = excerpt(seminar.goal, query) or excerpt(seminar.description, query)
        extra = {"organizer": seminar.organizer}
        hits.append(Hit(seminar, title, snippet, seminar.get_absolute_url(), extra))
    return hits


def _person_hits(people, query):
    hits = []
    for person in people:
        named = _shown_name(person, query)
        hits.append(Hit(person, named.title, url=named.url))
    return hits


def _library_hits(libraries, query):
    hits = []
    for library in libraries:
        named = _library_named(library, query)
        hits.append(Hit(library, named.title, url=named.url))
    return hits


def _item_hits(items, query):
    hits = []
    for item in items:
        seminar = item.resolution.seminar
        if _is_postgresql():
            snippet = _snippet(item.text_headline)
        else:
            snippet = excerpt(item.text, query, 35)
        url = f"{seminar.get_absolute_url()}#resolution"
        hits.append(Hit(item, item.get_section_display(), snippet, url, {"seminar": seminar}))
    return hits


@dataclass(frozen=True)
class Section:
    """A group of the search: what it finds, its tie-breaks after rank, how its hits are shown,
    and, for a common word, the order an index walks and the title index that is read first."""

    key: str
    title: str
    queryset: object  # () → the records that may be found
    order: tuple
    hits: object  # (records in order, query) → [Hit]
    common_order: tuple
    marked: bool = False
    title_field: str | None = None
    related: tuple = ()  # what the hits show of other records

    def records(self):
        return self.queryset().select_related(*self.related).defer("search_vector")


SECTIONS = [
    Section(
        "talks", "Доклады", Talk.objects.published, TALK_ORDER, _talk_hits, TALK_ORDER,
        marked=True, title_field="title", related=("seminar",),
    ),
    Section(
        "seminars", "Семинары", Seminar.objects.published, SEMINAR_ORDER, _seminar_hits,
        SEMINAR_ORDER, marked=True, title_field="title", related=("organizer__parent__parent",),
    ),
    Section(
        "people", "Докладчики", published_speakers, NAME_ORDER, _person_hits, NAME_ORDER
    ),
    Section(
        "libraries", "Библиотеки", Library.objects.published, NAME_ORDER, _library_hits,
        NAME_ORDER, related=("parent__parent",),
    ),
    Section(
        "resolution_items", "Пункты резолюций",
        lambda: ResolutionItem.objects.filter(resolution__seminar__is_published=True),
        # Newest added first: ordering by the seminar's date would join every match.
        ITEM_ORDER, _item_hits, ("-id",), marked=True, related=("resolution__seminar",),
    ),
]  # fmt: skip
GROUP_TITLES = {section.key: section.title for section in SECTIONS}


def _best(section, query, any_term, hits):
    """The best `hits` + 1 matches of `section` (one more tells that there are more).

    Every match is ranked by `ts_rank` while they are few enough to rank at once
    (`RANK_LIMIT`). A word found in more records than that (PostgreSQL's statistics say so) is
    ranked by where it stands: first the records with it in their title, then the others, each
    newest first, which indexes walk without reading every match.

    The keys first, then those records with what the hits show: joined before the ranking, a
    seminar's organiser and its parents were read for every match.
    """
    matches = matching(section.queryset(), query, any_term)
    model = matches.model
    if not _is_postgresql() or not common(model._meta.db_table, "search_vector", query, any_term):
        keys = _keys(matches.order_by("-search_rank", *section.order), hits + 1)
    else:
        keys = []
        if section.title_field:
            in_title = TitleMatch(F(section.title_field), _tsquery(query, any_term))
            titled = matches.filter(in_title)
            title_index = f"{model._meta.db_table}_title_search"
            if common(title_index, "to_tsvector", query, any_term, TITLE_WALK_SHARE):
                keys = _keys(titled.order_by(*section.common_order), hits + 1)
            else:
                keys = _keys(titled.order_by("-search_rank", *section.order), hits + 1)
            matches = matches.exclude(in_title)
        keys += _keys(matches.order_by(*section.common_order), hits + 1 - len(keys))
    records = _headlines(section.records().filter(pk__in=keys), section, query, any_term)
    by_key = {record.pk: record for record in records}
    return [by_key[key] for key in keys]


def _keys(ranked, count):
    return list(ranked.values_list("pk", flat=True)[:count]) if count > 0 else []


class TitleMatch(Func):
    """`to_tsvector('russian', title) @@ query`: the expression of the title indexes
    (migration seminars.0020_title_search)."""

    template = "(to_tsvector('russian'::regconfig, %(expressions)s))"
    arg_joiner = ") @@ ("
    output_field = BooleanField()


def common(relation, column, query, any_term, share_limit=1.0):
    """Whether more than `RANK_LIMIT` rows of `relation`, or more than `share_limit` of its rows,
    would match, as PostgreSQL's statistics of `column` (a tsvector, or a text search index's
    expression) estimate it."""
    shares, rows = _lexeme_shares(relation, column)
    found = [
        min(1.0, sum(share for lexeme, share in shares.items() if lexeme.startswith(stem)))
        for stem in query.stems
    ]
    if any_term:
        share = 1 - reduce(operator.mul, (1 - each for each in found), 1.0)
    else:
        share = reduce(operator.mul, found, 1.0)
    return share * rows > RANK_LIMIT or share > share_limit


def _lexeme_shares(relation, column):
    """{lexeme: share of rows} of the words common in `column` and the number of rows, from
    `pg_stats` and `pg_class` as ANALYZE (autovacuum) keeps them; read at most once a minute."""

    def read():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples"
                " FROM pg_class c LEFT JOIN pg_stats s"
                " ON s.tablename = c.relname AND s.attname = %s WHERE c.relname = %s",
                [column, relation],
            )
            row = cursor.fetchone()
        if row is None or row[0] is None:
            return {}, 0
        return dict(zip(row[0], row[1], strict=False)), max(row[2], 0)

    return cache.get_or_set(f"lexeme-shares:{relation}:{column}", read, 60)


def _similar_surnames(term, limit=5):
    """Surnames of published speakers close to `term`, most similar first (typo fallback)."""
    people = published_speakers()
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


def search(raw, group=None):
    """Everything the search page shows for the visitor's text `raw`: the best few hits of every
    group, or more of one group (`group`, a key of GROUP_TITLES).

    All words first, then any word, then surnames close to the words (typos).
    """
    query = parse(raw)
    if not query:
        return Results(query, [], group=group)
    hits = GROUP_HITS if group else OVERVIEW_HITS
    sections = [section for section in SECTIONS if group in (None, section.key)]
    for any_term in (False, True):
        found = {section.key: _best(section, query, any_term, hits) for section in sections}
        if any(found.values()) or len(query.terms) < 2:
            break
    fuzzy, suggestion = False, ""
    if not any(found.values()):
        similar, corrected = [], []
        for term in query.terms:
            close = _similar_surnames(term)
            similar += [person for person in close if person not in similar]
            corrected.append(close[0].last_name if close else term)
        if similar:
            suggestion = " ".join(corrected) if corrected != query.terms else ""
            if "people" in found:
                found["people"], fuzzy = similar, True
    groups = []
    for section in sections:
        records = found[section.key]
        shown = section.hits(records[:hits], None if fuzzy and section.key == "people" else query)
        groups.append(
            Group(
                section.key,
                section.title,
                shown,
                len(records) > hits,
                fuzzy and section.key == "people",
            )
        )
    return Results(query, groups, any_term, suggestion, group)
