"""Static files as the browser should get them: hashed names, pre-compressed, cached for a year."""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

from civico.core import css_usato


class StaticiCompilati(CompressedManifestStaticFilesStorage):
    """Whitenoise's storage, with hashed URLs even when DEBUG is on.

    Django's manifest storage hands out the *unhashed* name under DEBUG, so the demo (`make run`
    runs with DEBUG) would serve every stylesheet with `max-age=0` and a phone would download it
    again at every page. A hashed name never changes content, so it is safe to cache forever.
    """

    def url(self, name: str | None, force: bool = False) -> str:
        return super().url(name, force=True)


class CssUsatoFinder(BaseFinder):
    """Finds `civico/bootstrap-italia-usato.css`, the kit's stylesheet cut to what Civico uses
    (civico.core.css_usato), generated under var/ from the installed kit and our sources: by
    collectstatic (`make run`, production) and on first use in development and tests. Once per
    process: in development a template naming a class new to the pages needs a restart."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cartella = Path(settings.VAR_DIR) / "statici-generati"
        self._pronto = False
        self._lucchetto = threading.Lock()

    def _genera(self) -> Path:
        percorso = self.cartella / css_usato.NOME
        with self._lucchetto:  # the first requests arrive together: one thread cuts, the others wait
            if not self._pronto:
                kit = Path(importlib.util.find_spec("bootstrap_italia_template").origin).parent
                css_usato.genera(kit / "static" / "css" / "bootstrap-italia.min.css", Path(settings.PACKAGE_DIR),
                                 percorso)
                self._pronto = True
        return percorso

    def check(self, **kwargs: Any) -> list:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str]:
        trovato = path == css_usato.NOME
        if find_all or kwargs.get("all"):
            return [str(self._genera())] if trovato else []
        return str(self._genera()) if trovato else []

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        self._genera()
        yield css_usato.NOME, FileSystemStorage(location=self.cartella)
