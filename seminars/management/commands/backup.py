"""One archive with the whole database and the uploaded files: `make backup`.

PostgreSQL is dumped with pg_dump (custom format, restored by pg_restore); SQLite as Django's JSON
dump of every table. The archive is a .tar.gz with `manifest.json`, `database.dump` or
`database.json`, and `media/`.
"""

import datetime
import io
import json
import os
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone


def pg_environment(database):
    """libpq environment variables for pg_dump/pg_restore: no password on the command line."""
    env = dict(os.environ)
    values = {
        "PGHOST": database["HOST"],
        "PGPORT": str(database["PORT"] or ""),
        "PGUSER": database["USER"],
        "PGPASSWORD": database["PASSWORD"],
        "PGDATABASE": database["NAME"],
        "PGCONNECT_TIMEOUT": "10",
    }
    env.update({key: value for key, value in values.items() if value})
    return env


class Command(BaseCommand):
    help = "Сохраняет базу данных и загруженные файлы в один архив .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Куда записать архив; по умолчанию backups/metodkopilka-ГГГГММДД-ЧЧММСС.tar.gz",
        )

    def handle(self, *args, output=None, **options):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        path = Path(output or settings.BASE_DIR / "backups" / f"metodkopilka-{stamp}.tar.gz")
        path.parent.mkdir(parents=True, exist_ok=True)
        manifest = {"engine": connection.vendor, "created": timezone.now().isoformat()}
        with (
            tempfile.TemporaryDirectory() as folder,
            private_file(path) as output,
            tarfile.open(fileobj=output, mode="w:gz") as archive,
        ):
            dump = Path(folder) / self.dump_database(Path(folder))
            archive.add(dump, arcname=dump.name)
            if Path(settings.MEDIA_ROOT).is_dir():
                archive.add(settings.MEDIA_ROOT, arcname="media")
            data = json.dumps(manifest, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        self.stdout.write(f"Резервная копия: {path}")
        return None

    def dump_database(self, folder):
        if connection.vendor == "postgresql":
            subprocess.run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-acl",
                    "--file",
                    str(folder / "database.dump"),
                ],
                env=pg_environment(connection.settings_dict),
                check=True,
            )
            return "database.dump"
        with open(folder / "database.json", "w", encoding="utf-8") as file:
            serializers.serialize("json", every_row(), stream=file, cls=ExactJSONEncoder)
        return "database.json"


def private_file(path):
    """`path` opened for writing, readable by its owner only from its first byte: the archive
    holds personal data of speakers and staff accounts. An existing file keeps no wider mode."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    return os.fdopen(descriptor, "wb")


class ExactJSONEncoder(DjangoJSONEncoder):
    """Keeps microseconds: Django's encoder (and so dumpdata) cuts times to milliseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def every_row():
    """What `dumpdata --all` writes: every row of every table, in an order loaddata can load."""
    app_list = [(app_config, None) for app_config in apps.get_app_configs()]
    for model in serializers.sort_dependencies(app_list, allow_cycles=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        yield from model._base_manager.order_by(model._meta.pk.name).iterator()
