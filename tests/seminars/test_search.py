"""Full-text search in Russian, on SQLite and on PostgreSQL (seminars/search.py)."""

import datetime
import re

import pytest
from django.db import connection

from libraries.models import Library
from people.models import Person
from seminars import search as seminars_search
from seminars.models import Seminar, Talk, TalkSpeaker
from seminars.search import filter_talks, search
from tests import factories

MAYAK = "«Дети, книги и МАЯК» - детская страничка библиотеки в социальной сети ВКонтакте"
VK_PARTNERSHIP = (
    "Социальное партнерство как фактор успешного библиотечного онлайн обслуживания "
    "по популяризации книги и продвижению семейного чтения во ВКонтакте"
)
NETWORK_ACTIONS = "Сетевые акции в библиотеке: продвижение книги и чтения в виртуальной среде"
IVANOVO_LIBRARY = "ГБУ «Ивановская областная библиотека для детей и юношества»"


@pytest.fixture
def elkina(demo_seminar):
    """A 13th talk of the demo seminar, by «Ёлкина», about «ёлка»: for the ё/е cases."""
    person = Person.objects.create(
        last_name="Ёлкина",
        first_name="Мария",
        patronymic="Петровна",
        consent=Person.Consent.GIVEN,
        consent_date=datetime.date(2021, 11, 1),
    )
    talk = Talk.objects.create(seminar=demo_seminar, order=13, title="Новогодняя ёлка в библиотеке")
    library = Library.objects.get(name="Камчатская краевая детская библиотека им. В. Кручины")
    TalkSpeaker.objects.create(talk=talk, person=person, library=library)
    return person


def found(query):
    """Exact hits by kind: talks by number in the programme, people by surname, others counted —
    the overview's, and a group's own page where the overview has more."""
    result = {}
    for group in search(query).groups:
        if group.more:
            group = search(query, group.key).groups[0]
        if group.fuzzy or not group.hits:
            continue
        records = [hit.record for hit in group.hits]
        if group.key == "talks":
            result["talks"] = sorted(talk.order for talk in records)
        elif group.key == "people":
            result["people"] = sorted(person.last_name for person in records)
        elif group.key == "resolution_items":
            result["resolution_items"] = sorted(item.order for item in records)
        else:
            result[group.key] = len(records)
    return result


def titles(query, key="talks"):
    return [str(hit.record) for hit in search(query, key).groups[0].hits]


# The same query, the same hits on SQLite and on PostgreSQL (the suite runs on both).
PARITY = [
    ("доклад", {}),
    ("Доклад", {}),
    ("ДОКЛАД", {}),
    ("ёлка", {"talks": [13], "people": ["Ёлкина"]}),
    ("елка", {"talks": [13], "people": ["Ёлкина"]}),
    ("Ёлки", {"talks": [13], "people": ["Ёлкина"]}),
    ("Елкина", {"talks": [13], "people": ["Ёлкина"]}),
    ("ЁЛКИНА", {"talks": [13], "people": ["Ёлкина"]}),
    # Prefix of the stem «иванов»: patronymic «Ивановна», «Ивановская» library and description.
    ("иванова", {"talks": [1, 4], "seminars": 1, "people": ["Абрамкина"], "libraries": 1}),
    ("Иванова", {"talks": [1, 4], "seminars": 1, "people": ["Абрамкина"], "libraries": 1}),
    ("маяк", {"talks": [4]}),
    ("МАЯК", {"talks": [4]}),
    ("вконтакте", {"talks": [4, 5]}),
    ("ВКОНТАКТЕ", {"talks": [4, 5]}),
    ("Ивановская", {"talks": [4], "seminars": 1, "libraries": 1}),
    ("Сетевые", {"talks": [7, 12]}),
    ("сетевых акций", {"talks": [7]}),
    ("соцсети", {"talks": [9]}),
    ("семейное чтение", {"talks": [5, 10], "libraries": 1}),
    ("Калиновская", {"talks": [2], "people": ["Калиновская"]}),
    ("онлайн-комбо", {"talks": [10]}),
    ("Незнайки", {"talks": [10]}),
    ("пришвина", {"talks": [7], "libraries": 1}),
    ("медиаграмотность", {"resolution_items": [3]}),
    (
        "библиотеками",
        {
            "talks": [1, 2, 4, 5, 6, 7, 9, 10, 11, 12, 13],
            "seminars": 1,
            "libraries": 10,
            "resolution_items": [1, 3, 4, 5, 6],
        },
    ),
]

