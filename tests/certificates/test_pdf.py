"""Generated certificates read right: the text of the PDF, its fonts, its QR code."""

import itertools
import subprocess

import pytest
from django.core.exceptions import ValidationError

from certificates.issue import Composer, due, event_genitive, hours_phrase, issue
from certificates.models import Certificate, CertificateTemplate, Kind
from seminars.models import Seminar
from tests.certificates.conftest import attended, pdf_text, qr_of

DEMO_TITLE = (
    "Библиотека-онлайн: опыт дистанционного обслуживания пользователей в современных условиях"
)


def issue_speakers(seminar):
    composer = Composer(seminar)
    return [issue(composer, recipient) for recipient in due(seminar, [Kind.SPEAKER])]


def test_speaker_certificate_names_speaker_seminar_and_number(demo_seminar):
    certificates = issue_speakers(demo_seminar)

    assert len(certificates) == 12
    sorina = next(c for c in certificates if c.last_name == "Сорина")
    text = pdf_text(sorina.path)
    assert "Настоящий сертификат выдан Сориной Анастасии Владимировне" in text
    assert DEMO_TITLE in text
    assert f"№ {sorina.number}" in text
    # Her talk, with the book title's own quotes nested as „лапки“.
    assert "с докладом «Онлайн-комбо на примере книги Н. Носова „По следам Незнайки“»" in text
    assert "в рамках межрегионального семинара" in text
    assert "24 ноября 2021 г." in text


def test_qr_code_leads_to_the_verification_page(demo_seminar, tmp_path):
    certificate = issue_speakers(demo_seminar)[0]

    assert qr_of(certificate.path, tmp_path) == (
        f"https://kopilka.example.ru/certificates/{certificate.number}/"
    )


def test_only_the_pt_fonts_are_embedded(demo_seminar):
    certificate = issue_speakers(demo_seminar)[0]

    lines = subprocess.run(
        ["pdffonts", str(certificate.path)], capture_output=True, check=True, text=True
    ).stdout.splitlines()[2:]
    names = {line.split()[0].split("+", 1)[-1] for line in lines}
    assert names and all(name.startswith(("PT-Serif", "PT-Sans")) for name in names), names
    assert all(line.split()[-4] == "yes" for line in lines)  # embedded


def test_page_is_a4_landscape(demo_seminar):
    from pypdf import PdfReader

    certificate = issue_speakers(demo_seminar)[0]

    page = PdfReader(certificate.path).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (297, 210)
    assert len(PdfReader(certificate.path).pages) == 1


def test_participants_who_attended_get_hours_in_the_text(demo_seminar):
    CertificateTemplate.objects.create(seminar=demo_seminar, kind=Kind.PARTICIPANT, hours=4)
    attended(demo_seminar, "Петрова", "Мария", "Ивановна", email="petrova@example.ru")
    attended(demo_seminar, "Сидоров", "Олег", "Петрович", attended=False)

    composer = Composer(demo_seminar)
    [certificate] = [issue(composer, r) for r in due(demo_seminar, [Kind.PARTICIPANT])]

    text = pdf_text(certificate.path)
    assert "Настоящий сертификат выдан Петровой Марии Ивановне" in text
    assert f"за участие в работе межрегионального семинара «{DEMO_TITLE}»" in text
    assert "24 ноября 2021 г. в объёме 4 академических часов" in text
    assert "участника Настоящий сертификат выдан" in text
    assert certificate.email == "petrova@example.ru"


def test_issuing_again_issues_only_what_is_due(demo_seminar):
    issue_speakers(demo_seminar)

    assert issue_speakers(demo_seminar) == []
    assert Certificate.objects.count() == 12


def test_numbers_are_unique_and_not_sequential(demo_seminar):
    numbers = sorted(c.number for c in issue_speakers(demo_seminar))

    assert len(set(numbers)) == 12
    assert all(len(n) == 14 and n[4] == n[9] == "-" for n in numbers)
    as_ints = [int(n.replace("-", "")) for n in numbers]
    assert all(b - a > 1 for a, b in itertools.pairwise(as_ints))


@pytest.mark.parametrize(
    ("hours", "phrase"),
    [
        (None, ""),
        (1, "в объёме 1\u00a0академического часа"),
        (4, "в объёме 4\u00a0академических часов"),
        (21, "в объёме 21\u00a0академического часа"),
        (72, "в объёме 72\u00a0академических часов"),
    ],
)
def test_hours(hours, phrase):
    assert hours_phrase(hours) == phrase


@pytest.mark.parametrize(
    ("kind", "scope", "phrase"),
    [
        (Seminar.Kind.CONFERENCE, Seminar.Scope.FEDERAL, "всероссийской конференции"),
        (Seminar.Kind.ROUND_TABLE, Seminar.Scope.REGIONAL, "регионального круглого стола"),
        (Seminar.Kind.WEBINAR, Seminar.Scope.INTERNATIONAL, "международного вебинара"),
    ],
)
def test_event_in_the_genitive(kind, scope, phrase):
    assert event_genitive(Seminar(kind=kind, scope=scope)) == phrase


def test_template_text_with_an_unknown_placeholder_is_refused(demo_seminar):
    template = CertificateTemplate(
        seminar=demo_seminar, kind=Kind.SPEAKER, text="за участие в {семинар}"
    )

    with pytest.raises(ValidationError) as error:
        template.full_clean()
    assert "Неизвестная подстановка {семинар}" in str(error.value)


def test_a_new_seminar_takes_the_signer_of_its_organisers_last_template(demo_seminar):
    CertificateTemplate.objects.create(
        seminar=demo_seminar,
        kind=Kind.SPEAKER,
        signer_name="Е. И. Абрамкина",
        signer_position="Директор",
    )
    later = Seminar.objects.create(
        title="Вторая встреча", start_date="2022-02-02", organizer=demo_seminar.organizer
    )

    template = CertificateTemplate.for_seminar(later, Kind.PARTICIPANT)

    assert template.pk is None
    assert (template.signer_name, template.signer_position) == ("Е. И. Абрамкина", "Директор")
