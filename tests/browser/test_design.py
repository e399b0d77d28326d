"""What a visitor and a methodologist see: the map of regions, the phone layout of the talk list,
and the admin's seminar form at a desktop's width."""

import re

import pytest
from playwright.sync_api import expect

from libraries.models import Library, Region
from seminars.models import Talk

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def talk_count(page):
    """The talk list's own count: «Найдено: 5 докладов» → 5."""
    heading = page.locator("#results-heading").inner_text()
    return int(re.search(r"Найдено: (\d+)", heading)[1])


@pytest.mark.parametrize("url", ["/", "/regions/", "/statistics/"])
def test_map_has_a_tile_per_region_and_the_region_filters_counts(page, demo_seminar, url):
    page.goto(url)
    tiles = page.locator("svg.region-map-svg a.tile")
    expect(tiles).to_have_count(89)
    names = tiles.evaluate_all(
        "tiles => tiles.map(tile => tile.querySelector('title').textContent)"
    )
    assert sorted(name.split(":")[0] for name in names) == sorted(
        Region.objects.values_list("name", flat=True)
    )
    # Each tile is a link a keyboard reaches, named by region and count.
    assert page.get_by_role("link", name="Камчатский край: 5 докладов").count() >= 1
    with_talks = [
        (
            tile.get_attribute("data-region"),
            int(tile.get_attribute("data-count")),
            tile.get_attribute("href"),
        )
        for tile in tiles.all()
        if tile.get_attribute("data-count") != "0"
    ]
    assert len(with_talks) == 8
    for slug, count, href in with_talks:
        page.goto(href)
        assert talk_count(page) == count, slug
        assert count == Talk.objects.published().in_regions([Region.objects.get(slug=slug)]).count()


def test_talk_list_on_a_phone_shows_results_before_the_filters(new_page, demo_seminar):
    page = new_page(viewport={"width": 360, "height": 800})
    page.goto("/talks/")

    summary = page.locator("details.filters-panel > summary")
    expect(summary).to_have_text("Фильтры")
    expect(page.locator("#id_q")).to_be_hidden()
    # The count and the first talk are on the first screen, with no scrolling past filters.
    expect(page.locator("#results-heading")).to_be_in_viewport()
    expect(page.locator(".cards.talks > li").first).to_be_in_viewport()

    summary.click()
    expect(page.locator("#id_q")).to_be_visible()
    # The placeholders fit their boxes.
    for field in page.locator(".filters input[placeholder]").all():
        assert field.evaluate("el => el.scrollWidth <= el.clientWidth"), field.get_attribute("id")


def test_talk_list_on_a_desktop_shows_the_filters_beside_the_results(page, demo_seminar):
    page.goto("/talks/")

    expect(page.locator("details.filters-panel > summary")).to_be_hidden()
    expect(page.locator("#id_q")).to_be_visible()
    form, results = (
        page.locator("#id_q").bounding_box(),
        page.locator("#results-heading").bounding_box(),
    )
    assert form["x"] < results["x"]


def log_in(page, django_user_model):
    django_user_model.objects.create_superuser("metodist", "m@example.ru", "Секрет-пароль-2021")
    page.goto("/admin/login/")
    page.get_by_label("Имя пользователя").fill("metodist")
    page.get_by_label("Пароль").fill("Секрет-пароль-2021")
    page.get_by_role("button", name="Войти").click()


def test_seminar_form_fits_1280_px_numbers_new_talks_and_warns_of_no_time_zone(
    new_page, demo_seminar, django_user_model
):
    # A browser far from Kamchatka: Django's admin would warn of the time difference.
    page = new_page(timezone_id="Europe/Moscow")
    log_in(page, django_user_model)
    page.goto(f"/admin/seminars/seminar/{demo_seminar.pk}/change/")
    expect(page.locator("h1")).to_have_text("Изменить семинар")
    page.wait_for_load_state("load")

    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert page.locator(".timezonewarning").filter(visible=True).count() == 0

    page.locator(".djn-add-handler.djn-model-seminars-talk").filter(visible=True).last.click()
    assert page.locator("#id_talks-12-order").input_value() == "13"
    page.locator("#talks-12 .djn-add-handler.djn-model-seminars-talkspeaker").filter(
        visible=True
    ).click()
    assert page.locator("#id_talks-12-speakers-0-order").input_value() == "1"


def test_new_locality_popup_takes_the_libraries_region(new_page, demo_seminar, django_user_model):
    page = new_page()
    log_in(page, django_user_model)
    library = Library.objects.get(name="Сахалинская областная детская библиотека")
    page.goto(f"/admin/libraries/library/{library.pk}/change/")

    with page.expect_popup() as popup_info:
        page.locator("#add_id_locality").click()
    popup = popup_info.value

    expect(popup.locator("h1")).to_have_text("Добавить населённый пункт или район")
    expect(popup.locator("#id_region")).to_have_value(str(library.region_id))
