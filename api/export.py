"""The whole public archive as tables: published records, and people only as far as they consented.

One list of tables feeds both bulk downloads (a zip of CSV files and one JSON document), so the two
always hold the same data.
"""

import csv
import datetime
import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Case, F, When

from core.spreadsheets import neutralise
from libraries.models import Library, Locality, Region
from people.models import Person
from seminars.models import (
    Resolution,
    ResolutionItem,
    Seminar,
    SeminarLink,
    Talk,
    TalkSpeaker,
    Topic,
)


def _values(queryset, *fields):
    return list(fields), queryset.values_list(*fields)


def _talk_speakers(talks):
    headers = ["talk_id", "order", "person_id", "person_name", "position", "library_id"]
    speakers = TalkSpeaker.objects.filter(talk__in=talks).select_related("person", "library")

    def rows():
        for speaker in speakers.iterator(chunk_size=2000):
            person, library = speaker.person, speaker.library
            public = person.is_public
            yield [
                speaker.talk_id,
                speaker.order,
                person.pk if public else None,
                person.full_name if public else person.short_name,
                speaker.position if public else "",
                library.pk if library is not None and library.is_published else None,
            ]

    return headers, rows()


def _libraries():
    headers = ["id", "slug", "legal_form", "name", "short_name", "parent_id", "region_id"]
    headers += ["locality_id", "website"]
    # A branch of an unpublished library does not name its parent.
    rows = (
        Library.objects.published()
        .annotate(public_parent=Case(When(parent__is_published=True, then=F("parent"))))
        .values_list(
            "id",
            "slug",
            "legal_form",
            "name",
            "short_name",
            "public_parent",
            "region_id",
            "locality_id",
            "website",
        )
    )
    return headers, rows


def tables():
    """(name, headers, rows) for every table of the public archive."""
    seminars = Seminar.objects.published()
    talks = Talk.objects.published()
    people = Person.objects.public().filter(speaker_roles__talk__in=talks).distinct()
    return [
        (
            "regions",
            *_values(
                Region.objects.all(), "id", "code", "slug", "name", "kind", "federal_district"
            ),
        ),
        ("localities", *_values(Locality.objects.all(), "id", "region_id", "slug", "name", "kind")),
        ("libraries", *_libraries()),
        ("topics", *_values(Topic.objects.all(), "id", "slug", "name")),
        ("people", *_values(people, "id", "slug", "last_name", "first_name", "patronymic", "bio")),
        (
            "seminars",
            *_values(
                seminars,
                "id",
                "slug",
                "title",
                "kind",
                "scope",
                "format",
                "start_date",
                "end_date",
                "organizer_id",
                "goal",
                "description",
                "participants_count",
                "created_at",
                "updated_at",
            ),
        ),
        (
            "seminar_regions",
            *_values(
                Seminar.regions.through.objects.filter(seminar__in=seminars).order_by("id"),
                "seminar_id",
                "region_id",
            ),
        ),
        (
            "seminar_localities",
            *_values(
                Seminar.localities.through.objects.filter(seminar__in=seminars).order_by("id"),
                "seminar_id",
                "locality_id",
            ),
        ),
        (
            "seminar_links",
            *_values(
                SeminarLink.objects.filter(seminar__in=seminars),
                "seminar_id",
                "order",
                "kind",
                "title",
                "url",
            ),
        ),
        (
            "talks",
            *_values(talks, "id", "seminar_id", "order", "title", "abstract", "recording_url"),
        ),
        (
            "talk_topics",
            *_values(
                Talk.topics.through.objects.filter(talk__in=talks).order_by("id"),
                "talk_id",
                "topic_id",
            ),
        ),
        ("talk_speakers", *_talk_speakers(talks)),
        (
            "resolutions",
            *_values(
                Resolution.objects.filter(seminar__in=seminars), "seminar_id", "preamble", "closing"
            ),
        ),
        (
            "resolution_items",
            *_values(
                # Named like every other table's key of its seminar.
                ResolutionItem.objects.filter(resolution__seminar__in=seminars).annotate(
                    seminar_id=F("resolution__seminar_id")
                ),
                "seminar_id",
                "section",
                "order",
                "text",
            ),
        ),
    ]


def _cell(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return "" if value is None else neutralise(value)


def as_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, headers, rows in tables():
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(headers)
            writer.writerows([_cell(value) for value in row] for row in rows)
            # With a byte order mark, Excel opens the Cyrillic text correctly.
            archive.writestr(f"{name}.csv", text.getvalue().encode("utf-8-sig"))
    return buffer.getvalue()


def as_json():
    document = {
        "generated_at": datetime.datetime.now(datetime.UTC),
        "tables": {
            name: [dict(zip(headers, row, strict=True)) for row in rows]
            for name, headers, rows in tables()
        },
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False)
