"""The organisation's identity (core.Organization) is the department administrators' to edit;
editors may look at it."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "Редактор"
DEPARTMENT_ADMIN = "Администратор методического отдела"


def grant(apps, schema_editor):
    # Django creates permissions after `migrate` finishes; a fresh database needs them now.
    create_permissions(global_apps.get_app_config("core"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    organization = Permission.objects.filter(content_type__app_label="core")
    for group in Group.objects.filter(name=DEPARTMENT_ADMIN):
        group.permissions.add(*organization)
    for group in Group.objects.filter(name=EDITOR):
        group.permissions.add(*organization.filter(codename="view_organization"))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=[EDITOR, DEPARTMENT_ADMIN]):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="core"))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("seminars", "0021_link_broadcast"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
