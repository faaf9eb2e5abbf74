"""Automatic replies to citizens who wrote by e-mail or SMS, through the outbox like the rest."""

from __future__ import annotations

from django.db import transaction

from civico.comunicazioni.consegna import accoda_dopo_il_commit
from civico.comunicazioni.destinatari import Destinatario
from civico.comunicazioni.messaggi import componi
from civico.enti.models import Ente


def rispondi(ente: Ente | None, *, origine: str, email: str = "", telefono: str = "", oggetto, righe: list,
             in_risposta_a: str = "", link: str = "", rispondi_a: str = "",
             indirizzi: dict[str, str] | None = None) -> None:
    """One reply, once per received message (`origine` names it); `rispondi_a`, where the citizen's
    answer must go when one is expected. `indirizzi`: the sender on another channel ({"telegram": chat})."""
    from civico.comunicazioni.outbox import Origine, righe_per, salva

    contesto = {"ente": ente, "righe": [lambda r=r: str(r() if callable(r) else r) for r in righe], "link": link}
    d = Destinatario(email=email, telefono="" if email else telefono, indirizzi=indirizzi or {})
    with transaction.atomic():
        nuove = salva(righe_per(
            d, ente, Origine(f"risposta:{origine}", "risposta"),
            lambda lingua: componi("risposta", contesto, lingua, oggetto=oggetto,
                                   breve=lambda: " ".join(str(r() if callable(r) else r) for r in righe)
                                   + (f" {link}" if link else "")),
            dati={k: v for k, v in (("in_risposta_a", in_risposta_a), ("rispondi_a", rispondi_a)) if v},
        ))
        accoda_dopo_il_commit([n.pk for n in nuove])
