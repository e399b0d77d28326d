from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "Сертификаты"

    def ready(self):
        from registrations.models import Registration

        from .models import Certificate
        from .signals import delete_file, forget_participant

        post_delete.connect(delete_file, sender=Certificate, dispatch_uid="certificate_file")
        post_save.connect(
            forget_participant, sender=Registration, dispatch_uid="certificates_forget"
        )
