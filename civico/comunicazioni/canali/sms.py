"""SMS through a generic HTTP provider: POST {"to", "from", "text"} as JSON with a bearer token.

Most Italian SMS gateways offer such an endpoint; one with another shape needs a small adapter
here, not changes elsewhere."""

from __future__ import annotations

from civico.comunicazioni.canali import Esito
from civico.comunicazioni.canali.http import ErroreDiRete, esito_http, richiesta
from civico.comunicazioni.impostazioni import impostazione

MAX_CARATTERI = 459  # three concatenated SMS


class CanaleSms:
    def disponibile(self, ente) -> bool:
        return bool(impostazione("SMS_URL"))

    def invia(self, notifica) -> Esito:
        url = impostazione("SMS_URL")
        if not url:
            return Esito.permanente("SMS non configurati (SMS_URL)")
        testo = notifica.testo if len(notifica.testo) <= MAX_CARATTERI else notifica.testo[: MAX_CARATTERI - 1] + "…"
        try:
            r = richiesta(
                "POST", url,
                dati={"to": notifica.indirizzo, "from": impostazione("SMS_MITTENTE"), "text": testo,
                      "reference": notifica.chiave},
                intestazioni={"Authorization": f"Bearer {impostazione('SMS_TOKEN')}"},
            )
        except ErroreDiRete as exc:
            return Esito.temporaneo(f"SMS: {exc}")
        return esito_http(r, "SMS")


CANALE = CanaleSms()
