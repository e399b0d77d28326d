"""A talk's or a seminar's region keys: an array PostgreSQL can keep in an index beside the
newest-first keys."""

from django.db import models


class RegionKeysField(models.Field):
    """`bigint[]` on PostgreSQL, written by triggers (migrations seminars.0015_talk_region_search
    and 0018_seminar_region_keys).

    SQLite has no arrays: the column is text there and stays empty; the region filter joins the
    speakers' libraries instead.
    """

    description = "Ключи регионов"

    def db_type(self, connection):
        return "bigint[]" if connection.vendor == "postgresql" else "text"


@RegionKeysField.register_lookup
class Overlap(models.Lookup):
    """`region_keys__overlap=[40, 41]`: a talk or seminar of any of these regions (`&&`).

    Typed as the column is, so that PostgreSQL compares in the index it reads.
    """

    lookup_name = "overlap"

    def get_prep_lookup(self):
        return [int(key) for key in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} && %s::bigint[]", [*params, self.rhs]
