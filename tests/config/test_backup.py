import io
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg2
import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from PIL import Image

from people.models import Person

ROOT = Path(__file__).resolve().parents[2]


def png():
    output = io.BytesIO()
    Image.new("RGB", (300, 200), "seagreen").save(output, "PNG")
    return output.getvalue()


def auto_through_tables():
    return {
        field.remote_field.through._meta.db_table
        for model in apps.get_models()
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    }


def rows_by_table(cursor, tables, quote):
    # A JSON dump keeps many-to-many links as lists on the parent row, not the link rows' own
    # ids: on SQLite those are compared without their id.
    renumbered = auto_through_tables() if connection.vendor == "sqlite" else set()
    result = {}
    for table in tables:
        cursor.execute(f"SELECT * FROM {quote(table)}")
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        if table == "django_migrations":  # migrate fills it anew on SQLite: compare what, not when
            rows = [(row["app"], row["name"]) for row in rows]
        elif table in renumbered:
            rows = [{key: value for key, value in row.items() if key != "id"} for row in rows]
        result[table] = sorted(rows, key=repr)
    return result


@pytest.fixture
def empty_database(tmp_path):
    """An empty database of the same kind as the one under test, and how to read it."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        # Read with Django's converters, like the connection it is compared with.
        types = sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES
        yield f"sqlite:///{path}", lambda: sqlite3.connect(path, detect_types=types)
        return
    settings = connection.settings_dict
    name = f"{settings['NAME']}_restore"
    credentials = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
    }
    admin = psycopg2.connect(dbname="postgres", **credentials)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    url = f"postgres://{settings['USER']}{password}@{credentials['host']}:{credentials['port']}/{name}"
    opened = []

    def connect():
        opened.append(psycopg2.connect(dbname=name, **credentials))
        return opened[-1]

    yield url, connect
    for database in opened:
        database.close()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_restores_into_an_empty_database_row_by_row(tmp_path, settings, empty_database):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", stdout=io.StringIO())
    person = Person.objects.order_by("pk").first()
    person.photo.save("Фото.png", ContentFile(png()))
    person.bio = "Изменено после загрузки"
    person.save()
    archive = tmp_path / "backup.tar.gz"

    call_command("backup", output=str(archive), stdout=io.StringIO())

    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "media/people/photos/foto.png"} <= names
    assert ("database.dump" if connection.vendor == "postgresql" else "database.json") in names
    url, connect = empty_database
    restored_media = tmp_path / "restored-media"
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("PYTEST")},
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(restored_media),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr

    tables = [
        table for table in connection.introspection.table_names() if not table.startswith("sqlite_")
    ]
    with connection.cursor() as cursor:
        expected = rows_by_table(cursor, tables, connection.ops.quote_name)
    target = connect()
    restored = rows_by_table(target.cursor(), tables, connection.ops.quote_name)
    target.close()
    assert len(tables) > 40
    assert sum(map(len, expected.values())) > 600  # regions, demo seminar, history, permissions
    # one version per person, plus the photo's save and the bio's
    assert len(expected["people_historicalperson"]) == len(expected["people_person"]) + 2
    for table in tables:
        assert (table, restored[table]) == (table, expected[table])
    assert (restored_media / "people/photos/foto.png").read_bytes() == (
        Path(settings.MEDIA_ROOT) / "people/photos/foto.png"
    ).read_bytes()
