"""Every admin page a methodologist opens works with the demo data."""

import json
import re
from html import unescape

import pytest
from django.contrib import admin
from django.urls import reverse
from solo.models import SingletonModel

from seminars.models import Seminar

# django-axes' login records are read-only: they are checked in tests/core/test_login.py.
MODELS = [model for model in admin.site._registry if model._meta.app_label != "axes"]


def instance_for(model):
    """The demo data has no groups or topics: make one so their change page is checked too."""
    from django.contrib.auth.models import Group
    from django.utils.timezone import now

    from certificates.models import Certificate, CertificateTemplate, Job
    from registrations.models import Registration
    from seminars.models import Seminar, Topic

    seminar = Seminar.objects.first()
    return {
        CertificateTemplate: lambda: CertificateTemplate.objects.create(
            seminar=seminar, kind="participant"
        ),
        Certificate: lambda: Certificate.objects.create(
            seminar=seminar,
            kind="speaker",
            last_name="Ёлкина",
            first_name="Анна",
            name_dative="Ёлкиной Анне",
            heading="Сертификат докладчика",
            text="за выступление",
            issuer="Библиотека",
        ),
        Job: lambda: Job.objects.create(seminar=seminar, action="issue", kinds="speaker"),
        Group: lambda: Group.objects.create(name="Проверка"),
        Topic: lambda: Topic.objects.create(name="ВКонтакте"),
        Registration: lambda: Registration.objects.create(
            seminar=Seminar.objects.first(), last_name="Ёлкина", first_name="Анна", consent_at=now()
        ),
    }[model]()


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_changelist_add_and_change_pages(demo_seminar, staff_client, model):
    changelist = staff_client.get(admin_url(model, "changelist"))
    if issubclass(model, SingletonModel):
        # One record, entered once: the list opens it, and there is nothing to add.
        assert changelist.status_code == 200
        assert changelist.context["title"] == "Изменить сведения об организации"
        assert staff_client.get(admin_url(model, "add")).status_code == 403
    elif model._meta.label in (
        "registrations.Registration",
        "certificates.Certificate",
        "certificates.Job",
    ):
        # Participants register themselves, giving their consent; certificates are issued and
        # jobs started from a seminar's certificates page: staff add none by hand.
        assert changelist.status_code == 200
        assert staff_client.get(admin_url(model, "add")).status_code == 403
    else:
        assert changelist.status_code == 200
        assert staff_client.get(admin_url(model, "add")).status_code == 200
    obj = model._default_manager.first() or instance_for(model)
    assert staff_client.get(admin_url(model, "change", obj.pk)).status_code == 200


def test_admin_is_in_russian(demo_seminar, staff_client):
    page = staff_client.get(reverse("admin:index")).content.decode()
    assert "Методическая копилка — администрирование" in page
    assert "Семинары" in page and "Библиотеки" in page and "Люди" in page


def test_django_inlines_add_rows_in_russian(demo_seminar, staff_client):
    """Django's «Добавить еще один %(verbose_name)s» suits masculine names only (locale/ru)."""
    from libraries.models import Library

    page = staff_client.get(admin_url(Library, "change", Library.objects.first().pk)).content
    formsets = re.findall(r'data-inline-formset="([^"]*)"', page.decode())
    texts = {json.loads(unescape(data))["options"]["addText"] for data in formsets}

    assert "Добавить ещё: Отдел" in texts


def test_seminar_page_has_talks_with_speakers_and_resolution_inline(demo_seminar, staff_client):
    from seminars.models import Seminar

    page = staff_client.get(admin_url(Seminar, "change", demo_seminar.pk)).content.decode()
    assert page.count('name="talks-') > 12
    assert "talks-0-speakers-0-person" in page
    assert "Абрамкина Елена Ивановна" in page
    assert "resolution-0-items-5-text" in page


@pytest.mark.parametrize(
    ("path", "query", "expected"),
    [
        ("people/person", "АБРАМКИНА", "Абрамкина Елена Ивановна"),
        ("people/person", "абрамкина", "Абрамкина Елена Ивановна"),
        ("libraries/library", "соболевская", "Соболевская библиотека"),
        ("libraries/region", "камчатский", "Камчатский край"),
        ("libraries/locality", "ОРЕЛ", "Орёл"),
    ],
)
def test_admin_search_is_case_and_yo_insensitive(demo_seminar, staff_client, path, query, expected):
    page = staff_client.get(f"/admin/{path}/", {"q": query}).content.decode()
    assert expected in page


def test_autocomplete_finds_people_by_lowercase_cyrillic(demo_seminar, staff_client):
    response = staff_client.get(
        "/admin/autocomplete/",
        {
            "term": "калинов",
            "app_label": "seminars",
            "model_name": "talkspeaker",
            "field_name": "person",
        },
    )
    assert [result["text"] for result in response.json()["results"]] == [
        "Калиновская Ирина Михайловна"
    ]


def test_year_filter(demo_seminar, staff_client):
    page = staff_client.get("/admin/seminars/seminar/", {"year": "2021"}).content.decode()
    assert "Библиотека-онлайн" in page
    page = staff_client.get("/admin/seminars/seminar/", {"year": "2020"}).content.decode()
    assert "Библиотека-онлайн" not in page


def test_published_slug_is_read_only_for_an_editor(demo_seminar, client, django_user_model):
    from django.contrib.auth.models import Group

    from seminars.models import Seminar

    editor = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Редактор"))
    client.force_login(editor)
    page = client.get(admin_url(Seminar, "change", demo_seminar.pk)).content.decode()
    assert 'name="slug"' not in page
    assert demo_seminar.slug in page


def test_an_administrator_may_change_a_published_slug_and_is_told_so(demo_seminar, staff_client):
    from seminars.models import Seminar

    page = staff_client.get(admin_url(Seminar, "change", demo_seminar.pk)).content.decode()
    assert 'name="slug"' in page
    assert "старый адрес будет перенаправлять на новый" in page


def test_the_seminar_change_form_runs_the_same_queries_for_2_and_20_talks(staff_client):
    """Every speaker's person, library and department is an autocomplete whose chosen label is
    read with the other labels of its model, not one query per select."""
    from tests import factories
    from tests.queries import queries

    few = factories.seminar("Семинар на два доклада")
    factories.talks(2, of_seminar=few)
    many = factories.seminar("Семинар на двадцать докладов", organizer=factories.library("Другая"))
    factories.talks(20, of_seminar=many)
    urls = [admin_url(Seminar, "change", seminar.pk) for seminar in (few, many)]
    queries(staff_client, urls[0])  # the first request also reads what Django keeps (content types)

    assert queries(staff_client, urls[1]) == queries(staff_client, urls[0])
