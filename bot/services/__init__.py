"""Use cases: async functions over storage that the handlers, the CLI and the demo share.

No module here imports telegram. Each works on the pure core (`bot.domain`) and on small storage
interfaces, and returns data for the caller to show.
"""

from bot.services.catalogue import (
    CATALOGUE_MAX_BYTES,
    CATALOGUE_SUFFIXES,
    SHIPPED_CATALOGUES,
    CatalogueLoad,
    load_agency_text,
    load_catalogue,
    load_shipped,
    parse_catalogue_bytes,
    plan_catalogue,
    shipped_catalogue_dir,
)
from bot.services.periods import UnknownProgramme, open_period

__all__ = [
    "CATALOGUE_MAX_BYTES",
    "CATALOGUE_SUFFIXES",
    "SHIPPED_CATALOGUES",
    "CatalogueLoad",
    "UnknownProgramme",
    "load_agency_text",
    "load_catalogue",
    "load_shipped",
    "open_period",
    "parse_catalogue_bytes",
    "plan_catalogue",
    "shipped_catalogue_dir",
]
