"""Intake: the one door through which every channel submits a report.

Web form, app, Open311, JSON API, e-mail, SMS and the operator's phone form all build a
`NuovaSegnalazione` and call `submit()`. It validates everything first, then stores the report,
its media and its first events in one transaction. A retried submission with the same
idempotency key returns the first report instead of creating a second one.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import h3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civico.accounts.models import ApplicazioneClient
from civico.accounts.permissions import Attore
from civico.catalogo import services as catalogo
from civico.catalogo.domande import valida_risposte
from civico.catalogo.models import Categoria
from civico.core.inserimento import inserisci
from civico.enti import geo
from civico.enti.models import Ente
from civico.errors import Conflict, DomainError, InvalidData
from civico.moderazione import cancello
from civico.moderazione import servizi as moderazione
from civico.segnalazioni import arrivo, codici, elaborazione, eventi, media, routing, sla
from civico.segnalazioni.models import Allegato, Canale, Segnalazione, TipoAllegato, TipoEvento, Visibilita
from civico.territorio import gazetteer
from civico.testo import MAX_DESCRIZIONE, MAX_TITOLO, a_luogo, valida_testo
from civico.triage import servizi as triage

_TELEFONO = re.compile(r"^\+?[0-9 ().-]{6,20}$")


@dataclass
class NuovaSegnalazione:
    """What a channel knows about a new report. Only lat/lon, title and (usually) category are
    required; the ente comes from the point unless the channel already fixed it."""

    lat: float | str | None
    lon: float | str | None
    titolo: str
    categoria: str | int | None = None
    descrizione: str = ""
    canale: str = Canale.WEB
    indirizzo: str = ""
    risposte: dict[str, Any] = field(default_factory=dict)
    nome: str = ""
    email: str = ""
    telefono: str = ""
    ente: Ente | None = None
    # Channel details (Open311 device_id/account_id…), never shown publicly.
    dati_client: dict[str, str] = field(default_factory=dict)
    url_media_esterno: str = ""
    # The reporter's language (the page's, Accept-Language or an explicit parameter), normalised
    # by `scegli_lingua`; empty: the platform's default.
    lingua: str = ""
    # Required questions a message channel could not get answered (two tries by SMS…): left to
    # the office, so the report is not lost for want of them (inbound/conversazione.py).
    domande_all_ufficio: tuple[str, ...] = ()
    # No point, only words for the place (a comune without a street gazetteer, an address it does
    # not know): accepted for the office to place on the map (segnalazioni/localizzazione.py).
    da_localizzare: bool = False
    # The category was read from the citizen's words by the channel (an SMS or e-mail dialogue needs
    # it to ask that category's questions), not chosen by a person: triage's threshold still decides
    # whether it is automatic or provisional, for operators to confirm.
    categoria_dal_testo: bool = False


def scegli_lingua(*candidati: str | None) -> str:
    """The first candidate that names a language we write in ("en", "en-GB", "EN_us" → "en"),
    else the platform's default: an unknown or malformed value is never an error."""
    disponibili = {codice for codice, _nome in settings.LANGUAGES}
    for candidato in candidati:
        primo = str(candidato or "").split(",")[0].split(";")[0].strip().replace("_", "-").lower()
        codice = primo.split("-")[0]
        if codice in disponibili:
            return codice
    return settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Ricevuta:
    segnalazione: Segnalazione
    creata: bool  # False when an idempotent retry returned the first report

    @property
    def codice(self) -> str:
        return self.segnalazione.codice

    @property
    def token(self) -> str:
        return self.segnalazione.token


