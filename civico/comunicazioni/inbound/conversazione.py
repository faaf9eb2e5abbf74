"""The dialogue of a report by message, whatever the channel (SMS, Telegram…): "BUCA via Dante 12"
becomes a report of that category at that address; what is missing (the problem, the place, a
required answer) is asked by reply, and the next message of the same sender on the same channel
completes it. The conversation is forgotten after a day or on "ANNULLA".

The channel receives, calls `conversa` and sends back `EsitoConversazione.righe` its own way; this
module sends nothing."""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from civico.accounts.permissions import Attore
from civico.catalogo import services as catalogo
from civico.catalogo.models import Categoria
from civico.comunicazioni.inbound import lettura_testo as lettura
from civico.comunicazioni.inbound.lettura_risposte import leggi_risposta, leggi_si_no
from civico.comunicazioni.models import Conversazione
from civico.enti.models import Ente
from civico.errors import DomainError, InvalidData
from civico.formati.telefono import normalizza_telefono
from civico.segnalazioni import eventi, intake, interazioni, media
from civico.segnalazioni.models import Canale, Segnalazione, TipoEvento, Visibilita
from civico.stati import Stato
from civico.testo import MAX_DESCRIZIONE, MAX_TITOLO

DURATA_CONVERSAZIONE = timedelta(days=1)
TENTATIVI_PER_DOMANDA = 2  # answers not understood before a question is left to the office
PAROLE_ANNULLA = frozenset({"ANNULLA", "STOP", "CANCEL"})

_come_si_risponde = lazy(lettura.come_si_risponde, str)
_NON_CAPITO = _("Non abbiamo capito la risposta.")
DA_LOCALIZZARE = _("Non troviamo il luogo sulla mappa: l'ufficio lo individuerà dalla tua descrizione "
                   "(«%(luogo)s»).")


def _con(modello, **valori) -> str:
    """A translated text with its values, translated when it is sent (the recipient's language)."""
    return lazy(lambda: str(modello) % valori, str)()


@dataclass(frozen=True)
class EsitoConversazione:
    """What became of a message, and the reply to send back (each line a text or a lazy text:
    `str()` it in the recipient's language)."""

    azione: str  # creata, richiesta, annullata, ignorata
    righe: list = field(default_factory=list)
    segnalazione: Segnalazione | None = None

    @property
    def testo(self) -> str:
        return " ".join(str(r) for r in self.righe)


def conversa(ente: Ente, *, canale: str, mittente: str, testo: str, chiave: str,
             allegati: Sequence[tuple[str, bytes]] = ()) -> EsitoConversazione:
    """One message of `mittente` on `canale` (a phone number, a chat id) to `ente`; `chiave` names
    the message once (idempotent intake). `allegati`: (name, bytes) pairs, photos."""
    with transaction.atomic():
        return _conversa(ente, canale, mittente, " ".join((testo or "").split()), chiave, allegati)


