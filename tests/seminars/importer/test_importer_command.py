import io
import json

import pytest
from django.core.management import CommandError, call_command

from people.models import Person
from seminars.importer.parse import parse_text
from seminars.models import Seminar, Talk
from tests.seminars.importer.importer_fixtures import FIXTURES, SEED


def run(*args):
    out = io.StringIO()
    call_command("import_resolution", *args, stdout=out)
    return out.getvalue()


def test_dry_run_json_prints_the_parsed_document_and_writes_nothing(db):
    printed = json.loads(run(str(SEED), "--dry-run", "--json"))

    assert printed == parse_text(SEED.read_text(encoding="utf-8")).to_dict()
    assert Seminar.objects.count() == Person.objects.count() == 0


def test_dry_run_json_reports_matches_with_the_demo_loaded(demo_seminar):
    printed = json.loads(run(str(SEED), "--dry-run", "--json"))

    assert printed["seminar"]["organizer_id"] == demo_seminar.organizer_id
    person = Person.objects.get(last_name="Абрамкина")
    assert printed["talks"][0]["speakers"][0]["person_id"] == person.pk
    assert Seminar.objects.count() == 1


def test_import_creates_an_unpublished_seminar_then_refuses_a_second_time(db):
    out = run(str(SEED))

    seminar = Seminar.objects.get()
    assert out == (
        f"Создан черновик семинара «{seminar.title}» (№{seminar.pk}): докладов 12, новых людей 12, "
        "новых библиотек 13. Проверьте его в админке и опубликуйте.\n"
    )
    assert not seminar.is_published
    with pytest.raises(CommandError, match=r"^Этот семинар уже есть в архиве: .* от 24\.11\.2021"):
        run(str(SEED))
    assert Seminar.objects.count() == 1
    assert Talk.objects.count() == 12


def test_bad_file_gives_a_russian_error_and_writes_nothing(db, tmp_path):
    fake = tmp_path / "resolution.docx"
    fake.write_bytes(b"%PDF-1.5\n...")

    with pytest.raises(CommandError, match=r"^Это не документ \.docx, а PDF, переименованный"):
        run(str(fake))

    assert Seminar.objects.count() == 0


def test_document_without_talks_gives_a_russian_error(db, tmp_path):
    text = tmp_path / "empty.txt"
    text.write_text("РЕЗОЛЮЦИЯ\nсеминара «Пусто»\n12.05.2024\nОрганизатор: МБУК «ЦБС»\n")

    with pytest.raises(CommandError, match=r"^В документе не найдено ни одного доклада\. Ничего"):
        run(str(text))

    assert Seminar.objects.count() == 0


def test_missing_file(db):
    with pytest.raises(CommandError, match=r"^Файл не найден: /nowhere\.txt$"):
        run("/nowhere.txt")


def test_dry_run_prints_a_summary_and_writes_nothing(db):
    out = run(str(FIXTURES / "conference_2010.md"), "--dry-run")

    assert out.splitlines() == [
        "«Библиотека и семья: „читаем вместе“ в XXI веке», 2010-12-08",
        "Организатор: ГБУК «Самарская областная детская библиотека»",
        "1. Семейное чтение: традиции и новации — Горбунова Наталья Петровна",
        "2. Проект „Папа, почитай!“: опыт трёх лет — Зайцева Ольга Николаевна, Ёжиков Пётр "
        "Андреевич",
        "3. Читающая семья — читающая страна — Иванова И. И.",
        "4. Книжные праздники для всей семьи — Хасанова Гульнара Ринатовна",
        "Пунктов резолюции: 5",
        "Пробный запуск: ничего не записано.",
    ]
    assert Seminar.objects.count() == 0
