"""Certificates in the admin: templates per seminar, the issued certificates, and the page of a
seminar's certificates where staff issue, download and mail them in the background."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html

from core.admin import ArchiveAdmin, RussianTitlesMixin
from seminars.models import Seminar

from .issue import due, reissue, revoke
from .models import Certificate, CertificateTemplate, Job, Kind
from .names import dative
from .tasks import start
from .views import pdf_response

PARTICIPANTS_PERMISSION = "registrations.participants"


def sees_participants(request):
    """Participants' names are personal data: only staff allowed to see participants (the
    registrations' permission) see their certificates."""
    return request.user.has_perm(PARTICIPANTS_PERMISSION)


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(ArchiveAdmin):
    accusative = "шаблон сертификата"
    list_display = ["seminar", "kind", "hours", "signer_name"]
    list_select_related = ["seminar"]
    list_filter = ["kind"]
    search_fields = ["seminar__title"]
    autocomplete_fields = ["seminar"]
    fieldsets = [
        (None, {"fields": ["seminar", "kind", "title", "text", "hours"]}),
        (
            "Кто выдаёт и подписывает",
            {"fields": ["issuer", "signer_position", "signer_name", "logo"]},
        ),
    ]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Причина",
        max_length=300,
        help_text="Сохранится в истории сертификата: «ошибка в фамилии», «не присутствовал».",
    )


class ReissueForm(ReasonForm):
    last_name = forms.CharField(label="Фамилия", max_length=100)
    first_name = forms.CharField(label="Имя", max_length=100)
    patronymic = forms.CharField(label="Отчество", max_length=100, required=False)
    name_dative = forms.CharField(
        label="Кому (дательный падеж)",
        max_length=300,
        required=False,
        help_text="«Ивановой Марии Петровне». Пусто — просклоняется само.",
    )


