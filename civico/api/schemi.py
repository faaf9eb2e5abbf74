"""Request and response schemas of the JSON API, documented in Italian for the OpenAPI page.

Public outputs mirror `consultazione.scheda_pubblica` field by field: whatever it leaves out (the
reporter's data, the token, internal notes) cannot appear here either.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from civico.segnalazioni.models import Canale, Priorita, TipoAllegato, TipoEvento
from civico.stati import Stato

CODICE_ENTE = "Codice ISTAT a 6 cifre (es. `006003`) oppure slug del comune (es. `alessandria`)."

# --- Enti, categorie, indirizzi -----------------------------------------------------------------


class Ente(Schema):
    codice_istat: str = Field(description="Codice ISTAT del comune, es. `006003`.")
    nome: str
    slug: str = Field(description="Identificativo leggibile, usabile al posto del codice ISTAT.")
    provincia: str = Field(description="Sigla della provincia, es. `AL`.")
    regione: str
    attivo: bool = Field(description="Se il comune riceve segnalazioni con Civico.")
    email: str = Field(description="Contatto pubblico del comune (vuoto se non noto).")
    telefono: str
    sito_web: str


class ValoreAmmesso(Schema):
    chiave: str = Field(description="Il valore da inviare in `risposte`.")
    nome: str = Field(description="L'etichetta da mostrare.")


class Domanda(Schema):
    codice: str = Field(description="La chiave della risposta in `risposte`.")
    testo: str
    tipo: str = Field(description="`string`, `number`, `datetime`, `text`, `singlevaluelist` o `multivaluelist`.")
    obbligatoria: bool
    ordine: int
    valori: list[ValoreAmmesso] = Field(description="Per le scelte singole o multiple: i valori ammessi.")


class Categoria(Schema):
    codice: str = Field(description="Da inviare nel campo `categoria` di una nuova segnalazione.")
    nome: str
    descrizione: str
    gruppo: str
    giorni_risposta: int = Field(description="Tempo massimo di risposta promesso, in giorni.")
    foto_obbligatoria: bool
    contatti_obbligatori: bool = Field(description="Se serve un'e-mail o un telefono del segnalante.")
    domande: list[Domanda] = Field(description="Domande aggiuntive, in ordine.")


class SuggerimentoCategoria(Schema):
    codice: str = Field(description="Da inviare nel campo `categoria` di una nuova segnalazione.")
    nome: str
    probabilita: float = Field(
        description="Quanto è probabile che sia questa la categoria (0–1; su tutte le categorie del comune la "
                    "somma è 1).", ge=0, le=1,
    )


class Indirizzo(Schema):
    testo: str = Field(description="Es. `Piazza della Libertà 41`.")
    lat: float
    lon: float
    cap: str
    quartiere: str
    distanza_m: float | None = Field(None, description="Distanza dal punto cercato, in metri (solo per `vicino`).")


# --- Segnalazioni: la scheda pubblica -----------------------------------------------------------


class EnteBreve(Schema):
    nome: str
    codice_istat: str
    slug: str


class CategoriaBreve(Schema):
    codice: str
    nome: str


class Foto(Schema):
    url: str = Field(description="La foto (JPEG ricodificato, senza metadati).")
    miniatura: str


class SegnalazionePubblica(Schema):
    """Ciò che chiunque può sapere di una segnalazione: mai i dati di chi l'ha fatta."""

    codice: str = Field(description="Codice di tracciamento, es. `AL-2026-000123`.")
    uuid: str
    ente: EnteBreve
    categoria: CategoriaBreve
    ufficio: str | None = Field(description="L'ufficio competente.")
    stato: Stato
    stato_etichetta: str = Field(description="Lo stato, in parole, nella lingua della richiesta.")
    stato_open311: str = Field(description="`open` o `closed`, come in Open311.")
    priorita: Priorita
    titolo: str
    descrizione: str
    lat: float | None = Field(description="Vuota solo per segnalazioni importate senza posizione.")
    lon: float | None
    indirizzo: str
    cap: str
    canale: Canale = Field(description="Da dove è arrivata (web, app, api, open311, telefono…).")
    creata_il: datetime
    aggiornata_il: datetime
    scadenza: date | None = Field(description="Data prevista di risoluzione.")
    nota_pubblica: str = Field(description="L'ultima comunicazione pubblica dell'ufficio.")
    duplicato_di: str | None = Field(description="Il codice della segnalazione originale, se è un duplicato.")
    foto: list[Foto]
    url_media_esterno: str
    url: str = Field(description="La pagina pubblica della segnalazione.")


