"""The Content-Security-Policy forbids inline scripts and styles: no page may rely on them.

Browsers would block an inline <script>, a style="…" attribute or an onclick="…" handler, so each
page is checked for them, the admin (with django-nested-admin) included.
"""

import re

import pytest
from django.urls import reverse

INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>"
)
INLINE_STYLE = re.compile(r"<style[\s>]|\sstyle=\"")
INLINE_HANDLER = re.compile(r"\son[a-z]+=\"", re.IGNORECASE)


def inline_code(html):
    return INLINE_SCRIPT.findall(html) + INLINE_STYLE.findall(html) + INLINE_HANDLER.findall(html)


def admin_pages(seminar):
    talk = seminar.talks.first()
    person = talk.speakers.first().person
    return [
        reverse("admin:index"),
        reverse("admin:seminars_seminar_changelist"),
        reverse("admin:seminars_seminar_change", args=[seminar.pk]),
        reverse("admin:seminars_seminar_add"),
        reverse("admin:seminars_seminar_history", args=[seminar.pk]),
        reverse("admin:seminars_talk_change", args=[talk.pk]),
        reverse("admin:people_person_change", args=[person.pk]),
        reverse("admin:people_person_changelist") + "?q=абрамкина",
        reverse("admin:libraries_library_changelist"),
        reverse("admin:auth_user_add"),
        reverse("admin:password_change"),
    ]


def test_admin_pages_carry_the_policy_and_no_inline_code(staff_client, demo_seminar):
    for url in admin_pages(demo_seminar):
        response = staff_client.get(url)
        assert (url, response.status_code) == (url, 200)
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert (url, inline_code(response.content.decode())) == (url, [])


def test_nested_admin_still_saves_a_seminar_with_talks(staff_client, demo_seminar):
    # django-nested-admin's scripts come from files; its form posts as before.
    url = reverse("admin:seminars_seminar_change", args=[demo_seminar.pk])
    page = staff_client.get(url)
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', page.content.decode())
    assert any("nested_admin" in src for src in scripts)
    # Same origin, so 'self' allows them: static files and Django's translation catalogue.
    assert [src for src in scripts if not src.startswith(("/static/", "/admin/jsi18n/"))] == []
    response = staff_client.post(url, {})  # an empty post: the form comes back with errors
    assert response.status_code == 200
    assert 'class="errornote"' in response.content.decode()


def test_login_page_has_no_inline_code(client, db):
    response = client.get("/admin/login/")

    assert inline_code(response.content.decode()) == []


@pytest.mark.parametrize("path", ["/", "/seminars/", "/no-such-page/"])
def test_public_pages_have_no_inline_code(client, demo_seminar, path):
    response = client.get(path)

    assert inline_code(response.content.decode()) == []
