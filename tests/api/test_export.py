import csv
import datetime
import io
import json
import zipfile

from libraries.models import Library
from people.models import Person
from seminars.models import Seminar, Talk

TABLES = [
    "regions",
    "localities",
    "libraries",
    "topics",
    "people",
    "seminars",
    "seminar_regions",
    "seminar_localities",
    "seminar_links",
    "talks",
    "talk_topics",
    "talk_speakers",
    "resolutions",
    "resolution_items",
]


TABLES_CSV = [f"{name}.csv" for name in TABLES]


def downloaded(response):
    """A download's bytes, whether served as a file (streamed) or not; read once, kept."""
    if not hasattr(response, "downloaded"):
        response.downloaded = response.getvalue()
    return response.downloaded


def read_zip(response):
    archive = zipfile.ZipFile(io.BytesIO(downloaded(response)))
    return {
        name.removesuffix(".csv"): list(
            csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig")))
        )
        for name in archive.namelist()
    }


def test_zip_has_one_csv_per_table_with_published_data(client, demo_seminar, draft_talk):
    response = client.get("/api/archive.zip")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="metodkopilka.zip"'
    tables = read_zip(response)
    assert sorted(tables) == sorted(TABLES)
    assert [row["title"] for row in tables["seminars"]] == [demo_seminar.title]
    assert tables["seminars"][0]["start_date"] == "2021-11-24"
    assert len(tables["talks"]) == 12
    assert len(tables["talk_speakers"]) == 12
    assert len(tables["people"]) == 12
    assert len(tables["regions"]) == 89
    assert len(tables["seminar_regions"]) == 8
    assert len(tables["resolution_items"]) == 6
    assert "Новикова" not in downloaded(response).decode("latin-1")


def test_people_without_consent_are_only_surname_and_initials(client, demo_seminar):
    Person.objects.filter(last_name="Абрамкина").update(consent=Person.Consent.UNKNOWN)

    tables = read_zip(client.get("/api/archive.zip"))

    assert "Абрамкина" not in [row["last_name"] for row in tables["people"]]
    first = next(row for row in tables["talk_speakers"] if row["person_name"].startswith("Абр"))
    assert first == {
        "talk_id": str(demo_seminar.talks.get(order=1).pk),
        "order": "1",
        "person_id": "",
        "person_name": "Абрамкина Е. И.",
        "position": "",
        "library_id": str(demo_seminar.organizer.pk),
    }


def test_json_holds_the_same_tables(client, demo_seminar, draft_talk):
    response = client.get("/api/archive.json")

    assert response.status_code == 200
    document = json.loads(downloaded(response))
    assert list(document["tables"]) == TABLES
    csv_tables = read_zip(client.get("/api/archive.zip"))
    assert {name: len(rows) for name, rows in document["tables"].items()} == {
        name: len(rows) for name, rows in csv_tables.items()
    }
    seminar = document["tables"]["seminars"][0]
    assert seminar["id"] == demo_seminar.pk
    assert seminar["start_date"] == "2021-11-24"
    assert seminar["end_date"] is None
    datetime.datetime.fromisoformat(seminar["created_at"])
    assert "Секретный доклад" not in downloaded(response).decode()


def test_every_table_names_a_seminar_column_seminar_id(client, demo_seminar):
    tables = read_zip(client.get("/api/archive.zip"))

    assert list(tables["resolution_items"][0]) == ["seminar_id", "section", "order", "text"]
    assert {row["seminar_id"] for row in tables["resolution_items"]} == {str(demo_seminar.pk)}
    archive = zipfile.ZipFile(io.BytesIO(downloaded(client.get("/api/archive.zip"))))
    headers = [archive.read(name).decode("utf-8-sig").split("\r\n")[0] for name in TABLES_CSV]
    assert [header for header in headers if "__" in header] == []


def test_zip_neutralises_cells_that_start_like_formulas(client, demo_seminar):
    talk = demo_seminar.talks.get(order=1)
    Talk.objects.filter(pk=talk.pk).update(title='=HYPERLINK("http://evil.example","x")')
    Talk.objects.filter(order=2).update(abstract="+1+1")
    Library.objects.filter(pk=demo_seminar.organizer_id).update(name="@SUM(A1)")
    Person.objects.filter(last_name="Абрамкина").update(bio="-2+3")
    Seminar.objects.filter(pk=demo_seminar.pk).update(goal="\tцель", description="\rописание")

    tables = read_zip(client.get("/api/archive.zip"))

    titles = {row["id"]: row["title"] for row in tables["talks"]}
    assert titles[str(talk.pk)] == '\'=HYPERLINK("http://evil.example","x")'
    assert "'+1+1" in [row["abstract"] for row in tables["talks"]]
    assert "'@SUM(A1)" in [row["name"] for row in tables["libraries"]]
    assert "'-2+3" in [row["bio"] for row in tables["people"]]
    assert (tables["seminars"][0]["goal"], tables["seminars"][0]["description"]) == (
        "'\tцель",
        "'\rописание",
    )
    # Numbers and dates are not text: they are written as they are.
    assert tables["seminars"][0]["start_date"] == "2021-11-24"