class EventoPubblico(Schema):
    quando: datetime
    tipo: TipoEvento
    tipo_etichetta: str
    testo: str = Field(description="La frase da mostrare, nella lingua della richiesta.")
    chi: str = Field(description="Chi ha agito, come lo vede il pubblico (un ufficio, «Segnalante», «Sistema»).")
    stato: Stato | None = Field(description="Il nuovo stato, se l'evento è un cambio di stato.")


class SegnalazioneConCronologia(SegnalazionePubblica):
    cronologia: list[EventoPubblico] = Field(description="La storia pubblica, dalla più vecchia.")


class PaginaSegnalazioni(Schema):
    risultati: list[SegnalazionePubblica]
    cursore_successivo: str | None = Field(
        description="Da passare come `cursor` per la pagina seguente; `null` sull'ultima pagina."
    )


# --- Il segnalante ------------------------------------------------------------------------------


class NuovaSegnalazione(Schema):
    """Una nuova segnalazione. Servono il luogo (lat/lon, oppure `ente` e `indirizzo`) e il titolo."""

    model_config = {"json_schema_extra": {"examples": [{
        "lat": 44.913256, "lon": 8.615123, "titolo": "Buca profonda davanti al civico 41", "categoria": "buche",
        "descrizione": "Profonda almeno 20 cm, pericolosa per le bici.", "risposte": {"dimensione": "grande"},
        "email": "mario.rossi@example.org",
    }]}}

    lat: float | None = Field(None, description="Latitudine WGS84. Facoltativa se si indicano `ente` e `indirizzo`.")
    lon: float | None = Field(None, description="Longitudine WGS84.")
    titolo: str = Field(description="Il problema in poche parole (massimo 200 caratteri).")
    descrizione: str = Field("", description="I dettagli (massimo 4000 caratteri, niente HTML).")
    categoria: str | None = Field(
        None, description="Codice della categoria (vedi `/enti/{ente}/categorie`); se manca la si deduce dal testo."
    )
    ente: str | None = Field(None, description=CODICE_ENTE + " Se manca lo si trova dal punto.")
    indirizzo: str = Field("", description="Se mancano lat/lon, l'indirizzo viene cercato nello stradario dell'ente.")
    risposte: dict[str, str | int | float | list[str]] = Field(
        default_factory=dict, description="Risposte alle domande della categoria: `{codice: valore}`."
    )
    nome: str = Field("", description="Nome del segnalante: mai pubblicato.")
    email: str = Field("", description="E-mail del segnalante, per gli aggiornamenti: mai pubblicata.")
    telefono: str = Field("", description="Telefono del segnalante: mai pubblicato.")
    lingua: str = Field(
        "", description="Lingua dei messaggi al segnalante (`it`, `en`); se manca vale `Accept-Language`. "
                    "Un valore sconosciuto vale la lingua predefinita.",
    )


class Ricevuta(Schema):
    codice: str = Field(description="Il codice di tracciamento.")
    token: str = Field(
        description="Il token privato: va conservato e inviato come `X-Civico-Token` per agire sulla segnalazione."
    )
    url_privata: str = Field(description="La pagina privata del segnalante (contiene il token: non condividerla).")
    creata: bool = Field(description="`false` se una ripetizione con la stessa Idempotency-Key ha restituito la prima.")
    segnalazione: SegnalazionePubblica


class EventoSegnalante(EventoPubblico):
    visibilita: str = Field(description="`public` (tutti) o `reporter` (solo segnalante e uffici).")


