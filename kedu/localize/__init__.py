"""Localization: catalogs, extraction, the translators' workflow and ``localize()``."""

from kedu.localize.runtime import available_locales, localize, source_checksum

__all__ = ["available_locales", "localize", "source_checksum"]
