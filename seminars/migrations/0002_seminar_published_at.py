from django.db import migrations, models
from django.db.models import F


def from_created_at(apps, schema_editor):
    """Seminars published before the field existed: the best known date is their creation."""
    Seminar = apps.get_model("seminars", "Seminar")
    Seminar.objects.filter(is_published=True, published_at__isnull=True).update(
        published_at=F("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("seminars", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="seminar",
            name="published_at",
            field=models.DateTimeField(
                editable=False, null=True, verbose_name="впервые опубликован"
            ),
        ),
        migrations.RunPython(from_created_at, migrations.RunPython.noop),
    ]
