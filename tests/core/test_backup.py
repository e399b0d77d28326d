"""`backup` then `restore` into an empty database gives back every row of every table.

Both databases are made for the test (the test database is left alone): the source by the same
commands as a fresh installation, plus an uploaded photo and an edit.
"""

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
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

POPULATE = """
import io
from django.core.files.base import ContentFile
from PIL import Image
from people.models import Person
output = io.BytesIO()
Image.new("RGB", (300, 200), "seagreen").save(output, "PNG")
person = Person.objects.order_by("pk").first()
person.photo.save("Фото.png", ContentFile(output.getvalue()))
person.bio = "Изменено после загрузки"
person.save()
"""


def auto_through_tables():
    return {
        field.remote_field.through._meta.db_table
        for model in apps.get_models()
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    }


def rows_by_table(database, vendor):
    # A JSON dump keeps many-to-many links as lists on the parent row, not the link rows' own
    # ids: on SQLite those are compared without their id.
    renumbered = auto_through_tables() if vendor == "sqlite" else set()
    cursor = database.cursor()
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = [name for (name,) in cursor.fetchall() if not name.startswith("sqlite_")]
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        tables = [name for (name,) in cursor.fetchall()]
    result = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        if table == "django_migrations":  # migrate fills it anew on SQLite: compare what, not when
            rows = [(row["app"], row["name"]) for row in rows]
        elif table in renumbered:
            rows = [{key: value for key, value in row.items() if key != "id"} for row in rows]
        result[table] = sorted(rows, key=repr)
    return result


class Databases:
    """Empty databases of the kind under test: a URL for manage.py and a raw connection."""

    def __init__(self, folder):
        self.folder = folder
        self.vendor = connection.vendor
        self.settings = connection.settings_dict
        self.created = []

    def _credentials(self):
        return {
            "host": self.settings["HOST"] or "127.0.0.1",
            "port": self.settings["PORT"] or 5432,
            "user": self.settings["USER"],
            "password": self.settings["PASSWORD"] or None,
        }

    def _admin(self):
        admin = psycopg2.connect(dbname="postgres", **self._credentials())
        admin.autocommit = True
        return admin

    def new(self, label):
        if self.vendor == "sqlite":
            return f"sqlite:///{self.folder / f'{label}.sqlite3'}"
        name = f"{self.settings['NAME']}_{label}"
        admin = self._admin()
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        admin.close()
        self.created.append(name)
        c = self._credentials()
        password = f":{c['password']}" if c["password"] else ""
        return f"postgres://{c['user']}{password}@{c['host']}:{c['port']}/{name}"

    def rows(self, label):
        if self.vendor == "sqlite":
            # Read with Django's converters, as both sides go through the same ones.
            types = sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES
            database = sqlite3.connect(self.folder / f"{label}.sqlite3", detect_types=types)
        else:
            database = psycopg2.connect(
                dbname=f"{self.settings['NAME']}_{label}", **self._credentials()
            )
        try:
            return rows_by_table(database, self.vendor)
        finally:
            database.close()

    def drop(self):
        for name in self.created:
            admin = self._admin()
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.close()


@pytest.fixture
def databases(tmp_path, db):
    made = Databases(tmp_path)
    yield made
    made.drop()


def manage(*args, database_url, media):
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("PYTEST")},
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_backup_restores_into_an_empty_database_row_by_row(tmp_path, databases):
    source, media = databases.new("source"), tmp_path / "media"
    for command in (["migrate"], ["load_demo"], ["shell", "-c", POPULATE]):
        manage(*command, database_url=source, media=media)
    archive = tmp_path / "backup.tar.gz"

    manage("backup", "--output", str(archive), database_url=source, media=media)
    target, restored_media = databases.new("target"), tmp_path / "restored-media"
    manage("restore", str(archive), database_url=target, media=restored_media)

    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    dump = "database.dump" if databases.vendor == "postgresql" else "database.json"
    assert {"manifest.json", dump, "media/people/photos/foto.png"} <= names
    expected, restored = databases.rows("source"), databases.rows("target")
    assert len(expected) > 40
    assert sum(map(len, expected.values())) > 600  # regions, demo seminar, history, permissions
    # one version per person, plus the photo's save and the bio's
    assert len(expected["people_historicalperson"]) == len(expected["people_person"]) + 2
    assert sorted(restored) == sorted(expected)
    for table in expected:
        assert (table, restored[table]) == (table, expected[table])
    assert (restored_media / "people/photos/foto.png").read_bytes() == (
        media / "people/photos/foto.png"
    ).read_bytes()


@pytest.fixture
def world_readable_umask():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.parametrize("existing", [False, True], ids=["new file", "over a readable file"])
def test_the_archive_is_private_from_its_first_byte(
    db, tmp_path, settings, monkeypatch, world_readable_umask, existing
):
    settings.MEDIA_ROOT = tmp_path / "media"
    archive = tmp_path / "backup.tar.gz"
    if existing:
        archive.write_bytes(b"an older backup")
        archive.chmod(0o644)
    modes = []
    real_open = tarfile.open

    def watching_open(*args, **kwargs):
        tar = real_open(*args, **kwargs)
        # The moment the archive starts: the file exists, nothing of the database is in it yet.
        modes.append(archive.stat().st_mode & 0o777)
        return tar

    monkeypatch.setattr(tarfile, "open", watching_open)

    call_command("backup", "--output", str(archive), stdout=io.StringIO())

    assert modes == [0o600]
    assert archive.stat().st_mode & 0o777 == 0o600
    with real_open(archive) as tar:
        assert "manifest.json" in tar.getnames()
