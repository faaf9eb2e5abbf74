"""Reports taken on a citizen's behalf: a phone call, a letter, a visit to the counter, an e-mail.

The office fills a short form; the report goes through `intake.submit` like every other channel
(same validation, routing and first events), with the channel recorded and the staff member as
the actor. The form carries an idempotency key, so a double click stores one report.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import shapely.geometry
from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from civico.accounts.models import Utente
from civico.accounts.permissions import Attore, enti_visibili, puo_lavorare_in_ente
from civico.catalogo.models import Categoria, Domanda, TipoDomanda
from civico.enti.models import Ente
from civico.errors import InvalidData, NotAllowed
from civico.segnalazioni import intake
from civico.segnalazioni.models import Canale, Evento, Segnalazione, TipoEvento
from civico.territorio import gazetteer
from civico.territorio.gazetteer import Indirizzo

CANALI = (Canale.PHONE, Canale.POST, Canale.COUNTER, Canale.EMAIL)
# The receipt shows the reporter's private link: printable only this long after the intake.
MINUTI_RICEVUTA = 30
CAMPI = ("canale", "categoria", "titolo", "descrizione", "indirizzo", "lat", "lon", "nome", "email", "telefono")


def enti_per_sportello(utente: Utente) -> list[Ente]:
    """The enti where this person may register reports: where they work on reports."""
    return [e for e in enti_visibili(utente).order_by("nome") if puo_lavorare_in_ente(utente, e)]


def categorie(ente: Ente) -> QuerySet[Categoria]:
    return Categoria.objects.filter(ente=ente, attiva=True).prefetch_related(
        Prefetch("domande", queryset=Domanda.objects.order_by("ordine"))
    )


def centro(ente: Ente) -> tuple[float, float]:
    """A point inside the comune, to centre the form's map."""
    if ente.confine:
        punto = shapely.geometry.shape(ente.confine).representative_point()
        return punto.y, punto.x
    return 41.9, 12.5  # no boundary loaded: Italy


def nuova_chiave() -> str:
    return uuid.uuid4().hex


def cerca_indirizzi(ente: Ente, testo: str) -> list[Indirizzo]:
    return gazetteer.cerca(ente, testo, limite=8) if testo.strip() else []


def risposte(categoria: Categoria | None, post: QueryDict) -> dict[str, Any]:
    """The answers to the category's extra questions, as the form sent them (`risposte.<code>`)."""
    if categoria is None:
        return {}
    trovate: dict[str, Any] = {}
    for domanda in categoria.domande.all():
        chiave = f"risposte.{domanda.codice}"
        if domanda.tipo == TipoDomanda.MULTI:
            valori = [v for v in post.getlist(chiave) if v]
            if valori:
                trovate[domanda.codice] = valori
        elif (valore := post.get(chiave, "").strip()) != "":
            trovate[domanda.codice] = valore
    return trovate


def registra(
    utente: Utente, ente: Ente, campi: dict[str, str], risposte: dict[str, Any],
    allegati: Sequence[tuple[str, Any]] = (), *, chiave: str = "",
) -> Segnalazione:
    """Store a report taken by the office. Raises `DomainError` with the intake's messages."""
    if not puo_lavorare_in_ente(utente, ente):
        raise NotAllowed(_("Non puoi registrare segnalazioni per il comune di %(ente)s.") % {"ente": ente.nome})
    errori: dict[str, list] = {}
    if campi.get("canale") not in CANALI:
        errori["canale"] = [_("Indica come è arrivata la segnalazione.")]
    if not campi.get("categoria"):
        errori["categoria"] = [_("Scegli una categoria.")]
    if errori:
        raise InvalidData(errori)
    dati = intake.NuovaSegnalazione(
        lat=campi.get("lat") or None, lon=campi.get("lon") or None, titolo=campi.get("titolo", ""),
        categoria=campi["categoria"], descrizione=campi.get("descrizione", ""), canale=campi["canale"],
        indirizzo=campi.get("indirizzo", ""), risposte=risposte, nome=campi.get("nome", ""),
        email=campi.get("email", ""), telefono=campi.get("telefono", ""), ente=ente,
    )
    chiave = chiave if len(chiave) == 32 and chiave.isalnum() else ""
    ricevuta = intake.submit(
        dati, allegati, attore=Attore.staff(utente),
        chiave_idempotenza=f"backoffice-{chiave}" if chiave else None,
    )
    return ricevuta.segnalazione


def minuti_ricevuta() -> int:
    return int(settings.CIVICO.get("RICEVUTA_SPORTELLO_MINUTI", MINUTI_RICEVUTA))


def verifica_ricevuta(utente: Utente, s: Segnalazione) -> None:
    """The receipt carries the reporter's private link (whoever holds it acts as the reporter), so
    it is for the citizen standing at the counter or on the phone, not for the office: only the
    person who registered the report, on an office channel, within `minuti_ricevuta()` minutes.
    Raises `NotAllowed` with the reason."""
    if s.canale not in CANALI:
        raise NotAllowed(_(
            "La ricevuta con il link privato si stampa solo per le segnalazioni registrate dall'ufficio "
            "(telefono, lettera, sportello, e-mail)."
        ))
    creata = Evento.objects.filter(segnalazione=s, tipo=TipoEvento.CREATED).only("attore", "creato_il", "dati").first()
    if creata is None or creata.attore_id != utente.pk or creata.dati.get("attore") != "staff":
        raise NotAllowed(_("Solo chi ha registrato la segnalazione può stampare la ricevuta con il link privato."))
    if timezone.now() - creata.creato_il > timedelta(minutes=minuti_ricevuta()):
        raise NotAllowed(_(
            "La ricevuta con il link privato si può stampare solo nei %(minuti)d minuti dopo la registrazione: "
            "il codice della segnalazione resta nella sua scheda."
        ) % {"minuti": minuti_ricevuta()})
