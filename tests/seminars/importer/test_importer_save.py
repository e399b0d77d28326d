import pytest

from libraries.models import Department, Library, Locality, Region
from people.models import Person
from seminars.importer.match import LibraryIndex, library_key, match_document, split_institution
from seminars.importer.parse import parse_text
from seminars.importer.save import ImportProblem, find_existing, save_document
from seminars.management.commands import load_demo
from seminars.models import Resolution, ResolutionItem, Seminar, Talk, TalkSpeaker
from tests.seminars.importer.importer_fixtures import SEED


def seed_document():
    return parse_text(SEED.read_text(encoding="utf-8"))


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Seminar, Talk, TalkSpeaker, Person, Library, Department, Resolution)
    }


def test_institution_splits_into_a_branch_and_its_parent():
    parts = split_institution(
        "Центральная детская библиотека имени С.М. Голицына МБУК «Централизованная библиотечная "
        "система города Коврова»"
    )

    assert [(p.legal_form, p.name, p.short_name) for p in parts] == [
        ("МБУК", "Централизованная библиотечная система города Коврова", "ЦБС города Коврова"),
        ("", "Центральная детская библиотека имени С.М. Голицына", ""),
    ]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "Модельная библиотека МБУК ЦБС г. Чита",
            [("МБУК", "ЦБС г. Чита"), ("", "Модельная библиотека")],
        ),
        (
            "КГБУ «Камчатская краевая детская библиотека им. В. Кручины»",
            [("КГБУ", "Камчатская краевая детская библиотека им. В. Кручины")],
        ),
        (
            "МАУК «Централизованная библиотечная система» г. Елизово",
            [("МАУК", "Централизованная библиотечная система г. Елизово")],
        ),
        (
            "ГБУК «Республиканская детская библиотека» Республики Татарстан",
            [("ГБУК", "Республиканская детская библиотека Республики Татарстан")],
        ),
        ("", []),
    ],
)
def test_institution_parts(text, parts):
    assert [(p.legal_form, p.name) for p in split_institution(text)] == parts


def test_library_key_ignores_case_yo_quotes_and_abbreviations():
    assert library_key("МБУК «ЦБС г. Чита»") == library_key("мбук цбс Чита")
    assert library_key("Библиотека им. Пришвина") == library_key("библиотека имени Пришвина")
    assert library_key("ЦБС города Коврова") == library_key("ЦБС г. Коврова")
    assert library_key("Филиал № 7") == library_key("филиал №7")
    assert library_key("Ёлочка") == library_key("елочка")


def test_seed_imported_into_an_empty_archive_equals_load_demo(db):
    seminar, created = save_document(match_document(seed_document()))

    assert created == {"people": 12, "libraries": 13}
    assert not seminar.is_published
    assert (seminar.title, seminar.start_date.isoformat()) == (
        load_demo.SEMINAR_TITLE,
        "2021-11-24",
    )
    assert (seminar.kind, seminar.scope, seminar.format) == ("seminar", "interregional", "blended")
    assert str(seminar.organizer) == "КГБУ «Камчатская краевая детская библиотека им. В. Кручины»"
    assert seminar.organizer_department.name == "Отдел научно-методической и проектной работы"
    assert seminar.goal == load_demo.GOAL
    assert sorted(r.code for r in seminar.regions.all()) == sorted(load_demo.PARTICIPATING_REGIONS)
    assert sorted(loc.name for loc in seminar.localities.all()) == sorted(
        load_demo.LOCALITIES[key][1] for key in load_demo.PARTICIPATING_LOCALITIES
    )
    libraries = {
        (lib.legal_form, lib.name, lib.parent.name if lib.parent else None)
        for lib in Library.objects.all()
    }
    assert libraries == {
        (legal, name, load_demo.LIBRARIES[parent][1] if parent else None)
        for legal, name, _, parent, _ in load_demo.LIBRARIES.values()
    }
    demo_departments = {
        key: (load_demo.LIBRARIES[library][1], name)
        for key, (library, name, _) in load_demo.DEPARTMENTS.items()
    }
    rows = [
        (
            ts.talk.title,
            (ts.person.last_name, ts.person.first_name, ts.person.patronymic),
            ts.position,
            ts.library.name,
            (ts.department.library.name, ts.department.name) if ts.department else None,
        )
        for ts in TalkSpeaker.objects.order_by("talk__order").select_related(
            "talk", "person", "library", "department__library"
        )
    ]
    assert rows == [
        (
            title,
            names,
            position,
            load_demo.LIBRARIES[library][1],
            demo_departments[department] if department else None,
        )
        for title, names, position, library, department in load_demo.TALKS
    ]
    items = list(ResolutionItem.objects.order_by("order").values_list("section", "text"))
    assert items == [("tasks", t) for t in load_demo.TASKS] + [
        ("conclusions", t) for t in load_demo.CONCLUSIONS
    ]
    assert seminar.resolution.preamble == load_demo.PREAMBLE
    assert seminar.resolution.closing == load_demo.CLOSING
    assert Library.objects.get(name="Соболевская библиотека").region.name == "Камчатский край"
    assert Library.objects.get(name="ЦБС г. Чита").locality.name == "Чита"


