"""Staff work with registrations in the admin: only with the permission «Участники»."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from registrations.models import Registration

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/registrations/registration/"
ATTENDANCE = "/admin/registrations/registration/attendance/"


@pytest.fixture
def member(client, django_user_model):
    def login(*groups):
        user = django_user_model.objects.create_user(
            "m", password="Pw-not-used-2026", is_staff=True
        )
        user.groups.set(Group.objects.filter(name__in=groups))
        client.force_login(user)
        return client

    return login


def test_an_editor_without_the_permission_never_sees_participants(member, people):
    client = member("Редактор")

    assert "Регистрации" not in client.get("/admin/").content.decode()
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(f"{CHANGELIST}{people[0].pk}/change/").status_code == 403
    assert client.get(ATTENDANCE).status_code == 403
    export = client.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [p.pk for p in people]}
    )
    assert export.status_code == 403


def test_with_the_permission_staff_search_and_filter_registrations(member, people):
    client = member("Редактор", "Участники")

    found = client.get(CHANGELIST, {"q": "Иванова"}).content.decode()
    region = client.get(CHANGELIST, {"region__id__exact": people[0].region_id}).content.decode()

    assert "Иванова Мария" in found and "Ёлкина Анна" not in found
    assert "Ёлкина Анна Петровна" in region and "Иванова" not in region


def test_bulk_mark_attendance(member, people):
    client = member("Участники")

    client.post(
        CHANGELIST,
        {"action": "mark_attended", "_selected_action": [people[0].pk, people[2].pk]},
    )

    assert list(Registration.objects.filter(attended=True).order_by("pk")) == [people[0], people[2]]


def test_exports_as_csv_and_xlsx(member, people):
    client = member("Участники")
    people[1].position = "=HYPERLINK(1)"
    people[1].save()
    selected = {"_selected_action": [p.pk for p in people]}

    csv_response = client.post(CHANGELIST, {"action": "export_csv", **selected})
    xlsx_response = client.post(CHANGELIST, {"action": "export_xlsx", **selected})

    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Семинар", "Фамилия", "Имя", "Отчество"]
    assert sorted(row[1] for row in rows[1:]) == ["Ёлкина", "Иванова", "Петров"]
    assert "'=HYPERLINK(1)" in [row[4] for row in rows]
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert sheet.max_row == 4
    assert {sheet.cell(row=r, column=9).value for r in range(2, 5)} == {
        "Камчатский край",
        "Сахалинская область",
    }


def report(name, rows, fmt="csv"):
    if fmt == "csv":
        text = "\n".join(";".join(row) for row in rows)
        return SimpleUploadedFile(name, text.encode("cp1251"), "text/csv")
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    data = io.BytesIO()
    workbook.save(data)
    return SimpleUploadedFile(name, data.getvalue(), "application/octet-stream")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_attendance_is_imported_by_email_then_by_name_and_the_rest_is_listed(
    member, upcoming, people, fmt
):
    client = member("Участники")
    rows = [
        ["Имя", "E-mail", "Время входа"],
        ["Анна Ёлкина", "ELKINA@example.ru", "10:02"],
        ["ПЕТРОВ Олег Ильич", "oleg.home@example.ru", "10:05"],
        ["Гость конференции", "guest@example.ru", "10:07"],
    ]

    response = client.post(
        ATTENDANCE, {"seminar": upcoming.pk, "report": report(f"report.{fmt}", rows, fmt)}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "присутствие отмечено — 2 участника" in page
    assert "Гость конференции · guest@example.ru · 10:07" in page
    attended = Registration.objects.filter(attended=True).order_by("pk")
    assert list(attended) == [people[0], people[2]]


def test_attendance_by_surname_and_name_columns(member, upcoming, people):
    client = member("Участники")
    rows = [["Фамилия", "Имя", "Отчество"], ["Иванова", "Мария", ""]]

    client.post(ATTENDANCE, {"seminar": upcoming.pk, "report": report("r.csv", rows)})

    assert list(Registration.objects.filter(attended=True)) == [people[1]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Отправленный файл пуст."),
        (b"PK\x03\x04broken", "Не удалось прочитать файл XLSX."),
        ("Время;Длительность\n10:00;5".encode(), "нет столбцов с адресом электронной почты"),
        (b"E-mail\n", "В отчёте нет строк с участниками."),
    ],
)
def test_a_bad_report_gets_a_russian_message(member, upcoming, people, content, message):
    client = member("Участники")

    response = client.post(
        ATTENDANCE,
        {"seminar": upcoming.pk, "report": SimpleUploadedFile("r.csv", content, "text/csv")},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Registration.objects.filter(attended=True).exists()


def test_deleting_a_library_does_not_name_the_participants_holding_it(
    client, django_user_model, upcoming, people
):
    from django.contrib.auth.models import Permission

    library = upcoming.organizer
    Registration.objects.filter(pk=people[0].pk).update(library=library)
    user = django_user_model.objects.create_user("l", password="Pw-not-used-2026", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_library", "delete_library"])
    )
    client.force_login(user)

    page = client.get(f"/admin/libraries/library/{library.pk}/delete/").content.decode()

    assert "регистрация" in page
    assert "Ёлкина" not in page and "elkina@example.ru" not in page
    # Where Django names protected records, a registration is a number, not a person.
    assert str(people[0]) == f"Регистрация № {people[0].pk}"


def test_the_seminar_form_links_to_its_registrations_for_participants_staff_only(
    client, django_user_model, upcoming, people
):
    url = f"/admin/seminars/seminar/{upcoming.pk}/change/"
    link = f"/admin/registrations/registration/?seminar__id__exact={upcoming.pk}"
    pages = {}
    for groups in (["Редактор"], ["Редактор", "Участники"]):
        user = django_user_model.objects.create_user(
            "+".join(groups), password="Pw-not-used-2026", is_staff=True
        )
        user.groups.set(Group.objects.filter(name__in=groups))
        client.force_login(user)
        pages[len(groups)] = client.get(url).content.decode()

    assert link not in pages[1]
    assert link in pages[2]
