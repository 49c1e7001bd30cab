"""Compile the gettext catalogues into the package at build time.

`locales/*/LC_MESSAGES/messages.po` are the source of truth; a wheel carries them compiled as
`bot/locale/<lang>/LC_MESSAGES/messages.mo`, so an installed bot speaks Vietnamese without ever writing
into its install tree. Everything else about the build is in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithCatalogues(build_py):
    """build_py, then every messages.po compiled to a .mo inside the built `bot` package."""

    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po_path in sorted((ROOT / "locales").glob("*/LC_MESSAGES/messages.po")):
            language = po_path.parent.parent.name
            target = Path(self.build_lib) / "bot" / "locale" / language / "LC_MESSAGES" / "messages.mo"
            target.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=language)
            with target.open("wb") as mo_file:
                write_mo(mo_file, catalog, use_fuzzy=False)


setup(cmdclass={"build_py": BuildWithCatalogues})
