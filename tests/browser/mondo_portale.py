"""A believable Alessandria for the portal's browser tests and screenshots: reports at real house
numbers across the city, in every stage of their life, made through the product's own doors."""

from __future__ import annotations

from civico.enti.models import Ente
from civico.segnalazioni import workflow
from civico.segnalazioni.models import Segnalazione
from civico.territorio.models import NumeroCivico
from tests import factories
from tests.conftest import attiva, mondo

# (category, title, answers, transitions)
STORIE = [
    ("buche", "Buca profonda sulla carreggiata", {"dimensione": "grande"}, ["take_in_charge", "start_work"]),
    ("arredo-urbano", "Panchina rotta nel viale", {}, ["take_in_charge", "resolve"]),
    ("tombini", "Tombino intasato, la strada si allaga", {}, []),
    ("parchi-gioco-aree-cani", "Altalena rotta nel parco giochi", {}, ["take_in_charge"]),
    ("buche", "Marciapiede dissestato", {"dimensione": "media"}, ["take_in_charge", "resolve", "close"]),
    ("disinfestazione", "Nido di vespe sul lampione", {}, ["take_in_charge", "start_work", "resolve"]),
    ("accessibilita", "Scivolo del marciapiede bloccato da un palo", {}, []),
    ("arredo-urbano", "Cestino divelto", {}, ["take_in_charge", "resolve"]),
    ("tombini", "Grata della caditoia rotta", {}, ["take_in_charge"]),
    ("cimiteri", "Vialetto del cimitero sconnesso", {}, []),
    ("buche", "Buche in serie dopo la pioggia", {"dimensione": "piccola"}, ["take_in_charge", "resolve"]),
    ("altro", "Cartello turistico sbiadito", {}, []),
]


def alessandria_con_segnalazioni() -> tuple[Ente, list[Segnalazione]]:
    """The world (flushed by transactional tests), Alessandria active, and a dozen reports."""
    mondo()
    ente = attiva("006003", "AL", completo=True)
    op = factories.operatore(ente)
    civici = list(NumeroCivico.objects.filter(ente=ente).order_by("id").values_list("lat", "lon"))
    passo = max(1, len(civici) // (len(STORIE) + 1))
    segnalazioni = []
    for i, (categoria, titolo, risposte, passi) in enumerate(STORIE):
        s = factories.segnalazione(ente, punto=civici[(i + 1) * passo], categoria=categoria, titolo=titolo,
                                   risposte=risposte, descrizione=f"{titolo}: segnalato dai residenti.")
        for nome in passi:
            s = workflow.transition(s, nome, op)
        segnalazioni.append(s)
    return ente, segnalazioni
