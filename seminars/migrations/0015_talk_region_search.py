"""PostgreSQL: each talk's regions, and its search words once per region, for region filters.

`region_keys` lists the regions whose libraries the talk's speakers represented, and is kept in
talk_published_newest beside the keys it is sorted by: a region's newest talks (the talk list by
region, the region page) are read from that index alone, where each talk was checked through its
speakers' libraries. `region_search` holds every lexeme of `search_vector` prefixed with
«r<region id>.», once for each of those regions: the talk list filtered by region and text asks
one GIN index for «r40.чтен:*» instead of fetching each of the region's talks to test the word
(13,926 talks for one region at 1M). The talk's search-vector trigger computes both, so every
change that recomputes the vector (speakers, people, libraries, the talk) recomputes them too; a
library moved to another region now touches its talks as a rename does. SQLite: the columns stay
empty and the region filters join the libraries as before.
"""

import django.contrib.postgres.search
from django.db import migrations, models

from django.contrib.postgres.fields import ArrayField


# The talk's vector as migration 0004 computes it, then (forward) its regions and their words.
_VECTOR = r"""
CREATE OR REPLACE FUNCTION seminars_talk_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('russian', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('russian', coalesce(NEW.abstract, '')), 'B')
        || setweight(to_tsvector('russian', coalesce((
            SELECT string_agg(
                CASE WHEN p.consent = 'given'
                     THEN concat_ws(' ', p.last_name, p.first_name, p.patronymic)
                     ELSE p.last_name END, ' ' ORDER BY s.order)
            FROM seminars_talkspeaker s JOIN people_person p ON p.id = s.person_id
            WHERE s.talk_id = NEW.id), '')), 'C')
        || setweight(to_tsvector('russian', coalesce((
            SELECT string_agg(concat_ws(' ', l.name, l.short_name), ' ' ORDER BY s.order)
            FROM seminars_talkspeaker s JOIN libraries_library l ON l.id = s.library_id
            WHERE s.talk_id = NEW.id), '')), 'D');
"""
_REGIONS = r"""    NEW.region_keys := ARRAY(
        SELECT DISTINCT l.region_id
        FROM seminars_talkspeaker s JOIN libraries_library l ON l.id = s.library_id
        WHERE s.talk_id = NEW.id AND l.region_id IS NOT NULL
        ORDER BY 1);
    NEW.region_search := (
        SELECT array_to_tsvector(array_agg('r' || region || '.' || word))
        FROM unnest(NEW.region_keys) AS region
        CROSS JOIN unnest(tsvector_to_array(NEW.search_vector)) AS word);
"""
_END = r"""    RETURN NEW;
END $$;
"""
TALK_VECTOR = _VECTOR + _REGIONS + _END
OLD_TALK_VECTOR = _VECTOR + _END

# The library's talks are recomputed when it moves to another region, as when it is renamed.
LIBRARY_TRIGGER = r"""
DROP TRIGGER libraries_library_renamed ON libraries_library;
CREATE TRIGGER libraries_library_renamed AFTER UPDATE ON libraries_library FOR EACH ROW
    WHEN ((OLD.name, OLD.short_name, OLD.region_id)
          IS DISTINCT FROM (NEW.name, NEW.short_name, NEW.region_id))
    EXECUTE FUNCTION libraries_library_renamed();
"""
OLD_LIBRARY_TRIGGER = r"""
DROP TRIGGER libraries_library_renamed ON libraries_library;
CREATE TRIGGER libraries_library_renamed AFTER UPDATE ON libraries_library FOR EACH ROW
    WHEN ((OLD.name, OLD.short_name) IS DISTINCT FROM (NEW.name, NEW.short_name))
    EXECUTE FUNCTION libraries_library_renamed();
"""

# «r<id>.» before every lexeme of `query`, once per region, OR-ed: a talk matches when one of its
# regions has all the words. Immutable, so a query with constant arguments is folded once and
# planned with the column's statistics.
REGION_QUERY = r"""
CREATE FUNCTION seminars_region_tsquery(query tsquery, regions bigint[]) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT string_agg(
        '(' || regexp_replace(query::text, '''((?:[^'']|'''')+)''', '''r' || region || '.\1''', 'g')
        || ')', ' | ')::tsquery
    FROM unnest(regions) AS region
$$;
"""

FORWARD = [
    TALK_VECTOR,
    LIBRARY_TRIGGER,
    REGION_QUERY,
    # Existing talks: touching them runs the trigger.
    "UPDATE seminars_talk SET id = id",
    "CREATE INDEX talk_region_search ON seminars_talk USING gin (region_search)",
]
BACKWARD = [
    "DROP INDEX talk_region_search",
    "DROP FUNCTION seminars_region_tsquery(tsquery, bigint[])",
    OLD_LIBRARY_TRIGGER,
    OLD_TALK_VECTOR,
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("seminars", "0014_seminar_feed_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="talk",
            name="region_keys",
            field=ArrayField(models.BigIntegerField(), editable=False, null=True),
        ),
        migrations.AddField(
            model_name="talk",
            name="region_search",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False),
        migrations.RemoveIndex(model_name="talk", name="talk_published_newest"),
        migrations.AddIndex(
            model_name="talk",
            index=models.Index(
                fields=["-seminar_date", "-seminar", "order"],
                condition=models.Q(("seminar_published", True)),
                include=("id", "region_keys"),
                name="talk_published_newest",
            ),
        ),
    ]
