import pytest
from django.urls import reverse

from certificates.issue import Composer, issue, speakers
from people.models import Person
from tests.browser import SCREENSHOTS, axe, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The strictest low-vision settings: the largest font, white on black, no images, wide spacing.
LOW_VISION = "font=largest&scheme=wb&images=off&spacing=wide"
# WCAG 1.4.10 reflow at 320 px, a common phone at 360 px, a desktop at 1280 px.
WIDTHS = [320, 360, 1280]
# Pictures of the pages a visitor meets most (artifacts/screenshots/, untracked), at a phone's and
# a desktop's width: looked at by a person before a change is called done.
SCREENSHOT_PAGES = {
    "home",
    "talk_list",
    "seminar_detail",
    "region_detail",
    "statistics",
    "certificate_verify",
}
SCREENSHOT_WIDTHS = {360, 1280}


def public_pages(seminar):
    """One URL for every public page template, on the demo data."""
    person = Person.objects.public().filter(speaker_roles__talk__seminar=seminar).first()
    role = person.speaker_roles.select_related("library__region").first()
    certificate = person.certificates.first() or issue(
        Composer(seminar), next(r for r in speakers(seminar) if r.person_id == person.pk)
    )
    return {
        "home": reverse("seminars:home"),
        "seminar_list": reverse("seminars:seminar_list"),
        "seminar_detail": seminar.get_absolute_url(),
        "resolution_print": reverse(
            "seminars:resolution_print", args=[seminar.start_date.year, seminar.slug]
        ),
        "talk_list": reverse("seminars:talk_list"),
        "person_list": reverse("people:person_list"),
        "person_detail": person.get_absolute_url(),
        "library_list": reverse("libraries:library_list"),
        "library_detail": role.library.get_absolute_url(),
        "region_list": reverse("libraries:region_list"),
        "region_detail": role.library.region.get_absolute_url(),
        "lowvision": reverse("lowvision:settings"),
        "statistics": reverse("seminars:statistics"),
        "search": reverse("seminars:search") + "?q=маяк",
        "about": reverse("about"),
        "certificate_verify": certificate.get_absolute_url(),
    }


def overflows(page):
    """Whether the page scrolls sideways at the viewport's width."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("mode", ["normal", "low-vision"])
def test_every_public_page_passes_axe_and_reflows_at_every_width(new_page, demo_seminar, mode):
    pages = public_pages(demo_seminar)
    problems, summary = [], []
    page = new_page()
    if mode == "low-vision":
        page.context.add_cookies(
            [{"name": "lowvision", "value": LOW_VISION, "domain": "localhost", "path": "/"}]
        )
    for name, url in pages.items():
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(url)
            assert response.status == 200, (url, response.status)
            switch = page.locator("header .lowvision-switch")
            if mode == "low-vision":
                assert "lv-scheme-wb" in page.locator("html").get_attribute("class"), url
                assert switch.inner_text() == "Настройки для слабовидящих", url
                assert page.locator("header .lowvision-off").inner_text() == "Обычная версия"
            else:
                assert switch.inner_text() == "Версия для слабовидящих", url
            found = axe(page)
            summary.append(
                f"{mode:10} {width:4} {name:17} "
                + (", ".join(f"{impact}: {len(v)}" for impact, v in sorted(found.items())) or "0")
            )
            problems += [
                (mode, width, url, violation)
                for violations in found.values()
                for violation in violations
            ]
            if overflows(page):
                problems.append((mode, width, url, "scrolls sideways"))
            if name in SCREENSHOT_PAGES and width in SCREENSHOT_WIDTHS:
                screenshot(page, f"{name}-{mode}")
    report = "axe-core WCAG 2.1 A/AA violations by impact:\n" + "\n".join(summary) + "\n"
    # xdist hides a passing test's output (`-n 0 -s` shows it); the file keeps it after any run.
    print("\n" + report)
    (SCREENSHOTS.parent / f"axe-summary-{mode}.txt").write_text(report)

    assert problems == [], "\n".join(map(str, problems))
