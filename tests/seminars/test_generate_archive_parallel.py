"""On PostgreSQL outside a transaction, `generate_archive` writes from several connections: the
rows must be committed for them, so this module commits (and restores what migrations wrote)."""

import pytest
from django.db import connection, transaction

from seminars.management.commands import generate_archive
from seminars.models import Seminar, Talk

from .test_generate_archive import snapshot

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_migrated_data"),
]


def everything():
    """The snapshot, the talks' search vectors and how many rows each table got."""
    tables = [
        *generate_archive.ARCHIVE_MODELS,
        Seminar.regions.through,
        Seminar.localities.through,
        Talk.topics.through,
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, search_vector::text FROM seminars_talk ORDER BY id")
        vectors = cursor.fetchall()
    return snapshot(), vectors, {model.__name__: model.objects.count() for model in tables}


def test_parallel_writers_build_the_archive_one_connection_builds(synthetic_archive, monkeypatch):
    """Outside a transaction PostgreSQL gets the chunks from several connections at once."""
    # Chunks of a few seminars, so that 600 talks make eight of them.
    monkeypatch.setattr(generate_archive, "FIRST_CHUNK", 2)
    monkeypatch.setattr(generate_archive, "SEMINARS_PER_CHUNK", 4)
    synthetic_archive(talks=600, seed=3)
    parallel = everything()

    with transaction.atomic():
        synthetic_archive(talks=600, seed=3)
        assert everything() == parallel

    assert len(parallel[1]) == 600
    # Speakers are written before their talks, and every talk's vector still holds a speaker's
    # name (weight C).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM seminars_talk WHERE length(ts_filter(search_vector, '{c}')) = 0"
        )
        assert cursor.fetchone() == (0,)
