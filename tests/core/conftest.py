import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog

from certificates.models import Certificate, CertificateTemplate, Job
from people.models import Person
from registrations.models import Registration
from seminars.models import Seminar, Topic

PASSWORD = "Kamchatka-seminar-2021"


@pytest.fixture
def archive(demo_seminar, django_user_model):
    """A row of every model the admin shows, so that every object URL has a real object."""
    Topic.objects.create(name="Цифровые ресурсы")
    Person.objects.create(last_name="Ёлкина", first_name="Анна")
    django_user_model.objects.create_user("someone", password=PASSWORD)
    AccessAttempt.objects.create(username="x", ip_address="10.0.0.9", failures_since_start=1)
    AccessLog.objects.create(username="x", ip_address="10.0.0.9")
    AccessFailureLog.objects.create(username="x", ip_address="10.0.0.9")
    # On a seminar of its own: the demo seminar stays free to delete.
    upcoming = Seminar.objects.create(
        title="Проверка регистрации",
        start_date=demo_seminar.start_date,
        organizer=demo_seminar.organizer,
    )
    Registration.objects.create(
        seminar=upcoming, last_name="Ёлкина", first_name="Анна", consent_at=upcoming.created_at
    )
    CertificateTemplate.objects.create(seminar=upcoming, kind="speaker")
    Certificate.objects.create(
        seminar=upcoming,
        kind="speaker",
        person=Person.objects.get(last_name="Ёлкина"),
        last_name="Ёлкина",
        first_name="Анна",
        name_dative="Ёлкиной Анне",
        heading="Сертификат докладчика",
        text="за выступление",
        issuer="Библиотека",
    )
    Job.objects.create(seminar=upcoming, action="zip", kinds="speaker", status="done")
    return demo_seminar
