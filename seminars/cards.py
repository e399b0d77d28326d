"""Talks and their speakers as every page shows them, read as plain values.

A page of talks read as model instances built each talk's seminar and, for every speaker, the
person, the library with two levels of parents and the region: half of a list page's time. Here
a page's talks are one `values_list` query and all their speakers another (`speakers_of`, the
one loader of programme lines: lists, the seminar page, search hits, exports, JSON-LD).
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.html import format_html

from libraries.models import library_name
from people.models import Person, full_name, short_name

from .models import TalkSpeaker
from .templatetags.russian import date_range


@dataclass(slots=True)
class Speaker:
    """A speaker of a talk as the programme names them (152-ФЗ: with consent the full name, a
    link to their page and the position held then; without it «Фамилия И. О.» only)."""

    name: str
    url: str
    position: str
    library: str
    library_url: str
    region: str

    @property
    def line(self):
        """«name, position, library (region)», each part after the name when known."""
        parts = [format_html('<a href="{}">{}</a>', self.url, self.name) if self.url else self.name]
        if self.position:
            parts.append(self.position)
        if self.library:
            place = (
                format_html('<a href="{}">{}</a>', self.library_url, self.library)
                if self.library_url
                else self.library
            )
            parts.append(format_html("{} ({})", place, self.region) if self.region else place)
        return format_html(", ".join(["{}"] * len(parts)), *parts)

    @property
    def label(self):
        """As exports name the speaker: the name, and the position held then when shown."""
        return f"{self.name}, {self.position}" if self.position else self.name


SPEAKER_COLUMNS = (
    "talk_id",
    "position",
    "person__last_name",
    "person__first_name",
    "person__patronymic",
    "person__slug",
    "person__consent",
    "library__slug",
    "library__is_published",
    "library__region__name",
    # A library's name carries its parents' (a branch of a branch: two levels up).
    *[
        f"library{'__parent' * level}__{name}"
        for level in range(3)
        for name in ("legal_form", "name")
    ],
)


def speakers_of(talk_ids):
    """{talk id: [Speaker, …]} in programme order, from one query."""
    speakers = {}
    rows = (
        TalkSpeaker.objects.filter(talk__in=talk_ids)
        .order_by("talk_id", "order", "id")
        .values_list(*SPEAKER_COLUMNS)
    )
    for (
        talk,
        position,
        last,
        first,
        patronymic,
        slug,
        consent,
        library,
        published,
        region,
        *names,
    ) in rows:
        if consent == Person.Consent.GIVEN:
            name = full_name(last, first, patronymic)
            url = reverse("people:person_detail", args=[slug])
        else:
            name, url, position = short_name(last, first, patronymic), "", ""
        speakers.setdefault(talk, []).append(
            Speaker(
                name=name,
                url=url,
                position=position,
                library=library_name(*names) if library else "",
                library_url=reverse("libraries:library_detail", args=[library])
                if library and published
                else "",
                region=region or "",
            )
        )
    return speakers


@dataclass(slots=True)
class TalkCard:
    pk: int
    order: int
    title: str
    url: str
    seminar_title: str
    dates: str
    recording_url: str
    speakers: list = field(default_factory=list)


TALK_COLUMNS = (
    "pk",
    "order",
    "title",
    "recording_url",
    "seminar__title",
    "seminar__slug",
    "seminar__start_date",
    "seminar__end_date",
)


def talk_cards(talks):
    """Cards for `includes/talk_cards.html` from a queryset of talks: two queries."""
    cards = [
        TalkCard(
            pk=pk,
            order=order,
            title=title,
            url=reverse("seminars:seminar_detail", args=[start.year, slug]) + f"#talk-{order}",
            seminar_title=seminar,
            dates=date_range(start, end),
            recording_url=recording_url,
        )
        for pk, order, title, recording_url, seminar, slug, start, end in talks.values_list(
            *TALK_COLUMNS
        )
    ]
    speakers = speakers_of([card.pk for card in cards])
    for card in cards:
        card.speakers = speakers.get(card.pk, [])
    return cards