def _conversa(ente: Ente, canale: str, mittente: str, testo: str, chiave: str,
              allegati: Sequence[tuple[str, bytes]]) -> EsitoConversazione:
    adesso = timezone.now()
    conv = Conversazione.objects.select_for_update().filter(canale=canale, mittente=mittente).first()
    if conv and (conv.ente_id != ente.pk or conv.aggiornata_il < adesso - DURATA_CONVERSAZIONE):
        conv.delete()
        conv = None
    if testo.upper() in PAROLE_ANNULLA:
        if conv:
            conv.delete()
        return EsitoConversazione("annullata", [_("Segnalazione annullata.")])
    dati = conv.dati if conv else {"testi": []}
    if (esito := _risolto(ente, canale, mittente, testo, dati)) is not None:
        if esito.azione == "richiesta":
            _salva(ente, canale, mittente, dati)
        elif conv and not dati["testi"]:
            conv.delete()
        return esito
    scartati = _conserva_allegati(dati, allegati)
    if not testo and not dati["testi"]:
        _salva(ente, canale, mittente, dati)
        return EsitoConversazione("richiesta", [*scartati, _(
            "Scrivi il problema e l'indirizzo, per esempio: BUCA via Roma 12.")])
    if testo:
        dati["testi"].append(testo)
    tutto = " ".join(dati["testi"])
    if not dati.get("categoria"):
        trovata = lettura.categoria(ente, tutto)
        dati["categoria"] = trovata.codice if trovata else ""
    if not dati.get("lat") and not dati.get("luogo"):
        _trova_il_luogo(ente, dati, tutto, testo)
    categoria = catalogo.trova_categoria(ente, dati["categoria"]) if dati["categoria"] else None
    risposte = dict(dati.get("risposte", {}))
    rimandate: list[str] = dati.setdefault("rimandate", [])
    capito = True
    if categoria and testo:
        risposte.update({k: v for k, v in lettura.risposte_dal_testo(categoria, testo).items() if k not in risposte})
        capito = _leggi_la_risposta(categoria, dati, risposte, testo)
    dati["risposte"] = risposte

    domanda = None
    if categoria is None:
        domanda = _("Che problema vuoi segnalare? Per esempio: BUCA, LAMPIONE spento, RIFIUTI.")
    elif not dati.get("lat") and not dati.get("luogo"):
        dati["chiesto_luogo"] = True
        domanda = _("Dove? Scrivi la via e il numero civico, per esempio: via Roma 12.")
    elif mancanti := [d for d in lettura.domande_mancanti(categoria, risposte) if d.codice not in rimandate]:
        dati["domanda"] = mancanti[0].codice
        domanda = _come_si_risponde(mancanti[0])
    if domanda is not None:
        _salva(ente, canale, mittente, dati)
        return EsitoConversazione("richiesta", [*scartati, *([] if capito else [_NON_CAPITO]), domanda])

    if conv:
        conv.delete()
    da_localizzare = not dati.get("lat")
    nuova = intake.NuovaSegnalazione(
        lat=dati.get("lat"), lon=dati.get("lon"), titolo=dati["testi"][0][:MAX_TITOLO], categoria=categoria.codice,
        descrizione=tutto[:MAX_DESCRIZIONE], canale=canale if canale in Canale.values else Canale.APP,
        indirizzo=(dati.get("indirizzo") or dati.get("luogo", ""))[:250], risposte=risposte, ente=ente,
        da_localizzare=da_localizzare,
        telefono=mittente if canale == Canale.SMS else "",
        dati_client={} if canale == Canale.SMS else {canale: mittente},
        domande_all_ufficio=tuple(rimandate), categoria_dal_testo=True,
    )
    try:
        # The receipt (code and link) reaches the reporter through the outbox, on their channel.
        ricevuta = intake.submit(nuova, _allegati(dati), chiave_idempotenza=f"{canale}:{chiave[:48]}")
    except (InvalidData, DomainError) as exc:
        return EsitoConversazione("richiesta", [_("Non siamo riusciti a registrare la segnalazione:"), str(exc)])
    righe = [*scartati]
    if da_localizzare:
        righe.append(_con(DA_LOCALIZZARE, luogo=ricevuta.segnalazione.indirizzo))
    if rimandate and ricevuta.creata:
        righe += lascia_all_ufficio(ricevuta.segnalazione, categoria, rimandate, dati.get("tentativi", {}))
    return EsitoConversazione("creata", righe, ricevuta.segnalazione)


def _leggi_la_risposta(categoria: Categoria, dati: dict, risposte: dict, testo: str) -> bool:
    """The message as the answer to the question we asked (inbound/lettura_risposte.py); False
    if it does not answer it. After the second failed try the question is left to the office."""
    codice = dati.get("domanda")
    domanda = next((d for d in categoria.domande.all() if d.codice == codice), None)
    if domanda is None or risposte.get(codice) not in (None, "", []):
        return True
    valore = leggi_risposta(domanda, testo)
    if valore is not None:
        risposte[codice] = valore
        return True
    tentativi = dati.setdefault("tentativi", {})
    tentativi.setdefault(codice, []).append(testo[:200])
    if len(tentativi[codice]) >= TENTATIVI_PER_DOMANDA and codice not in dati["rimandate"]:
        dati["rimandate"].append(codice)
    return False


def lascia_all_ufficio(s: Segnalazione, categoria: Categoria, rimandate: list[str], tentativi: dict) -> list:
    """The questions the reporter's messages did not answer: on the report for the office (an
    internal note with what was written), and the reporter told the office will see to them."""
    domande = [d for d in categoria.domande.all() if d.codice in rimandate]
    testo = "\n".join(
        gettext("Domanda senza risposta: «%(domanda)s». Risposte non comprese: %(risposte)s.") % {
            "domanda": d.testo, "risposte": "; ".join(f"«{t}»" for t in tentativi.get(d.codice, [])) or "-"}
        for d in domande)
    eventi.registra(s, TipoEvento.INTERNAL_NOTE, Attore.di_sistema(), quando=timezone.now(),
                    visibilita=Visibilita.INTERNA, testo=testo[:MAX_DESCRIZIONE],
                    dati={"domande_senza_risposta": [d.codice for d in domande]})
    return [_("Segnalazione registrata. Alle domande a cui non abbiamo saputo leggere la risposta penserà "
              "l'ufficio, se serve ti contatterà.")]


