"""What every server-drawn SVG chart shares (readiness, benefits, reports; ADR 0031).

matplotlib's settings are global, so one chart is drawn at a time, under a lock and the
calling app's settings (fonts, a salt that keeps the SVG's ids stable). The object API
is used, never pyplot's global state. Each chart is one SVG document with a ``<title>``
and a ``<desc>`` giving its figures in words, for those who cannot see it.
"""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Callable
from typing import Any, ParamSpec
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

P = ParamSpec("P")
_DRAWING = threading.Lock()


def drawing(settings: dict[Any, Any]) -> Callable[[Callable[P, str]], Callable[P, str]]:
    """A decorator running a drawing function alone, under matplotlib ``settings``."""

    def decorator(draw: Callable[P, str]) -> Callable[P, str]:
        @functools.wraps(draw)
        def drawn(*args: P.args, **kwargs: P.kwargs) -> str:
            with _DRAWING, matplotlib.rc_context(settings):
                return draw(*args, **kwargs)

        return drawn

    return decorator


def svg_document(figure: Figure, title: str, desc: str) -> str:
    """``figure`` as one SVG document titled ``title`` and described by ``desc``."""
    out = io.StringIO()
    FigureCanvasSVG(figure).print_svg(out, metadata={"Date": None})
    text = out.getvalue()
    start = text.index("<svg")
    end = text.index(">", start) + 1
    opening = text[start:end].replace("<svg ", '<svg role="img" ', 1)
    labelled = f"{opening}\n <title>{escape(title)}</title>\n <desc>{escape(desc)}</desc>"
    return text[:start] + labelled + text[end:]
