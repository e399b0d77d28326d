import pytest
from django.core.exceptions import ValidationError

from libraries.models import Library
from seminars.models import Seminar, TalkSpeaker

KKDB = "/libraries/kamchatskaia-kraevaia-detskaia-biblioteka-im-v-kruchiny/"
KHABAROVSK_CSDB = "/libraries/tssdb-g-khabarovska/"


def test_region_page_lists_its_talks_libraries_and_seminars(client, demo_seminar):
    response = client.get("/regions/kamchatskii-krai/")

    assert response.status_code == 200
    assert response.context["talk_count"] == 5
    html = response.content.decode()
    assert "<h1>Камчатский край</h1>" in html
    assert "Дальневосточный федеральный округ" in html
    assert 'href="/talks/?region=kamchatskii-krai">Доклады региона в каталоге: с фильтрами' in html
    # One seminar: its talks in programme order, each once.
    orders = TalkSpeaker.objects.filter(library__region__slug="kamchatskii-krai")
    assert [talk.order for talk in response.context["talks"]] == sorted(
        set(orders.values_list("talk__order", flat=True))
    )
    heads = [
        "Камчатская краевая детская библиотека им. В. Кручины",
        "Соболевская библиотека",
        "Централизованная библиотечная система г. Петропавловска-Камчатского",
    ]
    assert [library.get_absolute_url() for library in response.context["libraries"]] == [
        Library.objects.get(name=name).get_absolute_url() for name in heads
    ]
    assert "КГБУ «Камчатская краевая детская библиотека им. В. Кручины»" in html
    assert [card.get_absolute_url() for card in response.context["seminars"]] == [
        demo_seminar.get_absolute_url()
    ]


def test_unknown_region_is_404(client, db):
    assert client.get("/regions/atlantida/").status_code == 404


def test_federal_district_overview_counts_talks(client, demo_seminar):
    response = client.get("/regions/")

    districts = {d["label"]: d for d in response.context["districts"]}
    assert districts["Дальневосточный"]["talk_count"] == 8
    assert districts["Центральный"]["talk_count"] == 3
    assert districts["Приволжский"]["talk_count"] == 1
    assert districts["Южный"]["talk_count"] == 0
    assert sum(len(d["regions"]) for d in districts.values()) == 89
    assert 'href="/talks/?district=far-eastern">8 докладов</a>' in response.content.decode()


def test_library_page_shows_official_name_departments_and_organised_seminars(client, demo_seminar):
    response = client.get(KKDB)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<dd>КГБУ «Камчатская краевая детская библиотека им. В. Кручины»</dd>" in html
    assert "<li>Отдел формирования и организации фондов</li>" in html
    assert response.context["talk_count"] == 2
    assert [card.get_absolute_url() for card in response.context["seminars"]] == [
        demo_seminar.get_absolute_url()
    ]


def test_library_page_includes_talks_from_branches(client, demo_seminar):
    response = client.get(KHABAROVSK_CSDB)

    assert [talk.title for talk in response.context["talks"]] == [
        "Онлайн-комбо на примере книги Н. Носова «По следам Незнайки»"
    ]
    assert "Библиотека семейного чтения-филиал №7" in response.content.decode()


def test_unpublished_library_is_404_for_visitors(client, demo_seminar):
    Library.objects.filter(slug="tssdb-g-khabarovska").update(is_published=False)

    assert client.get(KHABAROVSK_CSDB).status_code == 404


def test_unpublished_library_is_a_draft_for_staff(staff_client, demo_seminar):
    Library.objects.filter(slug="tssdb-g-khabarovska").update(is_published=False)

    response = staff_client.get(KHABAROVSK_CSDB)
    assert response.status_code == 200
    assert "<strong>Черновик.</strong>" in response.content.decode()


def test_library_list_shows_top_level_published_libraries(client, demo_seminar):
    Library.objects.filter(slug="tsbs-g-chita").update(is_published=False)

    response = client.get("/libraries/")

    names = [library.name for library in response.context["page"]]
    assert len(names) == 9
    assert "ЦБС г. Чита" not in names
    assert "Модельная библиотека" not in names


def test_talks_of_unpublished_seminars_are_not_on_region_pages(client, demo_seminar):
    Seminar.objects.update(is_published=False)

    response = client.get("/regions/kamchatskii-krai/")

    assert response.context["talk_count"] == 0
    assert list(response.context["talks"]) == []
    assert list(response.context["seminars"]) == []


def test_library_list_filters_by_name_and_region(client, demo_seminar):
    by_name = client.get("/libraries/", {"q": "ДЕТСКАЯ"})
    by_region = client.get("/libraries/", {"region": "kamchatskii-krai"})
    nothing = client.get("/libraries/", {"q": "Луна"})

    assert [library.name for library in by_name.context["page"]] == [
        "Камчатская краевая детская библиотека им. В. Кручины",
        "Орловская областная детская библиотека им. М.М. Пришвина",
        "Самарская областная детская библиотека",
        "Сахалинская областная детская библиотека",
    ]
    assert len(by_region.context["page"]) == 3
    assert "<strong>Ничего не найдено.</strong>" in nothing.content.decode()


def test_library_list_unknown_region_is_a_form_error(client, demo_seminar):
    response = client.get("/libraries/", {"region": "atlantida"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["region"]
    assert list(response.context["page"]) == []


def test_library_page_shows_its_postal_address(client, demo_seminar):
    Library.objects.filter(slug=KKDB.split("/")[2]).update(
        street_address="ул. Ленинская, 12", postal_code="683000"
    )

    html = client.get(KKDB).content.decode()

    assert "<dt>Адрес</dt><dd>683000, Петропавловск-Камчатский, ул. Ленинская, 12</dd>" in html


def test_a_postal_code_is_six_digits(db):
    library = Library(name="Проверочная", postal_code="68300")

    with pytest.raises(ValidationError) as error:
        library.full_clean()

    assert error.value.message_dict == {"postal_code": ["Почтовый индекс — шесть цифр."]}
