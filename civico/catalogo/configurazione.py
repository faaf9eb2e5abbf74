"""Configuring an ente, for its administrators: offices, categories and their questions, routing
zones, response templates, staff roles, client applications, staff API tokens, the SLA and
protocol settings.

Each write is one function: it checks `puo_configurare`, validates the model (`full_clean`, so
the unique constraints per ente are checked too) and refuses references to another ente's
objects, which a tampered form could otherwise smuggle in.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

import h3
import shapely
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civico.accounts import chiavi
from civico.accounts.models import ApplicazioneClient, Incarico, Ruolo, ScopoToken, TokenAccesso, Utente
from civico.accounts.permissions import Attore, enti_configurabili, puo_configurare  # noqa: F401 (re-exported)
from civico.catalogo.models import Categoria, Domanda, ModelloRisposta, RegolaInstradamento, TipoDomanda, Ufficio
from civico.core import rete
from civico.enti.models import Ente
from civico.errors import InvalidData, NotAllowed

# The platform administrator is appointed in the Django admin, never by an ente.
RUOLI_ASSEGNABILI = [r for r in Ruolo if r != Ruolo.PLATFORM_ADMIN]
TIPI_CON_VALORI = {TipoDomanda.SINGLE, TipoDomanda.MULTI}


# --- Who may configure -----------------------------------------------------------------------


def verifica(utente: Utente | None, ente: Ente) -> None:
    if not puo_configurare(utente, ente):
        raise NotAllowed(_("Solo gli amministratori del comune possono cambiarne la configurazione."))


def _salva(oggetto: models.Model, campi: dict[str, Any], ammessi: Iterable[str]) -> None:
    for nome in ammessi:
        if nome in campi:
            setattr(oggetto, nome, campi[nome])
    try:
        oggetto.full_clean()
    except ValidationError as errore:
        raise InvalidData(errore.message_dict) from errore
    oggetto.save()


def stesso_ente(ente: Ente, **oggetti: models.Model | None) -> None:
    for campo, oggetto in oggetti.items():
        if oggetto is not None and oggetto.ente_id != ente.pk:
            raise InvalidData({campo: [_("Scegli un elemento di questo comune.")]})


# --- The ente's own settings -----------------------------------------------------------------

CAMPI_ENTE = ("santo_patrono_giorno", "santo_patrono_mese", "protocollo_webhook_url", "pregresso_giorni",
              "pregresso_nei_ritardi", "url_dichiarazione_accessibilita")


def imposta_ente(utente: Utente, ente: Ente, *, nuovo_segreto: bool = False, **campi) -> str | None:
    """The patron saint (a local holiday for the SLA) and the records-system connector; fields not
    given keep their value. Returns the new shared secret when one was generated: it is shown
    once, like a key."""
    verifica(utente, ente)
    valori = {nome: campi.get(nome, getattr(ente, nome)) for nome in CAMPI_ENTE}
    giorno, mese = valori["santo_patrono_giorno"], valori["santo_patrono_mese"]
    if (giorno is None) != (mese is None):
        raise InvalidData({"santo_patrono_giorno": [_("Indica sia il giorno sia il mese del santo patrono.")]})
    if giorno and mese and giorno > [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mese - 1]:
        raise InvalidData({"santo_patrono_giorno": [_("Questo giorno non esiste in quel mese.")]})
    valori["protocollo_webhook_url"] = url = (valori["protocollo_webhook_url"] or "").strip()
    if url:  # the server will POST there: https, outside our own network (civico.core.rete)
        try:
            rete.verifica_url(url)
        except rete.UrlNonPermesso as errore:
            raise InvalidData({"protocollo_webhook_url": [errore.messaggio]}) from None
    valori["url_dichiarazione_accessibilita"] = (valori["url_dichiarazione_accessibilita"] or "").strip()
    segreto = secrets.token_urlsafe(32) if nuovo_segreto else None
    with transaction.atomic():
        ente = Ente.objects.select_for_update().get(pk=ente.pk)
        for nome, valore in valori.items():
            setattr(ente, nome, valore)
        if segreto:
            ente.protocollo_segreto = segreto
        try:  # only these fields: an oddity elsewhere in the ente's data must not block them
            ente.clean_fields(exclude=[f.name for f in Ente._meta.fields if f.name not in CAMPI_ENTE])
        except ValidationError as errore:
            raise InvalidData(errore.message_dict) from errore
        ente.save(update_fields=[*CAMPI_ENTE, "protocollo_segreto"])
    return segreto


# --- Offices -----------------------------------------------------------------------------------

CAMPI_UFFICIO = ("nome", "email", "telefono", "orari")


def salva_ufficio(utente: Utente, ente: Ente, ufficio: Ufficio | None = None, **campi) -> Ufficio:
    verifica(utente, ente)
    ufficio = ufficio or Ufficio(ente=ente)
    stesso_ente(ente, ufficio=ufficio)
    _salva(ufficio, campi, CAMPI_UFFICIO)
    return ufficio


def riattiva_ufficio(utente: Utente, ufficio: Ufficio) -> Ufficio:
    verifica(utente, ufficio.ente)
    ufficio.attivo = True
    ufficio.save(update_fields=["attivo"])
    return ufficio


# --- Categories and their questions ------------------------------------------------------------

CAMPI_CATEGORIA = (
    "codice", "nome", "descrizione", "gruppo", "parole_chiave", "ufficio_predefinito", "giorni_risposta",
    "giorni_lavorativi", "foto_obbligatoria", "contatti_obbligatori", "pubblica", "attiva", "ordine",
)
CAMPI_DOMANDA = ("codice", "testo", "tipo", "obbligatoria", "ordine", "valori")


def salva_categoria(utente: Utente, ente: Ente, categoria: Categoria | None = None, **campi) -> Categoria:
    """A category with its SLA: `giorni_risposta` counted in calendar or working days. A change
    applies to new reports: those already received keep the deadline they were given."""
    verifica(utente, ente)
    categoria = categoria or Categoria(ente=ente)
    ufficio = campi.get("ufficio_predefinito")
    stesso_ente(ente, categoria=categoria, ufficio_predefinito=ufficio)
    if ufficio is not None and not ufficio.attivo:
        raise InvalidData({"ufficio_predefinito": [_("L'ufficio scelto non è attivo.")]})
    _salva(categoria, campi, CAMPI_CATEGORIA)
    return categoria


def salva_domanda(utente: Utente, categoria: Categoria, domanda: Domanda | None = None, **campi) -> Domanda:
    verifica(utente, categoria.ente)
    domanda = domanda or Domanda(categoria=categoria)
    if domanda.categoria_id != categoria.pk:
        raise InvalidData({"domanda": [_("La domanda è di un'altra categoria.")]})
    valori = campi.get("valori", domanda.valori) or []
    tipo = campi.get("tipo", domanda.tipo)
    if tipo in TIPI_CON_VALORI and not valori:
        raise InvalidData({"valori": [_("Per una domanda a scelta elenca le risposte possibili.")]})
    if tipo not in TIPI_CON_VALORI:
        campi["valori"] = []
    _salva(domanda, campi, CAMPI_DOMANDA)
    return domanda


def elimina_domanda(utente: Utente, domanda: Domanda) -> None:
    """Answers already given stay on their reports; new reports no longer ask it."""
    verifica(utente, domanda.categoria.ente)
    domanda.delete()


# --- Routing zones -----------------------------------------------------------------------------

CAMPI_REGOLA = ("nome", "categoria", "ufficio", "zona", "celle_h3", "priorita", "attiva")


def valida_zona(ente: Ente, zona: str | dict | None) -> dict | None:
    """A GeoJSON Polygon or MultiPolygon, valid, inside (or at least touching) the comune."""
    if zona in (None, "", {}):
        return None
    testo = zona if isinstance(zona, str) else json.dumps(zona)
    try:
        geometria = shapely.from_geojson(testo)
    except (shapely.errors.GEOSException, ValueError, TypeError) as errore:
        raise InvalidData({"zona": [_("La zona disegnata non è un poligono GeoJSON leggibile.")]}) from errore
    if geometria.geom_type not in ("Polygon", "MultiPolygon") or geometria.is_empty:
        raise InvalidData({"zona": [_("La zona deve essere un poligono.")]})
    if not geometria.is_valid or geometria.area <= 0:
        raise InvalidData({"zona": [_("Il poligono non è valido: i lati non devono incrociarsi.")]})
    if ente.confine and not geometria.intersects(shapely.from_geojson(json.dumps(ente.confine))):
        raise InvalidData({"zona": [_("La zona è fuori dal territorio del comune.")]})
    return json.loads(shapely.to_geojson(geometria))


def valida_celle(celle: Iterable[str]) -> list[str]:
    pulite, errate = [], []
    for cella in celle:
        cella = cella.strip().lower()
        if cella:
            (pulite if h3.is_valid_cell(cella) else errate).append(cella)
    if errate:
        raise InvalidData({"celle_h3": [_("Celle H3 non valide: %(celle)s.") % {"celle": ", ".join(errate[:5])}]})
    return sorted(set(pulite))


def salva_regola(utente: Utente, ente: Ente, regola: RegolaInstradamento | None = None, **campi) -> RegolaInstradamento:
    """A zone (polygon and/or H3 cells) where a category, or every category, goes to an office."""
    verifica(utente, ente)
    regola = regola or RegolaInstradamento(ente=ente)
    stesso_ente(ente, regola=regola, categoria=campi.get("categoria"), ufficio=campi.get("ufficio"))
    campi["zona"] = valida_zona(ente, campi.get("zona"))
    campi["celle_h3"] = valida_celle(campi.get("celle_h3") or [])
    if not campi["zona"] and not campi["celle_h3"]:
        raise InvalidData({"zona": [_("Disegna la zona sulla mappa o indica almeno una cella H3.")]})
    _salva(regola, campi, CAMPI_REGOLA)
    return regola


def elimina_regola(utente: Utente, regola: RegolaInstradamento) -> None:
    verifica(utente, regola.ente)
    regola.delete()


# --- Response templates ------------------------------------------------------------------------

CAMPI_MODELLO = ("categoria", "stato", "titolo", "testo")


def salva_modello(utente: Utente, ente: Ente, modello: ModelloRisposta | None = None, **campi) -> ModelloRisposta:
    verifica(utente, ente)
    modello = modello or ModelloRisposta(ente=ente)
    stesso_ente(ente, modello=modello, categoria=campi.get("categoria"))
    _salva(modello, campi, CAMPI_MODELLO)
    return modello


def elimina_modello(utente: Utente, modello: ModelloRisposta) -> None:
    verifica(utente, modello.ente)
    modello.delete()


# --- Staff and roles ---------------------------------------------------------------------------


def incarichi_dell_ente(ente: Ente) -> QuerySet[Incarico]:
    return (
        Incarico.objects.filter(ente=ente)
        .select_related("utente", "ufficio")
        .order_by("utente__last_name", "utente__first_name", "utente__username", "ruolo")
    )


def nomina(
    utente: Utente, ente: Ente, *, username: str, ruolo: str, ufficio: Ufficio | None = None,
    email: str = "", nome: str = "", cognome: str = "",
) -> Incarico:
    """Give a role in this ente to the account `username`; a new account is created when there is
    none, without a password (it cannot sign in until one is set through the sign-in pages)."""
    verifica(utente, ente)
    if ruolo not in RUOLI_ASSEGNABILI:
        raise InvalidData({"ruolo": [_("Questo ruolo non si assegna da qui.")]})
    stesso_ente(ente, ufficio=ufficio)
    with transaction.atomic():
        chi = _persona(username, email=email, nome=nome, cognome=cognome)
        incarico, _creato = Incarico.objects.get_or_create(utente=chi, ruolo=ruolo, ente=ente, ufficio=ufficio)
    return incarico


def _persona(username: str, *, email: str, nome: str, cognome: str) -> Utente:
    username = username.strip()
    trovato = Utente.objects.filter(username__iexact=username).first()
    if trovato:
        return trovato
    nuovo = Utente(username=username, email=email.strip(), first_name=nome.strip(), last_name=cognome.strip())
    nuovo.set_unusable_password()
    try:
        nuovo.full_clean()
    except ValidationError as errore:
        raise InvalidData(errore.message_dict) from errore
    nuovo.save()
    return nuovo


def revoca_ruolo(utente: Utente, incarico: Incarico) -> None:
    """Remove a role. The last administrator of the ente stays: nobody could configure it after."""
    ente = incarico.ente
    if ente is None:
        raise NotAllowed(_("Questo ruolo non si revoca da qui."))
    verifica(utente, ente)
    with transaction.atomic():
        amministratori = Incarico.objects.select_for_update().filter(
            ente=ente, ruolo=Ruolo.ENTE_ADMIN, ufficio__isnull=True
        )
        ultimo = list(amministratori.values_list("pk", flat=True)) == [incarico.pk]
        if ultimo:
            raise InvalidData({"incarico": [_("È l'ultimo amministratore del comune: nominane prima un altro.")]})
        incarico.delete()


# --- Client applications (Open311 keys) ---------------------------------------------------------


def applicazioni_dell_ente(ente: Ente) -> QuerySet[ApplicazioneClient]:
    return ApplicazioneClient.objects.filter(ente=ente).order_by("-attiva", "nome")


def crea_applicazione(
    utente: Utente, ente: Ente, *, nome: str, contatto: str = "", limite_al_minuto: int = 60
) -> tuple[ApplicazioneClient, str]:
    """A client application of this ente; returns it with its key, readable this once only."""
    verifica(utente, ente)
    prova = ApplicazioneClient(ente=ente, nome=nome.strip(), contatto=contatto.strip(),
                               limite_al_minuto=limite_al_minuto)
    try:
        prova.full_clean(exclude=["prefisso", "chiave_hash"])
    except ValidationError as errore:
        raise InvalidData(errore.message_dict) from errore
    return chiavi.crea_applicazione(prova.nome, ente=ente, contatto=prova.contatto,
                                    limite_al_minuto=prova.limite_al_minuto)


def revoca_applicazione(utente: Utente, app: ApplicazioneClient) -> None:
    if app.ente is None:
        raise NotAllowed(_("Le applicazioni di tutta la piattaforma si gestiscono nell'amministrazione."))
    verifica(utente, app.ente)
    chiavi.revoca(app)


# --- Staff API tokens ------------------------------------------------------------------------

GIORNI_TOKEN_PREDEFINITI = 90
GIORNI_TOKEN_MASSIMI = 365
NOME_TOKEN_MANCANTE = _("Dai un nome al token, ad esempio il programma che lo userà.")


def token_dell_ente(ente: Ente) -> QuerySet[TokenAccesso]:
    """The staff API tokens issued for this ente, valid ones first (their secrets are not stored)."""
    return (
        TokenAccesso.objects.filter(ente=ente)
        .select_related("utente", "creato_da")
        .order_by(models.F("revocato_il").desc(nulls_first=True), "-creato_il")
    )


def staff_dell_ente(ente: Ente) -> QuerySet[Utente]:
    """The active people holding a role in this ente: who a staff token may be issued to."""
    return (
        Utente.objects.filter(is_active=True, incarichi__ente=ente).distinct()
        .order_by("last_name", "first_name", "username")
    )


def scadenza_del_giorno(giorno) -> datetime:
    """A token "expiring on" a day stops working at the start of that day (local time)."""
    return timezone.make_aware(datetime.combine(giorno, time.min))


def emetti_token(
    utente: Utente, ente: Ente, *, nome: str, titolare: Utente | None, scopi: Iterable[str], scade_il: datetime,
) -> tuple[TokenAccesso, str]:
    """A staff API token for `titolare` (staff of this ente) reaching only this ente's reports, with
    `scopi`, until `scade_il` (at most a year away); returns it with its secret, readable this once."""
    verifica(utente, ente)
    errori: dict[str, list] = {}
    nome = (nome or "").strip()
    if not nome:
        errori["nome"] = [NOME_TOKEN_MANCANTE]
    elif len(nome) > 120:
        errori["nome"] = [_("Il nome può avere al massimo 120 caratteri.")]
    if titolare is None or not staff_dell_ente(ente).filter(pk=titolare.pk).exists():
        errori["titolare"] = [_("Scegli una persona che lavora per questo comune.")]
    scopi = [s for s in ScopoToken.values if s in set(scopi)]
    if not scopi:
        errori["scopi"] = [_("Scegli almeno un permesso.")]
    adesso = timezone.now()
    if scade_il <= adesso:
        errori["scade_il"] = [_("La scadenza deve essere nel futuro.")]
    elif scade_il > adesso + timedelta(days=GIORNI_TOKEN_MASSIMI + 1):
        errori["scade_il"] = [_("La scadenza può essere al massimo fra un anno.")]
    if errori:
        raise InvalidData(errori)
    return chiavi.crea_token(titolare, nome, ente=ente, scopi=scopi, scade_il=scade_il, creato_da=utente)


def revoca_token_api(utente: Utente, token: TokenAccesso) -> None:
    """Revoke at once: the API looks every token up on each call, nothing remembers it."""
    if token.ente is None:
        raise NotAllowed(_("I token di tutta la piattaforma si gestiscono nell'amministrazione."))
    verifica(utente, token.ente)
    if token.revocato_il is None:
        chiavi.revoca_token(token)
