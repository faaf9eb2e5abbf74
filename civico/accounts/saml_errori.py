"""AgID's anomaly codes (SPID technical rules, table of "ErrorCode nrNN" in the StatusMessage of a
failed Response): what to tell the citizen, in plain words."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

MESSAGGI = {
    19: _("Troppi tentativi di accesso non riusciti: attendi qualche minuto e riprova."),
    20: _("La tua identità digitale non ha le credenziali del livello di sicurezza richiesto da questo servizio."),
    21: _("Il tempo per completare l'accesso è scaduto: riprova."),
    22: _("Non hai dato il consenso a inviare i tuoi dati: l'accesso non è avvenuto."),
    23: _("La tua identità digitale risulta sospesa o revocata: rivolgiti al tuo gestore."),
    25: _("Hai annullato l'accesso."),
    30: _("Il tipo di identità usato non è accettato da questo servizio (serve un'identità per cittadini)."),
}
GENERICO = _("Il gestore dell'identità non ha completato l'accesso: riprova.")
_CODICE = re.compile(r"ErrorCode\s+nr\s*(\d+)", re.IGNORECASE)


def codice(status_message: str) -> int | None:
    trovato = _CODICE.search(status_message or "")
    return int(trovato.group(1)) if trovato else None


def messaggio(status_message: str) -> str:
    return str(MESSAGGI.get(codice(status_message), GENERICO))