def submit(
    dati: NuovaSegnalazione,
    allegati: Sequence[tuple[str, Any]] = (),
    *,
    attore: Attore | None = None,
    chiave_idempotenza: str | None = None,
    quando: datetime | None = None,
    applicazione: ApplicazioneClient | None = None,
) -> Ricevuta:
    """Validate and store a new report. Raises a `DomainError` with clear messages on bad input;
    nothing is written unless everything is valid. `quando` backdates (importers, demo)."""
    attore = attore or Attore.del_segnalante()
    errori: dict[str, list] = {}
    dati = _luogo_dall_indirizzo(dati)
    senza_punto = dati.da_localizzare and dati.ente is not None and dati.lat in (None, "")
    lat, lon = (None, None) if senza_punto else _coordinate(dati, errori)
    titolo = valida_testo(dati.titolo, "titolo", MAX_TITOLO, errori, obbligatorio=True)
    descrizione = valida_testo(dati.descrizione, "descrizione", MAX_DESCRIZIONE, errori)
    indirizzo = valida_testo(dati.indirizzo, "indirizzo", 250, errori)
    nome = valida_testo(dati.nome, "nome", 160, errori)
    email, telefono = _contatti(dati, errori)
    url_media = _url(dati.url_media_esterno, errori)
    if dati.canale not in Canale.values:
        errori.setdefault("canale", []).append(_("Canale sconosciuto: «%(c)s».") % {"c": dati.canale})
    if errori:
        raise InvalidData(errori)

    chiave = (chiave_idempotenza or "").strip() or None
    if chiave and len(chiave) > 128:
        raise InvalidData({"chiave_idempotenza": [_("La chiave di idempotenza supera i 128 caratteri.")]})

    preparati = _prepara_allegati(allegati)
    impronta = _impronta(dati, preparati)
    if chiave:
        gia = _gia_ricevuta(chiave, impronta)
        if gia:
            return gia

    ente = _ente(dati.ente, lat, lon)
    categoria, decisione = _categoria(ente, dati, titolo, descrizione)
    risposte, errori_risposte = valida_risposte(categoria, dati.risposte)
    # A question left to the office may stay unanswered; an answer given must still be valid.
    errori.update({k: v for k, v in errori_risposte.items()
                   if (codice := k.removeprefix("risposte.")) not in dati.domande_all_ufficio
                   or dati.risposte.get(codice) not in (None, "", [])})
    if categoria.foto_obbligatoria and not any(p.tipo == TipoAllegato.FOTO for p in preparati):
        errori.setdefault("allegati", []).append(
            _("Per la categoria «%(c)s» serve almeno una foto.") % {"c": categoria.nome}
        )
    moderazione.verifica_contatti(ente, email, telefono, errori)  # banned e-mails, domains, phones
    if categoria.contatti_obbligatori and not (email or telefono):
        errori.setdefault("email", []).append(
            _("Per la categoria «%(c)s» lascia un'e-mail o un telefono.") % {"c": categoria.nome}
        )
    if indirizzo and lat is not None and (lontano := gazetteer.scarto(ente, indirizzo, lat, lon)):
        # The crew goes to the point: an address of another street must not ride along silently.
        errori.setdefault("indirizzo", []).append(lontano.messaggio(indirizzo))
    if errori:
        raise InvalidData(errori)

    quando = quando or timezone.now()
    cella = h3.latlng_to_cell(lat, lon, settings.CIVICO["H3_RESOLUTION"]) if lat is not None else ""
    indirizzo_trovato, cap = _indirizzo_del_punto(ente, lat, lon) if lat is not None else ("", "")
    indirizzo = indirizzo or indirizzo_trovato
    salvati: list[str] = []
    try:
        with transaction.atomic():
            s = _crea(
                ente, categoria, decisione, attore, quando, cella, chiave, impronta,
                lat=lat, lon=lon, titolo=titolo, descrizione=descrizione, indirizzo=indirizzo,
                canale=dati.canale, risposte=risposte, nome=nome, email=email, telefono=telefono,
                da_localizzare=senza_punto,
                cap=cap, applicazione=applicazione, url_media_esterno=url_media, lingua=scegli_lingua(dati.lingua),
                dati_client={k: str(v)[:200] for k, v in dati.dati_client.items() if v},
            )
            allegati_salvati = [_salva_allegato(s, p, salvati) for p in preparati]
    except IntegrityError:
        _elimina_file(salvati)
        if chiave:  # the same key won a race in another request: answer with its report
            gia = _gia_ricevuta(chiave, impronta)
            if gia:
                return gia
        raise
    except BaseException:
        _elimina_file(salvati)
        raise
    # What the public card reads (as `consultazione.elenco_pubblico` prefetches it): known, not re-read.
    s.foto_pubbliche = [a for a in allegati_salvati if a.pubblico]
    return Ricevuta(segnalazione=s, creata=True)


