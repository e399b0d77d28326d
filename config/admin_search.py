"""Admin search that treats ё as е and ignores case on both databases.

Search fields point at the stored, folded `sort_key` columns; the typed term is folded the same
way, so «ОРЕЛ», «орёл» and «Орёл» all find «Орёл» on PostgreSQL as on SQLite.
"""

from config.text import fold


class FoldedSearchMixin:
    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold(search_term))
