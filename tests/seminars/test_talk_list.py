import pytest
from django.db import connection

from libraries.models import Library
from people.models import Person
from seminars.filters import TalkFilter, library_matches, speaker_matches
from seminars.models import Seminar, Talk, TalkSpeaker, Topic

KAMCHATKA_TALKS = [
    "Выход библиотек в виртуальное пространство: особенности и перспективы работы в цифровой среде",
    "Информационные электронные ресурсы Централизованной библиотечной системы "
    "г. Петропавловска-Камчатского",
    "Социальное партнерство как фактор успешного библиотечного онлайн обслуживания "
    "по популяризации книги и продвижению семейного чтения во ВКонтакте",
    "Культурно-массовые онлайн-мероприятия Централизованной библиотечной системы "
    "г. Петропавловска-Камчатского",
    "Онлайн-форматы мероприятий в работе МКУК «Соболевская библиотека»: особенности и перспективы",
]


def titles(response):
    return [talk.title for talk in response.context["talks"]]


def orders(response):
    return [talk.order for talk in response.context["talks"]]


def test_all_published_talks_newest_first_then_in_programme_order(client, demo_seminar):
    response = client.get("/talks/")

    assert response.status_code == 200
    assert orders(response) == list(range(1, 13))
    assert "Найдено: 12 докладов" in response.content.decode()


def test_region_kamchatka_gives_exactly_its_five_talks(client, demo_seminar):
    response = client.get("/talks/", {"region": "kamchatskii-krai"})

    assert titles(response) == KAMCHATKA_TALKS
    html = response.content.decode()
    assert "Найдено: 5 докладов" in html
    assert (
        "<title>Доклады: Камчатский край — Методическая копилка · Камчатская краевая детская библиотека им. В. Кручины</title>"
        in html
    )


def test_region_ivanovo_gives_only_its_talk(client, demo_seminar):
    response = client.get("/talks/", {"region": "ivanovskaia-oblast"})

    assert titles(response) == [
        "«Дети, книги и МАЯК» - детская страничка библиотеки в социальной сети ВКонтакте"
    ]


def test_several_regions_at_once(client, demo_seminar):
    response = client.get("/talks/?region=ivanovskaia-oblast&region=samarskaia-oblast")

    assert orders(response) == [4, 6]


def test_far_eastern_district_gives_the_eight_far_eastern_talks(client, demo_seminar):
    response = client.get("/talks/", {"district": "far-eastern"})

    assert orders(response) == [1, 2, 3, 5, 8, 10, 11, 12]
    regions = set(
        TalkSpeaker.objects.filter(
            talk__in=[talk.pk for talk in response.context["talks"]]
        ).values_list("library__region__name", flat=True)
    )
    assert regions == {
        "Камчатский край",
        "Сахалинская область",
        "Хабаровский край",
        "Забайкальский край",
    }


def test_combined_filters(client, demo_seminar):
    response = client.get("/talks/", {"district": "far-eastern", "q": "ВКОНТАКТЕ"})

    assert orders(response) == [5]


def test_text_box_is_case_insensitive_for_cyrillic(client, demo_seminar):
    lower = client.get("/talks/", {"q": "вконтакте"})
    upper = client.get("/talks/", {"q": "ВКОНТАКТЕ"})

    assert orders(lower) == orders(upper) == [4, 5]


def test_library_filter_includes_branches(client, demo_seminar):
    response = client.get("/talks/", {"library": "tssdb-g-khabarovska"})

    assert orders(response) == [10]


def test_library_filter_includes_departments_and_matches_typed_names(client, demo_seminar):
    by_slug = client.get("/talks/", {"library": "tsbs-g-chita"})
    by_name = client.get("/talks/", {"library": "цбс г. чита"})

    assert orders(by_slug) == orders(by_name) == [12]


def test_library_filter_by_part_of_a_name_matches_every_such_library(client, demo_seminar):
    response = client.get("/talks/", {"library": "Камчатск"})

    assert orders(response) == [1, 3, 5, 8]