def _crea(ente, categoria, decisione, attore, quando, cella, chiave, impronta, **campi) -> Segnalazione:
    anno = quando.astimezone(ZoneInfo(ente.fuso_orario)).year
    numero, codice = codici.nuovo_numero(ente, anno)
    ufficio, regola = routing.ufficio_competente(categoria, campi["lat"], campi["lon"], cella)
    # Phones, e-mails, codici fiscali, IBANs, swearing: masked before the insert, never public.
    mascherati = cancello.maschera_campi(
        titolo=campi["titolo"], descrizione=campi["descrizione"], indirizzo=campi["indirizzo"]
    )
    s = inserisci(Segnalazione(
        ente=ente, codice=codice, anno=anno, numero=numero, token=codici.nuovo_token(),
        categoria=categoria, ufficio=ufficio, titolo=mascherati.testi["titolo"],
        descrizione=mascherati.testi["descrizione"], lat=campi["lat"], lon=campi["lon"],
        indirizzo=mascherati.testi["indirizzo"], cap=campi["cap"], cella_h3=cella, canale=campi["canale"],
        applicazione=campi["applicazione"], dati_client=campi["dati_client"],
        url_media_esterno=campi["url_media_esterno"],
        risposte=campi["risposte"],
        segnalante=attore.utente if attore.segnalante and attore.utente else None,
        segnalante_nome=campi["nome"], segnalante_email=campi["email"],
        segnalante_telefono=campi["telefono"], lingua=campi["lingua"], pubblica=categoria.pubblica,
        creata_il=quando, aggiornata_il=quando, da_localizzare=campi["da_localizzare"],
        scadenza=sla.calcola_scadenza(categoria, ente, quando),
        chiave_idempotenza=chiave, impronta_richiesta=impronta,
    ))  # its ~60 columns with a statement built once (core.inserimento)
    cancello.conserva_originali(s, mascherati)  # the words as typed, for the staff only
    if decisione is not None or not arrivo.dal_worker():
        # For the staff: suggested category and priority. A chosen category's suggestion is only
        # for the staff and the analytics: the worker computes it when it completes the report.
        triage.registra_all_arrivo(s, decisione)
    primi = [eventi.NuovoEvento(TipoEvento.CREATED, attore, dati={"canale": s.canale, "categoria": categoria.nome})]
    if decisione is not None and decisione.automatica:
        primi.append(eventi.NuovoEvento(
            TipoEvento.INTERNAL_NOTE, Attore.di_sistema(), visibilita=Visibilita.INTERNA,
            testo=str(_("Classificata automaticamente dal testo: «%(c)s» (%(p)d %%).") % {
                "c": categoria.nome, "p": round(decisione.probabilita * 100)}),
            dati={"triage": "automatica", "categoria_id": categoria.pk, "probabilita": decisione.probabilita},
        ))
    if ufficio is not None:
        primi.append(eventi.NuovoEvento(
            TipoEvento.ROUTED, Attore.di_sistema(),
            dati={"ufficio": ufficio.nome, "ufficio_id": ufficio.pk, "regola": regola.nome if regola else None},
        ))
    eventi.registra_tutti(s, primi, quando=quando)
    return s


def _coordinate(dati: NuovaSegnalazione, errori: dict) -> tuple[float, float]:
    try:
        lat, lon = float(dati.lat), float(dati.lon)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        errori["posizione"] = [_("Indica il luogo: latitudine e longitudine sono obbligatorie e numeriche.")]
        return math.nan, math.nan
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        errori["posizione"] = [_("Le coordinate indicate non sono valide.")]
    return lat, lon


