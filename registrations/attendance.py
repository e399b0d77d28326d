"""Attendance from a webinar platform's participant report (CSV or XLSX): rows matched to a
seminar's registrations by e-mail, then by name; what matched nothing is listed for staff."""

import csv
import io
import re

from openpyxl import load_workbook

from core.text import fold

from .models import Registration

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000


class ReportError(ValueError):
    """The file cannot be read as a participant report; the message says why, in Russian."""


def read_rows(upload):
    """The report's rows as lists of strings, the header first."""
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ReportError("Файл больше 5 МБ: это не похоже на отчёт об участниках.")
    if not data.strip():
        raise ReportError("Файл пуст.")
    if data.startswith(b"PK"):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as error:
            raise ReportError("Не удалось прочитать файл XLSX.") from error
        sheet = workbook.worksheets[0]
        rows = [
            ["" if value is None else str(value).strip() for value in row]
            for row in sheet.iter_rows(max_row=MAX_ROWS + 1, values_only=True)
        ]
        workbook.close()
        return rows
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if "\x00" in text:
        raise ReportError("Это не текстовый файл CSV и не XLSX.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))[: MAX_ROWS + 1]
    return [[cell.strip() for cell in row] for row in rows]


def columns(header):
    """Where the e-mail and the name parts stand in the header (-1 where absent)."""
    names = [fold(cell) for cell in header]

    def find(*words):
        for index, name in enumerate(names):
            if any(word in name for word in words):
                return index
        return -1

    found = {
        "email": find("mail", "почт"),
        "last_name": find("фамил", "surname", "last name"),
        "first_name": find("имя", "first name"),
        "patronymic": find("отчеств"),
        "full_name": find("фио", "участник", "name", "имя"),
    }
    if found["last_name"] >= 0 and found["first_name"] == found["full_name"]:
        found["full_name"] = -1
    return found


def name_key(text):
    return " ".join(re.sub(r"[^\w\s-]", " ", fold(text)).split())


def match(seminar, rows):
    """Marks attendance; returns (registrations marked, report rows that matched nothing)."""
    if len(rows) < 2:
        raise ReportError("В отчёте нет строк с участниками.")
    where = columns(rows[0])
    if where["email"] < 0 and where["full_name"] < 0 and where["last_name"] < 0:
        raise ReportError(
            "В первой строке отчёта нет столбцов с адресом электронной почты или с именем."
        )
    registrations = list(seminar.registrations.active())
    by_email = {r.email.lower(): r for r in registrations if r.email}
    by_name = {}
    for registration in registrations:
        full = name_key(registration.full_name)
        short = name_key(f"{registration.last_name} {registration.first_name}")
        reverse = name_key(f"{registration.first_name} {registration.last_name}")
        for key in {full, short, reverse}:
            by_name.setdefault(key, []).append(registration)

    def cell(row, name):
        index = where[name]
        return row[index] if 0 <= index < len(row) else ""

    marked, unmatched = {}, []
    for row in rows[1:]:
        if not any(row):
            continue
        email = cell(row, "email").lower()
        found = by_email.get(email)
        if found is None:
            if where["last_name"] >= 0:
                text = " ".join(cell(row, n) for n in ("last_name", "first_name", "patronymic"))
            else:
                text = cell(row, "full_name")
            candidates = by_name.get(name_key(text), [])
            # Two registrations of the same name: neither is guessed.
            if len({c.pk for c in candidates}) == 1:
                found = candidates[0]
        if found is None:
            unmatched.append(" · ".join(value for value in row if value))
        else:
            marked[found.pk] = found
    Registration.objects.filter(pk__in=marked).update(attended=True)
    return list(marked.values()), unmatched
