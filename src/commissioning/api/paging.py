"""Every list in the API is paginated the same way: ``page`` and ``page_size``."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field, create_model

MAX_ID = 2**63 - 1
MAX_PAGE_SIZE = 500


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="Page number, from 1")
    page_size: int = Field(
        50, ge=1, le=MAX_PAGE_SIZE, description=f"Items a page, at most {MAX_PAGE_SIZE}"
    )


def paged(item: type[Schema], name: str) -> type[Schema]:
    """A response schema: ``count`` (all matching items), ``page``, ``page_size`` and ``items``."""
    return create_model(
        name,
        __base__=Schema,
        count=(int, ...),
        page=(int, ...),
        page_size=(int, ...),
        items=(list[item], ...),
    )


def page_of(queryset, query: PageQuery, render) -> dict:
    """One page of ``queryset`` (or of a list) with each item passed through ``render``."""
    start = (query.page - 1) * query.page_size
    items = list(queryset[start : start + query.page_size])
    return {
        "count": len(queryset) if isinstance(queryset, list) else queryset.count(),
        "page": query.page,
        "page_size": query.page_size,
        "items": render(items),
    }