def _contatti(dati: NuovaSegnalazione, errori: dict) -> tuple[str, str]:
    email = (dati.email or "").strip()
    telefono = (dati.telefono or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errori.setdefault("email", []).append(_("L'indirizzo e-mail non è valido."))
    if telefono and not _TELEFONO.match(telefono):
        errori.setdefault("telefono", []).append(_("Il numero di telefono non è valido."))
    return email, telefono


def _ente(ente: Ente | None, lat: float | None, lon: float | None) -> Ente:
    if ente is None:
        return geo.ente_per_punto(lat, lon)
    if not ente.attivo:
        raise DomainError(
            _("Il comune di %(nome)s non usa ancora Civico.") % {"nome": ente.nome}, code="comune_non_attivo"
        )
    if lat is not None and not geo.punto_in_ente(ente, lat, lon):
        raise InvalidData(
            {"posizione": [_("Il punto indicato non è nel territorio di %(nome)s.") % {"nome": ente.nome}]}
        )
    return ente


def _categoria(ente: Ente, dati: NuovaSegnalazione, titolo: str,
               descrizione: str) -> tuple[Categoria, triage.Decisione | None]:
    """The chosen category, or the one the words say (with triage's decision: automatic or to
    confirm, by the comune's threshold)."""
    if dati.categoria not in (None, ""):
        categoria = catalogo.trova_categoria(ente, dati.categoria)  # type: ignore[arg-type]
        if categoria is None:
            raise InvalidData({"categoria": [
                _("La categoria «%(c)s» non esiste per il comune di %(ente)s.")
                % {"c": dati.categoria, "ente": ente.nome}
            ]})
        if dati.categoria_dal_testo:
            return categoria, triage.decisione_per(ente, categoria, f"{titolo}\n{descrizione}")
        return categoria, None
    decisione = triage.decidi_categoria(ente, f"{titolo}\n{descrizione}")
    if decisione.categoria is None:
        raise InvalidData({"categoria": [_("Scegli una categoria.")]})
    return decisione.categoria, decisione


def _prepara_allegati(allegati: Sequence[tuple[str, Any]]) -> list[media.AllegatoPreparato]:
    media.verifica_numero_allegati(len(allegati))
    # Photos are checked here and re-encoded by the worker (segnalazioni.elaborazione).
    differita = elaborazione.differita() if allegati else False
    return [media.prepara_allegato(nome, contenuto, differita=differita) for nome, contenuto in allegati]


def _salva_allegato(s: Segnalazione, p: media.AllegatoPreparato, salvati: list[str]) -> Allegato:
    """Store the files, noting each in `salvati` at once so a later failure can remove them.
    A photo still to re-encode is stored as sent, privately, and its task enqueued with the report."""
    a = Allegato(
        segnalazione=s, tipo=p.tipo, nome_originale=p.nome_originale, content_type=p.content_type,
        dimensione=len(p.contenuto), larghezza=p.larghezza, altezza=p.altezza, sha256=p.sha256,
        pubblico=p.tipo == TipoAllegato.FOTO and s.pubblica,
        sha256_caricato=p.sha256 if p.da_elaborare else "",
    )
    campo = a.grezzo if p.da_elaborare else a.file
    campo.save(f"grezzo-{p.nome_file}" if p.da_elaborare else p.nome_file, ContentFile(p.contenuto), save=False)
    salvati.append(campo.name)
    if p.miniatura:
        a.miniatura.save(f"min-{p.nome_file}", ContentFile(p.miniatura), save=False)
        salvati.append(a.miniatura.name)
    a.save()
    if p.da_elaborare:
        elaborazione.accoda(a.pk)
    return a


def _elimina_file(nomi: list[str]) -> None:
    from django.core.files.storage import default_storage

    for nome in nomi:
        default_storage.delete(nome)


def _impronta(dati: NuovaSegnalazione, preparati: list[media.AllegatoPreparato]) -> str:
    """A fingerprint of the request, so a reused idempotency key with other content is caught."""
    # Its fields as they are (asdict would deep-copy each, the ente's model instance included, for a
    # JSON text that comes out the same).
    campi = {f.name: getattr(dati, f.name) for f in fields(dati)}
    # How the reporter is spoken to is not what they report: a retry from another language is the same request.
    del campi["lingua"]
    for nuovo in ("domande_all_ufficio", "da_localizzare"):  # absent as before they existed: same fingerprint
        if not campi[nuovo]:
            del campi[nuovo]
    campi["ente"] = dati.ente.pk if dati.ente else None
    campi["allegati"] = [p.sha256 for p in preparati]
    return hashlib.sha256(json.dumps(campi, sort_keys=True, default=str).encode()).hexdigest()


def _gia_ricevuta(chiave: str, impronta: str) -> Ricevuta | None:
    s = Segnalazione.objects.filter(chiave_idempotenza=chiave).first()
    if s is None:
        return None
    if s.impronta_richiesta != impronta:
        raise Conflict(
            _("Questa chiave di idempotenza è già stata usata per un'altra segnalazione."),
            code="idempotency_key_reused",
        )
    return Ricevuta(segnalazione=s, creata=False)


def _indirizzo_del_punto(ente: Ente, lat: float, lon: float) -> tuple[str, str]:
    """The nearest house number's address and CAP, where the comune has a gazetteer."""
    trovato = gazetteer.indirizzo_piu_vicino(ente, lat, lon)
    return (trovato.testo, trovato.cap or "") if trovato else ("", "")


def _luogo_dall_indirizzo(dati: NuovaSegnalazione) -> NuovaSegnalazione:
    """No coordinates but an address in a known comune: place it through the gazetteer."""
    if dati.lat not in (None, "") or dati.lon not in (None, "") or not dati.ente or not dati.indirizzo.strip():
        return dati
    trovati = gazetteer.cerca(dati.ente, dati.indirizzo, limite=1)
    if not trovati and dati.da_localizzare:
        return dati  # the words stay the place, for the office
    if not trovati:
        raise InvalidData({"indirizzo": [
            _("Non troviamo l'indirizzo «%(indirizzo)s» %(a_ente)s: controlla o indica il punto sulla mappa.")
            % {"indirizzo": dati.indirizzo.strip()[:100], "ente": dati.ente.nome, "a_ente": a_luogo(dati.ente.nome)}
        ]})
    return replace(dati, lat=trovati[0].lat, lon=trovati[0].lon, indirizzo=trovati[0].testo)


def _url(valore: str, errori: dict) -> str:
    url = (valore or "").strip()
    if not url:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        errori.setdefault("url_media_esterno", []).append(_("L'indirizzo della foto non è un URL http(s) valido."))
        return ""
    if len(url) > 500:
        errori.setdefault("url_media_esterno", []).append(_("L'indirizzo della foto è troppo lungo."))
    return url
