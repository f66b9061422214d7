from functools import partial

from rest_framework.pagination import PageNumberPagination

from apps.core.pagination import CountedPaginator


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


class CountedPagination(Pagination):
    """Pages counted by the view's ``get_count()`` rather than ``COUNT(*)`` over the page's queryset."""

    def paginate_queryset(self, queryset, request, view=None):
        self.django_paginator_class = partial(CountedPaginator, count=view.get_count)
        return super().paginate_queryset(queryset, request, view=view)