# Where the databases differ, and why.
DIFFERENT = [
    # PostgreSQL indexes «Опыт» as the lexeme «оп» (Snowball), shorter than the query's stem
    # «опыт»; SQLite matches «опыт» as the start of the word «Опыт» itself.
    (
        "опыта",
        {"talks": [2], "seminars": 1, "resolution_items": [5]},
        {"seminars": 1, "resolution_items": [5]},
    ),
]


@pytest.mark.parametrize(("query", "expected"), PARITY)
def test_same_hits_on_both_databases(elkina, query, expected):
    assert found(query) == expected


@pytest.mark.parametrize(("query", "on_sqlite", "on_postgresql"), DIFFERENT)
def test_stemming_differences(elkina, query, on_sqlite, on_postgresql):
    expected = on_postgresql if connection.vendor == "postgresql" else on_sqlite
    assert found(query) == expected


def test_mayak_in_any_case(demo_seminar):
    assert titles("маяк") == [MAYAK]
    assert titles("МАЯК") == [MAYAK]


def test_vkontakte_finds_both_vk_talks(demo_seminar):
    assert sorted(titles("вконтакте")) == sorted([MAYAK, VK_PARTNERSHIP])


def test_ivanovskaya_finds_the_ivanovo_talk_and_library(demo_seminar):
    assert titles("Ивановская") == [MAYAK]
    assert titles("Ивановская", "libraries") == [IVANOVO_LIBRARY]


def test_yo_and_ye_find_the_same_person(elkina):
    assert titles("Елкина", "people") == ["Ёлкина Мария Петровна"]
    assert titles("Ёлкина", "people") == ["Ёлкина Мария Петровна"]


def test_setevye_finds_lysanova_talk(demo_seminar):
    hits = next(group for group in search("Сетевые").groups if group.key == "talks").hits
    lysanova = [hit for hit in hits if hit.record.title == NETWORK_ACTIONS]
    assert [role.person.last_name for role in lysanova[0].record.speakers.all()] == ["Лысанова"]


def test_inflected_word_finds_titles_with_the_stem_first(demo_seminar):
    with_stem = Talk.objects.filter(title__icontains="библиотек").values_list("title", flat=True)
    assert len(with_stem) == 7
    # Title (weight A) above the speakers' library (weight D).
    assert sorted(titles("библиотеками")[:7]) == sorted(with_stem)


def test_every_demo_talk_is_found_by_every_word_of_its_title_inflected(demo_seminar):
    # «Done when a visitor finds any talk of the demo seminar by any inflected word of its title».
    inflected = {"выход": "выходы", "библиотек": "библиотеками", "работы": "работе"}
    for talk in Talk.objects.all():
        for word in talk.title.replace("«", " ").replace("»", " ").split():
            word = word.strip(":,.-").lower()
            if len(word) < 4 or not word.isalpha():
                continue
            query = inflected.get(word, word)
            assert talk.title in titles(query), (query, talk.title)


def test_all_words_must_match_then_any_word(demo_seminar):
    assert sorted(titles("сетевые акции")) == [NETWORK_ACTIONS]
    results = search("соцсети для подростков")
    assert results.any_term is True
    assert sorted(str(hit.record) for hit in results.groups[0].hits) == [
        "Библиотеки для детей и подростков в социальных медиа",
        "Литературное творчество и соцсети",
    ]


def test_title_ranks_above_library_and_newer_above_older(demo_seminar):
    # «Камчатского» is in the titles of talks 3 and 8, «Камчатская» is the library of 1 and 5.
    orders = [hit.record.order for hit in search("камчатский").groups[0].hits]
    assert sorted(orders[:2]) == [3, 8]
    assert sorted(orders[2:]) == [1, 5]

    later = Seminar.objects.create(
        title="Повторный семинар",
        start_date=datetime.date(2022, 3, 1),
        organizer=demo_seminar.organizer,
        is_published=True,
    )
    Talk.objects.create(seminar=later, order=1, title=MAYAK)
    assert [hit.record.seminar.start_date for hit in search("маяк").groups[0].hits] == [
        datetime.date(2022, 3, 1),
        datetime.date(2021, 11, 24),
    ]


