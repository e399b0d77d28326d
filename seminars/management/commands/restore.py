"""Restores an archive made by `backup` into the database in DATABASE_URL: `make restore`.

Everything in that database is replaced by the archive's contents; uploaded files from the archive
are written into MEDIA_ROOT.
"""

import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command
from django.db import connection

from .backup import pg_environment


class Command(BaseCommand):
    help = "Восстанавливает базу данных и загруженные файлы из архива, сделанного командой backup."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Файл .tar.gz, сделанный командой backup")

    def handle(self, *args, archive, **options):
        with tempfile.TemporaryDirectory() as folder, tarfile.open(archive, "r:gz") as tar:
            tar.extractall(folder, filter="data")
            folder = Path(folder)
            manifest = json.loads((folder / "manifest.json").read_text())
            if manifest["engine"] != connection.vendor:
                raise CommandError(
                    f"Архив сделан для {manifest['engine']}, а база сейчас {connection.vendor}."
                )
            if connection.vendor == "postgresql":
                self.restore_postgresql(folder / "database.dump")
            else:
                self.restore_json(folder / "database.json")
            self.restore_media(folder / "media")
        self.stdout.write(f"Восстановлено из {archive} (копия от {manifest['created']}).")

    def restore_postgresql(self, dump):
        connection.close()
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-acl",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                connection.settings_dict["NAME"],
                str(dump),
            ],
            env=pg_environment(connection.settings_dict),
            check=True,
        )

    def restore_json(self, dump):
        # The tables first, then empty them (migrations fill some: regions, roles, permissions),
        # then every row of the dump with its own primary key.
        call_command("migrate", interactive=False, verbosity=0)
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        # loaddata sets many-to-many fields through signals that simple-history would answer
        # with new versions: the archive already holds every version there was.
        settings.SIMPLE_HISTORY_ENABLED = False
        call_command("loaddata", str(dump), verbosity=0)

    def restore_media(self, media):
        if not media.is_dir():
            return
        target = Path(settings.MEDIA_ROOT)
        for source in media.rglob("*"):
            destination = target / source.relative_to(media)
            if source.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
            else:
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(source.read_bytes())
