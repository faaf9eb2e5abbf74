"""Likely duplicates shown to a citizen while they write a report ("Anche io").

Open public reports near the point, ranked by the one duplicate score (`triage.duplicati`: words,
distance, time, category), so the citizen can support the existing one instead of sending another.
Only public reports: a private one must not reveal itself to strangers.
"""

from __future__ import annotations

import math

from django.utils import timezone

from civico.catalogo.models import Categoria
from civico.enti.models import Ente
from civico.segnalazioni.models import Segnalazione
from civico.segnalazioni.workflow import APERTI
from civico.triage import duplicati as punteggio
from civico.triage.duplicati import Simile

LIMITE = 5

__all__ = ["LIMITE", "Simile", "entro_metri", "vicine"]


def vicine(
    ente: Ente, categoria: Categoria | None, lat: float | None, lon: float | None, *, testo: str = "",
    limite: int = LIMITE,
) -> list[Simile]:
    """Open public reports of the comune likely the same problem as the citizen's draft (its
    category, its words so far, its point, now), most likely first."""
    if limite <= 0:
        return []
    caso = punteggio.Caso(
        testo, lat, lon, timezone.now(), categoria.pk if categoria else None, punteggio.tipo_categoria(categoria)
    )
    candidate = Segnalazione.objects.pubbliche(ente).filter(stato__in=APERTI)
    return punteggio.simili(caso, candidate, limite=limite)


def entro_metri(simili: list[Simile]) -> int:
    """The distance to say ("simili a 30 m"): the farthest one, rounded up to ten metres."""
    if not simili:
        return 0
    return max(10, math.ceil(max(x.distanza_m for x in simili) / 10) * 10)
