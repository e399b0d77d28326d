"""Certificates follow what happens to their holders' personal data (152-ФЗ)."""

from django.db import transaction

from core.cache import new_generation

NAMELESS = {"last_name": "", "first_name": "", "patronymic": "", "name_dative": "", "email": ""}


def delete_file(sender, instance, **kwargs):
    """A deleted certificate (with its registration, or by an administrator) takes its PDF
    along once the deletion is committed; a participant's name leaves its history too."""
    path = instance.path
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
    # Its verification page and its speaker's page are cached.
    transaction.on_commit(new_generation)
    if instance.registration_id:
        sender.history.filter(id=instance.pk).update(**NAMELESS)


def forget_participant(sender, instance, **kwargs):
    """When a participant's personal data are removed (retention period, cancellation), their
    certificates keep the number, the seminar and whether they are valid, but no longer a name:
    the verification page then says the holder's data were removed."""
    if instance.purged_at is None:
        return
    from .models import Certificate

    certificates = list(Certificate.objects.filter(registration=instance).exclude(last_name=""))
    for certificate in certificates:
        path = certificate.path
        transaction.on_commit(lambda path=path: path.unlink(missing_ok=True))
    ids = [certificate.pk for certificate in certificates]
    Certificate.objects.filter(pk__in=ids).update(**NAMELESS)
    # The audit history kept every version with the name: it goes as well.
    Certificate.history.filter(id__in=ids).update(**NAMELESS)
