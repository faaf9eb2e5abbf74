"""What people add to a report besides state changes: messages, answers, notes, photos, the
reporter's verdict after resolution, the operator assignment. Each is one door, like the workflow:
lock the row, check the actor, write, append the event."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civico.accounts.models import Utente
from civico.accounts.permissions import RUOLI_OPERATIVI, SEGNALANTE, Attore, ruoli_attore, ruoli_su
from civico.errors import InvalidData, NotAllowed
from civico.segnalazioni import eventi, media, workflow
from civico.segnalazioni.models import Allegato, Segnalazione, TipoAllegato, TipoEvento, Visibilita
from civico.stati import Stato
from civico.testo import MAX_DESCRIZIONE, valida_testo


def _testo_obbligatorio(testo: str) -> str:
    errori: dict = {}
    pulito = valida_testo(testo, "testo", MAX_DESCRIZIONE, errori, obbligatorio=True)
    if errori:
        raise InvalidData(errori)
    return pulito


def _bloccata(segnalazione: Segnalazione) -> Segnalazione:
    return Segnalazione.objects.select_for_update().get(pk=segnalazione.pk)


def _staff(attore: Attore, s: Segnalazione) -> None:
    if not ruoli_attore(attore, s) & RUOLI_OPERATIVI:
        raise NotAllowed(_("Solo gli uffici che lavorano la segnalazione possono farlo."))


def commenta(segnalazione: Segnalazione, attore: Attore, testo: str) -> Segnalazione:
    """A message of the reporter to the office: visible to them and to staff, never public."""
    testo = _testo_obbligatorio(testo)
    with transaction.atomic():
        s = _bloccata(segnalazione)
        if SEGNALANTE not in ruoli_attore(attore, s):
            raise NotAllowed(_("Solo chi ha fatto la segnalazione può scrivere all'ufficio."))
        _registra(s, TipoEvento.COMMENT, attore, Visibilita.SEGNALANTE, testo)
    return s


def rispondi(
    segnalazione: Segnalazione, attore: Attore, testo: str, *, solo_al_segnalante: bool = False
) -> Segnalazione:
    """The office's answer: public, or only to the reporter."""
    testo = _testo_obbligatorio(testo)
    with transaction.atomic():
        s = _bloccata(segnalazione)
        _staff(attore, s)
        visibilita = Visibilita.SEGNALANTE if solo_al_segnalante else Visibilita.PUBBLICA
        _registra(s, TipoEvento.PUBLIC_ANSWER, attore, visibilita, testo)
    return s


def annota(segnalazione: Segnalazione, attore: Attore, testo: str) -> Segnalazione:
    """An internal note: staff only."""
    testo = _testo_obbligatorio(testo)
    with transaction.atomic():
        s = _bloccata(segnalazione)
        _staff(attore, s)
        _registra(s, TipoEvento.INTERNAL_NOTE, attore, Visibilita.INTERNA, testo)
    return s


def assegna(segnalazione: Segnalazione, attore: Attore, operatore: Utente | None) -> Segnalazione:
    """Assign the report to an operator of its ente (or to nobody)."""
    with transaction.atomic():
        s = _bloccata(segnalazione)
        _staff(attore, s)
        if operatore is not None and not ruoli_su(operatore, s) & RUOLI_OPERATIVI:
            raise InvalidData({"assegnatario": [_("Questa persona non lavora sulle segnalazioni di questo ufficio.")]})
        s.assegnatario = operatore
        quando = timezone.now()
        eventi.aggiorna(s, quando)
        s.save()
        eventi.registra(s, TipoEvento.ASSIGNED, attore, quando=quando, visibilita=Visibilita.INTERNA,
                        dati={"assegnatario_id": operatore.pk if operatore else None})
    return s


