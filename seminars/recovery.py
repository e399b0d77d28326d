"""A seminar restored from its history («История») comes back whole.

The admin restores one record from one of its versions; deleting a seminar deleted its talks,
their speakers, its resolution with the items and its links too. Each of those parts is marked,
as it is deleted, with the reason «Удалено вместе с семинаром» (or «… с докладом», «… с
резолюцией») in its last version; restoring the seminar restores every part whose last version
is such a deletion, from that version, and their parts in turn. A part deleted on its own before
stays deleted.
"""

from collections import Counter

from django.db.models import QuerySet
from django.db.models.signals import pre_delete

from core.uploads import forget_missing_files
from seminars.templatetags.russian import plural

from .models import Resolution, ResolutionItem, Seminar, SeminarLink, Talk, TalkSpeaker

DELETED_WITH = {
    Seminar: "Удалено вместе с семинаром",
    Talk: "Удалено вместе с докладом",
    Resolution: "Удалено вместе с резолюцией",
}
RESTORED_WITH = {
    Seminar: "Восстановлено вместе с семинаром",
    Talk: "Восстановлено вместе с докладом",
    Resolution: "Восстановлено вместе с резолюцией",
}
# Parts of each record, by the field naming it, in the order they are restored.
PARTS = {
    Seminar: [(Talk, "seminar"), (Resolution, "seminar"), (SeminarLink, "seminar")],
    Talk: [(TalkSpeaker, "talk")],
    Resolution: [(ResolutionItem, "resolution")],
}
# How the message counts them: forms for 1, 2 and 5.
NAMES = {
    Talk: "доклад,доклада,докладов",
    TalkSpeaker: "докладчик,докладчика,докладчиков",
    Resolution: "резолюция,резолюции,резолюций",
    ResolutionItem: "пункт резолюции,пункта резолюции,пунктов резолюции",
    SeminarLink: "ссылка,ссылки,ссылок",
}


def mark_deleted_with_parent(sender, instance, origin=None, **kwargs):
    """pre_delete: a part deleted because its seminar, talk or resolution is, says so."""
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    if model in DELETED_WITH and not isinstance(instance, model):
        # simple-history's way to give a version its reason.
        instance._change_reason = DELETED_WITH[model]


def connect():
    for model in (Talk, TalkSpeaker, Resolution, ResolutionItem, SeminarLink):
        pre_delete.connect(mark_deleted_with_parent, sender=model, dispatch_uid=f"recovery-{model}")


def deleted_parts(model, field, parent):
    """The last versions of `model` rows of `parent` that were deleted together with a parent."""
    versions = model.history.filter(**{f"{field}_id": parent.pk}).order_by("id", "-history_id")
    last = {}
    for version in versions:
        last.setdefault(version.id, version)
    deleted = [
        version
        for version in last.values()
        if version.history_type == "-" and version.history_change_reason in DELETED_WITH.values()
    ]
    present = set(
        model.objects.filter(pk__in=[version.id for version in deleted]).values_list(
            "pk", flat=True
        )
    )
    return [version for version in deleted if version.id not in present]


def references_exist(obj):
    """Whether every record `obj` refers to (a person, a library…) is still there."""
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if (
            field.is_relation
            and value is not None
            and not field.related_model._default_manager.filter(pk=value).exists()
        ):
            return False
    return True


def recover(parent, version_id=None):
    """Restores the parts deleted with `parent`; returns how many of each came back (and were
    left out, under the key `None`, when what they refer to has been deleted since)."""
    restored = Counter()
    for model, field in PARTS.get(type(parent), []):
        for version in deleted_parts(model, field, parent):
            obj = version.instance
            if not references_exist(obj):
                restored[None] += 1
                continue
            forget_missing_files(obj)
            obj._change_reason = RESTORED_WITH[type(parent)]
            obj.save(force_insert=True)
            restore_many_to_many(obj, version)
            restored[model] += 1
            restored += recover(obj)
    if isinstance(parent, Seminar) and version_id is not None:
        restore_many_to_many(parent, parent.history.get(history_id=version_id), empty_only=True)
    return restored


def restore_many_to_many(obj, version, empty_only=False):
    """The related rows (a talk's topics, a seminar's regions) as the version before the
    deletion held them: the deletion's own version has none left."""
    if version.history_type == "-":
        version = version.prev_record
    if version is None:
        return
    for field in obj._meta.many_to_many:
        if not hasattr(type(version), field.name):  # not kept in the history
            continue
        manager = getattr(obj, field.name)
        if empty_only and manager.exists():
            continue
        related = field.related_model._default_manager.filter(
            pk__in=getattr(version, field.name).values(field.m2m_reverse_field_name())
        )
        manager.set(related)


def describe(parent, restored):
    counts = [plural(restored[model], NAMES[model]) for model in NAMES if restored[model]]
    if restored[Resolution] == 1:
        counts = ["резолюция" if count == "1 резолюция" else count for count in counts]
    text = f"{RESTORED_WITH[type(parent)]}: {', '.join(counts)}." if counts else ""
    if restored[None]:
        text += (
            f" Не восстановлено: {restored[None]} — люди, библиотеки или отделы, на которые они "
            "ссылались, удалены."
        )
    return (
        text.strip() or "Вместе с этой записью ничего не удалялось: восстанавливать больше нечего."
    )
