"""Rendering a page: the one place that sets what every GOV.UK page needs."""

from __future__ import annotations

from typing import Any

from django import forms
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
