"""Pure renderers for the text view: model values in, a string out.

- `render_blog_html` — one page of a live blog (/blogs/<slug>/), no scripts, one request.
- `render_blog_text` — the text/plain version (/blogs/<slug>.txt).
- `render_index_html` — the list of blogs (/).
- `render_entry_html` — one entry's page (/blogs/<slug>/entries/<id>/).
- `CSP` — the Content-Security-Policy header value to send with the HTML pages.

Nothing here needs a Flask app or does I/O beyond reading the package's own templates.
"""
from __future__ import annotations

from .entry import entry_page_path, render_entry_html
from .environment import CSP
from .formatting import format_clock, format_date, format_local_time, human_duration, human_size, zone_label
from .html import render_blog_html, render_index_html
from .text import render_blog_text

__all__ = [
    "CSP",
    "entry_page_path",
    "format_clock",
    "format_date",
    "format_local_time",
    "human_duration",
    "human_size",
    "render_blog_html",
    "render_blog_text",
    "render_entry_html",
    "render_index_html",
    "zone_label",
]
