import pytest

from tests.browser import axe, blocking

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_home_lists_the_demo_seminar_in_a_real_browser(page):
    page.goto("/")

    assert page.locator("h1").inner_text() == "Методическая копилка"
    found = axe(page)
    print("axe /:", {impact: [v["id"] for v in vs] for impact, vs in found.items()})
    assert blocking(found) == []
