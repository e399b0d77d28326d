"""Markup saved in any text field is shown as text everywhere; every form needs its CSRF token."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.test import Client

from people.models import Person
from tests.core.admin_urls import every_admin_url
from tests.core.public_urls import read, working_urls

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
RAW = (SCRIPT, "<img src=x onerror")
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
OUR_APPS = {"libraries", "people", "seminars"}


def payload_for(field, pk):
    for payload in (f"{SCRIPT}{IMAGE} {pk}", f"{SCRIPT} {pk}"):
        if field.max_length is None or len(payload) <= field.max_length:
            return payload
    return None


def text_fields(model):
    for field in model._meta.concrete_fields:
        if (
            isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, models.SlugField | models.URLField)
            and not field.choices
        ):
            yield field


@pytest.fixture
def poisoned(demo_seminar):
    """Every text field of every row of every model of the archive holds markup."""
    poisoned_fields = 0
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or model.__name__.startswith("Historical"):
            continue
        fields = list(text_fields(model))
        for pk in model._default_manager.values_list("pk", flat=True):
            values = {f.name: payload_for(f, pk) for f in fields if payload_for(f, pk)}
            for field in model._meta.concrete_fields:
                if isinstance(field, models.URLField):
                    values[field.name] = f"https://example.org/{IMAGE}{SCRIPT}"
            model._default_manager.filter(pk=pk).update(**values)
        poisoned_fields += len(fields)
    Person.objects.update(consent=Person.Consent.GIVEN, consent_date="2021-11-01")
    assert poisoned_fields >= 25
    return demo_seminar


def test_markup_in_every_text_field_is_escaped_on_every_public_page(client, poisoned):
    urls = working_urls(client)
    assert len(urls) >= 25
    shown_escaped = 0

    for url in urls.values():
        response = client.get(url)
        content_type = response["Content-Type"]
        body = read(response).decode("utf-8", "replace")
        if "html" in content_type or "xml" in content_type:
            assert (url, [raw for raw in RAW if raw in body]) == (url, [])
            shown_escaped += body.count(ESCAPED)
        else:  # JSON, CSV, XLSX, calendars: never sniffed as HTML
            assert (url, content_type.split(";")[0]) != (url, "text/html")
            assert response["X-Content-Type-Options"] == "nosniff"

    assert shown_escaped >= 50  # the markup really is on the pages, as text


def test_json_ld_cannot_close_its_script_element(client, poisoned):
    page = client.get(poisoned.get_absolute_url()).content.decode()

    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert blocks
    for block in blocks:
        assert "<" not in block
        assert "\\u003Cscript\\u003Ealert(1)" in block


def test_markup_is_escaped_in_the_admin(staff_client, poisoned):
    for model in admin.site._registry:
        if model._meta.app_label not in OUR_APPS:
            continue
        opts = model._meta
        pages = [f"/admin/{opts.app_label}/{opts.model_name}/"]
        if obj := model._default_manager.first():
            pages.append(f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/")
        for url in pages:
            body = staff_client.get(url).content.decode()
            assert (url, [raw for raw in RAW if raw in body]) == (url, [])


def test_every_admin_url_refuses_a_post_without_csrf_token(archive, django_user_model):
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_superuser("boss", password="x-Pass-2021"))
    urls = every_admin_url()

    answers = {url: client.post(url, {"post": "yes"}).status_code for url in urls}

    assert {url: code for url, code in answers.items() if code != 403} == {}
    assert "<h1>Форма устарела</h1>" in client.post(urls[0], {}).content.decode()


def test_no_public_url_accepts_a_post_without_csrf_token(client, demo_seminar):
    guarded = Client(enforce_csrf_checks=True)
    urls = working_urls(client)

    answers = {url: guarded.post(url, {"x": "1"}).status_code for url in urls.values()}

    # 403: refused by the CSRF check; 405: a read-only view (the API) that takes no POST at all.
    assert {url: code for url, code in answers.items() if code not in {403, 405}} == {}


def test_every_post_form_carries_a_csrf_token(staff_client, demo_seminar):
    pages = [
        "/lowvision/",
        "/admin/seminars/seminar/add/",
        f"/admin/seminars/seminar/{demo_seminar.pk}/change/",
        "/admin/people/person/add/",
        "/admin/seminars/seminar/import/",
        "/admin/password_change/",
    ]
    for url in pages:
        body = staff_client.get(url).content.decode()
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", body, re.S | re.I)
        assert forms, url
        for form in forms:
            assert 'name="csrfmiddlewaretoken"' in form, url
