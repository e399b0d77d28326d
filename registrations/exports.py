"""Lists of participants for staff, as CSV (UTF-8 with BOM, for Excel) and XLSX."""

from django.utils import timezone

from core.spreadsheets import spreadsheet_response

COLUMNS = [
    "Семинар",
    "Фамилия",
    "Имя",
    "Отчество",
    "Должность",
    "Библиотека",
    "Населённый пункт",
    "Муниципальный район",
    "Регион",
    "Электронная почта",
    "Телефон",
    "Участие",
    "Статус",
    "Присутствовал",
    "Зарегистрирован",
]


def row(registration):
    return [
        registration.seminar.title,
        registration.last_name,
        registration.first_name,
        registration.patronymic,
        registration.position,
        registration.library_name,
        registration.locality,
        registration.municipal_district,
        registration.region.name if registration.region_id else "",
        registration.email,
        registration.phone,
        registration.get_participation_display(),
        registration.get_status_display(),
        "да" if registration.attended else "нет",
        timezone.localtime(registration.created).strftime("%d.%m.%Y %H:%M"),
    ]


def export(registrations, fmt):
    filename = f"uchastniki-{timezone.localdate():%Y-%m-%d}.{fmt}"
    rows = (
        row(r) for r in registrations.select_related("seminar", "library__parent__parent", "region")
    )
    return spreadsheet_response(fmt, filename, "Участники", COLUMNS, rows)