def _risolto(ente: Ente, canale: str, mittente: str, testo: str, dati: dict) -> EsitoConversazione | None:
    """The answer to "Risolto? Rispondi SI o NO" (the resolution's status message): yes closes the
    reporter's resolved report, no reopens it, through the workflow's door for the reporter. With
    several resolved reports of the sender, which one is asked (by code). None: not such an answer."""
    attesa = dati.pop("risolto", None)
    if dati["testi"] and attesa is None:
        return None  # a new report is being written: "no" answers its question
    risolte = _risolte_del_mittente(ente, canale, mittente)
    if not risolte:
        return None
    nominata = _codice_nominato(testo, risolte)
    risposta = leggi_si_no(testo)
    if attesa is not None:
        risposta = attesa["si"] if risposta is None else risposta
    elif risposta is None:
        return None
    if nominata is None and len(risolte) == 1:
        nominata = risolte[0]
    if nominata is None:
        dati["risolto"] = {"si": risposta, "testo": testo}
        return EsitoConversazione("richiesta", [
            _("Hai più segnalazioni risolte: quale? Rispondi con il codice:"), ", ".join(r.codice for r in risolte)])
    motivo = "" if risposta else (attesa or {}).get("testo", testo)
    interazioni.conferma_risoluzione(nominata, Attore.del_segnalante(nominata.segnalante), risolto=risposta,
                                     testo=motivo)
    if risposta:
        riga = _("Grazie! La segnalazione %(codice)s è chiusa.")
    else:
        riga = _("La segnalazione %(codice)s è stata riaperta: l'ufficio se ne occuperà di nuovo.")
    return EsitoConversazione("confermata" if risposta else "riaperta", [_con(riga, codice=nominata.codice)],
                              nominata)


def _risolte_del_mittente(ente: Ente, canale: str, mittente: str) -> list[Segnalazione]:
    """The sender's reports waiting for their "risolto?", newest first: by phone for SMS (as
    written on the report, normalised), by the channel's address for the others."""
    qs = Segnalazione.objects.filter(ente=ente, stato=Stato.RESOLVED).order_by("-aggiornata_il")
    if canale == Canale.SMS:
        cifre = "".join(c for c in mittente if c.isdigit())[-6:]
        return [s for s in qs.filter(segnalante_telefono__contains=cifre[-4:])
                if s.segnalante_telefono and normalizza_telefono(s.segnalante_telefono) == mittente][:10]
    return list(qs.filter(**{f"dati_client__{canale}": mittente})[:10])


def _codice_nominato(testo: str, risolte: list[Segnalazione]) -> Segnalazione | None:
    """The report the text names by its code, whole ("AL-2026-000123") or by its number ("123")."""
    maiuscolo = testo.upper()
    for s in risolte:
        if s.codice.upper() in maiuscolo:
            return s
    numeri = {int(n) for n in re.findall(r"\d+", testo)}
    trovate = [s for s in risolte if s.numero in numeri]
    return trovate[0] if len(trovate) == 1 else None


def _trova_il_luogo(ente: Ente, dati: dict, tutto: str, testo: str) -> None:
    trovato = lettura.luogo(ente, tutto, testo if dati.get("chiesto_luogo") else "")
    if isinstance(trovato, str):
        dati["luogo"] = trovato
    else:
        dati.update(lat=trovato.lat, lon=trovato.lon, indirizzo=trovato.testo)


def _salva(ente: Ente, canale: str, mittente: str, dati: dict) -> None:
    Conversazione.objects.update_or_create(
        canale=canale, mittente=mittente, defaults={"ente": ente, "dati": dati, "aggiornata_il": timezone.now()})


def _conserva_allegati(dati: dict, allegati: Sequence[tuple[str, bytes]]) -> list:
    """Photos sent along the dialogue wait in it for the report (intake's checks first); the
    refused ones are named in the reply."""
    tenuti = dati.setdefault("allegati", [])
    buoni, scartati = media.vaglia_allegati(allegati, posti=settings.CIVICO["MAX_FILES_PER_REPORT"] - len(tenuti))
    tenuti += [[nome, base64.b64encode(contenuto).decode("ascii")] for nome, contenuto in buoni]
    if scartati:
        scartati.insert(0, _("Alcuni allegati non sono stati accettati:"))
    return scartati


def _allegati(dati: dict) -> list[tuple[str, bytes]]:
    return [(nome, base64.b64decode(contenuto)) for nome, contenuto in dati.get("allegati", [])]
