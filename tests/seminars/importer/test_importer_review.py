"""The review page and what a confirmed review writes: localities, defaults, library matches."""

from libraries.models import Library, Region
from seminars.importer.match import LibraryIndex, library_key
from seminars.models import Seminar
from tests.seminars.importer.importer_fixtures import document_bytes
from tests.seminars.importer.test_importer_admin import URL, review_data, upload

REPORT = (
    "ИТОГИ СЕМИНАРА «Сельская библиотека сегодня»\n"
    "14 марта 2024 года на базе МБУК «Центральная библиотека», г. Биробиджан, состоялся семинар. "
    "В нём приняли участие 37 специалистов.\n"
    "Ведущий методист Н. И. Кожевникова познакомила участников с выступлением «Гранты».\n"
    "С сообщением «Клуб выходного дня» выступила Тимофеева А. С., библиотекарь МБУК "
    "«Птичнинская сельская библиотека», с. Птичник.\n"
)


def test_review_shows_dates_localities_unsure_fields_and_not_stated_choices(staff_client):
    review = staff_client.post(URL, {"stage": "upload", "text": REPORT})
    page = review.content.decode()
    form = review.context["form"]

    assert 'value="14.03.2024"' in page
    assert form["organizer"].value() == "МБУК «Центральная библиотека»"
    assert form["organizer_locality"].value() == "Биробиджан"
    assert form["talk-1-speaker-0-locality"].value() == "Птичник"
    assert form["participants_count"].value() == 37
    assert (form["kind"].value(), form["format"].value(), form["scope"].value()) == (
        "seminar",
        "",
        "",
    )
    assert '<option value="" selected>не указано</option>' in page
    # «Тимофеева» after «выступила» is a woman in the nominative; «Кожевникова» after
    # «познакомила» too: neither is a guess.
    assert "Проверьте:" not in page
    assert page.count("не импортировать") == 2 + 1  # two talks and the resolution


def test_a_guessed_case_is_marked_on_the_review_page(staff_client):
    review = staff_client.post(
        URL,
        {
            "stage": "upload",
            "text": "ИТОГИ СЕМИНАРА «Проверка»\n12.05.2024\n"
            "- «Летнее чтение», докладчик Тимофеева А. С., библиотекарь МБУК «ЦБС»\n",
        },
    )

    assert review.context["form"].unsure == {
        "talk-0-speaker-0-last_name": "падеж или род фамилии определён по догадке"
    }
    assert "<strong>Проверьте:</strong> падеж или род фамилии" in review.content.decode()


def test_not_stated_fields_need_a_choice_or_the_defaults_confirmed(staff_client):
    review = staff_client.post(URL, {"stage": "upload", "text": REPORT})

    refused = staff_client.post(URL, review_data(review.context["form"]))
    done = staff_client.post(URL, review_data(review.context["form"], use_defaults="on"))

    assert refused.context["form"].errors["format"] == [
        "В документе не указано. Выберите значение или отметьте «Записать значения по умолчанию»."
    ]
    assert done.status_code == 302
    seminar = Seminar.objects.get()
    assert (seminar.kind, seminar.scope, seminar.format) == ("seminar", "regional", "offline")
    assert seminar.participants_count == 37
    organizer = seminar.organizer
    assert (organizer.legal_form, organizer.name, organizer.locality.name) == (
        "МБУК",
        "Центральная библиотека",
        "Биробиджан",
    )
    assert organizer.region.name == "Еврейская автономная область"


def test_review_dates_are_typed_as_day_month_year(staff_client):
    review = staff_client.post(URL, {"stage": "upload", "text": REPORT})

    done = staff_client.post(
        URL, review_data(review.context["form"], date="15.03.2024", use_defaults="on")
    )

    assert done.status_code == 302
    assert Seminar.objects.get().start_date.isoformat() == "2024-03-15"


def test_library_written_with_its_town_or_spelled_out_form_matches_the_existing_one(db):
    sakhalin = Region.objects.get(name="Сахалинская область")
    library = Library.objects.create(
        legal_form="ГБУК", name="Сахалинская областная детская библиотека", region=sakhalin
    )
    index = LibraryIndex()

    assert (
        index.match("ГБУК «Сахалинская областная детская библиотека», г. Южно-Сахалинск")[0]
        == library
    )
    assert (
        index.match(
            "государственное бюджетное учреждение культуры «Сахалинская областная детская библиотека»"
        )[0]
        == library
    )
    assert library_key("МБУК «Библиотека им. Пушкина» (г. Орёл)") == library_key(
        "муниципальное бюджетное учреждение культуры Библиотека имени Пушкина"
    )


def test_a_branch_is_matched_by_its_number_under_its_parent(db):
    cbs = Library.objects.create(legal_form="МБУК", name="ЦБС г. Холмска")
    branch = Library.objects.create(name="Чаплановская сельская библиотека-филиал № 7", parent=cbs)
    Library.objects.create(name="Библиотека-филиал № 7", parent=Library.objects.create(name="ЦБС"))

    found, _ = LibraryIndex().match("Библиотека-филиал №7 МБУК «ЦБС г. Холмска»")

    assert found == branch


def test_a_protocol_fixture_goes_through_review_and_is_saved(staff_client):
    review = upload(staff_client, *document_bytes("protocol_council_2023"))

    done = staff_client.post(URL, review_data(review.context["form"], use_defaults="on"))

    seminar = Seminar.objects.get()
    assert done.status_code == 302
    assert (seminar.title, seminar.format, seminar.participants_count) == (
        "Заседание методического совета ЦБС",
        "offline",
        11,
    )
    assert seminar.talks.count() == 4
    assert seminar.resolution.items.count() == 4
    assert seminar.organizer.locality.name == "Холмск"
