"""PostgreSQL: the words of talk and seminar titles in GIN indexes of their own.

A word found in most talks is ranked by where it stands (`seminars.search._best`): titles
first. These indexes find a title's words, and their statistics tell whether a word is common in
titles, so that the search walks the newest talks only for a word it will soon find there.
"""

from django.db import migrations

FORWARD = [
    "CREATE INDEX seminars_talk_title_search ON seminars_talk "
    "USING gin (to_tsvector('russian'::regconfig, title)) WHERE seminar_published",
    "CREATE INDEX seminars_seminar_title_search ON seminars_seminar "
    "USING gin (to_tsvector('russian'::regconfig, title)) WHERE is_published",
    "ANALYZE seminars_talk",
    "ANALYZE seminars_seminar",
]
BACKWARD = [
    "DROP INDEX seminars_seminar_title_search",
    "DROP INDEX seminars_talk_title_search",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("seminars", "0019_plain_region_filters"),
    ]

    operations = [
        migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False),
    ]
