import pytest
from django.db.models import F, Q

from config.lookups import AnyOf
from libraries.models import Region

pytestmark = pytest.mark.django_db


def test_any_of_matches_what_in_matches():
    keys = list(Region.objects.order_by("pk").values_list("pk", flat=True)[5:40])
    wanted = set(Region.objects.filter(pk__in=keys).values_list("slug", flat=True))

    assert set(Region.objects.filter(AnyOf(F("pk"), keys)).values_list("slug", flat=True)) == (
        wanted
    )
    # Combined with other conditions, and negated, as `__in` is.
    either = Region.objects.filter(Q(AnyOf(F("pk"), keys[:3])) | Q(pk=keys[-1]))
    assert either.count() == 4
    assert Region.objects.exclude(AnyOf(F("pk"), keys)).count() == Region.objects.count() - 35


def test_an_empty_list_matches_nothing():
    assert not Region.objects.filter(AnyOf(F("pk"), [])).exists()
    assert Region.objects.filter(Q(AnyOf(F("pk"), [])) | Q(slug="kamchatskii-krai")).count() == 1


def test_keys_must_be_integers():
    with pytest.raises(ValueError):
        Region.objects.filter(AnyOf(F("pk"), ["1; DROP TABLE libraries_region"]))


@pytest.mark.postgresql
def test_the_array_has_the_columns_type():
    """bigint = ANY(integer[]) is compared key by key; bigint = ANY(bigint[]) through a hash."""
    sql, params = Region.objects.filter(AnyOf(F("pk"), [1, 2])).query.sql_with_params()

    assert '"libraries_region"."id" = ANY(%s::bigint[])' in sql
    assert params == ([1, 2],)
