"""SMS through a generic HTTP provider: POST {"to", "from", "text"} as JSON with a bearer token.

Most Italian SMS gateways offer such an endpoint; one with another shape needs a small adapter
here, not changes elsewhere."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from civico.comunicazioni.canali import CampoPreferenza, CanaleDiConsegna, EsitoInvio
from civico.comunicazioni.canali.http import ErroreDiRete, esito_http, richiesta
from civico.comunicazioni.impostazioni import impostazione
from civico.formati.telefono import normalizza_telefono

MAX_CARATTERI = 459  # three concatenated SMS


class CanaleSms(CanaleDiConsegna):
    nome = "sms"
    etichetta = _("SMS")
    scelta = _("SMS")
    allerte_al_giorno = 3
    campo = CampoPreferenza("telefono", _("Numero di cellulare"),
                            _("Per ricevere gli SMS indica il numero di cellulare."),
                            'inputmode="tel" autocomplete="tel"')

    def disponibile(self, ente) -> bool:
        return bool(impostazione("SMS_URL"))

    def indirizzi(self, utente, p, d) -> list[str]:
        telefono = p.telefono or utente.telefono
        return [normalizza_telefono(telefono)] if telefono else []

    def indirizzo_senza_account(self, d) -> str:
        return normalizza_telefono(d.telefono) if d.telefono else ""

    def normalizza(self, valore: str) -> str:
        if not valore:
            return ""
        telefono = normalizza_telefono(valore)
        if not re.fullmatch(r"\+\d{8,15}", telefono):
            raise ValueError(_("Il numero di cellulare non è valido."))
        return telefono

    def maschera(self, indirizzo: str) -> str:
        return f"…{indirizzo[-4:]}"

    def invia(self, notifica) -> EsitoInvio:
        url = impostazione("SMS_URL")
        if not url:
            return EsitoInvio.permanente("SMS non configurati (SMS_URL)")
        testo = notifica.testo if len(notifica.testo) <= MAX_CARATTERI else notifica.testo[: MAX_CARATTERI - 1] + "…"
        try:
            r = richiesta(
                "POST", url,
                dati={"to": notifica.indirizzo, "from": impostazione("SMS_MITTENTE"), "text": testo,
                      "reference": notifica.chiave},
                intestazioni={"Authorization": f"Bearer {impostazione('SMS_TOKEN')}"},
            )
        except ErroreDiRete as exc:
            return EsitoInvio.temporaneo(f"SMS: {exc}")
        return esito_http(r, "SMS")


CANALE = CanaleSms()
