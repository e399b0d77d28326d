import datetime

import pytest
from playwright.sync_api import expect

from libraries.models import Library
from people.models import Person
from seminars.models import Seminar, Talk, TalkSpeaker
from tests.seminars.test_talk_list import KAMCHATKA_TALKS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_visitor_filters_talks_by_region_and_reaches_a_speaker_and_their_library(page):
    page.goto("/")
    page.get_by_role("navigation", name="Разделы сайта").get_by_role("link", name="Доклады").click()
    expect(page.locator("h1")).to_have_text("Доклады")
    expect(page.locator("#results-heading")).to_have_text("Найдено: 12 докладов")

    page.get_by_role("checkbox", name="Камчатский край").check()
    page.get_by_role("button", name="Показать").click()

    expect(page.locator("#results-heading")).to_have_text("Найдено: 5 докладов")
    expect(page.locator(".talk-title")).to_have_text(KAMCHATKA_TALKS)
    expect(page.get_by_role("checkbox", name="Камчатский край")).to_be_checked()

    page.get_by_role("link", name="Тауль Ольга Михайловна").click()
    expect(page.locator("h1")).to_have_text("Тауль Ольга Михайловна")
    page.get_by_role(
        "link", name="Централизованная библиотечная система г. Петропавловска-Камчатского"
    ).first.click()
    expect(page.locator("h1")).to_have_text(
        "Централизованная библиотечная система г. Петропавловска-Камчатского"
    )
    expect(page.get_by_text("Тауль Ольга Михайловна").first).to_be_visible()


def add_quest_talks(library, count, seminar_title, speaker):
    seminar = Seminar.objects.create(
        title=seminar_title,
        start_date=datetime.date(2023, 4, 12),
        organizer=library,
        is_published=True,
    )
    person = Person.objects.create(last_name=speaker, first_name="Ирина")
    for number in range(1, count + 1):
        talk = Talk.objects.create(
            seminar=seminar, order=number, title=f"Библиотечный квест №{number}"
        )
        TalkSpeaker.objects.create(talk=talk, person=person, library=library)


def test_visitor_searches_then_pages_through_the_talks_and_the_filter_stays(page):
    kamchatka = Library.objects.get(name="Камчатская краевая детская библиотека им. В. Кручины")
    sakhalin = Library.objects.get(name="Сахалинская областная детская библиотека")
    add_quest_talks(kamchatka, 23, "Квесты в библиотеке", "Квестова")
    add_quest_talks(sakhalin, 3, "Квесты на Сахалине", "Загадкина")

    page.goto("/")
    page.get_by_role("banner").get_by_label("Поиск по архиву").fill("квест")
    page.get_by_role("banner").get_by_role("button", name="Найти").click()
    expect(page.locator("h1")).to_have_text("Поиск")
    page.get_by_role(
        "link", name="Все доклады по запросу — с отбором по региону, году, теме"
    ).click()
    expect(page.locator("#results-heading")).to_have_text("Найдено: 26 докладов")
    expect(page.get_by_label("Текст")).to_have_value("квест")
    page.get_by_role("checkbox", name="Камчатский край").check()
    page.get_by_role("button", name="Показать").click()

    expect(page.locator("#results-heading")).to_have_text("Найдено: 23 доклада")
    expect(page.locator(".talk-title")).to_have_count(20)
    expect(page.locator(".pagination [aria-current=page]")).to_have_text("Страница 1 из 2")
    page.get_by_role("link", name="Следующая →").click()

    expect(page.locator(".pagination [aria-current=page]")).to_have_text("Страница 2 из 2")
    expect(page.locator("#results-heading")).to_have_text("Найдено: 23 доклада")
    expect(page.locator(".talk-title")).to_have_count(3)
    expect(page.get_by_label("Текст")).to_have_value("квест")
    expect(page.get_by_role("checkbox", name="Камчатский край")).to_be_checked()
    assert page.locator(".talks").get_by_text("Сахалин").count() == 0
    page.get_by_role("link", name="← Предыдущая").click()
    expect(page.locator(".pagination [aria-current=page]")).to_have_text("Страница 1 из 2")
    expect(page.get_by_label("Текст")).to_have_value("квест")
