import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from people.models import Person
from seminars.models import Seminar, TalkSpeaker
from tests.seminars.importer.importer_fixtures import SEED, build_docx, document_bytes

URL = reverse("admin:seminars_seminar_import")


def review_data(form, **changes):
    """What a browser submits for the review form as displayed, with some fields changed."""
    data = {}
    for field in form:
        value = field.value()
        if isinstance(value, bool) or value is None:
            if value:
                data[field.html_name] = "on"
            continue
        data[field.html_name] = value
    data.update(changes)
    data["stage"] = "confirm"
    return data


def upload(client, name, content):
    return client.post(URL, {"stage": "upload", "file": SimpleUploadedFile(name, content)})


def test_upload_page_is_linked_from_the_seminar_list(staff_client):
    listing = staff_client.get(reverse("admin:seminars_seminar_changelist"))
    page = staff_client.get(URL)

    assert f'href="{URL}"' in listing.content.decode()
    assert page.status_code == 200
    assert "Разобрать документ" in page.content.decode()


def test_staff_without_add_permission_is_refused(client, django_user_model):
    user = django_user_model.objects.create_user("viewer", password="x-not-used-1", is_staff=True)
    client.force_login(user)

    assert client.get(URL).status_code == 403


def test_seed_upload_review_confirm_creates_a_draft_seminar(staff_client):
    review = upload(staff_client, "resolution.txt", SEED.read_bytes())

    assert review.status_code == 200
    form = review.context["form"]
    assert form["title"].value().startswith("Библиотека-онлайн")
    assert (
        form["talk-9-title"].value()
        == "Онлайн-комбо на примере книги Н. Носова «По следам Незнайки»"
    )
    assert form["talk-2-speaker-0-department"].value() == "ИБЦ «Доступный город»"
    assert form["talk-0-speaker-0-person"].value() == "new"
    assert form["places"].value().splitlines()[:2] == [
        "Петропавловск-Камчатский — Камчатский край",
        "Южно-Сахалинск — Сахалинская область",
    ]
    assert "Ивановская область" in form["places"].value().splitlines()
    assert "Этот семинар уже есть" not in review.content.decode()

    done = staff_client.post(URL, review_data(form, **{"talk-0-title": "Выход библиотек онлайн"}))

    seminar = Seminar.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:seminars_seminar_change", args=[seminar.pk])
    assert not seminar.is_published
    assert seminar.talks.count() == 12
    assert seminar.talks.get(order=1).title == "Выход библиотек онлайн"
    assert seminar.resolution.items.count() == 6
    assert seminar.regions.count() == 8
    assert sorted(seminar.localities.values_list("name", flat=True)) == [
        "Петропавловск-Камчатский",
        "Самара",
        "Соболевский муниципальный район",
        "Хабаровск",
        "Чита",
        "Южно-Сахалинск",
    ]


def test_docx_upload_gives_the_same_review_as_the_text(staff_client):
    text = staff_client.post(URL, {"stage": "upload", "text": SEED.read_text(encoding="utf-8")})
    name, content = document_bytes("school_2023")
    docx = upload(staff_client, name, content)

    assert text.context["form"]["talk-11-title"].value() == (
        "Сетевые и электронные ресурсы библиотек, как способ продвижения книги и чтения"
    )
    assert docx.context["form"]["talk-1-title"].value() == "Работа с каталогом «ИРБИС»"
    assert docx.context["form"]["kind"].value() == "school"


def test_existing_person_is_proposed_and_chosen_not_duplicated(staff_client, demo_seminar):
    Seminar.objects.update(title="Другое название")  # so the seed is not a re-import
    abramkina = Person.objects.get(last_name="Абрамкина")

    review = upload(staff_client, "resolution.txt", SEED.read_bytes())
    form = review.context["form"]
    assert form["talk-0-speaker-0-person"].value() == str(abramkina.pk)
    assert form["talk-0-speaker-0-library"].value() == str(demo_seminar.organizer_id)
    staff_client.post(URL, review_data(form))

    assert Person.objects.count() == 12
    imported = Seminar.objects.exclude(pk=demo_seminar.pk).get()
    assert TalkSpeaker.objects.filter(talk__seminar=imported, person=abramkina).count() == 1


