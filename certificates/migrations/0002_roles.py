"""Who works with certificates: department administrators do everything; editors set up the
templates and issue, revoke and mail certificates, but delete none (an issued certificate is a
document: it is revoked, never erased by hand). Participants' certificates are seen only with
the registrations' permission «Участники» (certificates/admin.py)."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "Редактор"
DEPARTMENT_ADMIN = "Администратор методического отдела"
EDITOR_CODENAMES = [
    "view_certificatetemplate",
    "add_certificatetemplate",
    "change_certificatetemplate",
    "delete_certificatetemplate",
    "view_certificate",
    "change_certificate",
    "view_job",
]


def grant(apps, schema_editor):
    # Django creates permissions after `migrate` finishes; a fresh database needs them now.
    create_permissions(global_apps.get_app_config("certificates"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="certificates")
    for group in Group.objects.filter(name=DEPARTMENT_ADMIN):
        group.permissions.add(*ours)
    for group in Group.objects.filter(name=EDITOR):
        group.permissions.add(*ours.filter(codename__in=EDITOR_CODENAMES))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="certificates")
    for group in Group.objects.filter(name__in=[EDITOR, DEPARTMENT_ADMIN]):
        group.permissions.remove(*ours)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
        ("seminars", "0022_organization_permissions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
