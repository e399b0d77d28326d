"""Trigram indexes for the talk filter's library, speaker and seminar boxes (PostgreSQL).

A visitor without JavaScript types part of a name, and `seminars.filters` looks it up with
`LIKE '%part%'` on the folded sort keys, the short names and the titles: read in full for every
request (a missing surname read all 200,000 people at 1M talks, 67 ms). pg_trgm (migration 0004)
lets those patterns use a GIN index; an exact surname for a person without consent uses a btree
on the upper-cased surname. The expressions are Django's SQL for these lookups; their statistics
are gathered at once. SQLite has none of this.
"""

from django.db import migrations

FORWARD = [
    "CREATE INDEX person_sort_key_trgm ON people_person USING gin (sort_key gin_trgm_ops)",
    "CREATE INDEX person_last_name_upper ON people_person (upper(last_name::text))",
    "CREATE INDEX library_sort_key_trgm ON libraries_library USING gin (sort_key gin_trgm_ops)",
    "CREATE INDEX library_short_name_trgm ON libraries_library "
    "USING gin (upper(short_name::text) gin_trgm_ops)",
    "CREATE INDEX seminar_title_trgm ON seminars_seminar "
    "USING gin (upper(title::text) gin_trgm_ops)",
    # Statistics of the indexed expressions at once: without them PostgreSQL guessed 5 seminars
    # with «чтения» in the title (5,913 at 1M talks) and fetched every talk of those it found.
    "ANALYZE people_person",
    "ANALYZE libraries_library",
    "ANALYZE seminars_seminar",
]
BACKWARD = [
    "DROP INDEX seminar_title_trgm",
    "DROP INDEX library_short_name_trgm",
    "DROP INDEX library_sort_key_trgm",
    "DROP INDEX person_last_name_upper",
    "DROP INDEX person_sort_key_trgm",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("libraries", "0006_library_region_indexes"),
        ("people", "0004_safe_photo"),
        ("seminars", "0016_seminar_regions_by_region"),
    ]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False)]