def test_renamed_library_is_found_under_its_new_name_at_once(demo_seminar):
    library = Library.objects.get(name="Соболевская библиотека")
    library.name = "Соболевская библиотека имени Крашенинникова"
    library.save()
    assert titles("Крашенинникова") == [
        "Онлайн-форматы мероприятий в работе МКУК «Соболевская библиотека»: "
        "особенности и перспективы"
    ]
    assert titles("Крашенинникова", "libraries") == [
        "МКУК «Соболевская библиотека имени Крашенинникова»"
    ]


def test_renamed_organizer_finds_its_seminar(demo_seminar):
    Library.objects.filter(pk=demo_seminar.organizer_id).update(name="Краевая библиотека Кутха")
    assert titles("Кутха", "seminars") == [demo_seminar.title]


def test_renamed_seminar_and_person_are_found_at_once(demo_seminar):
    demo_seminar.title = "Библиотечный марафон"
    demo_seminar.save()
    Person.objects.filter(last_name="Тауль").update(last_name="Таульская")
    assert titles("марафон", "seminars") == ["Библиотечный марафон"]
    assert titles("Таульская") == [
        "Информационные электронные ресурсы Централизованной библиотечной системы "
        "г. Петропавловска-Камчатского"
    ]
    assert titles("Таульская", "people") == ["Таульская Ольга Михайловна"]


def test_speaker_added_to_a_talk_makes_it_findable_by_their_name(demo_seminar, elkina):
    talk = Talk.objects.get(order=4)
    TalkSpeaker.objects.create(talk=talk, person=elkina, order=2)
    assert sorted(titles("Ёлкина")) == sorted([MAYAK, "Новогодняя ёлка в библиотеке"])
    TalkSpeaker.objects.filter(talk=talk, person=elkina).delete()
    assert titles("Ёлкина") == ["Новогодняя ёлка в библиотеке"]


def test_without_consent_only_surname_and_initials(elkina):
    Person.objects.filter(pk=elkina.pk).update(consent=Person.Consent.WITHDRAWN, consent_date=None)
    assert titles("Мария", "people") == []
    assert titles("Мария") == []
    hits = next(group for group in search("Ёлкина").groups if group.key == "people").hits
    assert [(str(hit.title), hit.url) for hit in hits] == [("<mark>Ёлкина</mark> М. П.", "")]


def test_only_published_records(demo_seminar):
    Seminar.objects.update(is_published=False)
    Library.objects.filter(name="Соболевская библиотека").update(is_published=False)
    results = search("Соболевская")
    assert results.total == 0
    assert found("маяк") == {}


def test_typo_in_a_surname_finds_the_person_and_suggests_it(demo_seminar):
    results = search("Калиновкая")
    people = next(group for group in results.groups if group.key == "people")
    assert people.fuzzy is True
    assert [str(hit.record) for hit in people.hits] == ["Калиновская Ирина Михайловна"]
    assert results.suggestion == "Калиновская"


