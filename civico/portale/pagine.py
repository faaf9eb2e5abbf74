"""Services of the portal's pages: the national home, an ente's home and the page ratings."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from functools import lru_cache

import shapely.geometry
from django.conf import settings
from django.db.models import QuerySet
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from civico.catalogo.models import Categoria
from civico.core import limiti
from civico.enti.models import Ente
from civico.moderazione.cancello import maschera_campi
from civico.portale.models import (
    ASPETTI_NEGATIVI,
    ASPETTI_POSITIVI,
    MAX_DETTAGLIO_VALUTAZIONE,
    ValutazionePagina,
)
from civico.segnalazioni import consultazione, eventi
from civico.segnalazioni.models import Evento, Segnalazione, TipoEvento, Visibilita, condizione_pubblica
from civico.stati import Stato
from civico.testo import senza_accenti

MAX_RISULTATI_RICERCA = 20
# Pages whose address carries a secret: a rating keeps the route, never the address.
_PAGINE_RISERVATE = {"portale:segnalazione_privata": "/seguimi/…"}


def enti_attivi() -> QuerySet[Ente]:
    return Ente.objects.filter(attivo=True).only("nome", "slug", "provincia").order_by("nome")


def ente(slug: str) -> Ente | None:
    """Any comune by its slug (active or not: an inactive one gets its own explanation)."""
    return Ente.objects.filter(slug=slug).defer("confine").first()


def cerca_comuni(testo: str) -> list[dict]:
    """Comuni whose name contains the words typed, with or without accents; active ones first,
    then names that start with them. Over 7,899 names a scan in Python is a few milliseconds and
    behaves the same on SQLite and PostgreSQL."""
    chiave = senza_accenti(testo).lower().strip()[:80]
    if len(chiave) < 2:
        return []
    trovati = []
    for nome, slug, provincia, attivo in Ente.objects.values_list("nome", "slug", "provincia", "attivo"):
        normale = senza_accenti(nome).lower()
        if chiave in normale:
            ordine = (not attivo, not normale.startswith(chiave), normale)
            trovati.append((ordine, {"nome": nome, "slug": slug, "provincia": provincia, "attivo": attivo}))
    trovati.sort(key=lambda t: t[0])
    return [t[1] for t in trovati[:MAX_RISULTATI_RICERCA]]


def riquadro(ente: Ente) -> list[list[float]] | None:
    """The comune's bounding box as [[south, west], [north, east]], where its map opens."""
    return _riquadro(ente.pk, ente.confine_aggiornato_il)


@lru_cache(maxsize=1024)
def _riquadro(pk: int, versione: datetime) -> list[list[float]] | None:
    # Keyed by the boundary's version: a redrawn boundary is read again.
    confine = Ente.objects.filter(pk=pk).values_list("confine", flat=True).first()
    if not confine:
        return None
    ovest, sud, est, nord = shapely.geometry.shape(confine).bounds
    return [[round(sud, 5), round(ovest, 5)], [round(nord, 5), round(est, 5)]]


def recenti(ente: Ente, quante: int = 10) -> list[Segnalazione]:
    return list(consultazione.elenco_pubblico().filter(ente=ente).order_by("-creata_il")[:quante])


def risolte_ultimi_12_mesi(ente: Ente) -> int:
    """Public reports resolved in the last 365 days, counted from the event log (the source of
    truth), so a report resolved, reopened and resolved again counts once."""
    dal = timezone.now() - timedelta(days=365)
    return (
        Evento.objects.filter(
            condizione_pubblica("segnalazione__", ente=ente),
            ente=ente, creato_il__gte=dal, tipo=TipoEvento.STATE_CHANGED, stato_a=Stato.RESOLVED,
            visibilita=Visibilita.PUBBLICA,
        )
        .values("segnalazione_id")
        .distinct()
        .count()
    )


def voce_cronologia(evento: Evento) -> dict:
    """A timeline entry as the page shows it (the live stream renders the same)."""
    voce = {"evento": evento, "testo": eventi.descrizione(evento), "chi": eventi.chi(evento), "foto": None}
    allegato_id = evento.dati.get("allegato_id") if evento.tipo == TipoEvento.MEDIA_ADDED else None
    if isinstance(allegato_id, int) and (allegato := consultazione.allegato_visibile(allegato_id)):
        # A public photo (a repair, a new view) is shown where it happened, not as "an attachment".
        voce["testo"] = evento.testo or _("Aggiunta una foto.")
        voce["foto"] = {"url": consultazione.url_foto(allegato, ""),
                        "miniatura": consultazione.url_foto(allegato, "", miniatura=True)}
    return voce


def categorie(ente: Ente) -> list[Categoria]:
    return list(Categoria.objects.filter(ente=ente, attiva=True).order_by("gruppo", "ordine", "nome"))


def pagina_da_registrare(percorso: str) -> str | None:
    """The page a rating is about, as stored: a known path of this site, without its query, and
    with secrets (private links) replaced by the route's name. None if it is not our page."""
    percorso = (percorso or "").split("?", 1)[0].split("#", 1)[0]
    if not percorso.startswith("/") or percorso.startswith("//") or len(percorso) > 200:
        return None
    try:
        trovata = resolve(percorso)
    except Resolver404:
        return None
    return _PAGINE_RISERVATE.get(trovata.view_name, percorso)


_ASPETTI = {codice for codice, _testo in (*ASPETTI_POSITIVI, *ASPETTI_NEGATIVI)}


def registra_valutazione(percorso: str, voto: object, mittente: str, aspetto: object = "",
                         dettaglio: object = "") -> bool:
    """Store one rating if it is valid and the sender is not flooding us; True if stored.

    The follow-up answer is kept if it is one of the model's; the free text passes the masking
    gate (phones, e-mails, codici fiscali… never stored) and is cut to its length.
    `mittente` (the client address) is only hashed into a short-lived rate-limit key."""
    pagina = pagina_da_registrare(percorso)
    try:
        voto = int(str(voto))
    except ValueError:
        return False
    if pagina is None or not 1 <= voto <= 5:
        return False
    impronta = hashlib.blake2s(mittente.encode(), key=settings.SECRET_KEY.encode()[:32]).hexdigest()[:20]
    if limiti.consuma(f"valutazione:{impronta}", limite=30, finestra_s=3600) is not None:
        return False
    aspetto = str(aspetto or "")
    testo = " ".join(str(dettaglio or "").split())[:MAX_DETTAGLIO_VALUTAZIONE]
    testo = maschera_campi(dettaglio=testo).testi["dettaglio"][:MAX_DETTAGLIO_VALUTAZIONE]
    ValutazionePagina.objects.create(pagina=pagina, voto=voto, aspetto=aspetto if aspetto in _ASPETTI else "",
                                     dettaglio=testo, creata_il=timezone.localdate())
    return True


def informativa(slug: str) -> tuple[Ente, list] | None:
    """The art. 13 notice of an active comune, generated from its settings (civico.accounts)."""
    from civico.accounts import informativa as generatore

    e = Ente.objects.filter(slug=slug, attivo=True).defer("confine").first()
    return (e, generatore.informativa(e)) if e else None


def registro_trattamenti(slug: str) -> tuple[Ente, list] | None:
    """The comune's entry in the register of processing activities (art. 30 GDPR)."""
    from civico.accounts import informativa as generatore

    e = Ente.objects.filter(slug=slug, attivo=True).defer("confine").first()
    return (e, generatore.registro(e)) if e else None
