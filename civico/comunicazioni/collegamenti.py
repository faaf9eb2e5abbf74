"""Absolute links put in messages, and the signed tokens of the one-click links.

The paths of this app are written here rather than reversed: notifications are composed inside
every report's transaction, and must not depend on how the project mounts this app's URLs
(tests/comunicazioni/test_pagine.py checks they match urls.py)."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from civico.comunicazioni.impostazioni import impostazione, url_assoluto
from civico.segnalazioni.models import Segnalazione

_SALE_DISISCRIZIONE = "comunicazioni.disiscriviti"
_SALE_RISOLUZIONE = "comunicazioni.risoluzione"
_SALE_CONFERMA_ISCRIZIONE = "comunicazioni.conferma-iscrizione"


def pagina_pubblica(s: Segnalazione) -> str:
    return url_assoluto(reverse("portale:segnalazione", args=[s.codice]))


def pagina_privata(s: Segnalazione) -> str:
    return url_assoluto(reverse("portale:segnalazione_privata", args=[s.token]))


def disiscrizione(tipo: str, pk: int) -> str:
    """tipo "i": an Iscrizione (a followed report); "a": an Allerta (an area)."""
    firmato = signing.dumps({"t": tipo, "id": pk}, salt=_SALE_DISISCRIZIONE, compress=True)
    return url_assoluto(f"/comunicazioni/disiscriviti/{firmato}/")


def leggi_disiscrizione(firmato: str) -> tuple[str, int] | None:
    try:
        dati = signing.loads(firmato, salt=_SALE_DISISCRIZIONE)
        return str(dati["t"]), int(dati["id"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def risoluzione(s: Segnalazione, risolto: bool) -> str:
    # The token's head ties the link to this report's private link: a new token voids it.
    firmato = signing.dumps({"s": s.pk, "r": int(risolto), "k": s.token[:8]}, salt=_SALE_RISOLUZIONE)
    return url_assoluto(f"/comunicazioni/risolto/{firmato}/")


def leggi_risoluzione(firmato: str) -> tuple[Segnalazione, bool] | None:
    """The report and the answer, if the link is genuine and not expired."""
    giorni = int(impostazione("GIORNI_LINK_RISOLUZIONE"))
    try:
        dati = signing.loads(firmato, salt=_SALE_RISOLUZIONE, max_age=giorni * 86400)
        s = Segnalazione.objects.get(pk=int(dati["s"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, Segnalazione.DoesNotExist):
        return None
    if s.token[:8] != dati.get("k"):
        return None
    return s, bool(dati["r"])


def conferma_iscrizione(s: Segnalazione, email: str, lingua: str) -> str:
    """The double opt-in link of someone without an account who asked to follow `s`."""
    firmato = signing.dumps({"s": s.pk, "e": email, "l": lingua}, salt=_SALE_CONFERMA_ISCRIZIONE, compress=True)
    return url_assoluto(f"/comunicazioni/segui/{firmato}/")


def leggi_conferma_iscrizione(firmato: str) -> tuple[int, str, str] | None:
    """(report id, e-mail, language) if the link is genuine and younger than GIORNI_CONFERMA_ISCRIZIONE."""
    giorni = int(impostazione("GIORNI_CONFERMA_ISCRIZIONE"))
    try:
        dati = signing.loads(firmato, salt=_SALE_CONFERMA_ISCRIZIONE, max_age=giorni * 86400)
        return int(dati["s"]), str(dati["e"]), str(dati.get("l", ""))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def feed_avvisi(ente) -> str:
    return url_assoluto(f"/{ente.slug}/avvisi.atom")
