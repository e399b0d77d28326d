"""Lists of participants for staff, as CSV (UTF-8 with BOM, for Excel) and XLSX."""

import csv

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from core.spreadsheets import neutralise, xlsx_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(COLUMNS)
        writer.writerows([neutralise(value) for value in values] for values in rows)
    else:
        response = HttpResponse(content_type=XLSX)
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Участники")
        sheet.append(xlsx_row(sheet, COLUMNS))
        for values in rows:
            sheet.append(xlsx_row(sheet, values))
        workbook.save(response)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
