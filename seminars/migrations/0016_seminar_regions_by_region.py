"""The seminars a region took part in, from the index alone.

The region page and a region's feeds ask for the seminars of `seminars_seminar_regions` with one
region: its own index on region_id led to each row in the table (1,537 for a region at 1M talks,
2 ms). Django creates the many-to-many table itself, so the index is SQL here; both databases
have the same statement.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("seminars", "0015_talk_region_search"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX seminar_regions_by_region "
            "ON seminars_seminar_regions (region_id, seminar_id)",
            "DROP INDEX seminar_regions_by_region",
        ),
    ]
