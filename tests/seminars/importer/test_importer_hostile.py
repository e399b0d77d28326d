"""Files made to hurt the importer: each is answered with a message, quickly, writing nothing."""

import io
import struct
import zipfile

import pytest
from django.db.models.signals import pre_save
from django.urls import reverse

from people.models import Person
from seminars.importer import views
from seminars.importer.documents import DocumentError, read_document
from seminars.importer.match import match_document
from seminars.importer.parse import parse_text
from seminars.importer.save import find_existing
from seminars.models import Seminar
from tests.seminars.importer.importer_fixtures import SEED, build_docx
from tests.seminars.importer.test_importer_admin import URL, review_data, upload

BOMB_BYTES = 120 * 1024 * 1024


def with_part(docx, name, content):
    """The .docx with one more part, deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return out.getvalue()


def declaring_size(archive, name, size):
    """The archive with the central directory claiming `size` unpacked bytes for `name`."""
    data = bytearray(archive)
    entry = data.rfind(b"PK\x01\x02", 0, data.rfind(name.encode()))
    struct.pack_into("<I", data, entry + 24, size)
    return bytes(data)


def test_docx_that_unpacks_past_the_limit_is_refused_before_reading():
    bomb = with_part(build_docx("Текст"), "word/media/padding.bin", b"\0" * BOMB_BYTES)
    assert len(bomb) < 1024 * 1024

    with pytest.raises(
        DocumentError, match=r"^Документ \.docx распаковывается больше чем в 100 МБ"
    ):
        read_document("bomb.docx", bomb)


def test_docx_part_that_lies_about_its_size_is_read_only_up_to_it():
    bomb = with_part(build_docx("Текст"), "word/media/padding.bin", b"\0" * BOMB_BYTES)
    liar = declaring_size(bomb, "word/media/padding.bin", 1024)

    with pytest.raises(DocumentError, match=r"^Документ \.docx повреждён"):
        read_document("liar.docx", liar)


def test_docx_bomb_upload_shows_the_message_and_writes_nothing(staff_client):
    bomb = with_part(build_docx("Текст"), "word/media/padding.bin", b"\0" * BOMB_BYTES)

    response = upload(staff_client, "bomb.docx", bomb)

    assert response.status_code == 200
    assert (
        response.context["form"]
        .non_field_errors()[0]
        .startswith("Документ .docx распаковывается больше чем в 100 МБ")
    )
    assert Seminar.objects.count() == 0


def test_matching_a_long_list_of_speakers_reads_people_in_a_few_queries(
    db, django_assert_max_num_queries
):
    stems = [
        "Бел",
        "Сав",
        "Гор",
        "Ков",
        "Мор",
        "Лес",
        "Вол",
        "Род",
        "Сок",
        "Тих",
        "Пет",
        "Сид",
        "Мак",
        "Фед",
        "Ник",
        "Гал",
        "Зим",
        "Кур",
        "Лук",
        "Мих",
    ]
    surnames = [f"{a}{b.lower()}ова" for a in stems for b in stems][:400]
    Person.objects.create(last_name=surnames[0], first_name="Анна", patronymic="Ивановна")
    lines = ["РЕЗОЛЮЦИЯ", "семинара «Много докладчиков»", "5 мая 2023 г.", ""]
    lines += [
        f"- «Доклад {k}», докладчик {name} А. И., библиотекарь МБУК «ЦБС г. Чита»"
        for k, name in enumerate(surnames)
    ]
    document = parse_text("\n".join(lines))
    assert len(document.talks) == 400

    # One query for the libraries and one for every 300 surnames, whatever the length.
    with django_assert_max_num_queries(3):
        match_document(document)

    assert document.talks[0].speakers[0].person_id == Person.objects.get().pk
    assert {t.speakers[0].person_id for t in document.talks[1:]} == {None}


def test_double_submitted_confirmation_creates_one_seminar_and_says_so(staff_client, monkeypatch):
    review = upload(staff_client, "resolution.txt", SEED.read_bytes())
    data = review_data(review.context["form"])
    staff_client.post(URL, data, follow=True)  # the first submission, its message shown
    first = Seminar.objects.get()
    # The second submission ran alongside the first: it checked for the seminar and chose its
    # slug before the first one committed.
    stale = [None]
    monkeypatch.setattr(
        views, "find_existing", lambda d: stale.pop() if stale else find_existing(d)
    )

    def stale_slug(sender, instance, **kwargs):
        instance.slug = first.slug

    pre_save.connect(stale_slug, sender=Seminar)
    try:
        response = staff_client.post(URL, data, follow=True)
    finally:
        pre_save.disconnect(stale_slug, sender=Seminar)

    assert list(Seminar.objects.all()) == [first]
    assert response.redirect_chain[-1][0] == reverse(
        "admin:seminars_seminar_change", args=[first.pk]
    )
    assert [str(m) for m in response.context["messages"]] == [
        f"Семинар «{first}» уже создан: подтверждение пришло дважды. Второй раз ничего не записано."
    ]
    assert first.talks.count() == 12


def test_a_document_of_thousands_of_speaker_lines_is_refused_with_a_message(staff_client):
    lines = ["РЕЗОЛЮЦИЯ", "семинара «Слишком много»", "5 мая 2023 г.", ""]
    lines += [
        f"- «Доклад {k}», докладчик Орлова А. П., библиотекарь МБУК «ЦБС г. Чита»"
        for k in range(401)
    ]

    response = upload(staff_client, "many.txt", "\n".join(lines).encode())

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "В документе 401 доклад — больше, чем можно проверить на одной странице (не больше "
        "400). Разделите документ на части по семинарам и загрузите каждую отдельно."
    ]
    assert "talk-0-title" not in response.content.decode()
    assert Seminar.objects.count() == 0
