import re

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

CHOICES = {"font": "largest", "scheme": "wb", "images": "off", "spacing": "wide"}


def html_class(response):
    return re.search(r'<html lang="ru" class="([^"]*)"', response.content.decode())[1].split()


def test_settings_page_offers_the_gost_options_with_defaults_checked(client):
    response = client.get("/lowvision/?next=/talks/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Версия для слабовидящих — Методическая копилка</title>" in content
    for label in [
        "Размер шрифта",
        "Крупный",
        "Очень крупный",
        "Максимальный",
        "Цветовая схема",
        "Чёрным по белому",
        "Белым по чёрному",
        "Тёмно-синим по голубому",
        "Изображения",
        "Не показывать",
        "Расстояние между буквами",
        "Увеличенный",
    ]:
        assert label in content
    checked = re.findall(r'<input type="radio" name="(\w+)" value="(\w+)"[^>]*checked', content)
    assert checked == [("font", "large"), ("scheme", "bw"), ("images", "on"), ("spacing", "normal")]
    assert '<input type="hidden" name="next" value="/talks/">' in content
    assert html_class(response) == ["site"]


def test_choosing_settings_sets_a_cookie_and_returns_to_the_page(client):
    response = client.post("/lowvision/", {**CHOICES, "next": "/talks/?region=41&page=2"})

    assert response.status_code == 302
    assert response["Location"] == "/talks/?region=41&page=2"
    cookie = response.cookies["lowvision"]
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    page = client.get("/lowvision/")
    assert html_class(page) == [
        "site",
        "lv",
        "lv-font-largest",
        "lv-scheme-wb",
        "lv-images-off",
        "lv-spacing-wide",
    ]
    checked = re.findall(r'name="(\w+)" value="(\w+)"[^>]*checked', page.content.decode())
    assert dict(checked) == CHOICES
    assert "Настройки для слабовидящих" in page.content.decode()


def test_the_usual_version_deletes_the_cookie(client):
    client.post("/lowvision/", CHOICES)

    response = client.post("/lowvision/", {**CHOICES, "off": "1", "next": "/talks/"})

    assert response.status_code == 302
    assert response["Location"] == "/talks/"
    assert response.cookies["lowvision"].value == ""
    assert response.cookies["lowvision"]["max-age"] == 0
    page = client.get("/lowvision/")
    assert html_class(page) == ["site"]
    assert "Версия для слабовидящих</a>" in re.sub(r"\s+</a>", "</a>", page.content.decode())


def test_a_foreign_next_url_returns_home(client):
    response = client.post("/lowvision/", {**CHOICES, "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_invalid_choices_are_announced_and_not_saved(client):
    response = client.post("/lowvision/", {**CHOICES, "scheme": "pink", "next": "/talks/"})

    assert response.status_code == 400
    assert "lowvision" not in response.cookies
    content = response.content.decode()
    assert '<div class="form-errors" role="alert">' in content
    assert '<fieldset aria-describedby="id_scheme_error">' in content
    assert re.search(r'<p class="errorlist" id="id_scheme_error">[^<]*pink', content)


def test_a_tampered_cookie_is_ignored(client):
    client.cookies["lowvision"] = "font=huge&scheme=bw&images=on&spacing=normal"

    response = client.get("/lowvision/")

    assert html_class(response) == ["site"]


@pytest.mark.parametrize("cookie", ["", "font=largest&scheme=wb&images=off&spacing=wide"])
def test_pages_vary_on_the_cookie_so_caches_keep_the_versions_apart(client, cookie):
    client.cookies["lowvision"] = cookie

    response = client.get("/regions/")

    assert "Cookie" in [part.strip() for part in response["Vary"].split(",")]


def test_the_page_cache_keeps_the_normal_and_the_low_vision_page_apart(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    normal = client.get("/regions/")
    client.cookies["lowvision"] = "font=large&scheme=blue&images=on&spacing=normal"

    low_vision = client.get("/regions/")
    del client.cookies["lowvision"]
    normal_again = client.get("/regions/")
    cache.clear()

    assert html_class(normal) == ["site"]
    assert html_class(low_vision) == [
        "site",
        "lv",
        "lv-font-large",
        "lv-scheme-blue",
        "lv-images-on",
        "lv-spacing-normal",
    ]
    assert html_class(normal_again) == ["site"]


def test_normal_version_is_one_link_away_on_every_page(client):
    client.cookies["lowvision"] = "font=largest&scheme=wb&images=off&spacing=wide"
    page = client.get("/talks/").content.decode()
    assert (
        '<a class="lowvision-off" href="/lowvision/?off=1&amp;next=/talks/">Обычная версия</a>'
        in page
    )

    response = client.get("/lowvision/", {"off": "1", "next": "/talks/"})

    assert response.status_code == 302
    assert response["Location"] == "/talks/"
    assert response.cookies["lowvision"].value == ""
    assert response.cookies["lowvision"]["max-age"] == 0
