"""Import a resolution or programme (.docx, .txt, .md) as an unpublished seminar."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from seminars.importer.documents import DocumentError, read_document
from seminars.importer.match import match_document
from seminars.importer.parse import parse_paragraphs
from seminars.importer.save import ImportProblem, find_existing, problems, save_document


class Command(BaseCommand):
    help = (
        "Импортирует резолюцию или программу семинара (.docx, .txt, .md) как неопубликованный "
        "семинар. С --dry-run ничего не записывает; с --json печатает разобранный документ."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Файл документа: .docx, .txt или .md.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Только разобрать, ничего не сохранять."
        )
        parser.add_argument("--json", action="store_true", help="Напечатать результат в JSON.")

    def handle(self, path, dry_run=False, json=False, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"Файл не найден: {path}")
        try:
            document = parse_paragraphs(read_document(file.name, file.read_bytes()))
        except DocumentError as error:
            raise CommandError(str(error)) from None
        match_document(document)
        if json:
            self.stdout.write(document.to_json(indent=2))
        existing = find_existing(document)
        if dry_run:
            if not json:
                self._summary(document, existing)
            return
        found = problems(document)
        if found:
            raise CommandError(" ".join(found) + " Ничего не записано.")
        if existing:
            raise CommandError(
                f"Этот семинар уже есть в архиве: «{existing}» от "
                f"{existing.start_date:%d.%m.%Y} (№{existing.pk}). Ничего не записано."
            )
        try:
            seminar, created = save_document(document)
        except (ImportProblem, ValidationError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError(" ".join(messages) + " Ничего не записано.") from None
        if not json:
            self.stdout.write(
                f"Создан черновик семинара «{seminar}» (№{seminar.pk}): докладов "
                f"{seminar.talks.count()}, новых людей {created['people']}, новых библиотек "
                f"{created['libraries']}. Проверьте его в админке и опубликуйте."
            )

    def _summary(self, document, existing):
        s = document.seminar
        self.stdout.write(f"«{s.title}», {s.date or 'дата не найдена'}")
        self.stdout.write(f"Организатор: {s.organizer or 'не найден'}")
        for number, talk in enumerate(document.talks, start=1):
            names = ", ".join(
                f"{sp.last_name} {sp.first_name} {sp.patronymic}".strip()
                + (" (есть в базе)" if sp.person_id else "")
                for sp in talk.speakers
            )
            self.stdout.write(f"{number}. {talk.title} — {names}")
        self.stdout.write(f"Пунктов резолюции: {len(document.resolution.items)}")
        for problem in problems(document):
            self.stdout.write(f"Проблема: {problem}")
        if existing:
            self.stdout.write(f"Уже есть в архиве: «{existing}» (№{existing.pk}).")
        self.stdout.write("Пробный запуск: ничего не записано.")