@admin.register(Certificate)
class CertificateAdmin(ArchiveAdmin):
    accusative = "сертификат"
    list_display = ["number", "full_name", "seminar", "kind", "issued_at", "state", "emailed_at"]
    list_select_related = ["seminar"]
    list_filter = ["kind", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["=number", "last_name", "seminar__title"]
    fieldsets = [
        (None, {"fields": ["number", "seminar", "kind", "person", "registration", "email"]}),
        (
            "Как напечатано",
            {
                "fields": [
                    "last_name",
                    "first_name",
                    "patronymic",
                    "name_dative",
                    "heading",
                    "text",
                    "issuer",
                    "signer_position",
                    "signer_name",
                ]
            },
        ),
        (
            "Состояние",
            {"fields": ["issued_at", "emailed_at", "revoked_at", "reason", "replaced_by"]},
        ),
    ]
    # A certificate stays as issued (revoke and re-issue change it): only the address it is
    # mailed to may be typed.
    readonly_fields = [name for _, options in fieldsets for name in options["fields"]]
    readonly_fields.remove("email")
    change_form_template = "certificates/admin/certificate_change_form.html"
    change_list_template = "certificates/admin/certificate_change_list.html"

    @admin.display(description="состояние")
    def state(self, certificate):
        return "действителен" if certificate.is_valid else "отозван"

    @admin.display(description="кому", ordering="last_name")
    def full_name(self, certificate):
        return certificate.full_name

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not sees_participants(request):
            queryset = queryset.filter(registration__isnull=True)
        return queryset

    def has_add_permission(self, request):
        # Certificates are issued from the seminar's page, never typed in.
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("seminars/", wrap(self.seminars_view), name="certificates_seminars"),
            path("seminar/<int:seminar_id>/", wrap(self.seminar_view), name="certificates_seminar"),
            path("job/<int:job_id>/zip/", wrap(self.zip_view), name="certificates_job_zip"),
            path("<int:object_id>/pdf/", wrap(self.pdf_view), name="certificates_certificate_pdf"),
            path(
                "<int:object_id>/revoke/",
                wrap(self.reason_view),
                {"reissuing": False},
                name="certificates_certificate_revoke",
            ),
            path(
                "<int:object_id>/reissue/",
                wrap(self.reason_view),
                {"reissuing": True},
                name="certificates_certificate_reissue",
            ),
            *super().get_urls(),
        ]

    def context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **extra,
        }

    def seminars_view(self, request):
        """Which seminar to issue for: the latest ones, or those whose title has the words."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "").strip()[:200]
        seminars = Seminar.objects.order_by("-start_date", "-id")
        if query:
            seminars = seminars.filter(title__icontains=query)
        seminars = list(
            seminars.annotate(
                issued=Count("certificates", filter=Q(certificates__revoked_at=None))
            ).only("title", "start_date", "end_date")[:30]
        )
        context = self.context(
            request, "Выдать сертификаты: выберите семинар", seminars=seminars, query=query
        )
        return render(request, "certificates/admin/seminars.html", context)

    def seminar_view(self, request, seminar_id):
        """A seminar's certificates: what is due, what is issued, the jobs and their progress."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        seminar = get_object_or_404(Seminar, pk=seminar_id)
        kinds = [Kind.SPEAKER, Kind.PARTICIPANT] if sees_participants(request) else [Kind.SPEAKER]
        if request.method == "POST":
            return self.start_job(request, seminar, kinds)
        certificates = Certificate.objects.filter(seminar=seminar, kind__in=kinds)
        counts = certificates.aggregate(
            valid=Count("pk", filter=Q(revoked_at=None)),
            revoked=Count("pk", filter=~Q(revoked_at=None)),
            emailed=Count("pk", filter=Q(revoked_at=None) & ~Q(emailed_at=None)),
            unmailed=Count("pk", filter=Q(revoked_at=None, emailed_at=None) & ~Q(email="")),
            no_email=Count("pk", filter=Q(revoked_at=None, email="")),
        )
        jobs = list(seminar.certificate_jobs.select_related("created_by")[:10])
        zip_job = next(
            (job for job in jobs if job.action == Job.Action.ZIP and job.status == Job.Status.DONE),
            None,
        )
        context = self.context(
            request,
            f"Сертификаты: {seminar.title}",
            seminar=seminar,
            counts=counts,
            due=sum(1 for _ in due(seminar, kinds)),
            jobs=jobs,
            zip_job=zip_job if zip_job and zip_job.zip_path.is_file() else None,
            active=any(job.is_active for job in jobs),
            can_change=self.has_change_permission(request),
            sees_participants=kinds != [Kind.SPEAKER],
            templates=[
                (
                    label,
                    CertificateTemplate.objects.filter(seminar=seminar, kind=kind).first(),
                    kind,
                )
                for kind, label in Kind.choices
            ],
            certificates=certificates.order_by("kind", "last_name", "first_name")[:500],
        )
        return render(request, "certificates/admin/seminar.html", context)

    def start_job(self, request, seminar, kinds):
        if not self.has_change_permission(request):
            raise PermissionDenied
        action = request.POST.get("action")
        if action not in Job.Action.values:
            messages.error(request, "Неизвестное действие.")
            return redirect("admin:certificates_seminar", seminar.pk)
        wanted = [kind for kind in request.POST.getlist("kinds") if kind in kinds] or kinds
        job, created = start(seminar, action, wanted, request.user)
        label = job.get_action_display().capitalize()
        if created:
            messages.success(request, f"{label}: задание поставлено в очередь. Ход — ниже.")
        else:
            messages.warning(request, f"{label} уже выполняется. Ход — ниже.")
        return redirect("admin:certificates_seminar", seminar.pk)

    def zip_view(self, request, job_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = get_object_or_404(Job, pk=job_id, action=Job.Action.ZIP, status=Job.Status.DONE)
        if Kind.PARTICIPANT in job.kind_list and not sees_participants(request):
            raise PermissionDenied
        if not job.zip_path.is_file():
            raise Http404("Архив удалён; соберите его снова.")
        return FileResponse(
            job.zip_path.open("rb"),
            as_attachment=True,
            filename=f"Сертификаты {job.seminar.slug}.zip",
            content_type="application/zip",
        )

    def certificate_or_404(self, request, object_id):
        certificate = self.get_object(request, str(object_id))
        if certificate is None:
            raise Http404("Сертификат не найден.")
        return certificate

    def pdf_view(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        certificate = self.certificate_or_404(request, object_id)
        if certificate.is_forgotten:
            raise Http404("Данные владельца удалены.")
        return pdf_response(certificate)

    def reason_view(self, request, object_id, reissuing):
        if not self.has_change_permission(request):
            raise PermissionDenied
        certificate = self.certificate_or_404(request, object_id)
        if not certificate.is_valid:
            messages.error(request, "Сертификат уже отозван.")
            return redirect("admin:certificates_certificate_change", certificate.pk)
        if reissuing and certificate.is_forgotten:
            messages.error(request, "Данные участника удалены: выдать сертификат взамен некому.")
            return redirect("admin:certificates_certificate_change", certificate.pk)
        form_class = ReissueForm if reissuing else ReasonForm
        names = ["last_name", "first_name", "patronymic"]
        initial = {name: getattr(certificate, name) for name in names}
        form = form_class(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            if reissuing:
                printed = {name: data[name] for name in names}
                fresh = reissue(
                    certificate,
                    data["reason"],
                    **printed,
                    name_dative=data["name_dative"] or dative(**printed),
                )
                messages.success(
                    request,
                    format_html(
                        "Сертификат № {} отозван; взамен выдан № {}.",
                        certificate.number,
                        fresh.number,
                    ),
                )
                return redirect("admin:certificates_certificate_change", fresh.pk)
            revoke(certificate, data["reason"])
            messages.success(request, f"Сертификат № {certificate.number} отозван.")
            return redirect("admin:certificates_certificate_change", certificate.pk)
        title = (
            f"Перевыпустить сертификат № {certificate.number}"
            if reissuing
            else f"Отозвать сертификат № {certificate.number}"
        )
        context = self.context(
            request, title, form=form, certificate=certificate, reissuing=reissuing
        )
        return render(request, "certificates/admin/reason.html", context)


@admin.register(Job)
class JobAdmin(RussianTitlesMixin, admin.ModelAdmin):
    accusative = "задание по сертификатам"
    list_display = ["created_at", "action", "seminar_link", "progress", "status", "created_by"]
    list_select_related = ["seminar", "created_by"]
    list_filter = ["action", "status"]
    readonly_fields = [
        "seminar",
        "action",
        "kinds",
        "status",
        "total",
        "done",
        "skipped",
        "message",
        "created_by",
        "created_at",
        "finished_at",
    ]

    @admin.display(description="семинар")
    def seminar_link(self, job):
        url = reverse("admin:certificates_seminar", args=[job.seminar_id])
        return format_html('<a href="{}">{}</a>', url, job.seminar)

    @admin.display(description="ход")
    def progress(self, job):
        return f"{job.done} из {job.total} ({job.percent} %)"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
