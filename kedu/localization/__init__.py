"""Localization: catalogs, extraction, the translators' workflow and ``localize()``."""

from kedu.localization.runtime import available_locales, localize, source_checksum

__all__ = ["available_locales", "localize", "source_checksum"]