class SegnalazionePrivata(SegnalazionePubblica):
    cronologia: list[EventoSegnalante] = Field(description="La storia pubblica e i messaggi con l'ufficio.")
    azioni: list[str] = Field(description="Le transizioni che il segnalante può fare ora (es. `close`, `reopen`).")


class Testo(Schema):
    testo: str = Field(description="Il messaggio (massimo 4000 caratteri, niente HTML).")


class Conferma(Schema):
    risolto: bool = Field(description="`true` chiude la segnalazione, `false` la riapre.")
    testo: str = Field("", description="Un commento; se il problema non è risolto, il motivo.")


class AllegatoAggiunto(Schema):
    id: int
    tipo: TipoAllegato
    pubblico: bool = Field(description="Le foto delle segnalazioni pubbliche sono pubbliche; i documenti mai.")
    url: str | None = Field(description="L'indirizzo della foto, se pubblica.")


class Iscrizione(Schema):
    segui: bool = Field(description="Se l'utente riceve gli aggiornamenti della segnalazione.")


# --- Gli uffici ---------------------------------------------------------------------------------


class SegnalazioneGestioneBreve(SegnalazionePubblica):
    versione: int = Field(description="Da rimandare in `versione` nelle transizioni: se è cambiata, 409.")
    pubblica: bool = Field(description="Se la segnalazione compare nelle pagine pubbliche.")
    ufficio_id: int | None
    assegnatario: str | None = Field(description="Username dell'operatore assegnato.")


class PaginaGestione(Schema):
    risultati: list[SegnalazioneGestioneBreve]
    cursore_successivo: str | None


class Contatti(Schema):
    nome: str
    email: str
    telefono: str
    utente: str | None = Field(description="Username del segnalante, se ha fatto l'accesso.")
    dati_client: dict[str, str] = Field(description="Ciò che l'applicazione ha detto di sé (device, account).")


class EventoGestione(EventoSegnalante):
    transizione: str
    autore: str | None = Field(description="Username di chi ha agito (solo per gli uffici).")


class AllegatoGestione(Schema):
    id: int
    tipo: TipoAllegato
    nome_originale: str
    content_type: str
    dimensione: int
    pubblico: bool


class TransizionePossibile(Schema):
    nome: str
    etichetta: str
    testo_obbligatorio: bool


class SegnalazioneGestione(SegnalazioneGestioneBreve):
    risposte: dict[str, Any] = Field(description="Le risposte alle domande aggiuntive.")
    contatti: Contatti | None = Field(
        description="I dati del segnalante: solo per chi lavora la segnalazione, altrimenti `null`."
    )
    allegati: list[AllegatoGestione]
    cronologia: list[EventoGestione] = Field(description="Tutta la storia, note interne comprese.")
    transizioni: list[TransizionePossibile] = Field(description="Ciò che chi chiama può fare ora.")


class RichiestaTransizione(Schema):
    nome: str = Field(description="Il nome della transizione: `take_in_charge`, `start_work`, `resolve`, `close`, "
                                  "`reject`, `mark_duplicate`, `withdraw`, `reopen`.")
    testo: str = Field("", description="Testo pubblico; obbligatorio per `reject` e `reopen`.")
    versione: int = Field(description="La `versione` letta: se nel frattempo la segnalazione è cambiata, 409.")
    duplicato_di: str | None = Field(None, description="Per `mark_duplicate`: il codice della segnalazione originale.")


class RichiestaAssegnazione(Schema):
    assegnatario: str | None = Field(description="Username dell'operatore; `null` per togliere l'assegnazione.")


class RichiestaInstradamento(Schema):
    ufficio: int = Field(description="L'id dell'ufficio (dello stesso ente) a cui passarla.")
    motivo: str = Field(description="Il motivo: resta una nota interna.")


class RichiestaRisposta(Schema):
    testo: str = Field(description="La risposta dell'ufficio.")
    solo_al_segnalante: bool = Field(False, description="`true`: la vede solo il segnalante, non il pubblico.")
