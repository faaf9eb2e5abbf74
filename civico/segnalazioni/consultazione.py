"""Reading reports for the public: what may be shown, and nothing more."""

from __future__ import annotations

from django.db.models import Prefetch

from civico.segnalazioni.models import Allegato, Segnalazione


def _con_dettagli():
    return Segnalazione.objects.select_related("ente", "categoria", "ufficio").prefetch_related(
        Prefetch("allegati", queryset=Allegato.objects.filter(pubblico=True), to_attr="foto_pubbliche")
    )


def pubblica(codice: str) -> Segnalazione | None:
    """A report by tracking code, if the public may see it."""
    return _con_dettagli().filter(codice=codice.upper(), pubblica=True, ente__attivo=True).first()


def per_token(token: str) -> Segnalazione | None:
    """A report by the reporter's private token (public or not)."""
    if not token or len(token) > 64:
        return None
    return _con_dettagli().filter(token=token).first()


def allegato_visibile(pk: int) -> Allegato | None:
    """An attachment the public may download: a public photo of a public report."""
    return (
        Allegato.objects.select_related("segnalazione")
        .filter(pk=pk, pubblico=True, segnalazione__pubblica=True)
        .first()
    )