def test_editor_can_choose_to_create_a_new_person(staff_client, demo_seminar):
    Seminar.objects.update(title="Другое название")
    review = upload(staff_client, "resolution.txt", SEED.read_bytes())

    staff_client.post(
        URL, review_data(review.context["form"], **{"talk-0-speaker-0-person": "new"})
    )

    assert Person.objects.filter(last_name="Абрамкина").count() == 2


def test_reimport_offers_the_existing_seminar_and_writes_nothing(staff_client, demo_seminar):
    review = upload(staff_client, "resolution.txt", SEED.read_bytes())

    page = review.content.decode()
    change_url = reverse("admin:seminars_seminar_change", args=[demo_seminar.pk])
    assert f'Этот семинар уже есть в архиве: <a href="{change_url}">' in page
    again = staff_client.post(URL, review_data(review.context["form"]))
    assert again.status_code == 200
    assert again.context["form"].non_field_errors() == ["Этот семинар уже есть в архиве."]
    assert Seminar.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.txt", b"", "Файл пуст."),
        ("a.docx", b"%PDF-1.4 ...", "Это не документ .docx, а PDF, переименованный в .docx."),
        (
            "a.docx",
            b"\x89PNG\r\n\x1a\n....",
            "Это не документ .docx, а изображение PNG, переименованный в .docx.",
        ),
        (
            "a.txt",
            "Текст без докладов и заголовков.".encode("cp1251"),
            "В документе не найдено ни одного доклада.",
        ),
    ],
)
def test_bad_documents_show_a_russian_message_and_write_nothing(
    staff_client, name, content, message
):
    response = upload(staff_client, name, content)

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()[0].startswith(message)
    assert Seminar.objects.count() == 0


def test_file_over_the_limit_is_refused(staff_client, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024

    response = upload(staff_client, "big.txt", "Доклад. ".encode() * 500)

    assert response.context["form"].non_field_errors() == [
        "Файл слишком большой: 7 КБ, допускается не больше 1 КБ."
    ]


def test_tampered_review_data_is_refused(staff_client):
    response = staff_client.post(URL, {"stage": "confirm", "document": "forged"})

    assert response.status_code == 302
    assert response["Location"] == URL
    assert Seminar.objects.count() == 0


def test_end_date_before_start_is_an_error_on_the_form(staff_client):
    review = upload(staff_client, "resolution.txt", SEED.read_bytes())

    response = staff_client.post(
        URL, review_data(review.context["form"], end_date=datetime.date(2021, 11, 1).isoformat())
    )

    assert response.context["form"].errors["end_date"] == [
        "Дата окончания не может быть раньше даты начала."
    ]
    assert Seminar.objects.count() == 0


def test_docx_of_the_seed_imports_to_the_same_seminar_as_the_text(staff_client):
    import re

    lines = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        line = line.replace("**", "").strip()
        if line.startswith("- "):
            line = "*. " + line[2:]
        elif re.match(r"\d+\. ", line):
            line = "#. " + line.split(". ", 1)[1]
        lines.append(line)
    from_docx = upload(staff_client, "resolution.docx", build_docx("\n".join(lines)))
    from_text = upload(staff_client, "resolution.txt", SEED.read_bytes())

    docx_form, text_form = from_docx.context["form"], from_text.context["form"]
    assert {f.html_name: f.value() for f in docx_form if f.html_name != "document"} == {
        f.html_name: f.value() for f in text_form if f.html_name != "document"
    }


def test_a_conference_of_120_talks_goes_through_review(staff_client):
    lines = [
        "РЕЗОЛЮЦИЯ",
        "межрегиональной конференции «Большая конференция»",
        "5 мая 2023 г.",
        "Организатор: МБУК «ЦБС г. Чита»",
    ]
    lines += [
        f"{n}. «Доклад номер {n}», докладчик Иванова{'-' * 0}{chr(1072 + n % 30)}ина И. И., "
        "библиотекарь МБУК «ЦБС г. Чита»"
        for n in range(1, 121)
    ]
    review = staff_client.post(URL, {"stage": "upload", "text": "\n".join(lines)})

    # The document names no format: staff confirm the default.
    done = staff_client.post(URL, review_data(review.context["form"], use_defaults="on"))

    assert done.status_code == 302
    assert Seminar.objects.get().talks.count() == 120
