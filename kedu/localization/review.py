"""Translation review status, recorded in the .po header.

A translator's tool keeps these header fields; kedu reads and writes them:

``X-Reviewed-By``       who reviewed the translation (a qualified medical translator);
``X-Review-Date``       when (YYYY-MM-DD);
``X-Reviewed-Checksum`` fingerprint of every message as reviewed.

A catalog counts as reviewed only while its messages still match the
fingerprint: a new, changed, fuzzy or re-translated message since the review
makes it a draft again, so a handout never claims a review its text did not get.
"""

from __future__ import annotations

import hashlib
from datetime import date

from babel.messages.catalog import Catalog, Message

from kedu.localization.catalogs import KeduCatalog
from kedu.models.localized import ReviewStatus

REVIEWED_BY = "X-Reviewed-By"
REVIEW_DATE = "X-Review-Date"
REVIEWED_CHECKSUM = "X-Reviewed-Checksum"

INTERFACE_CONTEXT = "serve/"
"""Context prefix of the words of ``kedu serve``'s staff interface.  They share
kedu's label catalog with the printed labels but never print on a handout, so a
medical translator's review neither needs nor covers them: finishing or editing
them does not undo a review."""


def is_reviewed_text(message: Message) -> bool:
    """Whether a review covers ``message``: every text a handout can print."""
    return bool(message.id) and not (message.context or "").startswith(INTERFACE_CONTEXT)


def fingerprint(catalog: Catalog) -> str:
    """A short hash of every message a review covers: context, source, translation,
    fuzzy flag."""
    digest = hashlib.sha256()
    rows = sorted(
        (m.context or "", str(m.id), str(m.string), "fuzzy" if m.fuzzy else "")
        for m in catalog
        if is_reviewed_text(m)
    )
    for row in rows:
        digest.update("\x1f".join(row).encode("utf-8") + b"\x1e")
    return digest.hexdigest()[:16]


def review_status(catalog: KeduCatalog) -> ReviewStatus:
    """Whether ``catalog`` carries a review that still matches its messages."""
    headers = catalog.extra_headers
    by = headers.get(REVIEWED_BY, "").strip()
    when_text = headers.get(REVIEW_DATE, "").strip()
    if not by:
        return ReviewStatus(state="draft", reason="no review is recorded in the catalog")
    try:
        when = date.fromisoformat(when_text)
    except ValueError:
        return ReviewStatus(
            state="draft", reviewed_by=by, reason=f"{REVIEW_DATE} {when_text!r} is not a date"
        )
    if any(m.fuzzy for m in catalog if is_reviewed_text(m)):
        return ReviewStatus(
            state="draft",
            reviewed_by=by,
            review_date=when,
            reason="the catalog has fuzzy messages since the review",
        )
    if headers.get(REVIEWED_CHECKSUM, "") != fingerprint(catalog):
        return ReviewStatus(
            state="draft",
            reviewed_by=by,
            review_date=when,
            reason="messages changed after the review",
        )
    return ReviewStatus(state="reviewed", reviewed_by=by, review_date=when)


def mark_reviewed(catalog: KeduCatalog, reviewer: str, when: date) -> None:
    """Record a review of ``catalog`` as it is now."""
    catalog.extra_headers[REVIEWED_BY] = reviewer
    catalog.extra_headers[REVIEW_DATE] = when.isoformat()
    catalog.extra_headers[REVIEWED_CHECKSUM] = fingerprint(catalog)
