"""PostgreSQL: each seminar's regions, kept in the newest-first index, for the region page.

A region's seminars are those its libraries organised and those it took part in
(`Seminar.regions`). Found by walking the newest seminars and testing each against both lists,
the region page read 609 seminars from the table to show 20 (1.1–1.4 ms at 1M talks).
`region_keys` holds the organiser's region and the participating regions, and
seminar_published_newest carries it: the walk reads the index alone, as a region's talks do
(migration 0015). Triggers keep it current when a seminar changes organiser, when its regions are
added or removed, and when a library moves to another region; `QuerySet.update()`, COPY and bulk
imports included. SQLite: the column stays empty and the region page asks both lists as before.
"""

from django.db import migrations, models
from django.db.models import F, Q

from django.contrib.postgres.fields import ArrayField

FORWARD = [
    """CREATE FUNCTION seminars_seminar_region_keys(seminar bigint, organizer bigint)
    RETURNS bigint[] LANGUAGE sql STABLE AS $$
        SELECT ARRAY(
            SELECT region_id FROM libraries_library WHERE id = organizer AND region_id IS NOT NULL
            UNION
            SELECT region_id FROM seminars_seminar_regions WHERE seminar_id = seminar
            ORDER BY 1)
    $$""",
    """CREATE FUNCTION seminars_seminar_set_region_keys() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.region_keys := seminars_seminar_region_keys(NEW.id, NEW.organizer_id);
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER seminars_seminar_region_keys
    BEFORE INSERT OR UPDATE OF organizer_id ON seminars_seminar
    FOR EACH ROW EXECUTE FUNCTION seminars_seminar_set_region_keys()""",
    # OLD is NULL on INSERT and NEW on DELETE: one statement serves every change.
    """CREATE FUNCTION seminars_seminar_regions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE seminars_seminar SET region_keys = seminars_seminar_region_keys(id, organizer_id)
        WHERE id IN (OLD.seminar_id, NEW.seminar_id);
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER seminars_seminar_regions_changed
    AFTER INSERT OR UPDATE OR DELETE ON seminars_seminar_regions
    FOR EACH ROW EXECUTE FUNCTION seminars_seminar_regions_changed()""",
    """CREATE FUNCTION libraries_library_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE seminars_seminar SET region_keys = seminars_seminar_region_keys(id, organizer_id)
        WHERE organizer_id = NEW.id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER libraries_library_moved AFTER UPDATE OF region_id ON libraries_library
    FOR EACH ROW WHEN (OLD.region_id IS DISTINCT FROM NEW.region_id)
    EXECUTE FUNCTION libraries_library_moved()""",
    # Existing seminars, without recomputing their search vectors (the trigger of 0004 runs on
    # every update of a seminar).
    "ALTER TABLE seminars_seminar DISABLE TRIGGER seminars_seminar_search_vector",
    "UPDATE seminars_seminar SET region_keys = seminars_seminar_region_keys(id, organizer_id)",
    "ALTER TABLE seminars_seminar ENABLE TRIGGER seminars_seminar_search_vector",
]
BACKWARD = [
    "DROP TRIGGER libraries_library_moved ON libraries_library",
    "DROP FUNCTION libraries_library_moved()",
    "DROP TRIGGER seminars_seminar_regions_changed ON seminars_seminar_regions",
    "DROP FUNCTION seminars_seminar_regions_changed()",
    "DROP TRIGGER seminars_seminar_region_keys ON seminars_seminar",
    "DROP FUNCTION seminars_seminar_set_region_keys()",
    "DROP FUNCTION seminars_seminar_region_keys(bigint, bigint)",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("seminars", "0017_name_lookup_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="seminar",
            name="region_keys",
            field=ArrayField(models.BigIntegerField(), editable=False, null=True),
        ),
        migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False),
        migrations.RemoveIndex(model_name="seminar", name="seminar_published_newest"),
        migrations.AddIndex(
            model_name="seminar",
            index=models.Index(
                F("start_date").desc(),
                F("id").desc(),
                condition=Q(is_published=True),
                include=["region_keys"],
                name="seminar_published_newest",
            ),
        ),
    ]
