"""Talks, seminars and libraries as list pages show them, built from plain values.

A page of 20 talks through model instances made ~150 objects (speakers, people, libraries, their
parents and regions) from a five-table prefetch that took longer to compile than to run, and
reversed a URL per person and library: most of a list page's cost (docs/performance.md). Here the
speakers of a page are one `values_list` query, and URLs are reversed once per kind.
"""

from dataclasses import dataclass
from functools import cache

from django.db.models import F, QuerySet
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString

from config.compiled import Compiled
from config.lookups import AnyOf
from config.scale import count_of
from libraries.models import Library
from people.models import Person, full_name, short_name

from .models import Seminar, Talk, TalkSpeaker
from .templatetags.archive import library_label, link, speaker_label
from .templatetags.russian import date_range

SPEAKER_COLUMNS = (
    "talk_id",
    "position",
    "person__last_name",
    "person__first_name",
    "person__patronymic",
    "person__slug",
    "person__consent",
    "library_id",
    "library__legal_form",
    "library__name",
    "library__slug",
    "library__is_published",
    "library__parent__short_name",
    "library__parent__name",
    "library__region__name",
)
SLUG = "slug-placeholder"


@dataclass(slots=True, frozen=True)
class Speaker:
    line: SafeString
    # The full name when the person agreed to be shown (JSON-LD lists only them), else "".
    public_name: str


@dataclass(slots=True, frozen=True)
class Topic:
    name: str
    slug: str


@dataclass(slots=True)
class TalkRow:
    pk: int
    order: int
    title: str
    url: str
    seminar_title: str
    dates: str
    recording_url: str
    speakers: list


def slug_url(viewname):
    """`slug → reverse(viewname, args=[slug])` without a `reverse()` per request."""
    head, tail = _url_around_slug(get_script_prefix(), viewname)
    return lambda slug: f"{head}{slug}{tail}"


def seminar_url(start_date, slug):
    """The seminar page's address, without a `reverse()` per seminar."""
    head, tail = _url_around_slug(get_script_prefix(), "seminars:seminar_detail", start_date.year)
    return f"{head}{slug}{tail}"


@cache
def _url_around_slug(script_prefix, viewname, *args):
    # reverse() depends only on the URLconf and the script prefix (as for base.html's links).
    return reverse(viewname, args=[*args, SLUG]).split(SLUG)


SPEAKER_ROWS = Compiled(
    lambda keys: (
        TalkSpeaker.objects.filter(AnyOf(F("talk_id"), keys))
        .order_by("talk_id", "order", "id")
        .values_list(*SPEAKER_COLUMNS)
    ),
    list,
)


def speakers_of(talk_ids):
    """{talk id: [Speaker, …]} in programme order, from one query."""
    person_url, library_url = slug_url("people:person_detail"), slug_url("libraries:library_detail")
    speakers = {}
    rows = SPEAKER_ROWS(list(talk_ids))
    for (
        talk_id, position, last, first, patronymic, person_slug, consent,
        library_id, legal_form, library, library_slug, published, parent_short, parent, region,
    ) in rows:  # fmt: skip
        if consent == Person.Consent.GIVEN:
            public_name = full_name(last, first, patronymic)
            name = link(person_url(person_slug), public_name)
        else:
            public_name, name, position = "", short_name(last, first, patronymic), ""
        place = None
        if library_id:
            place = library_label(legal_form, library, parent_short or parent)
            if published:
                place = link(library_url(library_slug), place)
        line = speaker_label(name, position, place, region)
        speakers.setdefault(talk_id, []).append(Speaker(line, public_name))
    return speakers


TOPIC_ROWS = Compiled(
    lambda keys: (
        Talk.topics.through.objects.filter(AnyOf(F("talk_id"), keys))
        .order_by("talk_id", "topic__sort_key", "topic_id")
        .values_list("talk_id", "topic__name", "topic__slug")
    ),
    list,
)


def topics_of(talk_ids):
    """{talk id: [Topic(name, slug), …]} by name, from one query."""
    topics = {}
    for talk_id, name, slug in TOPIC_ROWS(list(talk_ids)):
        topics.setdefault(talk_id, []).append(Topic(name, slug))
    return topics


SEMINAR_COLUMNS = (
    "title",
    "slug",
    "start_date",
    "end_date",
    "kind",
    "format",
    "organizer__legal_form",
    "organizer__name",
    "organizer__parent__short_name",
    "organizer__parent__name",
)
KINDS, FORMATS = dict(Seminar.Kind.choices), dict(Seminar.Format.choices)


@dataclass(slots=True)
class SeminarCard:
    title: str
    url: str
    dates: str
    kind: str
    format: str
    organizer: SafeString
    # Set when the list counts talks (the seminar list), None elsewhere.
    talk_count: int | None


def seminar_cards(seminars, talk_count=False):
    """Cards for `includes/seminar_cards.html` from a queryset of seminars (one query) or rows
    of its `SEMINAR_COLUMNS`.

    With `talk_count`, the queryset is annotated with `talk_count` and the cards show it.
    """
    if isinstance(seminars, QuerySet):
        seminars = seminars.values_list(*SEMINAR_COLUMNS, *(["talk_count"] if talk_count else []))
    cards = []
    for row in seminars:
        title, slug, start, end, kind, form, legal_form, name, parent_short, parent = row[:10]
        cards.append(
            SeminarCard(
                title=title,
                url=seminar_url(start, slug),
                dates=date_range(start, end),
                kind=KINDS.get(kind, kind),
                format=FORMATS.get(form, form),
                organizer=library_label(legal_form, name, parent_short or parent),
                talk_count=row[10] if talk_count else None,
            )
        )
    return cards


@dataclass(slots=True)
class LibraryItem:
    url: str
    name: str
    locality: str | None
    branch_count: int = 0


def library_item_rows(libraries):
    return libraries.annotate(
        branch_count=count_of(Library, "parent", is_published=True)
    ).values_list("slug", "legal_form", "name", "locality__name", "branch_count")


def library_items(rows):
    """Head libraries for a list: linked name, place, published branches counted, from
    `library_item_rows()` (one query)."""
    url = slug_url("libraries:library_detail")
    return [
        LibraryItem(url(slug), library_label(legal_form, name, None), locality, branch_count)
        for slug, legal_form, name, locality, branch_count in rows
    ]


TALK_COLUMNS = (
    "pk",
    "order",
    "title",
    "recording_url",
    "seminar_id",
    "seminar__title",
    "seminar__slug",
    "seminar__start_date",
    "seminar__end_date",
)


def talk_rows(talks):
    """Rows for `includes/talk_cards.html` from `values_list(*TALK_COLUMNS)` of talks."""
    talks = list(talks)
    speakers = speakers_of([talk[0] for talk in talks])
    seminars = {}
    rows = []
    for pk, order, title, recording_url, seminar, seminar_title, slug, start, end in talks:
        if seminar not in seminars:
            seminars[seminar] = (
                seminar_url(start, slug),
                date_range(start, end),
            )
        url, dates = seminars[seminar]
        rows.append(
            TalkRow(
                pk=pk,
                order=order,
                title=title,
                url=f"{url}#talk-{order}",
                seminar_title=seminar_title,
                dates=dates,
                recording_url=recording_url,
                speakers=speakers.get(pk, []),
            )
        )
    return rows
