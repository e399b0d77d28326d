"""A covering index for deep pages of the talk list (PostgreSQL only; SQLite has no INCLUDE).

Walking talks in programme order, seminar by seminar, then reads only this index: page 1000
skips 20,000 talks without touching the table (docs/performance.md).
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS talk_page_keys ON seminars_talk (seminar_id, \"order\") INCLUDE (id)"
)
DROP = "DROP INDEX IF EXISTS talk_page_keys"


def run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("seminars", "0004_search_triggers")]

    operations = [migrations.RunPython(run(CREATE), run(DROP), elidable=False)]
