import pytest
from django.urls import reverse

from libraries.models import Library
from seminars.models import Seminar, Talk, TalkSpeaker
from tests import factories


def test_home_counts_with_russian_plurals(client, demo_seminar):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>1</strong> семинар</a>" in html
    assert "<strong>12</strong> докладов</a>" in html
    assert "<strong>12</strong> докладчиков</a>" in html
    assert "<strong>8</strong> регионов</a>" in html


def test_a_speaker_without_a_library_is_not_one_more_library_or_region(client, demo_seminar):
    talk = Talk.objects.create(seminar=demo_seminar, order=13, title="Доклад гостя")
    TalkSpeaker.objects.create(talk=talk, person=factories.person("Гостева"), library=None)

    response = client.get("/")

    html = response.content.decode()
    assert "<strong>13</strong> докладов</a>" in html
    assert "<strong>13</strong> докладчиков</a>" in html
    assert (
        response.context["library_count"]
        == Library.objects.filter(speaker_roles__isnull=False).distinct().count()
    )
    assert "<strong>8</strong> регионов</a>" in html


def test_home_links_regions_with_most_talks_into_the_talk_filter(client, demo_seminar):
    response = client.get("/")

    html = response.content.decode()
    assert '<a href="/talks/?region=kamchatskii-krai">Камчатский край</a>' in html
    first = response.context["top_regions"][0]
    assert (first["name"], first["talk_count"]) == ("Камчатский край", 5)


def test_home_lists_the_latest_seminar(client, demo_seminar):
    response = client.get("/")

    assert [card.get_absolute_url() for card in response.context["latest"]] == [
        demo_seminar.get_absolute_url()
    ]
    assert demo_seminar.get_absolute_url() in response.content.decode()


def test_home_hides_unpublished_seminars_from_counts(client, demo_seminar):
    Seminar.objects.update(is_published=False)

    response = client.get("/")

    assert response.context["talk_count"] == 0
    assert response.context["seminar_count"] == 0
    assert demo_seminar.title not in response.content.decode()


@pytest.mark.parametrize(
    ("name", "args", "path"),
    [
        ("seminars:home", [], "/"),
        ("seminars:talk_list", [], "/talks/"),
        ("seminars:seminar_list", [], "/seminars/"),
        (
            "seminars:seminar_detail",
            [2021, "biblioteka-onlain"],
            "/seminars/2021/biblioteka-onlain/",
        ),
        ("libraries:region_detail", ["kamchatskii-krai"], "/regions/kamchatskii-krai/"),
        ("libraries:library_detail", ["kkdb"], "/libraries/kkdb/"),
        ("people:person_detail", ["abramkina"], "/speakers/abramkina/"),
    ],
)
def test_readable_url_names(name, args, path):
    assert reverse(name, args=args) == path


def test_base_layout_has_landmarks_skip_link_and_meta(client, db):
    response = client.get("/")

    html = response.content.decode()
    assert '<html lang="ru" class="site">' in html
    assert '<a class="skip-link" href="#content">Перейти к содержанию</a>' in html
    assert '<main id="content"' in html
    assert '<nav class="site-nav-bar" aria-label="Разделы сайта">' in html
    assert "<title>Архив семинаров для библиотекарей — Методическая копилка</title>" in html
    assert '<link rel="canonical" href="http://testserver/">' in html
    assert '<meta property="og:title" content="Архив семинаров для библиотекарей">' in html
    assert "<script>" not in html
    assert "style=" not in html
