"""The gate every citizen text passes before it is public, and the private copy of what it hid.

`testo.maschera` decides what is hidden; this module is what the doors that store citizen text
call: intake (title, description, address), the report's history (a citizen's public words: "risolto?
no, perché…", which also become the report's `nota_pubblica` and Open311's `status_notes`), the
importer. The words as typed are kept in `TestoOriginale`, for the staff of the report only.
No import of the reports' app: its history module calls this one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from civico.moderazione.models import TestoOriginale
from civico.moderazione.testo import maschera

if TYPE_CHECKING:
    from civico.segnalazioni.models import Evento, Segnalazione

CAMPI_PUBBLICI = ("titolo", "descrizione", "indirizzo")


@dataclass(frozen=True)
class Mascherati:
    """The public text of some fields, and the original words of those that changed."""

    testi: dict[str, str]
    originali: dict[str, tuple[str, tuple[str, ...]]]  # field → (as typed, kinds hidden)


def maschera_campi(**campi: str) -> Mascherati:
    """Phones, e-mails, codici fiscali, IBANs and swearing never reach a public column: the doors
    mask before they insert, and the row is written once."""
    testi: dict[str, str] = {}
    originali: dict[str, tuple[str, tuple[str, ...]]] = {}
    for campo, originale in campi.items():
        esito = maschera(originale or "")
        testi[campo] = esito.testo if esito.cambiato else (originale or "")
        if esito.cambiato:
            originali[campo] = (originale, tuple(esito.trovati))
    return Mascherati(testi, originali)


def conserva_originali(s: Segnalazione, mascherati: Mascherati) -> None:
    """Keep the masked fields' original words for the staff (one statement, none if untouched)."""
    if mascherati.originali:
        TestoOriginale.objects.bulk_create([
            TestoOriginale(segnalazione=s, campo=campo, testo=testo, trovati=list(trovati))
            for campo, (testo, trovati) in mascherati.originali.items()
        ])


def campo_evento(evento: Evento) -> str:
    """The name under which an event's original words are kept (TestoOriginale.campo)."""
    return f"evento-{evento.pk}"


def conserva_originale_evento(evento: Evento, mascherati: Mascherati) -> None:
    """An event's text was masked: keep the citizen's words under the event's name."""
    for testo, trovati in mascherati.originali.values():
        TestoOriginale.objects.create(
            segnalazione_id=evento.segnalazione_id, campo=campo_evento(evento), testo=testo, trovati=list(trovati)
        )


def maschera_esistenti(segnalazioni, originali, *, blocco: int = 2000) -> int:
    """Pass rows written before the gate (or before a stricter gate) through it again: their
    public columns are masked in place and the words as typed kept for the staff, unless an
    original is already kept. Idempotent; takes the managers so a data migration can call it
    with its historical models. Returns how many reports changed."""
    cambiate = 0
    righe = segnalazioni.values_list("pk", *CAMPI_PUBBLICI).order_by("pk")
    for pk, *valori in righe.iterator(chunk_size=blocco):
        esito = maschera_campi(**dict(zip(CAMPI_PUBBLICI, valori, strict=True)))
        if not esito.originali:
            continue
        segnalazioni.filter(pk=pk).update(**{c: esito.testi[c] for c in esito.originali})
        gia = set(originali.filter(segnalazione_id=pk).values_list("campo", flat=True))
        originali.bulk_create([
            originali.model(segnalazione_id=pk, campo=campo, testo=testo, trovati=list(trovati))
            for campo, (testo, trovati) in esito.originali.items() if campo not in gia
        ])
        cambiate += 1
    return cambiate
