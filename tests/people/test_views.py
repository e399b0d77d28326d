import datetime

from people.models import Person
from seminars.models import Seminar, Talk, TalkSpeaker

ABRAMKINA = "/speakers/abramkina-elena-ivanovna/"


def test_speaker_page_lists_talks_positions_and_libraries(client, demo_seminar):
    response = client.get(ABRAMKINA)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Абрамкина Елена Ивановна</h1>" in html
    assert [role.talk.order for role in response.context["roles"]] == [1]
    [entry] = response.context["positions"]
    assert (entry["role"].position, entry["first"], entry["last"]) == ("директор", 2021, 2021)
    assert (
        '<a href="/libraries/kamchatskaia-kraevaia-detskaia-biblioteka-im-v-kruchiny/">'
        "КГБУ «Камчатская краевая детская библиотека им. В. Кручины»</a>"
    ) in html


def test_speaker_without_consent_has_no_page(client, demo_seminar):
    Person.objects.filter(last_name="Абрамкина").update(consent=Person.Consent.WITHDRAWN)

    assert client.get(ABRAMKINA).status_code == 404


def test_speaker_without_consent_appears_only_as_surname_and_initials(client, demo_seminar):
    Person.objects.filter(last_name="Абрамкина").update(
        consent=Person.Consent.UNKNOWN, bio="Секретная биография"
    )

    seminar_html = client.get(demo_seminar.get_absolute_url()).content.decode()
    index_html = client.get("/speakers/").content.decode()

    for html in (seminar_html, index_html):
        assert "Абрамкина Е. И." in html
        assert "Абрамкина Елена" not in html
        assert ABRAMKINA not in html
    assert "Секретная биография" not in seminar_html


def test_index_is_in_russian_order_with_yo_filed_under_ye(client, demo_seminar):
    person = Person.objects.get(last_name="Калиновская")
    person.last_name = "Ёлкина"
    person.save()

    response = client.get("/speakers/")

    groups = dict(response.context["groups"])
    assert [p.last_name for p in groups["Е"]] == ["Ёлкина"]
    assert list(groups) == ["А", "Е", "Л", "М", "Р", "С", "Т", "Ч"]
    assert [p.last_name for p in groups["С"]] == ["Сафонова", "Сорина"]


def test_index_letter_navigation(client, demo_seminar):
    response = client.get("/speakers/", {"letter": "с"})

    html = response.content.decode()
    assert [p.last_name for p in response.context["page"]] == ["Сафонова", "Сорина"]
    assert '<a href="?letter=с" aria-current="page">С</a>' in html
    assert '<span aria-hidden="true">Б</span>' in html
    assert (
        "<title>Докладчики на букву С — Методическая копилка · Камчатская краевая детская библиотека им. В. Кручины</title>"
        in html
    )


def test_index_letter_yo_means_ye(client, demo_seminar):
    response = client.get("/speakers/", {"letter": "Ё"})

    assert [p.last_name for p in response.context["page"]] == []
    assert response.context["letter"] == "е"


def test_speakers_of_unpublished_seminars_are_hidden(client, demo_seminar):
    Seminar.objects.update(is_published=False)

    assert client.get(ABRAMKINA).status_code == 404
    assert list(client.get("/speakers/").context["page"]) == []


def test_positions_over_time_across_seminars(client, demo_seminar):
    later = Seminar.objects.create(
        title="Новый семинар",
        start_date=datetime.date(2024, 5, 5),
        organizer=demo_seminar.organizer,
        is_published=True,
    )
    talk = Talk.objects.create(seminar=later, order=1, title="Итоги трёх лет")
    TalkSpeaker.objects.create(
        talk=talk, person=Person.objects.get(last_name="Абрамкина"), position="консультант"
    )

    response = client.get(ABRAMKINA)

    assert [(e["role"].position, e["first"], e["last"]) for e in response.context["positions"]] == [
        ("консультант", 2024, 2024),
        ("директор", 2021, 2021),
    ]
    assert [role.talk.title for role in response.context["roles"]] == [
        "Итоги трёх лет",
        demo_seminar.talks.get(order=1).title,
    ]
