import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# What the focused element is and whether its focus can be seen: an outline at least 2 px wide
# whose colour has a contrast of 3:1 or more with the background around it (WCAG 1.4.11).
FOCUSED = """() => {
    const el = document.activeElement, style = getComputedStyle(el), box = el.getBoundingClientRect();
    const rgba = color => color.match(/[\\d.]+/g).map(Number);
    const luminance = color => {
        const [r, g, b] = rgba(color).slice(0, 3).map(c => c / 255)
            .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    let around = "rgb(255, 255, 255)";
    for (let node = el.parentElement; node; node = node.parentElement) {
        const color = getComputedStyle(node).backgroundColor;
        if (rgba(color)[3] !== 0) { around = color; break; }
    }
    const [a, b] = [luminance(style.outlineColor), luminance(around)];
    return {
        name: el.id || el.name || el.textContent.trim().replace(/\\s+/g, " ").slice(0, 40),
        outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
            && (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) >= 3,
        onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0,
    };
}"""
# Every control the keyboard should reach, in document order; a radio group is one stop (its
# checked radio), the arrow keys move inside it.
FOCUSABLE = """() => [...document.querySelectorAll(
        "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]")]
    .filter(el => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length)
    .filter(el => el.type !== "radio" || el.checked)
    .map(el => el.id || el.name || el.textContent.trim().replace(/\\s+/g, " ").slice(0, 40))"""


def tab_through(page, count):
    stops = []
    for _ in range(count):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
    return stops


def test_skip_link_comes_first_and_moves_focus_to_the_content(page, demo_seminar):
    page.goto("/talks/")

    [skip] = tab_through(page, 1)
    page.keyboard.press("Enter")

    assert skip == {"name": "Перейти к содержанию", "outline": True, "onScreen": True}
    assert page.evaluate("() => document.activeElement.id") == "content"
    assert page.evaluate("() => location.hash") == "#content"


@pytest.mark.parametrize(
    ("url", "lowvision"),
    [
        ("/talks/", ""),
        ("/lowvision/", ""),
        ("/talks/", "font=larger&scheme=blue&images=on&spacing=normal"),
    ],
)
def test_tab_order_follows_the_page_and_every_stop_shows_focus(page, demo_seminar, url, lowvision):
    if lowvision:
        page.context.add_cookies(
            [{"name": "lowvision", "value": lowvision, "domain": "localhost", "path": "/"}]
        )
    page.goto(url)
    expected = page.evaluate(FOCUSABLE)

    stops = tab_through(page, len(expected))

    assert [stop["name"] for stop in stops] == expected
    assert [stop["name"] for stop in stops if not stop["outline"]] == []
    assert page.locator("[tabindex]:not([tabindex='0']):not([tabindex='-1'])").count() == 0


def test_a_filter_error_is_announced_and_described_on_its_field(page, demo_seminar):
    page.goto("/talks/")
    library = page.get_by_label("Библиотека")

    library.fill("Библиотека имени Несуществующего")
    library.press("Enter")

    expect(page.get_by_role("alert")).to_contain_text(
        "Библиотека: Библиотека «Библиотека имени Несуществующего» не найдена: проверьте название."
    )
    expect(library).to_have_attribute("aria-invalid", "true")
    expect(library).to_have_accessible_description(
        "С филиалами и отделами. "
        "Библиотека «Библиотека имени Несуществующего» не найдена: проверьте название."
    )
