"""Outputs outsiders' text reaches besides HTML pages: e-mail headers and PDF (issue 10 item 9).

Spreadsheets go through ``apps/core/cells.py``; ICS files through the ``icalendar`` library, which escapes
commas, semicolons, backslashes and line breaks of every text value (RFC 5545 3.3.11) and folds long lines;
HTML (and the HTML a PDF is made from) through Django's autoescaping. What remains is here:

- :func:`header_text`: a text for an e-mail header (the subject). A line break in a header would let typed
  text add headers (``Bcc:``) and makes Django refuse the whole message (``BadHeaderError``) after the
  write committed; every run of whitespace becomes one space.
- :func:`html_to_pdf`: WeasyPrint without any resource loading: a PDF made from our templates needs no
  file, network or ``file://`` access, so even markup that slipped into a template could not read a file of
  the server or call out.
"""

from __future__ import annotations

from typing import Any

SUBJECT_LENGTH = 150
"""Longest e-mail subject we send (characters, after whitespace is folded); longer ones end in "…"."""


def header_text(value: Any, limit: int = SUBJECT_LENGTH) -> str:
    """``value`` as one line for an e-mail header: line breaks, tabs and other whitespace folded to single
    spaces, cut at ``limit`` characters (with "…")."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class ResourceRefused(ValueError):
    """A PDF template asked for an outside resource (an image, a stylesheet, a font by URL)."""


def refusing_fetcher() -> Any:
    """A WeasyPrint ``URLFetcher`` whose every fetch raises :class:`ResourceRefused` (no protocol allowed)."""
    from weasyprint.urls import URLFetcher

    class _Refusing(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ResourceRefused(url)

    return _Refusing(allowed_protocols=set(), allow_redirects=False)


def html_to_pdf(html: str) -> bytes:
    """The PDF (bytes) of an HTML document rendered by WeasyPrint with every URL fetch refused (inline CSS
    only). WeasyPrint logs and skips a refused resource; the document still renders."""
    from weasyprint import HTML

    return bytes(HTML(string=html, url_fetcher=refusing_fetcher()).write_pdf())
