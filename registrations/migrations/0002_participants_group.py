"""Personal data of participants are seen only with the permission «Участники»: the department
administrators have it, and the group «Участники» gives it (with the registrations) to an editor
who runs a seminar's registration. Editors without it never see participants."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

DEPARTMENT_ADMIN = "Администратор методического отдела"
PARTICIPANTS = "Участники"


def grant(apps, schema_editor):
    # Django creates permissions after `migrate` finishes; a fresh database needs them now.
    create_permissions(global_apps.get_app_config("registrations"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="registrations")
    Group.objects.get_or_create(name=PARTICIPANTS)[0].permissions.add(*permissions)
    for group in Group.objects.filter(name=DEPARTMENT_ADMIN):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=PARTICIPANTS).delete()
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=DEPARTMENT_ADMIN):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="registrations")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0001_initial"),
        ("seminars", "0022_organization_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
