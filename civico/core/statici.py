"""Static files as the browser should get them: hashed names, pre-compressed, cached for a year."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticiCompilati(CompressedManifestStaticFilesStorage):
    """Whitenoise's storage, with hashed URLs even when DEBUG is on.

    Django's manifest storage hands out the *unhashed* name under DEBUG, so the demo (`make run`
    runs with DEBUG) would serve every stylesheet with `max-age=0` and a phone would download it
    again at every page. A hashed name never changes content, so it is safe to cache forever.
    """

    def url(self, name: str | None, force: bool = False) -> str:
        return super().url(name, force=True)
