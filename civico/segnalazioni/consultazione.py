"""Reading reports for the public: what may be shown, and nothing more.

`scheda_pubblica()` is the one public representation of a report: the public page, Open311 and
the JSON API all build their output from it, so they cannot disagree or leak a field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from civico.segnalazioni.models import Allegato, Segnalazione
from civico.segnalazioni.stati import Stato
from civico.segnalazioni.workflow import stato_open311


def elenco_pubblico() -> QuerySet[Segnalazione]:
    """Every report the public may see, with what `scheda_pubblica` reads (no N+1 queries)."""
    return (
        Segnalazione.objects.filter(pubblica=True, ente__attivo=True)
        .select_related("ente", "categoria", "ufficio", "duplicato_di")
        .defer("ente__confine")  # a comune's boundary is large and never shown with a report
        .prefetch_related(
            Prefetch(
                "allegati",
                queryset=Allegato.objects.filter(pubblico=True).order_by("id"),
                to_attr="foto_pubbliche",
            )
        )
    )


def pubblica(codice: str) -> Segnalazione | None:
    """A report by tracking code, if the public may see it."""
    return elenco_pubblico().filter(codice=codice.strip().upper()).first()


def per_token(token: str) -> Segnalazione | None:
    """A report by the reporter's private token (public or not)."""
    if not token or len(token) > 64:
        return None
    return (
        Segnalazione.objects.select_related("ente", "categoria", "ufficio", "duplicato_di")
        .prefetch_related(
            Prefetch("allegati", queryset=Allegato.objects.filter(pubblico=True), to_attr="foto_pubbliche")
        )
        .filter(token=token)
        .first()
    )


def allegato_visibile(pk: int) -> Allegato | None:
    """An attachment the public may download: a public photo of a public report."""
    return (
        Allegato.objects.select_related("segnalazione")
        .filter(pk=pk, pubblico=True, segnalazione__pubblica=True)
        .first()
    )


def url_foto(allegato: Allegato, base_url: str, *, miniatura: bool = False) -> str:
    nome = "portale:miniatura" if miniatura else "portale:allegato"
    return base_url.rstrip("/") + reverse(nome, args=[allegato.pk])


def scheda_pubblica(s: Segnalazione, base_url: str) -> dict[str, Any]:
    """The public facts of a report. Never the reporter's data, the token or internal notes."""
    foto = getattr(s, "foto_pubbliche", None)
    if foto is None:
        foto = list(s.allegati.filter(pubblico=True).order_by("id"))
    base = base_url.rstrip("/")
    return {
        "codice": s.codice,
        "uuid": str(s.uuid),
        "ente": {"nome": s.ente.nome, "codice_istat": s.ente.codice_istat, "slug": s.ente.slug},
        "categoria": {"codice": s.categoria.codice, "nome": s.categoria.nome},
        "ufficio": s.ufficio.nome if s.ufficio else None,
        "stato": s.stato,
        # Stato(...).label, not get_stato_display(): the latter rebuilds the choices on every call,
        # which costs ~60 ms on a list of 1,000 reports.
        "stato_etichetta": str(Stato(s.stato).label),
        "stato_open311": stato_open311(s.stato),
        "priorita": s.priorita,
        "titolo": s.titolo,
        "descrizione": s.descrizione,
        "lat": s.lat,
        "lon": s.lon,
        "indirizzo": s.indirizzo,
        "cap": s.cap,
        "canale": s.canale,
        "creata_il": s.creata_il,
        "aggiornata_il": s.aggiornata_il,
        "scadenza": s.scadenza,
        "nota_pubblica": s.nota_pubblica,
        "duplicato_di": s.duplicato_di.codice if s.duplicato_di else None,
        "foto": [{"url": url_foto(a, base), "miniatura": url_foto(a, base, miniatura=True)} for a in foto],
        "url_media_esterno": s.url_media_esterno,
        "url": base + reverse("portale:segnalazione", args=[s.codice]),
    }


def iso(valore: datetime | date | None) -> str | None:
    """W3C datetimes with their offset (2026-05-04T09:30:00+02:00), in the comune's time zone."""
    if valore is None:
        return None
    if isinstance(valore, datetime):
        from django.utils import timezone

        return timezone.localtime(valore).replace(microsecond=0).isoformat()
    return valore.isoformat()
