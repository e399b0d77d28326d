"""`manage.py certificates SEMINAR_SLUG --output DIR [--speakers] [--participants]`.

Issues the certificates that are due (as «Выдать сертификаты» in the admin does) and writes the
PDF of every valid certificate of those kinds into DIR, for scripts and printing.
"""

import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from certificates.issue import Composer, due, ensure_pdf, issue
from certificates.models import Certificate, Kind
from core.cache import new_generation
from seminars.models import Seminar
from seminars.templatetags.russian import plural


class Command(BaseCommand):
    help = "Выдаёт сертификаты семинара и записывает их PDF в папку."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="адрес семинара (slug)")
        parser.add_argument("--output", required=True, type=Path, help="папка для PDF")
        parser.add_argument("--speakers", action="store_true", help="докладчикам")
        parser.add_argument("--participants", action="store_true", help="участникам")

    def handle(self, slug, output, speakers, participants, **options):
        seminar = Seminar.objects.filter(slug=slug).first()
        if seminar is None:
            raise CommandError(f"Семинар с адресом «{slug}» не найден.")
        kinds = [
            kind
            for kind, wanted in ((Kind.SPEAKER, speakers), (Kind.PARTICIPANT, participants))
            if wanted
        ] or [Kind.SPEAKER, Kind.PARTICIPANT]
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Не удалось создать папку {output}: {error.strerror}.") from error

        composer = Composer(seminar)
        issued = 0
        for recipient in due(seminar, kinds):
            try:
                issue(composer, recipient)
            except IntegrityError:
                continue  # issued meanwhile by the background worker
            issued += 1
        if issued:
            new_generation()  # speakers' pages list their certificates

        written = 0
        certificates = Certificate.objects.printable(seminar, kinds)
        for certificate in certificates.iterator(chunk_size=200):
            shutil.copyfile(ensure_pdf(certificate), output / certificate.filename)
            written += 1
        self.stdout.write(
            f"Выдано новых: {issued}. Записано в {output}: "
            f"{plural(written, 'сертификат,сертификата,сертификатов')}."
        )
