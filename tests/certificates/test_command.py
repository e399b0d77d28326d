"""`manage.py certificates SLUG --output DIR [--speakers] [--participants]`."""

import io

import pytest
from django.core.management import CommandError, call_command

from certificates.models import Certificate, Kind
from tests.certificates.conftest import attended, pdf_text

SPEAKERS_DATIVE = [
    "Абрамкиной Елене Ивановне",
    "Калиновской Ирине Михайловне",
    "Тауль Ольге Михайловне",
    "Чельшевой Ирине Викторовне",
    "Масенковой Людмиле Валерьевне",
    "Молчковой Ольге Юрьевне",
    "Лысановой Ольге Викторовне",
    "Толстоноговой Елене Павловне",
    "Романовой Елизавете Васильевне",
    "Сориной Анастасии Владимировне",
    "Сафоновой Светлане Юрьевне",
    "Аптикаримовой Алле Рифхатовне",
]


def test_demo_seminar_speakers_get_twelve_pdfs_each_naming_its_speaker(demo_seminar, tmp_path):
    out = io.StringIO()

    call_command(
        "certificates",
        demo_seminar.slug,
        "--output",
        str(tmp_path / "out"),
        "--speakers",
        stdout=out,
    )

    files = sorted((tmp_path / "out").glob("*.pdf"))
    assert len(files) == 12
    named = {}
    for path in files:
        text = pdf_text(path)
        [speaker] = [name for name in SPEAKERS_DATIVE if name in text]
        certificate = Certificate.objects.get(person__isnull=False, name_dative=speaker)
        assert certificate.number in path.name and certificate.number in text
        named[speaker] = path.name
    assert sorted(named) == sorted(SPEAKERS_DATIVE)
    assert out.getvalue() == f"Выдано новых: 12. Записано в {tmp_path / 'out'}: 12 сертификатов.\n"


def test_running_again_issues_nothing_new_and_writes_the_same(demo_seminar, tmp_path):
    call_command(
        "certificates",
        demo_seminar.slug,
        "--output",
        str(tmp_path),
        "--speakers",
        stdout=io.StringIO(),
    )
    numbers = set(Certificate.objects.values_list("number", flat=True))
    out = io.StringIO()

    call_command("certificates", demo_seminar.slug, "--output", str(tmp_path), stdout=out)

    assert set(Certificate.objects.values_list("number", flat=True)) == numbers
    assert out.getvalue().startswith("Выдано новых: 0.")


def test_participants_only(demo_seminar, tmp_path):
    attended(demo_seminar, "Петрова", "Мария", "Ивановна")
    attended(demo_seminar, "Сидоров", "Олег", "Петрович", attended=False)

    call_command(
        "certificates",
        demo_seminar.slug,
        "--output",
        str(tmp_path),
        "--participants",
        stdout=io.StringIO(),
    )

    [path] = tmp_path.glob("*.pdf")
    assert "Петровой Марии Ивановне" in pdf_text(path)
    assert path.name.endswith("Петрова М. И.pdf")
    assert not Certificate.objects.filter(kind=Kind.SPEAKER).exists()


def test_unknown_seminar_is_a_russian_error(db, tmp_path):
    with pytest.raises(CommandError, match=r"Семинар с адресом «nothing» не найден\."):
        call_command("certificates", "nothing", "--output", str(tmp_path))
