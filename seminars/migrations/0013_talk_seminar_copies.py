"""Each talk carries a copy of its seminar's date and publication, kept by database triggers.

Lists of talks newest first then walk one index of the talks (`talk_published_newest`) instead of
the seminars' index and each seminar's talks, sorted per seminar (page 1000 of the talk list:
8.5 → 2.2 ms at 1M talks). Triggers, not Python signals, so that `QuerySet.update()`, fixtures,
bulk imports and COPY keep the copies right too.

SQLite drops a table's triggers when Django's schema editor rebuilds the table; the tests that
change a seminar and read its talks (tests/seminars/test_integrity.py) fail if that ever happens.
"""

from django.db import migrations, models

POSTGRESQL = [
    # Existing talks first, without recomputing their search vectors (the trigger of 0004 runs on
    # every update of a talk).
    "ALTER TABLE seminars_talk DISABLE TRIGGER seminars_talk_search_vector",
    """UPDATE seminars_talk t SET seminar_date = s.start_date, seminar_published = s.is_published
    FROM seminars_seminar s WHERE s.id = t.seminar_id""",
    "ALTER TABLE seminars_talk ENABLE TRIGGER seminars_talk_search_vector",
    """CREATE FUNCTION seminars_talk_seminar_copies() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT start_date, is_published INTO NEW.seminar_date, NEW.seminar_published
        FROM seminars_seminar WHERE id = NEW.seminar_id;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER seminars_talk_seminar_copies
    BEFORE INSERT OR UPDATE OF seminar_id, seminar_date, seminar_published ON seminars_talk
    FOR EACH ROW EXECUTE FUNCTION seminars_talk_seminar_copies()""",
    """CREATE FUNCTION seminars_seminar_talk_copies() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE seminars_talk SET seminar_date = NEW.start_date, seminar_published = NEW.is_published
        WHERE seminar_id = NEW.id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER seminars_seminar_talk_copies
    AFTER UPDATE OF start_date, is_published ON seminars_seminar FOR EACH ROW
    WHEN (OLD.start_date IS DISTINCT FROM NEW.start_date
          OR OLD.is_published IS DISTINCT FROM NEW.is_published)
    EXECUTE FUNCTION seminars_seminar_talk_copies()""",
    # Deep pages walked it seminar by seminar (migration 0005); talk_published_newest replaces it.
    "DROP INDEX IF EXISTS talk_page_keys",
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER seminars_seminar_talk_copies ON seminars_seminar",
    "DROP FUNCTION seminars_seminar_talk_copies()",
    "DROP TRIGGER seminars_talk_seminar_copies ON seminars_talk",
    "DROP FUNCTION seminars_talk_seminar_copies()",
    'CREATE INDEX IF NOT EXISTS talk_page_keys ON seminars_talk (seminar_id, "order") INCLUDE (id)',
]

# SQLite: AFTER triggers that update the row (a BEFORE trigger cannot change NEW).
_COPY_FROM_SEMINAR = """UPDATE seminars_talk SET
        seminar_date = (SELECT start_date FROM seminars_seminar WHERE id = NEW.seminar_id),
        seminar_published = (SELECT is_published FROM seminars_seminar WHERE id = NEW.seminar_id)
    WHERE id = NEW.id;"""
SQLITE = [
    """UPDATE seminars_talk SET
        seminar_date = (SELECT start_date FROM seminars_seminar s WHERE s.id = seminar_id),
        seminar_published = (SELECT is_published FROM seminars_seminar s WHERE s.id = seminar_id)""",
    f"""CREATE TRIGGER seminars_talk_seminar_copies_insert AFTER INSERT ON seminars_talk
    BEGIN {_COPY_FROM_SEMINAR} END""",
    f"""CREATE TRIGGER seminars_talk_seminar_copies_update
    AFTER UPDATE OF seminar_id, seminar_date, seminar_published ON seminars_talk
    BEGIN {_COPY_FROM_SEMINAR} END""",
    """CREATE TRIGGER seminars_seminar_talk_copies
    AFTER UPDATE OF start_date, is_published ON seminars_seminar
    BEGIN
        UPDATE seminars_talk SET seminar_date = NEW.start_date, seminar_published = NEW.is_published
        WHERE seminar_id = NEW.id;
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER seminars_seminar_talk_copies",
    "DROP TRIGGER seminars_talk_seminar_copies_update",
    "DROP TRIGGER seminars_talk_seminar_copies_insert",
]


def run(statements):
    """One statement per execute(): a trigger's body holds semicolons that must not split it."""

    def apply(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("seminars", "0012_talk_title_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="talk",
            name="seminar_date",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="talk",
            name="seminar_published",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(
            run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            run({"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD}),
            elidable=False,
        ),
        migrations.AddIndex(
            model_name="talk",
            index=models.Index(
                condition=models.Q(("seminar_published", True)),
                fields=["-seminar_date", "-seminar", "order"],
                include=("id",),
                name="talk_published_newest",
            ),
        ),
    ]
