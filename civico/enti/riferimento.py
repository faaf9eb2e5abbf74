"""An ente named from outside (an API parameter, a command's option): by ISTAT code or slug."""

from __future__ import annotations

from civico.enti.models import Ente


def trova_ente(riferimento: str) -> Ente | None:
    """The ente whose ISTAT code (all digits) or slug is `riferimento`, or None."""
    rif = riferimento.strip()
    campo = "codice_istat" if rif.isdigit() else "slug"
    return Ente.objects.filter(**{campo: rif.lower()}).first()
