"""The JSON API, version 1: one NinjaAPI with its OpenAPI document and browsable docs."""

from __future__ import annotations

from ninja import NinjaAPI

from civico.api import gestione, pubblico, segnalante
from civico.api.errori import registra_gestori
from civico.api.ingresso import ParserVerificato, percorso_verificato

DESCRIZIONE = """
L'API JSON di Civico: i comuni, le loro categorie e il loro stradario, le segnalazioni pubbliche; l'invio
di una segnalazione e le azioni del segnalante; il lavoro degli uffici.

**Chi chiama.** Le letture pubbliche non chiedono credenziali. Il segnalante agisce sulla propria
segnalazione con il token privato ricevuto alla creazione (`X-Civico-Token`) o con la sessione del
portale. Gli uffici usano un token personale (`Authorization: Bearer …`). Le applicazioni registrate
possono identificarsi con `X-Api-Key`.

**Errori.** Ogni errore ha lo stesso corpo JSON:
`{"errore": {"codice": "…", "messaggio": "…", "campi": {"campo": ["…"]}}}`. `codice` è stabile
(`invalid`, `not_allowed`, `stale`, `illegal_transition`, `not_found`, `unauthenticated`,
`validation_error`, `rate_limited`…), `messaggio` è nella lingua della richiesta (`Accept-Language`).
400: dati rifiutati; 401: credenziali mancanti o non valide; 403: operazione non permessa;
404: non trovato; 409: conflitto (versione superata, stato che non lo consente, chiave di
idempotenza già usata per altri dati); 422: parametri di forma sbagliata (tipi, limiti), con
`dettagli`; 429: troppe richieste, con `Retry-After`.

**Ripetere senza duplicare.** L'intestazione `Idempotency-Key` su `POST /segnalazioni` rende sicuro
ripetere un invio rimasto senza risposta.
"""

api = NinjaAPI(
    title="Civico API",
    version="1",
    description=DESCRIZIONE.strip(),
    urls_namespace="api-v1",
    openapi_extra={"info": {"license": {"name": "AGPL-3.0-or-later"}}},
    parser=ParserVerificato(),
)
registra_gestori(api)
api.add_decorator(percorso_verificato(api), mode="view")
api.add_router("", pubblico.router)
api.add_router("", segnalante.router)
api.add_router("/gestione", gestione.router)
api.add_router("", "civico.api.statistiche.router")
