import pytest
from playwright.sync_api import expect

from people.models import Person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

STYLE = """() => {
    const root = getComputedStyle(document.documentElement), body = getComputedStyle(document.body);
    const img = document.querySelector("main img");
    return {font: root.fontSize, color: body.color, background: body.backgroundColor,
            spacing: body.letterSpacing, img: img && getComputedStyle(img).display};
}"""


def test_low_vision_mode_works_without_javascript_and_is_remembered(new_page, demo_seminar):
    person = Person.objects.get(last_name="Абрамкина")
    person.photo = "people/photos/abramkina.jpg"
    person.save()
    page = new_page(java_script_enabled=False)
    page.goto(person.get_absolute_url())
    assert page.evaluate(STYLE) == {
        "font": "16px",
        "color": "rgb(28, 36, 48)",
        "background": "rgba(0, 0, 0, 0)",
        "spacing": "normal",
        "img": "inline",
    }

    page.get_by_role("link", name="Версия для слабовидящих").click()
    expect(page.locator("h1")).to_have_text("Версия для слабовидящих")
    page.get_by_label("Максимальный").check()
    page.get_by_label("Белым по чёрному").check()
    page.get_by_label("Не показывать").check()
    page.get_by_label("Увеличенный").check()
    page.get_by_role("button", name="Применить").click()

    assert page.url.endswith(person.get_absolute_url())
    chosen = {
        "font": "32px",
        "color": "rgb(255, 255, 255)",
        "background": "rgb(0, 0, 0)",
        "spacing": "4.08px",
        "img": "none",
    }
    assert page.evaluate(STYLE) == chosen
    page.get_by_role("navigation", name="Разделы сайта").get_by_role("link", name="Доклады").click()
    expect(page.locator("h1")).to_have_text("Доклады")
    assert page.evaluate(STYLE) == {**chosen, "img": None}

    page.get_by_role("link", name="Настройки для слабовидящих").click()
    expect(page.get_by_label("Белым по чёрному")).to_be_checked()
    page.get_by_label("Тёмно-синим по голубому").check()
    page.get_by_label("Крупный", exact=True).check()
    page.get_by_role("button", name="Применить").click()
    expect(page.locator("h1")).to_have_text("Доклады")
    assert page.evaluate(STYLE) == {
        **chosen,
        "font": "20px",
        "color": "rgb(6, 52, 98)",
        "background": "rgb(157, 209, 255)",
        "spacing": "2.55px",
        "img": None,
    }

    page.get_by_role("link", name="Настройки для слабовидящих").click()
    page.get_by_role("button", name="Обычная версия").click()
    expect(page.locator("h1")).to_have_text("Доклады")
    assert page.locator("html").get_attribute("class") == "site"
    expect(page.get_by_role("link", name="Версия для слабовидящих")).to_be_visible()