def test_search_page_groups_highlights_and_suggests(client, demo_seminar):
    response = client.get("/search/", {"q": "сетевых акций"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<section class="search-group" id="search-talks">' in html
    assert '<meta name="robots" content="noindex">' in html
    assert "<mark>Сетевые</mark> <mark>акции</mark> в библиотеке" in html

    html = client.get("/search/", {"q": "Калиновкая"}).content.decode()
    assert "Возможно, вы имели в виду" in html
    assert 'href="?q=%D0%9A%D0%B0%D0%BB%D0%B8%D0%BD%D0%BE%D0%B2%D1%81%D0%BA%D0%B0%D1%8F"' in html


def test_a_talk_hits_speakers_name_their_libraries_with_its_parents(client, db):
    """A branch of a branch as `str(library)` names it, with the word marked; a person without
    consent as surname and initials, without a link."""
    system = factories.library("Централизованная система", legal_form="МБУК")
    branch = factories.library("Филиал Маяк", parent=system)
    # Its speaker works at «Филиал 1», a branch of the branch.
    [talk] = factories.talks(1, at_library=branch)
    Library.objects.filter(name="Филиал 1").update(is_published=False)
    Talk.objects.filter(pk=talk.pk).update(title="Маяк чтения для подростков")
    talk.speakers.update(person=factories.person("Безсогласова", Person.Consent.UNKNOWN))

    results = search("маяк")
    [hit] = next(group for group in results.groups if group.key == "talks").hits
    [(speaker, library)] = hit.extra["speakers"]

    assert (speaker.title, speaker.url) == ("Безсогласова А. П.", "")
    assert library.url == ""
    assert library.title == ("Филиал 1 Филиал <mark>Маяк</mark> МБУК «Централизованная система»")
    assert str(Library.objects.get(name="Филиал 1")) == (
        "Филиал 1 Филиал Маяк МБУК «Централизованная система»"
    )


def test_hits_link_to_their_pages_and_hide_people_without_consent(client, elkina):
    seminar_url = Seminar.objects.get().get_absolute_url()
    html = client.get("/search/", {"q": "Ивановская"}).content.decode()
    assert f'<a href="{seminar_url}#talk-4">' in html
    assert '<a href="/speakers/chelsheva-irina-viktorovna/">Чельшева Ирина Викторовна</a>' in html
    library = Library.objects.get(name__startswith="Ивановская")
    assert (
        f'<a href="{library.get_absolute_url()}">ГБУ «<mark>Ивановская</mark> областная '
        "библиотека для детей и юношества»</a>"
    ) in html
    html = client.get("/search/", {"q": "медиаграмотность"}).content.decode()
    assert (
        f'<a href="{seminar_url}#resolution">Задачи: пункт резолюции семинара «{Seminar.objects.get().title}»</a>'
    ) in html

    Person.objects.filter(pk=elkina.pk).update(consent=Person.Consent.UNKNOWN, consent_date=None)
    html = client.get("/search/", {"q": "Ёлкина"}).content.decode()
    assert "<mark>Ёлкина</mark> М. П." in html
    assert "Мария" not in html
    assert elkina.get_absolute_url() not in html


def test_overview_shows_five_a_group_twenty_and_talks_link_to_the_talk_list(client, demo_seminar):
    for order in range(13, 38):
        Talk.objects.create(seminar=demo_seminar, order=order, title=f"Маяк, выпуск {order}")
    results = search("маяк")
    assert [len(group.hits) for group in results.groups] == [5, 0, 0, 0, 0]
    assert results.groups[0].more is True
    talks = search("маяк", "talks")
    assert [(group.key, len(group.hits), group.more) for group in talks.groups] == [
        ("talks", 20, True)
    ]
    # The overview's five are the group page's first five.
    assert [hit.record for hit in talks.groups[0].hits[:5]] == [
        hit.record for hit in results.groups[0].hits
    ]
    html = client.get("/search/", {"q": "маяк"}).content.decode()
    assert '<a href="/talks/?q=%D0%BC%D0%B0%D1%8F%D0%BA">Все доклады по запросу' in html
    assert len(talk_list_titles(client, q="маяк")) == 20
    assert client.get("/talks/", {"q": "маяк"}).context["page"].paginator.count == 26


def test_a_group_with_more_links_to_its_own_page(client, demo_seminar):
    organizer = Library.objects.get(name__startswith="Ивановская")
    for number in range(1, 8):
        factories.seminar(f"Школа «Маяк» {number}", organizer, datetime.date(2020, 1, number))
    html = client.get("/search/", {"q": "маяк"}).content.decode()
    link = '<a href="?q=%D0%BC%D0%B0%D1%8F%D0%BA&amp;group=seminars">Ещё семинары по запросу</a>'
    assert link in html
    assert html.count('<section class="search-group"') == 2

    response = client.get("/search/", {"q": "маяк", "group": "seminars"})
    html = response.content.decode()
    assert response.context["page_title"] == "маяк — поиск: семинары"
    assert "<h1>Поиск: семинары</h1>" in html
    assert html.count('<section class="search-group"') == 1
    assert html.count("Школа «<mark>Маяк</mark>»") == 7
    assert '<input type="hidden" name="group" value="seminars">' in html
    assert '<a href="?q=%D0%BC%D0%B0%D1%8F%D0%BA">← Искать во всех разделах</a>' in html


def test_an_unknown_group_shows_every_group_and_says_so(client, demo_seminar):
    response = client.get("/search/", {"q": "маяк", "group": "<script>"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Такого раздела поиска нет — показаны все разделы." in html
    assert response.context["results"].group is None
    assert '<section class="search-group" id="search-talks">' in html
    assert "<script>" not in html.split("<main", 1)[1]


def test_a_group_page_corrects_a_typo_without_the_people_group(demo_seminar):
    results = search("Калиновкая", "seminars")
    assert [group.key for group in results.groups] == ["seminars"]
    assert results.suggestion == "Калиновская"


def test_user_text_is_escaped_then_marked(client, demo_seminar):
    talk = Talk.objects.get(order=4)
    talk.title = "Маяк <script>alert(1)</script> & «Дети»"
    talk.abstract = 'Про "маяк" & детей'
    talk.save()
    html = client.get("/search/", {"q": "маяк"}).content.decode()
    assert "<mark>Маяк</mark> &lt;script&gt;alert(1)&lt;/script&gt; &amp; «Дети»" in html
    assert "Про &quot;<mark>маяк</mark>&quot; &amp; детей" in html
    assert "<script>" not in html
    html = client.get("/search/", {"q": '"><script>маяк'}).content.decode()
    assert 'value="&quot;&gt;&lt;script&gt;маяк"' in html
    assert "<script>" not in html


HOSTILE = [
    "",
    " ",
    "я",
    "x" * 10_000,
    "маяк " * 2_000,
    '"',
    '"маяк',
    "&",
    "|",
    "!",
    ":*",
    "маяк:*",
    "'",
    "\\",
    "%",
    "_",
    "%маяк%",
    "маяк & | ! ( ) <-> :* '",
    "'; DROP TABLE seminars_talk; --",
    "1' OR '1'='1",
    "маяк' UNION SELECT password FROM auth_user --",
    "😀",
    "маяк 😀",
    "и в для",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_answer_200(client, demo_seminar, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert list(filter_talks(Talk.objects.all(), query)) is not None


def test_long_query_is_cut_between_words():
    from seminars.search import parse

    query = parse("сетевые акции " * 20)
    assert query.text == ("сетевые акции " * 14).strip()
    assert query.terms == ["сетевые", "акции"]
    assert query.notes == ["Запрос слишком длинный: искали по первым 200 символам."]
    assert parse("ё" * 300).text == "ё" * 200


def test_messages_for_queries_with_nothing_to_search(client, db):
    cases = {
        "": "Введите слово для поиска",
        "я": "Слишком короткий запрос: введите слово целиком.",
        "ая": "Слишком короткий запрос: введите слово целиком.",
        "😀 %": "В запросе нет букв или цифр",
        "и в для": "Запрос состоит только из служебных слов",
        "x" * 10_000: "Запрос слишком длинный: искали по первым 200 символам.",
    }
    for query, message in cases.items():
        assert message in client.get("/search/", {"q": query}).content.decode(), query


def test_filter_talks_combines_with_other_filters(demo_seminar):
    talks = Talk.objects.filter(speakers__library__name__startswith="Камчатская")
    assert [talk.order for talk in filter_talks(talks, "вконтакте")] == [5]
    assert filter_talks(talks, "").count() == 2


def with_hits(query, group=None):
    return sum(1 for found in search(query, group).groups if found.hits)


def test_search_page_query_count_does_not_grow_with_hits(
    client, demo_seminar, django_assert_num_queries
):
    """Each group ranks its keys in one query, then reads the hits by key; the talks' speakers
    are one more: for 1 hit as for 30."""
    assert found("маяк") == {"talks": [4]}
    with django_assert_num_queries(5 + 1 + 1):
        client.get("/search/", {"q": "маяк"})
    assert with_hits("библиотеками") == 4
    with django_assert_num_queries(5 + 4 + 1):
        client.get("/search/", {"q": "библиотеками"})
    # A group's own page: its keys, its hits (and the talks' speakers).
    with django_assert_num_queries(3):
        client.get("/search/", {"q": "библиотеками", "group": "talks"})
    with django_assert_num_queries(2):
        client.get("/search/", {"q": "библиотеками", "group": "libraries"})
    # No hits: the typo fallback's surnames.
    assert with_hits("маяк", "seminars") == 0
    with django_assert_num_queries(2):
        client.get("/search/", {"q": "маяк", "group": "seminars"})


def hit_lists(page):
    return re.findall(r'<ol class="search-hits">.*?</ol>', page, flags=re.DOTALL)


def test_a_search_follows_the_archive_at_once(
    client, demo_seminar, django_capture_on_commit_callbacks
):
    assert found("маяк") == {"talks": [4]}
    talk = Talk.objects.get(order=7)
    with django_capture_on_commit_callbacks(execute=True):
        talk.title = "Библиотечный маяк для подростков"
        talk.save()
    assert found("маяк") == {"talks": [4, 7]}
    with django_capture_on_commit_callbacks(execute=True):
        demo_seminar.is_published = False
        demo_seminar.save()
    assert hit_lists(client.get("/search/", {"q": "маяк"}).content.decode()) == []


def talk_list_titles(client, **params):
    response = client.get("/talks/", params)
    assert response.status_code == 200
    return [talk.title for talk in response.context["talks"]]


def test_talk_list_text_box_uses_the_engine_best_match_first(client, demo_seminar):
    talks = talk_list_titles(client, q="библиотеками")
    with_stem = Talk.objects.filter(title__icontains="библиотек").values_list("title", flat=True)
    assert len(talks) == 10
    assert sorted(talks[:7]) == sorted(with_stem)
    # A chosen order still wins over relevance.
    assert talk_list_titles(client, q="сетевые", sort="title") == [
        NETWORK_ACTIONS,
        "Сетевые и электронные ресурсы библиотек, как способ продвижения книги и чтения",
    ]
    assert talk_list_titles(client, q="соцсети для подростков") == [
        "Библиотеки для детей и подростков в социальных медиа",
        "Литературное творчество и соцсети",
    ]
    assert talk_list_titles(client, q="!!!") == []
    assert len(talk_list_titles(client, q="")) == 12


def test_talk_list_facets_count_the_text_search(client, demo_seminar):
    response = client.get("/talks/", {"q": "вконтакте"})
    regions = {option["label"]: option["count"] for option in response.context["facets"]["region"]}
    assert regions == {"Ивановская область": 1, "Камчатский край": 1}


@pytest.mark.parametrize("query", HOSTILE)
def test_talk_list_answers_hostile_text_with_200(client, demo_seminar, query):
    assert client.get("/talks/", {"q": query[:200]}).status_code == 200


def test_talk_list_several_words_cost_one_more_query(client, demo_seminar, aggregate_cache):
    """One query tells whether all words are found together (else any word is enough)."""
    from django.test.utils import CaptureQueriesContext

    def count(q):
        client.get("/talks/", {"q": q})  # the total and facets are kept from then on
        with CaptureQueriesContext(connection) as captured:
            client.get("/talks/", {"q": q})
        return len(captured.captured_queries)

    assert count("сетевые акции") == count("маяк") + 1


@pytest.mark.postgresql
def test_vectors_are_weighted_title_abstract_speaker_library(demo_seminar):
    talk = Talk.objects.get(order=4)
    talk.abstract = "Про социальные сети"
    talk.save()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT "
            + ", ".join(
                f"array_to_string(tsvector_to_array(ts_filter(search_vector, '{{{weight}}}')), ' ')"
                for weight in "abcd"
            )
            + " FROM seminars_talk WHERE id = %s",
            [talk.pk],
        )
        a, b, c, d = cursor.fetchone()
    assert a == "библиотек вконтакт дет детск книг маяк сет социальн страничк"
    assert b == "сет социальн"
    assert c == "викторовн ирин чельшев"
    assert d == "библиотек дет ивановск областн юношеств"


@pytest.mark.postgresql
def test_snippets_come_from_ts_headline(demo_seminar):
    talk = Talk.objects.get(order=4)
    talk.abstract = "Страничка «Маяк» выросла из клуба юных читателей. " * 20
    talk.save()
    snippet = str(search("маяк").groups[0].hits[0].snippet)
    assert "<mark>Маяк</mark>" in snippet
    assert len(snippet) < len(talk.abstract)


@pytest.mark.postgresql
def test_talk_search_can_use_the_gin_index(demo_seminar):
    # The demo tables are too small for the planner to prefer any index, so plans without the
    # GIN index are priced out: a query the index cannot serve would still show a Seq Scan. The
    # partial index of published talks would serve «published» alone; it goes for this test's
    # transaction (PostgreSQL's DDL is transactional).
    with connection.cursor() as cursor:
        cursor.execute(
            "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; "
            "SET LOCAL enable_nestloop = off; DROP INDEX talk_published_newest"
        )
    for text in ("маяк", "сетевых акций"):
        plan = filter_talks(Talk.objects.published(), text)[:20].explain()
        assert "talk_search_vector" in plan
        assert "Seq Scan on seminars_talk" not in plan


def talks_about_the_word(count, word):
    """A talk titled `word` among `count` newer talks that have it only in their abstract."""
    organizer = factories.library("Организатор")
    old = factories.seminar("Семинар 2010 года", organizer, datetime.date(2010, 5, 1))
    planted = Talk.objects.create(seminar=old, order=1, title=word.capitalize())
    seminars = [
        factories.seminar(f"Семинар {n}", organizer, datetime.date(2020, 1, 1), slug=f"s{n}")
        for n in range(count // 50)
    ]
    Talk.objects.bulk_create(
        Talk(
            seminar=seminars[n % len(seminars)],
            order=n // len(seminars) + 1,
            title=f"Доклад номер {n}",
            abstract=f"Опыт работы: {word}, {word} и снова {word} в каждой библиотеке.",
        )
        for n in range(count)
    )
    return planted


@pytest.mark.parametrize("rank_limit", [10_000, 100], ids=["ranked one by one", "common word"])
def test_a_talk_titled_with_the_word_comes_first_among_thousands(db, monkeypatch, rank_limit):
    """Every match is ranked: the one talk with the word in its title is found before 2,000 newer
    talks that mention it three times in the abstract. Past RANK_LIMIT matches (PostgreSQL's
    statistics tell), the titles are read first."""
    planted = talks_about_the_word(2000, "краеведение")
    monkeypatch.setattr("seminars.search.RANK_LIMIT", rank_limit)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE seminars_talk")

    hits = search("краеведение").groups[0].hits

    assert hits[0].record == planted
    assert len(hits) == 5
    assert search("краеведение", "talks").groups[0].hits[0].record == planted


@pytest.mark.postgresql
def test_a_common_word_is_told_by_postgresqls_statistics(db, monkeypatch):
    talks_about_the_word(2000, "краеведение")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE seminars_talk")
    query = seminars_search.parse("краеведения")

    assert seminars_search.common("seminars_talk", "search_vector", query, False) is False
    monkeypatch.setattr("seminars.search.RANK_LIMIT", 1000)
    assert seminars_search.common("seminars_talk", "search_vector", query, False) is True
    # One title of 2,001 has the word.
    title = seminars_search.common("seminars_talk_title_search", "to_tsvector", query, False)
    assert title is False


@pytest.mark.postgresql
def test_a_word_in_many_titles_lists_them_newest_first(db, monkeypatch):
    """Past RANK_LIMIT matches, a word in more than TITLE_WALK_SHARE of the titles is not ranked
    title by title: the titles come newest first, read along the date index."""
    planted = talks_about_the_word(2000, "краеведение")
    # Ranked, the planted talk would come first: the word in its title and thrice in its abstract.
    Talk.objects.filter(pk=planted.pk).update(abstract="Краеведение, краеведение, краеведение.")
    newest = factories.seminar("Семинар 2024 года", start=datetime.date(2024, 3, 1))
    titled = factories.talks(60, newest)
    Talk.objects.filter(pk__in=[talk.pk for talk in titled]).update(title="Краеведение сегодня")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE seminars_talk")
    query = seminars_search.parse("краеведение")
    monkeypatch.setattr("seminars.search.RANK_LIMIT", 100)

    assert seminars_search.common("seminars_talk_title_search", "to_tsvector", query, False, 0.01)
    hits = search("краеведение", "talks").groups[0].hits
    assert [hit.record.seminar for hit in hits] == [newest] * len(hits)
    assert [hit.record.order for hit in hits] == sorted(hit.record.order for hit in hits)