def test_seed_after_load_demo_matches_every_person_and_library_and_offers_the_seminar(demo_seminar):
    document = match_document(seed_document())

    speakers = [s for talk in document.talks for s in talk.speakers]
    demo_speakers = TalkSpeaker.objects.filter(talk__seminar=demo_seminar).order_by("talk__order")
    assert [(s.person_id, s.institution_id) for s in speakers] == [
        (ts.person_id, ts.library_id) for ts in demo_speakers
    ]
    assert document.seminar.organizer_id == demo_seminar.organizer_id
    assert find_existing(document) == demo_seminar


def test_existing_person_written_with_initials_is_matched_not_duplicated(db):
    kept = Person.objects.create(last_name="Иванова", first_name="Ирина", patronymic="Ивановна")
    Person.objects.create(last_name="Иванова", first_name="Инна", patronymic="Петровна")
    library = Library.objects.create(legal_form="МБУК", name="ЦБС г. Чита")
    document = parse_text(
        "РЕЗОЛЮЦИЯ\nсеминара «Проверка»\n12.05.2024\nОрганизатор: МБУК «ЦБС г. Чита»\n"
        "- «Доклад», докладчик ИВАНОВА И. И., директор МБУК «ЦБС г. Чита»\n"
        "- «Второй доклад», докладчик Иванова Ирина Петровна, методист МБУК ЦБС Чита\n"
    )

    match_document(document)
    seminar, created = save_document(document)

    first, second = (t.speakers[0] for t in document.talks)
    assert (first.person_id, first.institution_id) == (kept.pk, library.pk)
    assert (second.person_id, second.institution_id) == (None, library.pk)
    assert created == {"people": 1, "libraries": 0}
    assert Person.objects.filter(last_name="Иванова").count() == 3
    assert TalkSpeaker.objects.order_by("talk__order").first().person == kept
    assert seminar.organizer == library


def test_branch_is_matched_only_under_its_own_parent(db):
    chita = Library.objects.create(legal_form="МБУК", name="ЦБС г. Чита")
    other = Library.objects.create(legal_form="МБУК", name="ЦБС г. Читы-2")
    in_chita = Library.objects.create(name="Модельная библиотека", parent=chita)
    Library.objects.create(name="Модельная библиотека", parent=other)
    index = LibraryIndex()

    assert index.match("Модельная библиотека МБУК «ЦБС г. Чита»")[0] == in_chita
    found, candidates = index.match("Модельная библиотека МБУК «ЦБС г. Хабаровска»")
    assert found is None
    assert len(candidates) == 2


def test_failure_midway_leaves_no_rows(db):
    document = match_document(seed_document())
    gone = Person.objects.create(last_name="Сафонова", first_name="Светлана", patronymic="Юрьевна")
    document.talks[10].speakers[0].person_id = gone.pk
    gone.delete()
    before = counts()

    with pytest.raises(ImportProblem, match=r"Запись человека №.* \(Сафонова\) не найдена"):
        save_document(document)

    assert counts() == before == dict.fromkeys(before, 0)
    assert Locality.objects.count() == 0
    assert Region.objects.count() == 89


def test_document_without_talks_is_refused(db):
    document = parse_text(
        "РЕЗОЛЮЦИЯ\nсеминара «Без докладов»\n12.05.2024\nОрганизатор: МБУК «ЦБС»\n"
    )

    with pytest.raises(ImportProblem, match=r"^В документе не найдено ни одного доклада\.$"):
        save_document(document)

    assert Seminar.objects.count() == 0


def test_region_of_a_new_library_comes_from_a_library_of_the_same_name(db):
    kamchatka = Region.objects.get(name="Камчатский край")
    Library.objects.create(name="Библиотека-филиал №3", region=kamchatka)
    document = parse_text(
        "РЕЗОЛЮЦИЯ\nсеминара «Проверка»\n12.05.2024\nОрганизатор: МБУК «ЦБС»\n"
        "- «Доклад», докладчик Иванова И. И., библиотекарь Библиотеки-филиала №3 МБУК «ЦБС»\n"
    )
    assert document.talks[0].speakers[0].region is None

    match_document(document)

    speaker = document.talks[0].speakers[0]
    assert (speaker.institution, speaker.institution_id) == (
        "Библиотека-филиал №3 МБУК «ЦБС»",
        None,
    )
    assert speaker.region == "Камчатский край"
