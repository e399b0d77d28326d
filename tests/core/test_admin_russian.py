"""The admin speaks correct Russian: headings in the accusative, messages that need no case."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse
from django.utils.timezone import now
from solo.models import SingletonModel

from core.models import Organization

# Model → (nominative, accusative): «Добавить библиотеку», «Добавлено: библиотека «…».»
NAMES = {
    "auth.Group": ("группа", "группу"),
    "auth.User": ("пользователь", "пользователя"),
    "axes.AccessAttempt": ("Запись о попытке доступа", "запись о неудачных попытках входа"),
    "axes.AccessLog": ("Запись о доступе", "запись журнала входов"),
    "axes.AccessFailureLog": ("Ошибка доступа", "запись о неудачном входе"),
    "core.Organization": ("организация", "сведения об организации"),
    "libraries.Region": ("регион", "регион"),
    "libraries.Locality": ("населённый пункт или район", "населённый пункт или район"),
    "libraries.Library": ("библиотека", "библиотеку"),
    "libraries.Department": ("отдел", "отдел"),
    "people.Person": ("человек", "человека"),
    "seminars.Seminar": ("семинар", "семинар"),
    "seminars.Talk": ("доклад", "доклад"),
    "seminars.Resolution": ("резолюция", "резолюцию"),
    "seminars.Topic": ("тема", "тему"),
    "registrations.Registration": ("регистрация", "регистрацию"),
    "certificates.CertificateTemplate": ("шаблон сертификата", "шаблон сертификата"),
    "certificates.Certificate": ("сертификат", "сертификат"),
    "certificates.Job": ("задание по сертификатам", "задание по сертификатам"),
}
# Records the admin shows but never adds by hand: certificates are issued, jobs are started
# from a seminar's certificates page.
NOT_ADDED = {"certificates.Certificate", "certificates.Job"}
MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


def test_every_admin_model_has_its_cases():
    assert sorted(model._meta.label for model in MODELS) == sorted(NAMES)


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_headings_are_in_the_accusative(demo_seminar, staff_client, model):
    nominative, accusative = NAMES[model._meta.label]
    assert model._meta.verbose_name == nominative
    if issubclass(model, SingletonModel):
        page = staff_client.get(url(model, "changelist"))
        assert page.context["title"] == f"Изменить {accusative}"
        assert f"<h1>Изменить {accusative}</h1>" in page.content.decode()
        return
    changelist = staff_client.get(url(model, "changelist")).content.decode()
    verb = "просмотра" if model is AccessAttempt else "изменения"
    if model._meta.app_label in ("axes", "registrations") or model._meta.label in NOT_ADDED:
        # Records staff do not add (login records; participants register themselves;
        # certificates are issued, jobs started from a seminar's certificates page).
        assert f"<h1>Выберите {accusative} для " in changelist
        return
    assert f"<h1>Выберите {accusative} для {verb}</h1>" in changelist
    assert f"Добавить {accusative}" in changelist
    add = staff_client.get(url(model, "add")).content.decode()
    assert f"<h1>Добавить {accusative}</h1>" in add


def message_after(user, respond, obj):
    request = RequestFactory().post("/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    respond(request, obj)
    # The record's name is a link to it; the words around it are what is checked.
    return [re.sub(r"<[^>]+>", "", str(message)) for message in get_messages(request)]


@pytest.mark.parametrize(
    "model", [m for m in MODELS if m._meta.app_label != "axes"], ids=lambda m: m._meta.label
)
def test_messages_after_saving_and_deleting_read_right(demo_seminar, django_user_model, model):
    nominative, _ = NAMES[model._meta.label]
    user = django_user_model.objects.create_superuser("boss", "boss@example.ru", "pw-not-used-1")
    model_admin = admin.site._registry[model]
    obj = model._default_manager.first()
    if obj is None:
        obj = {
            "auth.Group": lambda: model.objects.create(name="Проверка"),
            "auth.User": lambda: model.objects.create(username="metodist"),
            "seminars.Topic": lambda: model.objects.create(name="ВКонтакте"),
            "core.Organization": lambda: Organization.objects.create(name="Библиотека"),
            "registrations.Registration": lambda: model.objects.create(
                seminar=demo_seminar, last_name="Ёлкина", first_name="Анна", consent_at=now()
            ),
            "certificates.CertificateTemplate": lambda: model.objects.create(
                seminar=demo_seminar, kind="speaker"
            ),
            "certificates.Certificate": lambda: model.objects.create(
                seminar=demo_seminar,
                kind="speaker",
                last_name="Иванова",
                first_name="Мария",
                name_dative="Ивановой Марии",
                heading="Сертификат докладчика",
                text="за выступление",
                issuer="Библиотека",
            ),
            "certificates.Job": lambda: model.objects.create(
                seminar=demo_seminar, action="issue", kinds="speaker"
            ),
        }[model._meta.label]()

    added = message_after(user, model_admin.response_add, obj)
    changed = message_after(user, model_admin.response_change, obj)
    deleted = message_after(
        user, lambda request, o: model_admin.response_delete(request, str(o), o.pk), obj
    )

    # A new user account opens again for its permissions (Django's UserAdmin).
    more = " Ниже можно продолжить редактирование." if model._meta.label == "auth.User" else ""
    assert added == [f"Добавлено: {nominative} «{obj}».{more}"]
    if issubclass(model, SingletonModel):
        # django-solo's own message, in Russian from our catalogue.
        assert changed == [f"Сохранено: «{obj}»."]
    else:
        assert changed == [f"Сохранено: {nominative} «{obj}»."]
    assert deleted == [f"Удалено: {nominative} «{obj}»."]


def test_bulk_delete_message_and_action_name(demo_seminar, staff_client):
    from seminars.models import Topic

    topics = [Topic.objects.create(name=name) for name in ["Фонды", "Чтение"]]
    response = staff_client.post(
        url(Topic, "changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [topic.pk for topic in topics],
            "post": "yes",
        },
        follow=True,
    )

    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Удалено записей: 2 (темы)."]
    page = staff_client.get(url(Topic, "changelist")).content.decode()
    assert "Удалить выбранные записи (темы)" in page


def test_admin_home_puts_seminars_and_import_first(demo_seminar, staff_client):
    page = staff_client.get(reverse("admin:index")).content.decode()

    assert page.index("Импорт резолюции") < page.index('id="seminars-seminar"')
    order = [page.index(f'id="{app}-') for app in ["seminars", "people", "libraries", "auth"]]
    assert order == sorted(order)
    seminars = [page.index(f'id="seminars-{name}"') for name in ["seminar", "talk", "resolution"]]
    assert seminars == sorted(seminars)


def test_login_records_only_for_administrators(demo_seminar, client, django_user_model):
    from django.contrib.auth.models import Group

    editor = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Редактор"))
    boss = django_user_model.objects.create_user("boss", password="x", is_staff=True)
    boss.groups.add(Group.objects.get(name="Администратор методического отдела"))

    client.force_login(editor)
    assert "Попытки доступа" not in client.get(reverse("admin:index")).content.decode()
    assert client.get(url(AccessAttempt, "changelist")).status_code == 403
    client.force_login(boss)
    assert "Попытки доступа" in client.get(reverse("admin:index")).content.decode()
    assert client.get(url(AccessAttempt, "changelist")).status_code == 200


def test_region_filter_is_a_dropdown(demo_seminar, staff_client):
    from seminars.models import Seminar

    page = staff_client.get(url(Seminar, "changelist")).content.decode()

    assert '<select class="filter-dropdown" id="filter-' in page
    assert page.count('<option value="?organizer__region__id__exact=') == 89


def test_management_commands_explain_themselves_in_russian():
    from django.core.management import get_commands, load_command_class

    ours = {
        name: app
        for name, app in get_commands().items()
        if app in ("seminars", "core", "libraries", "people", "api", "lowvision", "registrations")
        if app in ("seminars", "core", "libraries", "people", "api", "lowvision", "certificates")
    }
    assert ours
    for name, app in ours.items():
        command = load_command_class(app, name)
        assert any("а" <= char <= "я" for char in command.help.lower()), name


def test_ensure_admin_tells_how_to_reset_the_password(db, capsys):
    import io

    from django.core.management import call_command

    call_command("ensure_admin", stdout=io.StringIO())
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)

    assert out.getvalue() == (
        "Администратор уже есть: «admin». Забыли пароль? Задайте новый: "
        "python manage.py changepassword admin\n"
    )
