"""Rendering a page: the one place that sets what every GOV.UK page needs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HttpResponse:
    """Render ``template``; a form with errors puts ``Error: `` in the page title."""
    context = dict(context or {})
    context.setdefault(
        "has_errors",
        any(isinstance(v, forms.BaseForm) and v.errors for v in context.values()),
    )
    return render(request, template, context, status=status)


def posted(request: HttpRequest) -> Any:
    """The submitted data of a POST (even an empty one), or None for any other method."""
    return request.POST if request.method == "POST" else None


def with_query(request: HttpRequest, **changes: str) -> str:
    """This page's address with the same filters and ``changes``."""
    query = request.GET.copy()
    query.pop("download", None)
    for name, value in changes.items():
        query[name] = value
    return f"{request.path}?{query.urlencode()}"


def pagination(request: HttpRequest, page: Page[Any]) -> dict[str, Any] | None:
    """The GOV.UK pagination component's parameters: first, last and the pages near this one."""
    if page.paginator.num_pages <= 1:
        return None
    items: list[dict[str, Any]] = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == page.paginator.ELLIPSIS:
            items.append({"ellipsis": True})
        else:
            items.append(
                {
                    "number": number,
                    "href": with_query(request, page=str(number)),
                    "current": number == page.number,
                }
            )
    answer: dict[str, Any] = {"items": items}
    if page.has_previous():
        answer["previous"] = {"href": with_query(request, page=str(page.previous_page_number()))}
    if page.has_next():
        answer["next"] = {"href": with_query(request, page=str(page.next_page_number()))}
    return answer
