"""The Municipium CSV export (Id;Stato;Anno;Creato;Chiusa;DescrizioneBreve;Categoria).

The state table is documented in docs/import.md; keep the two in step.
"""

from __future__ import annotations

from pathlib import Path

from civico.analisi.importazione import motore
from civico.analisi.importazione.mappatura import Mappatura
from civico.analisi.importazione.motore import Progresso, Riepilogo
from civico.enti.models import Ente
from civico.segnalazioni.models import Canale
from civico.stati import Stato

MUNICIPIUM = Mappatura(
    origine="municipium",
    colonne={
        "id_origine": "id", "stato": "stato", "creata_il": "creato", "chiusa_il": "chiusa",
        "categoria": "categoria", "canale": "descrizionebreve",
    },
    stati={
        "aperta": Stato.SUBMITTED,
        "in carico": Stato.ACCEPTED,
        "chiusa": Stato.CLOSED,
        # Filed away by the office, with a closing date: closed, not resolved by us, but not open.
        "archiviata": Stato.CLOSED,
        # Our WITHDRAWN is labelled "Annullata" too.
        "annullata": Stato.WITHDRAWN,
        # Removed by the office (spam, not a report): kept for the figures, never shown publicly.
        "eliminata": Stato.REJECTED,
    },
    stati_non_pubblici=frozenset({"eliminata"}),
    canali={"app municipium": Canale.APP, "web": Canale.WEB, "sito web": Canale.WEB,
            "email": Canale.EMAIL, "e-mail": Canale.EMAIL, "telefono": Canale.PHONE,
            "sportello": Canale.COUNTER},
    canale_predefinito=Canale.APP,
)


def importa_municipium(
    percorso: str | Path, ente: Ente, *, progresso: Progresso | None = None, prova: bool = False,
    separatore: str | None = None, codifica: str | None = None,
) -> Riepilogo:
    """Import a Municipium export (plain or .gz) into `ente`; idempotent by Municipium's id."""
    return motore.importa(percorso, ente, MUNICIPIUM, progresso=progresso, prova=prova,
                          separatore=separatore, codifica=codifica)
