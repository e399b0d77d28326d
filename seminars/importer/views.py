"""The admin page «Импорт резолюции»: upload or paste → review → confirm."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from .forms import ReviewForm, UploadForm, unsign
from .match import match_document
from .save import ImportProblem, find_existing, save_document


def import_resolution(request, model_admin):
    if not model_admin.has_import_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Импорт резолюции",
    }
    stage = request.POST.get("stage") if request.method == "POST" else None
    if stage == "confirm":
        try:
            document = unsign(request.POST.get("document", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("admin:seminars_seminar_import")
        form = ReviewForm(request.POST, document=document)
        if form.is_valid():
            reviewed = form.reviewed_document()
            existing = find_existing(reviewed)
            if existing and not form.cleaned_data["create_anyway"]:
                form.add_error(None, "Этот семинар уже есть в архиве.")
            else:
                try:
                    seminar, created = save_document(reviewed)
                except (ImportProblem, ValidationError) as error:
                    text = error.messages if isinstance(error, ValidationError) else [str(error)]
                    form.add_error(None, " ".join(text) + " Ничего не записано.")
                except IntegrityError:
                    # Another request wrote the same seminar between our check and our insert:
                    # the confirmation was sent twice. The transaction is rolled back whole.
                    existing = find_existing(reviewed)
                    if existing:
                        messages.warning(
                            request,
                            f"Семинар «{existing}» уже создан: подтверждение пришло дважды. "
                            "Второй раз ничего не записано.",
                        )
                        return redirect("admin:seminars_seminar_change", existing.pk)
                    form.add_error(
                        None,
                        "Не удалось записать семинар: такая запись появилась в архиве "
                        "одновременно с вашей. Ничего не записано; отправьте форму ещё раз.",
                    )
                else:
                    model_admin.log_addition(request, seminar, "Импорт резолюции")
                    messages.success(
                        request,
                        f"Создан черновик семинара «{seminar}»: докладов "
                        f"{seminar.talks.count()}, новых людей {created['people']}, новых "
                        f"библиотек {created['libraries']}. Проверьте и опубликуйте.",
                    )
                    return redirect("admin:seminars_seminar_change", seminar.pk)
        return _review(request, context, form, find_existing(document))
    if stage == "upload":
        upload = UploadForm(request.POST, request.FILES)
        if upload.is_valid():
            document = match_document(upload.cleaned_data["document"])
            return _review(request, context, ReviewForm(document=document), find_existing(document))
    else:
        upload = UploadForm()
    return TemplateResponse(
        request, "admin/seminars/seminar/import_upload.html", {**context, "form": upload}
    )


def _review(request, context, form, existing):
    return TemplateResponse(
        request,
        "admin/seminars/seminar/import_review.html",
        {
            **context,
            "title": "Импорт резолюции: проверка",
            "form": form,
            "sections": form.sections(),
            "create_anyway": {"field": form["create_anyway"], "unsure": ""},
            "existing": existing,
            "existing_url": (
                reverse("admin:seminars_seminar_change", args=[existing.pk]) if existing else ""
            ),
        },
    )
