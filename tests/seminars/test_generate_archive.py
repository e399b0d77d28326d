import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F

from core.text import sort_key
from libraries.models import Department, Library, Locality
from people.models import Person
from seminars.models import Resolution, Seminar, Talk, TalkSpeaker, Topic


def snapshot():
    return {
        "talks": list(
            Talk.objects.order_by("id").values_list("id", "seminar_id", "order", "title")
        ),
        "speakers": list(
            TalkSpeaker.objects.order_by("id").values_list("talk_id", "person_id", "library_id")
        ),
        "people": list(Person.objects.order_by("id").values_list("slug", "consent")),
        "seminars": list(Seminar.objects.order_by("id").values_list("slug", "start_date")),
    }


def test_sizes_follow_the_number_of_talks(synthetic_archive):
    synthetic_archive(talks=2000)

    assert Talk.objects.count() == 2000
    assert Seminar.objects.count() == 100
    assert Person.objects.count() == 400
    assert Library.objects.count() == 40
    assert Library.objects.filter(parent__isnull=True).count() == 16
    assert Locality.objects.count() == 178
    assert Locality.objects.values("region").distinct().count() == 89
    assert Topic.objects.count() == 40


def test_archive_is_realistic_and_consistent(synthetic_archive):
    synthetic_archive(talks=2000)

    several = Talk.objects.annotate(n=Count("speakers")).filter(n__gt=1).count()
    assert 0 < several < 2000
    assert not Talk.objects.annotate(n=Count("speakers")).filter(n=0).exists()
    assert Resolution.objects.count() > 0
    assert Department.objects.count() > 0
    assert Talk.topics.through.objects.count() > 0
    # Talk orders run 1..n in every seminar.
    for seminar in Seminar.objects.annotate(n=Count("talks")).filter(n__gt=0)[:20]:
        orders = list(seminar.talks.order_by("order").values_list("order", flat=True))
        assert orders == list(range(1, seminar.n + 1))
    # Branches sit in their head library's region; sort keys are what save() would store.
    assert (
        not Library.objects.filter(parent__isnull=False)
        .exclude(region=F("parent__region"))
        .exists()
    )
    for person in Person.objects.all()[:50]:
        assert person.sort_key == sort_key(person.full_name)
    for library in Library.objects.all()[:50]:
        assert library.sort_key == sort_key(library.name)
    assert not Person.objects.filter(consent="given", consent_date__isnull=True).exists()
    # The generated rows pass the models' own validation.
    for model in (Seminar, Talk, Person, Library, Locality, TalkSpeaker):
        for obj in model.objects.all()[:30]:
            obj.full_clean()


def test_same_seed_same_archive(synthetic_archive):
    synthetic_archive(seed=7)
    first = snapshot()

    synthetic_archive(seed=7)

    assert snapshot() == first


def test_other_seed_other_archive(synthetic_archive):
    synthetic_archive(seed=7)
    first = snapshot()

    synthetic_archive(seed=8)

    assert snapshot()["talks"] != first["talks"]


def test_new_rows_get_fresh_ids_after_generation(synthetic_archive):
    synthetic_archive(talks=200)

    topic = Topic.objects.create(name="Новая тема")
    person = Person.objects.create(last_name="Новикова", first_name="Анна")

    assert topic.pk == 41
    assert person.pk == 41


@pytest.mark.django_db
def test_refuses_an_archive_with_data(demo_seminar):
    with pytest.raises(CommandError, match="Архив не пуст"):
        call_command("generate_archive", talks=100, stdout=io.StringIO(), stderr=io.StringIO())


def test_published_seminars_have_a_publication_date(synthetic_archive):
    synthetic_archive(talks=400)

    assert not Seminar.objects.filter(is_published=True, published_at__isnull=True).exists()
    assert not Seminar.objects.filter(is_published=False, published_at__isnull=False).exists()