def aggiungi_allegato(segnalazione: Segnalazione, attore: Attore, nome: str, dati: Any) -> Allegato:
    """A photo or document added after submission, by the reporter or by staff."""
    preparato = media.prepara_allegato(nome, dati)
    with transaction.atomic():
        s = _bloccata(segnalazione)
        ruoli = ruoli_attore(attore, s)
        if not ruoli & (RUOLI_OPERATIVI | {SEGNALANTE}):
            raise NotAllowed(_("Non puoi aggiungere allegati a questa segnalazione."))
        media.verifica_numero_allegati(s.allegati.count() + 1)
        a = Allegato(
            segnalazione=s, tipo=preparato.tipo, nome_originale=preparato.nome_originale,
            content_type=preparato.content_type, dimensione=len(preparato.contenuto),
            larghezza=preparato.larghezza, altezza=preparato.altezza, sha256=preparato.sha256,
            pubblico=preparato.tipo == TipoAllegato.FOTO and s.pubblica,
        )
        a.file.save(preparato.nome_file, ContentFile(preparato.contenuto), save=False)
        try:
            if preparato.miniatura:
                a.miniatura.save(f"min-{preparato.nome_file}", ContentFile(preparato.miniatura), save=False)
            a.save()
            visibilita = Visibilita.PUBBLICA if a.pubblico else Visibilita.SEGNALANTE
            _registra(s, TipoEvento.MEDIA_ADDED, attore, visibilita, "", dati={"allegato_id": a.pk})
        except BaseException:
            a.file.delete(save=False)
            if a.miniatura:
                a.miniatura.delete(save=False)
            raise
    return a


def conferma_risoluzione(
    segnalazione: Segnalazione, attore: Attore, *, risolto: bool, testo: str = ""
) -> Segnalazione:
    """The reporter answers "Il problema è stato risolto?": yes closes it, no reopens it."""
    if segnalazione.stato != Stato.RESOLVED:
        raise InvalidData({"risolto": [_("Si può confermare solo una segnalazione risolta.")]})
    if risolto:
        return workflow.transition(segnalazione, "close", attore, testo=testo)
    motivo = (testo or "").strip() or str(_("Il segnalante indica che il problema non è stato risolto."))
    return workflow.transition(segnalazione, "reopen", attore, testo=motivo)


def localizza(segnalazione: Segnalazione, attore: Attore, lat: float, lon: float) -> Segnalazione:
    """The office places a report that arrived with its place in words only (`da_localizzare`):
    the point (inside the comune), its H3 cell and the nearest house number's address where the
    comune has a gazetteer (else the words stay the address). The event keeps the words."""
    import h3

    from civico.enti import geo
    from civico.territorio import gazetteer

    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        lat = lon = math.nan
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise InvalidData({"posizione": [_("Indica il punto sulla mappa.")]})
    with transaction.atomic():
        s = _bloccata(segnalazione)
        _staff(attore, s)
        if not s.da_localizzare:
            raise InvalidData({"posizione": [_("La segnalazione ha già un luogo sulla mappa.")]})
        if not geo.punto_in_ente(s.ente, lat, lon):
            raise InvalidData({"posizione": [
                _("Il punto indicato non è nel territorio di %(nome)s.") % {"nome": s.ente.nome}]})
        descritto = s.indirizzo
        trovato = gazetteer.indirizzo_piu_vicino(s.ente, lat, lon)
        s.lat, s.lon, s.da_localizzare = lat, lon, False
        s.cella_h3 = h3.latlng_to_cell(lat, lon, settings.CIVICO["H3_RESOLUTION"])
        if trovato:
            s.indirizzo, s.cap = trovato.testo[:250], trovato.cap or ""
        _registra(s, TipoEvento.LOCATED, attore, Visibilita.PUBBLICA, "",
                  {"indirizzo": s.indirizzo, "luogo_descritto": descritto, "lat": lat, "lon": lon})
    return s


def _registra(s: Segnalazione, tipo: str, attore: Attore, visibilita: str, testo: str, dati: dict | None = None):
    quando = timezone.now()
    eventi.aggiorna(s, quando)
    s.save()
    return eventi.registra(s, tipo, attore, quando=quando, visibilita=visibilita, testo=testo, dati=dati)
