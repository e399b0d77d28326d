"""Staff roles: «Редактор» and «Администратор методического отдела».

The permissions are listed here, frozen, rather than computed from today's models: a later model
gets its permissions added to a role by its own migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "Редактор"
DEPARTMENT_ADMIN = "Администратор методического отдела"

EDIT = ("view", "add", "change")
EDIT_AND_DELETE = ("view", "add", "change", "delete")
EDITOR_PERMISSIONS = {
    "seminars": {
        "seminar": EDIT_AND_DELETE,  # published ones only with delete_published_seminar
        "talk": EDIT_AND_DELETE,
        "talkspeaker": EDIT_AND_DELETE,
        "seminarlink": EDIT_AND_DELETE,
        "resolution": EDIT_AND_DELETE,
        "resolutionitem": EDIT_AND_DELETE,
        "topic": EDIT,
    },
    "people": {"person": EDIT},
    "libraries": {"library": EDIT, "department": EDIT, "locality": EDIT, "region": ("view",)},
}
EDITOR_EXTRA = [("seminars", "import_seminar")]
# Everything in these apps, users and groups included.
DEPARTMENT_ADMIN_APPS = ["auth", "admin", "axes", "libraries", "people", "seminars"]


def create_all_permissions(apps):
    # Django creates permissions after `migrate` finishes; a fresh database needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_roles(apps, schema_editor):
    create_all_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    codenames = [
        (app, f"{action}_{model}")
        for app, models in EDITOR_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ] + EDITOR_EXTRA
    editor_permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in codenames
    ]
    editor, _ = Group.objects.get_or_create(name=EDITOR)
    editor.permissions.set(editor_permissions)

    department_admin, _ = Group.objects.get_or_create(name=DEPARTMENT_ADMIN)
    department_admin.permissions.set(
        Permission.objects.filter(content_type__app_label__in=DEPARTMENT_ADMIN_APPS)
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITOR, DEPARTMENT_ADMIN]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("seminars", "0006_history_and_permissions"),
        ("libraries", "0004_history"),
        ("people", "0003_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
