"""What every admin of the archive shares: audit history and refusing actions a user may not run."""

import nested_admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class ArchiveAdminMixin:
    object_history_list_template = "admin/history_list.html"

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
