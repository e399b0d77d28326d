"""PostgreSQL full-text search: GIN indexes, pg_trgm and triggers that keep `search_vector` current.

Weights: A talk title, B abstract, C speaker names, D speakers' library names. A person without
consent to publication (152-ФЗ) is indexed by surname only, so their first name and patronymic can
never be found. Triggers, rather than Python signals, so that bulk imports, `QuerySet.update()` and
renames of a person, library or seminar are covered too. Nothing here runs on SQLite, which matches
words at query time (seminars/search.py).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FORWARD = r"""
-- Touching a talk (UPDATE ... SET id = id) makes this recompute its vector from current rows.
CREATE FUNCTION seminars_talk_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
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
    RETURN NEW;
END $$;
CREATE TRIGGER seminars_talk_search_vector BEFORE INSERT OR UPDATE ON seminars_talk
    FOR EACH ROW EXECUTE FUNCTION seminars_talk_search_vector();

CREATE FUNCTION seminars_talkspeaker_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE seminars_talk SET id = id WHERE id = OLD.talk_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE seminars_talk SET id = id WHERE id = NEW.talk_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER seminars_talkspeaker_search_vector
    AFTER INSERT OR UPDATE OR DELETE ON seminars_talkspeaker
    FOR EACH ROW EXECUTE FUNCTION seminars_talkspeaker_search_vector();

CREATE FUNCTION people_person_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('russian', coalesce(NEW.last_name, '')), 'A')
        || setweight(to_tsvector('russian', CASE WHEN NEW.consent = 'given'
            THEN concat_ws(' ', NEW.first_name, NEW.patronymic) ELSE '' END), 'B');
    RETURN NEW;
END $$;
CREATE TRIGGER people_person_search_vector BEFORE INSERT OR UPDATE ON people_person
    FOR EACH ROW EXECUTE FUNCTION people_person_search_vector();

CREATE FUNCTION people_person_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE seminars_talk SET id = id
    WHERE id IN (SELECT talk_id FROM seminars_talkspeaker WHERE person_id = NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER people_person_renamed AFTER UPDATE ON people_person FOR EACH ROW
    WHEN ((OLD.last_name, OLD.first_name, OLD.patronymic, OLD.consent)
          IS DISTINCT FROM (NEW.last_name, NEW.first_name, NEW.patronymic, NEW.consent))
    EXECUTE FUNCTION people_person_renamed();

CREATE FUNCTION libraries_library_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := setweight(
        to_tsvector('russian', concat_ws(' ', NEW.name, NEW.short_name)), 'A');
    RETURN NEW;
END $$;
CREATE TRIGGER libraries_library_search_vector BEFORE INSERT OR UPDATE ON libraries_library
    FOR EACH ROW EXECUTE FUNCTION libraries_library_search_vector();

CREATE FUNCTION libraries_library_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE seminars_talk SET id = id
    WHERE id IN (SELECT talk_id FROM seminars_talkspeaker WHERE library_id = NEW.id);
    UPDATE seminars_seminar SET id = id WHERE organizer_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER libraries_library_renamed AFTER UPDATE ON libraries_library FOR EACH ROW
    WHEN ((OLD.name, OLD.short_name) IS DISTINCT FROM (NEW.name, NEW.short_name))
    EXECUTE FUNCTION libraries_library_renamed();

CREATE FUNCTION seminars_seminar_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('russian', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('russian', concat_ws(' ', NEW.goal, NEW.description)), 'B')
        || setweight(to_tsvector('russian', coalesce((
            SELECT concat_ws(' ', l.name, l.short_name) FROM libraries_library l
            WHERE l.id = NEW.organizer_id), '')), 'D');
    RETURN NEW;
END $$;
CREATE TRIGGER seminars_seminar_search_vector BEFORE INSERT OR UPDATE ON seminars_seminar
    FOR EACH ROW EXECUTE FUNCTION seminars_seminar_search_vector();

CREATE FUNCTION seminars_resolutionitem_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := setweight(to_tsvector('russian', coalesce(NEW.text, '')), 'A');
    RETURN NEW;
END $$;
CREATE TRIGGER seminars_resolutionitem_search_vector
    BEFORE INSERT OR UPDATE ON seminars_resolutionitem
    FOR EACH ROW EXECUTE FUNCTION seminars_resolutionitem_search_vector();

-- Existing rows: touching them runs the triggers above.
UPDATE people_person SET id = id;
UPDATE libraries_library SET id = id;
UPDATE seminars_seminar SET id = id;
UPDATE seminars_talk SET id = id;
UPDATE seminars_resolutionitem SET id = id;

CREATE INDEX talk_search_vector ON seminars_talk USING gin (search_vector);
CREATE INDEX seminar_search_vector ON seminars_seminar USING gin (search_vector);
CREATE INDEX person_search_vector ON people_person USING gin (search_vector);
CREATE INDEX library_search_vector ON libraries_library USING gin (search_vector);
CREATE INDEX resolutionitem_search_vector ON seminars_resolutionitem USING gin (search_vector);
-- Surname typos: the same folded expression as seminars.search.FoldedLastName.
CREATE INDEX person_last_name_trgm ON people_person
    USING gin ((translate(lower(last_name), 'ё', 'е')) gin_trgm_ops);
"""

BACKWARD = r"""
DROP INDEX person_last_name_trgm;
DROP INDEX resolutionitem_search_vector;
DROP INDEX library_search_vector;
DROP INDEX person_search_vector;
DROP INDEX seminar_search_vector;
DROP INDEX talk_search_vector;
DROP TRIGGER seminars_resolutionitem_search_vector ON seminars_resolutionitem;
DROP FUNCTION seminars_resolutionitem_search_vector();
DROP TRIGGER seminars_seminar_search_vector ON seminars_seminar;
DROP FUNCTION seminars_seminar_search_vector();
DROP TRIGGER libraries_library_renamed ON libraries_library;
DROP FUNCTION libraries_library_renamed();
DROP TRIGGER libraries_library_search_vector ON libraries_library;
DROP FUNCTION libraries_library_search_vector();
DROP TRIGGER people_person_renamed ON people_person;
DROP FUNCTION people_person_renamed();
DROP TRIGGER people_person_search_vector ON people_person;
DROP FUNCTION people_person_search_vector();
DROP TRIGGER seminars_talkspeaker_search_vector ON seminars_talkspeaker;
DROP FUNCTION seminars_talkspeaker_search_vector();
DROP TRIGGER seminars_talk_search_vector ON seminars_talk;
DROP FUNCTION seminars_talk_search_vector();
UPDATE people_person SET search_vector = NULL;
UPDATE libraries_library SET search_vector = NULL;
UPDATE seminars_seminar SET search_vector = NULL;
UPDATE seminars_talk SET search_vector = NULL;
UPDATE seminars_resolutionitem SET search_vector = NULL;
"""


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that does nothing on other databases (SQLite has no tsvector or triggers in plpgsql)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("libraries", "0003_search_vector"),
        ("people", "0002_search_vector"),
        ("seminars", "0003_search_vector"),
    ]

    operations = [
        TrigramExtension(),
        PostgreSQLOnly(FORWARD, BACKWARD),
    ]
