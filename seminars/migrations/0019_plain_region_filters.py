"""Drops the region copies (`Talk.region_keys`, `Talk.region_search`, `Seminar.region_keys`) and
the PostgreSQL triggers and functions that kept them: region filters ask the speakers' libraries
and the seminars' regions directly, on both databases. Reversible: going back recreates and
refills them with the SQL of migrations 0015 and 0018."""

from importlib import import_module

from django.db import migrations, models
from django.db.models import F, Q

talk_regions = import_module("seminars.migrations.0015_talk_region_search")
seminar_regions = import_module("seminars.migrations.0018_seminar_region_keys")

# 0015's and 0018's backward statements, minus 0018's refill: what a database without them has.
FORWARD = [*seminar_regions.BACKWARD, *talk_regions.BACKWARD]
BACKWARD = [*talk_regions.FORWARD, *seminar_regions.FORWARD]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("seminars", "0018_seminar_region_keys"),
    ]

    operations = [
        migrations.RunPython(run(FORWARD), run(BACKWARD), elidable=False),
        migrations.RemoveIndex(model_name="talk", name="talk_published_newest"),
        migrations.AddIndex(
            model_name="talk",
            index=models.Index(
                fields=["-seminar_date", "-seminar", "order"],
                condition=Q(seminar_published=True),
                include=("id",),
                name="talk_published_newest",
            ),
        ),
        migrations.RemoveIndex(model_name="seminar", name="seminar_published_newest"),
        migrations.AddIndex(
            model_name="seminar",
            index=models.Index(
                F("start_date").desc(),
                F("id").desc(),
                condition=Q(is_published=True),
                name="seminar_published_newest",
            ),
        ),
        migrations.RemoveField(model_name="talk", name="region_keys"),
        migrations.RemoveField(model_name="talk", name="region_search"),
        migrations.RemoveField(model_name="seminar", name="region_keys"),
    ]