def test_lookup_boxes_take_part_of_a_name(client, demo_seminar):
    assert orders(client.get("/talks/", {"library": "Камчатск"})) == [1, 3, 5, 8]
    assert orders(client.get("/talks/", {"speaker": "сорина"})) == [10]
    assert len(orders(client.get("/talks/", {"seminar": "онлайн"}))) == 12


def test_a_name_no_one_has_is_reported(client, demo_seminar):
    response = client.get("/talks/", {"speaker": "Квазарова"})

    assert titles(response) == []
    assert "Докладчик «Квазарова» не найден" in response.content.decode()


@pytest.mark.postgresql
@pytest.mark.parametrize(
    ("lookup", "indexes"),
    [
        (library_matches, ["library_sort_key_trgm", "library_short_name_trgm"]),
        (speaker_matches, ["person_sort_key_trgm", "person_last_name_upper"]),
        # seminar_matches' title condition: for 35 seminars an index of published ones wins.
        (lambda text: Seminar.objects.filter(title__icontains=text), ["seminar_title_trgm"]),
    ],
)
def test_typed_names_are_found_through_indexes(demo_seminar, lookup, indexes):
    # The demo tables are too small for the planner to prefer an index: without a sequential
    # scan or an index walk to choose, a lookup no index can serve would still show a scan.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
    plan = lookup("квазар").order_by().explain()

    assert "Seq Scan" not in plan
    assert all(index in plan for index in indexes)


def test_speaker_filter_by_slug_and_by_surname(client, demo_seminar):
    by_slug = client.get("/talks/", {"speaker": "sorina-anastasiia-vladimirovna"})
    by_name = client.get("/talks/", {"speaker": "сорина"})

    assert orders(by_slug) == orders(by_name) == [10]


def test_seminar_kind_format_and_year_filters(client, demo_seminar):
    match = client.get(
        "/talks/", {"kind": "seminar", "format": "blended", "year_from": 2021, "year_to": 2021}
    )
    no_match = client.get("/talks/", {"year_from": 2022})

    assert len(titles(match)) == 12
    assert titles(no_match) == []


def test_seminar_filter(client, demo_seminar):
    response = client.get("/talks/", {"seminar": demo_seminar.slug})

    assert len(titles(response)) == 12


def test_topic_filter(client, demo_seminar):
    topic = Topic.objects.create(name="Социальные сети")
    Talk.objects.get(order=4).topics.add(topic)
    Talk.objects.get(order=6).topics.add(topic)

    response = client.get("/talks/", {"topic": topic.slug})

    assert orders(response) == [4, 6]
    assert response.context["facets"]["topic"] == [
        {"value": "sotsialnye-seti", "label": "Социальные сети", "count": 2, "checked": True}
    ]


def test_sorting(client, demo_seminar):
    response = client.get("/talks/", {"sort": "title"})

    assert titles(response) == sorted(titles(response))
    assert (
        titles(response)[0]
        == "«Дети, книги и МАЯК» - детская страничка библиотеки в социальной сети ВКонтакте"
    )


def test_region_facet_counts_equal_the_real_counts(client, demo_seminar):
    response = client.get("/talks/")

    facets = response.context["facets"]
    regions = {option["label"]: option["count"] for option in facets["region"]}
    assert regions == {
        "Владимирская область": 1,
        "Забайкальский край": 1,
        "Ивановская область": 1,
        "Камчатский край": 5,
        "Орловская область": 1,
        "Самарская область": 1,
        "Сахалинская область": 1,
        "Хабаровский край": 1,
    }
    for option in facets["region"]:
        real = client.get("/talks/", {"region": option["value"]}).context["page"].paginator.count
        assert option["count"] == real


def test_facets_are_computed_for_the_current_filter(client, demo_seminar):
    response = client.get("/talks/", {"q": "ВКонтакте", "region": "kamchatskii-krai"})

    facets = response.context["facets"]
    regions = {option["label"]: option["count"] for option in facets["region"]}
    districts = {option["value"]: option["count"] for option in facets["district"]}
    assert regions == {"Ивановская область": 1, "Камчатский край": 1}
    assert districts["far-eastern"] == 1
    assert districts["central"] == 0
    assert facets["year"] == [{"value": 2021, "count": 1, "checked": False}]
    kinds = {option["value"]: option["count"] for option in facets["kind"]}
    assert kinds["seminar"] == 1


