"""What staff see of the outbox: per report, what was sent to whom, and whether it arrived."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch

from civico.comunicazioni import canali
from civico.comunicazioni.models import Notifica, TentativoConsegna
from civico.segnalazioni.models import Segnalazione


@dataclass(frozen=True)
class RigaNotifica:
    id: int
    canale: str
    canale_etichetta: str
    destinatario: str  # masked: staff need to see that it arrived, not the whole address
    motivo: str
    oggetto: str
    stato: str
    stato_etichetta: str
    tentativi: int
    creata_il: datetime
    inviata_il: datetime | None
    prossimo_tentativo_il: datetime | None
    ultimo_errore: str
    storia: list[tuple[datetime, str, str]]  # (when, outcome, error) of each attempt


def maschera(canale: str, indirizzo: str) -> str:
    """As the channel masks it; a channel no longer registered: only the end of it."""
    if canale in canali.nomi():
        return canali.canale(canale).maschera(indirizzo)
    return f"…{indirizzo[-4:]}"


def notifiche_della_segnalazione(s: Segnalazione) -> list[RigaNotifica]:
    """Oldest first, each with its attempts."""
    qs = Notifica.objects.filter(segnalazione=s).prefetch_related(
        Prefetch("tentativi_consegna", queryset=TentativoConsegna.objects.order_by("numero"))
    ).order_by("creata_il", "id")
    return [
        RigaNotifica(
            id=n.pk, canale=n.canale, canale_etichetta=str(n.get_canale_display()),
            destinatario=maschera(n.canale, n.indirizzo), motivo=n.motivo, oggetto=n.oggetto, stato=n.stato,
            stato_etichetta=str(n.get_stato_display()), tentativi=n.tentativi, creata_il=n.creata_il,
            inviata_il=n.inviata_il,
            prossimo_tentativo_il=n.prossimo_tentativo_il if n.stato == "pending" else None,
            ultimo_errore=n.ultimo_errore,
            storia=[(t.iniziato_il, t.esito, t.errore) for t in n.tentativi_consegna.all()],
        )
        for n in qs
    ]
