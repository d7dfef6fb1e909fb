"""Byte-for-byte reproducible .docx packaging.

python-docx stamps every zip entry with the current time, so two exports of
the same handout differ.  :func:`normalize_package` rewrites the archive with a
fixed timestamp, a fixed entry order, fixed compression and no host-specific
attributes; together with fixed core properties the output depends on the
input only.
"""

from __future__ import annotations

import zipfile
from datetime import date
from io import BytesIO

__all__ = ["normalize_package"]

_CONTENT_TYPES = "[Content_Types].xml"
_ZIP_EPOCH = date(1980, 1, 1)  # the earliest date a zip entry can hold


def normalize_package(data: bytes, when: date) -> bytes:
    """``data`` (a zip) rewritten deterministically, every entry dated ``when``.

    ``[Content_Types].xml`` stays first, as Office and some validators expect;
    the other entries follow in name order.
    """
    when = max(when, _ZIP_EPOCH)
    stamp = (when.year, when.month, when.day, 0, 0, 0)
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        order = sorted(names, key=lambda name: (name != _CONTENT_TYPES, name))
        for name in order:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(name), compresslevel=6)
    return out.getvalue()
