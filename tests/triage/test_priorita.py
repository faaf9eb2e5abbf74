"""Priority suggestion: signs of immediate danger in the citizen's words raise a suggested priority,
with the reason, for the operator only; the operator applies it with one click."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from civico.segnalazioni.models import Evento, Priorita, TipoEvento
from civico.triage.models import SuggerimentoTriage
from civico.triage.priorita import suggerisci_priorita
from tests import factories
from tests.backoffice.conftest import come, persone, strade  # noqa: F401 — fixtures
from tests.backoffice.test_scheda import agisci, url

ROMA = ZoneInfo("Europe/Rome")
MEZZOGIORNO = datetime(2026, 3, 10, 12, 0, tzinfo=ROMA)
NOTTE = datetime(2026, 3, 10, 23, 30, tzinfo=ROMA)


@pytest.mark.parametrize("testo, livello, motivo", [
    ("Tombino scoperchiato in via Roma", "urgente", "tombino"),
    ("il tombino è senza coperchio, ci si può cadere dentro", "urgente", "tombino"),
    ("TOMBINO SCOPERCHIATTO DAVANTI AL BAR", "urgente", "tombino"),  # all caps and a typo
    ("manca il coperchio del chiusino sul marciapiede", "urgente", "tombino"),
    ("The manhole cover is missing on Main Street", "urgente", "tombino"),
    ("albero caduto di traverso sulla strada", "urgente", "albero"),
    ("Un grosso ramo è crollato in mezzo alla carreggiata", "urgente", "albero"),
    ("Fallen tree blocking the road near the bridge", "urgente", "albero"),
    ("cavi elettrici scoperti vicino alla fermata", "urgente", "cavi"),
    ("i fili della luce penzolano dal palo", "urgente", "cavi"),
    ("Exposed wires hanging from the lamp post", "urgente", "cavi"),
    ("il semaforo dell'incrocio non funziona", "urgente", "semaforo_incrocio"),
    ("non funziona il semaforo pedonale sulle strisce", "urgente", "semaforo_incrocio"),
    ("semafaro guasto all'incrocio con via Mazzini", "urgente", "semaforo_incrocio"),  # typo
    ("Traffic lights not working at the junction", "urgente", "semaforo_incrocio"),
    ("semaforo lampeggiante da ieri", "alta", "semaforo"),
    ("siringhe nel parco giochi dei bambini", "alta", "siringhe_giochi"),
    ("Used syringes in the playground", "alta", "siringhe_giochi"),
    ("siringhe abbandonate dietro la stazione", "alta", "siringhe"),
    ("forte puzza di gas in via Milano", "urgente", "gas"),
    ("I can smell gas near the school", "urgente", "gas"),
    ("sottopasso allagato, le auto passano lo stesso", "alta", "allagamento"),
    ("Street flooded after the storm", "alta", "allagamento"),
    ("si è aperta una voragine in mezzo alla strada", "urgente", "voragine"),
    ("ramo pericolante sopra il marciapiede", "alta", "pericolante"),
    ("buca profonda e pericolosa per le bici", "alta", "pericolo"),
    ("fumo e fiamme dal cassonetto", "urgente", "incendio"),
])
def test_signs_of_danger_raise_the_priority_with_their_reason(testo, livello, motivo):
    suggerita = suggerisci_priorita(testo, quando=MEZZOGIORNO)

    assert (suggerita.livello, suggerita.motivi[0]) == (livello, motivo)


@pytest.mark.parametrize("testo", [
    "non c'è pericolo, è solo una buca piccola",
    "Buca sul marciapiede, nessun pericolo immediato",
    "vorrei che il comune facesse luce sulla vicenda dei lavori",
    "fare luce sulla vicenda dell'appalto",
    "il tombino non è aperto, è solo sporco",
    "lampione spento in via Dante",
    "Street lights broken in the car park",
    "graffiti sul muro della scuola",
    "cestino pieno davanti alla scuola, di notte",
    "The manhole is not open, just noisy when cars pass",
    "erba alta nel parco giochi",
    "the gas bill is too high",  # not a smell or a leak
    "Qualcosa non va",
    "",
])
def test_misleading_or_calm_words_suggest_nothing(testo):
    suggerita = suggerisci_priorita(testo, quando=MEZZOGIORNO)

    assert (suggerita.livello, suggerita.motivi) == ("normale", [])


@pytest.mark.parametrize("testo, quando, vicino_a_scuola, motivi", [
    ("semaforo lampeggiante da ieri", NOTTE, False, ["semaforo", "notte"]),  # sent at night
    ("semaforo lampeggiante di notte", MEZZOGIORNO, False, ["semaforo", "notte"]),  # said in the words
    ("siringhe abbandonate nel cortile", MEZZOGIORNO, True, ["siringhe", "scuola"]),  # the place is by a school
    ("ramo pericolante davanti all'asilo", MEZZOGIORNO, False, ["pericolante", "scuola"]),
])
def test_night_or_a_school_nearby_make_a_sign_urgent(testo, quando, vicino_a_scuola, motivi):
    suggerita = suggerisci_priorita(testo, quando=quando, vicino_a_scuola=vicino_a_scuola)

    assert (suggerita.livello, suggerita.motivi) == ("urgente", motivi)
    assert "di notte" in suggerita.etichette or "vicino a una scuola" in suggerita.etichette


@pytest.mark.django_db
def test_intake_stores_the_suggestion_the_operator_sees_and_applies_with_one_click(come, persone, alessandria):  # noqa: F811
    s = factories.segnalazione(alessandria, titolo="Tombino scoperchiato",
                               descrizione="davanti al bar, ci si può cadere dentro")
    assert SuggerimentoTriage.objects.get(segnalazione=s).priorita == "urgente"
    operatore = come(persone.operatore)

    scheda = operatore.get(url(s)).content.decode()
    avviso = scheda[scheda.index('data-testid="priorita-suggerita"'):]
    assert "Priorità suggerita: Urgente" in avviso[:300]
    assert "Tombino aperto o senza coperchio" in avviso[:300]
    casella = operatore.get("/backoffice/").content.decode()
    riga = casella[casella.index(f'data-codice="{s.codice}"'):]
    assert "suggerita: Urgente" in riga[:riga.index("</tr>")]

    agisci(operatore, s, "priorita", priorita="urgente")  # what the one-click form posts

    s.refresh_from_db()
    assert s.priorita == Priorita.URGENTE
    assert Evento.objects.filter(segnalazione=s, tipo=TipoEvento.PRIORITY_CHANGED).count() == 1
    assert 'data-testid="priorita-suggerita"' not in pagina_di(operatore, url(s))  # done: no longer proposed


def pagina_di(client, indirizzo: str) -> str:
    return client.get(indirizzo).content.decode()


@pytest.mark.django_db
def test_the_suggested_priority_is_never_shown_to_citizens(client, alessandria):
    s = factories.segnalazione(alessandria, titolo="Tombino scoperchiato", descrizione="pericolo per i pedoni")

    pagina = client.get(f"/segnalazioni/{s.codice}/").content.decode()
    api = client.get(f"/api/v1/segnalazioni/{s.codice}").content.decode()
    seguimi = client.get(f"/seguimi/{s.token}/").content.decode()

    for testo in (pagina, api, seguimi):
        assert "Tombino aperto o senza coperchio" not in testo
        assert "suggerita" not in testo.lower()
    assert s.priorita == "normale"  # a suggestion, not a change: nothing promised


@pytest.mark.django_db
def test_a_calm_report_gets_no_priority_proposal(come, persone, alessandria):  # noqa: F811
    s = factories.segnalazione(alessandria)  # "Buca profonda davanti al civico"

    assert SuggerimentoTriage.objects.get(segnalazione=s).motivi == []
    assert 'data-testid="priorita-suggerita"' not in pagina_di(come(persone.operatore), url(s))
