"""Every URL and action of every registered ModelAdmin, found from the admin site itself."""

from django.contrib import admin
from django.urls import reverse


def _seminar():
    from seminars.models import Seminar

    return Seminar


def _job():
    from certificates.models import Job

    return Job


RELATED = {"seminar_id": _seminar, "job_id": _job}


def every_admin_url():
    """Every named URL of every registered ModelAdmin, filled in with a real object and version."""
    urls = []
    for model, model_admin in admin.site._registry.items():
        obj = model._default_manager.order_by("pk").first()
        for pattern in model_admin.urls:
            if not pattern.name:
                continue
            regex = pattern.pattern.regex
            names = list(regex.groupindex) or ["object_id", "version_id"][: regex.groups]
            values = []
            for argument in names:
                if argument in {"object_id", "id"}:
                    values.append(obj.pk)
                elif argument in RELATED:
                    # A custom view about another record (a seminar's certificates, a job's ZIP).
                    values.append(RELATED[argument]()._default_manager.order_by("pk").first().pk)
                elif argument == "version_id":
                    if not obj.history.exists():  # rows loaded by a migration before history
                        obj.save()
                    values.append(obj.history.order_by("pk").first().history_id)
                else:
                    raise AssertionError(f"Unknown admin URL argument {argument} in {pattern}")
            urls.append(reverse(f"admin:{pattern.name}", args=values))
    return urls


def every_admin_action(request_user):
    actions = []
    for model, model_admin in admin.site._registry.items():
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        pks = [str(pk) for pk in model._default_manager.values_list("pk", flat=True)[:2]]
        for _, name, _ in model_admin._get_base_actions():
            actions.append((changelist, name, pks))
    return actions
