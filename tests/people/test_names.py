"""Names read and sort the Russian way on both databases."""

import pytest

from libraries.models import Library, Region
from people.models import Person


@pytest.mark.django_db
def test_full_and_short_names():
    person = Person(last_name="Абрамкина", first_name="Елена", patronymic="Ивановна")
    assert person.full_name == "Абрамкина Елена Ивановна"
    assert person.short_name == "Абрамкина Е. И."
    assert Person(last_name="Иванова", first_name="И.").short_name == "Иванова И."


@pytest.mark.django_db
def test_people_sort_in_russian_order_with_yo_as_ye():
    for last_name in ["Ёлкина", "Жукова", "Елисеева", "Ершова", "абрамова", "Яковлева", "Эйхман"]:
        Person.objects.create(last_name=last_name, first_name="Анна")
    assert list(Person.objects.values_list("last_name", flat=True)) == [
        "абрамова",
        "Елисеева",
        "Ёлкина",
        "Ершова",
        "Жукова",
        "Эйхман",
        "Яковлева",
    ]


@pytest.mark.django_db
def test_regions_sort_in_russian_order():
    names = list(Region.objects.values_list("name", flat=True))
    assert len(names) == 89
    assert names[:2] == ["Алтайский край", "Амурская область"]
    assert names[-1] == "Ярославская область"
    assert names.index("Еврейская автономная область") < names.index("Забайкальский край")


@pytest.mark.django_db
def test_slugs_are_transliterated_and_stable():
    person = Person.objects.create(last_name="Ёлкина", first_name="Юлия", patronymic="Щукина")
    assert person.slug == "elkina-iuliia-shchukina"
    person.last_name = "Иванова"
    person.save()
    assert person.slug == "elkina-iuliia-shchukina"
    twin = Person.objects.create(last_name="Ёлкина", first_name="Юлия", patronymic="Щукина")
    assert twin.slug == "elkina-iuliia-shchukina-2"


@pytest.mark.django_db
def test_library_slug_uses_its_short_name():
    library = Library.objects.create(
        legal_form="МБУК",
        name="Централизованная библиотечная система города Коврова",
        short_name="ЦБС города Коврова",
    )
    assert library.slug == "tsbs-goroda-kovrova"


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["ёлкина", "ЕЛКИНА", "Елкина", "ёЛКИНА"])
def test_case_and_yo_insensitive_lookup(query):
    Person.objects.create(last_name="Ёлкина", first_name="Юлия")
    Person.objects.create(last_name="Ёжикова", first_name="Анна")
    # SQLite folds ASCII only; our backend's LIKE folds Cyrillic and ё. PostgreSQL folds case
    # (ё/е folding there is the full-text search's job), so compare on the folded column.
    from core.text import sort_key

    assert list(
        Person.objects.filter(sort_key__contains=sort_key(query)).values_list(
            "last_name", flat=True
        )
    ) == ["Ёлкина"]
