"""The API's list pagination: `page_size` up to 200, `next`/`previous` links, `results`."""

from typing import Any

from django.db.models import QuerySet
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from .keyset import keyset_page
from .ordering import OrderingFilter


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class KeysetPagination(BasePagination):
    """Opaque `cursor` links over `keyset_page`: no OFFSET and no COUNT, whatever the depth.

    The key is one field then id: the first term of the view's `ordering` the OrderingFilter
    accepts (the request's `ordering`, else the view default). Each field must be non-null.
    """

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: APIView | None = None
    ) -> list[Any]:
        self.request = request
        field, descending = self._key(queryset, request, view)
        page = keyset_page(
            queryset,
            field=field,
            descending=descending,
            cursor=request.query_params.get(self.cursor_query_param) or None,
            size=self._page_size(request),
        )
        self.next_cursor, self.previous_cursor = page.next_cursor, page.previous_cursor
        return page.rows

    def _key(
        self, queryset: QuerySet[Any], request: Request, view: APIView | None
    ) -> tuple[str, bool]:
        terms = OrderingFilter().get_ordering(request, queryset, view) if view else None
        term = terms[0] if terms else "-id"
        return term.lstrip("-"), term.startswith("-")

    def _page_size(self, request: Request) -> int:
        try:
            size = int(request.query_params.get(self.page_size_query_param, ""))
        except ValueError:
            return self.page_size
        return min(size, self.max_page_size) if size > 0 else self.page_size

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "next": self._link(self.next_cursor),
                "previous": self._link(self.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view: APIView) -> list[Any]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The opaque position from a `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page (default {self.page_size}, at most "
                f"{self.max_page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]


__all__ = ["KeysetPagination", "StandardPagination"]
