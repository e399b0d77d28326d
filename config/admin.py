"""What every admin of the archive shares: audit history and refusing actions a user may not run."""

import re

import nested_admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from config.admin_widgets import PreloadedLabelsAdminMixin


class ArchiveAdminMixin(PreloadedLabelsAdminMixin):
    object_history_list_template = "admin/history_list.html"

    def render_change_form(self, request, context, *args, **kwargs):
        response = super().render_change_form(request, context, *args, **kwargs)
        response.add_post_render_callback(compact_html)
        return response

    def changelist_view(self, request, extra_context=None):
        # Django answers an action the user may not run with "no action selected" and a redirect;
        # a forged POST deserves a plain 403, like every other admin URL.
        name = request.POST.get("action") if request.method == "POST" else None
        if name:
            known = {action_name for _, action_name, _ in self._get_base_actions()}
            if name in known and name not in self.get_actions(request):
                raise PermissionDenied
        return super().changelist_view(request, extra_context)


class ArchiveAdmin(ArchiveAdminMixin, SimpleHistoryAdmin):
    pass


class ArchiveNestedAdmin(ArchiveAdminMixin, SimpleHistoryAdmin, nested_admin.NestedModelAdmin):
    pass


# Whitespace with a line break next to a tag, outside elements whose text is kept as written.
_KEPT_OR_BLANK = re.compile(
    r"(<(textarea|pre|script|style)\b.*?</\2\s*>)|(?<=>)\s*\n\s*|\s*\n\s*(?=<)",
    re.DOTALL | re.IGNORECASE,
)


def compact_html(response):
    """Drops the indentation of the admin's templates: a quarter of a change form with inlines.

    A run of whitespace holding a line break becomes one line break, so the page renders the same
    (outside <pre> and <textarea>, which keep theirs, whitespace shows as one space at most).
    """
    charset = response.charset
    content = response.content.decode(charset)
    response.content = _KEPT_OR_BLANK.sub(lambda m: m.group(1) or "\n", content).encode(charset)
