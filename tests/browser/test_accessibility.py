import pytest
from django.urls import reverse

from people.models import Person
from tests.browser import SCREENSHOTS, axe, blocking, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The strictest low-vision settings: the largest font, white on black, no images, wide spacing.
LOW_VISION = "font=largest&scheme=wb&images=off&spacing=wide"
# Screenshots (artifacts/screenshots/, untracked) cost ~0.3 s each: only the key pages get them.
KEY_PAGES = {
    "normal": {
        "home",
        "talk_list",
        "seminar_detail",
        "person_detail",
        "library_detail",
        "lowvision",
    },
    "low-vision": {"home", "seminar_detail", "lowvision"},
}


def public_pages(seminar):
    """One URL for every public page template, on the demo data."""
    person = Person.objects.public().filter(speaker_roles__talk__seminar=seminar).first()
    role = person.speaker_roles.select_related("library__region").first()
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
    }


def overflows(page, width):
    """Whether the page scrolls sideways at this CSS width (640 px = 1280 px zoomed to 200 %)."""
    page.set_viewport_size({"width": width, "height": 900})
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


def test_every_public_page_passes_axe_and_reflows_at_200_percent(new_page, demo_seminar):
    pages = public_pages(demo_seminar)
    problems, summary = [], []
    for mode in ["normal", "low-vision"]:
        page = new_page()
        if mode == "low-vision":
            page.context.add_cookies(
                [{"name": "lowvision", "value": LOW_VISION, "domain": "localhost", "path": "/"}]
            )
        for name, url in pages.items():
            page.set_viewport_size({"width": 1280, "height": 900})
            response = page.goto(url)
            assert response.status == 200, (url, response.status)
            switch = page.locator("header .lowvision-switch")
            if mode == "low-vision":
                assert "lv-scheme-wb" in page.locator("html").get_attribute("class"), url
                assert switch.inner_text() == "Настройки для слабовидящих", url
            else:
                assert switch.inner_text() == "Версия для слабовидящих", url
            found = axe(page)
            summary.append(
                f"{mode:10} {name:17} "
                + (", ".join(f"{impact}: {len(v)}" for impact, v in sorted(found.items())) or "0")
            )
            problems += [(mode, url, violation) for violation in blocking(found)]
            if name in KEY_PAGES[mode]:
                screenshot(page, f"{name}-{mode}")
            if overflows(page, 640):
                problems.append((mode, url, "scrolls sideways at 640 px (200 % zoom)"))
            if name in KEY_PAGES[mode]:
                page.set_viewport_size({"width": 360, "height": 800})
                screenshot(page, f"{name}-{mode}")
    report = "axe-core WCAG 2.1 A/AA violations by impact:\n" + "\n".join(summary) + "\n"
    # xdist hides a passing test's output (`-n 0 -s` shows it); the file keeps it after any run.
    print("\n" + report)
    (SCREENSHOTS.parent / "axe-summary.txt").write_text(report)

    assert problems == [], "\n".join(map(str, problems))