def test_pagination_keeps_the_filter(client, demo_seminar):
    seminar = Seminar.objects.get()
    for order in range(13, 43):
        Talk.objects.create(seminar=seminar, order=order, title=f"Доклад {order}")

    response = client.get("/talks/", {"q": "доклад", "sort": "oldest"})

    html = response.content.decode()
    assert response.context["page"].paginator.count == 30
    assert 'href="?q=%D0%B4%D0%BE%D0%BA%D0%BB%D0%B0%D0%B4&amp;sort=oldest&amp;page=2"' in html


def test_nothing_found_names_the_filter_to_loosen(client, demo_seminar):
    response = client.get("/talks/", {"region": "ivanovskaia-oblast", "q": "Незнайки"})

    html = response.content.decode()
    assert "<strong>Ничего не найдено.</strong>" in html
    assert response.context["loosen"] == [
        {"label": "Текст", "count": 1, "url": "?region=ivanovskaia-oblast"},
        {
            "label": "Регион",
            "count": 1,
            "url": "?q=%D0%9D%D0%B5%D0%B7%D0%BD%D0%B0%D0%B9%D0%BA%D0%B8",
        },
    ]
    assert "уберите «Регион»</a> — найдётся 1 доклад" in html


def test_unpublished_talks_are_hidden_from_list_facets_and_exports(client, demo_seminar):
    Seminar.objects.update(is_published=False)

    response = client.get("/talks/")
    csv_text = client.get("/talks/export.csv").content.decode("utf-8-sig")

    assert titles(response) == []
    assert response.context["facets"]["region"] == []
    assert csv_text.strip().splitlines() == [
        "Дата,Семинар,№,Доклад,Докладчики,Библиотеки,Регионы,Адрес"
    ]


def test_speaker_without_consent_is_shown_by_initials_in_the_list(client, demo_seminar):
    Person.objects.filter(last_name="Сорина").update(consent=Person.Consent.WITHDRAWN)

    html = client.get("/talks/", {"speaker": "Сорина"}).content.decode()

    assert "Сорина А. В." in html
    assert "Анастасия" not in html
    assert "sorina-anastasiia-vladimirovna" not in html


def test_speaker_without_consent_cannot_be_found_by_first_name(client, demo_seminar):
    Person.objects.filter(last_name="Сорина").update(consent=Person.Consent.WITHDRAWN)

    response = client.get("/talks/", {"speaker": "Сорина Анастасия"})

    assert response.context["form"].errors == {
        "speaker": ["Докладчик «Сорина Анастасия» не найден: проверьте фамилию."]
    }


def test_unpublished_library_is_not_a_filter_option(client, demo_seminar):
    Library.objects.filter(slug="tsbs-g-chita").update(is_published=False)

    response = client.get("/talks/", {"library": "tsbs-g-chita"})

    assert response.status_code == 200
    assert titles(response) == []
    assert "Библиотека «tsbs-g-chita» не найдена" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "atlantida"}, "region"),
        ({"region": ["kamchatskii-krai", "atlantida"]}, "region"),
        ({"district": "mars"}, "district"),
        ({"year_from": "две тысячи"}, "year_from"),
        ({"year_from": "0"}, "year_from"),
        ({"year_to": "99999999999999999999"}, "year_to"),
        ({"year_from": "2021.5"}, "year_from"),
        ({"kind": "party"}, "kind"),
        ({"sort": "random"}, "sort"),
        ({"library": "Библиотека на Луне"}, "library"),
        ({"speaker": "Петров"}, "speaker"),
        ({"seminar": "nesushchestvuiushchii"}, "seminar"),
        ({"topic": "net-takoi"}, "topic"),
        ({"q": "д" * 201}, "q"),
    ],
)
def test_invalid_filter_values_give_a_form_error_not_a_500(client, demo_seminar, params, field):
    response = client.get("/talks/", params)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert titles(response) == []
    assert "Исправьте фильтр, и список появится" in response.content.decode()


@pytest.mark.parametrize("page", ["0", "-1", "1000000000", "abc", "1e3", ""])
def test_odd_page_numbers_are_handled(client, demo_seminar, page):
    response = client.get("/talks/", {"page": page})

    assert response.status_code == 200
    assert len(titles(response)) == 12


def test_repeated_single_value_parameters_use_the_last_one(client, demo_seminar):
    response = client.get(
        "/talks/?year_from=2030&year_from=2021&sort=title&sort=newest&page=1&page=2"
    )

    assert response.status_code == 200
    assert orders(response) == list(range(1, 13))


def test_suggestions_are_json(client, demo_seminar):
    libraries = client.get("/libraries/suggest.json", {"q": "хабаровск"}).json()
    speakers = client.get("/speakers/suggest.json", {"q": "сори"}).json()
    seminars = client.get("/seminars/suggest.json", {"q": "онлайн"}).json()
    too_short = client.get("/libraries/suggest.json", {"q": "х"}).json()

    assert libraries == {
        "results": [
            {
                "value": "tssdb-g-khabarovska",
                "label": "МБУК «Централизованная система детских библиотек г. Хабаровска»",
            },
        ]
    }
    assert speakers == {
        "results": [
            {"value": "sorina-anastasiia-vladimirovna", "label": "Сорина Анастасия Владимировна"}
        ]
    }
    assert seminars["results"][0]["value"] == demo_seminar.slug
    assert too_short == {"results": []}


def test_speaker_suggestions_leave_out_people_without_consent(client, demo_seminar):
    Person.objects.filter(last_name="Сорина").update(consent=Person.Consent.UNKNOWN)

    assert client.get("/speakers/suggest.json", {"q": "сорина"}).json() == {"results": []}


def test_the_suggesting_inputs_work_without_javascript(client, demo_seminar):
    html = client.get("/talks/").content.decode()

    assert 'data-suggest="/libraries/suggest.json"' in html
    assert 'data-suggest="/speakers/suggest.json"' in html
    assert '<script src="/static/js/suggest.js" defer></script>' in html
    assert '<select name="library"' not in html
    assert html.count("<option") == 3


def test_blank_parameters_mean_no_filter(client, demo_seminar):
    response = client.get(
        "/talks/?region=&district=&q=&library=+&year_from=&region=kamchatskii-krai"
    )

    assert response.context["form"].errors == {}
    assert orders(response) == [1, 3, 5, 8, 11]


@pytest.mark.parametrize("params", [{"q": "\x00"}, {"region": "\x00"}, {"library": "\x00"}])
def test_null_bytes_are_a_400_with_the_reason(client, demo_seminar, params):
    # Refused before any view for every page (core/errors.py, tests/core/test_unusable_input.py).
    response = client.get("/talks/", params)

    assert response.status_code == 400
    assert "В параметрах адреса есть нулевой символ (%00)." in response.content.decode()


def test_a_text_in_very_many_talks_lists_them_newest_first(client, demo_seminar, monkeypatch):
    ranked = client.get("/talks/", {"q": "библиотеки"})
    monkeypatch.setattr("seminars.search.RANK_LIMIT", 3)
    by_date = client.get("/talks/", {"q": "библиотеки"})

    assert ranked.context["page"].paginator.count == by_date.context["page"].paginator.count > 3
    assert orders(ranked) != sorted(orders(ranked))
    assert "показаны по дате" not in ranked.content.decode()
    assert orders(by_date) == sorted(orders(by_date))
    assert "показаны по дате, сначала новые" in by_date.content.decode()


def test_kind_and_format_filters_add_no_distinct(db):
    """A talk has one seminar; DISTINCT would make PostgreSQL sort every match for page 1."""
    filterset = TalkFilter(
        {"kind": ["webinar"], "format": ["online"]}, queryset=Talk.objects.published()
    )

    assert filterset.is_valid()
    assert not filterset.qs.query.distinct
