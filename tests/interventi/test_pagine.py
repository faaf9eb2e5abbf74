"""The work-order pages: what an operator does with a browser form."""

import pytest

from civico.accounts.models import Ruolo
from civico.segnalazioni import interventi, workflow
from civico.segnalazioni.models import Intervento
from civico.stati import Stato
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pagine")]


def test_an_operator_creates_a_work_order_from_codes_and_closes_it(client, accedi, alessandria):
    accedi(client, Ruolo.OPERATORE, alessandria)
    prima, seconda = factories.segnalazione(alessandria), factories.segnalazione(alessandria)

    risposta = client.post("/backoffice/interventi/alessandria/nuovo/", {
        "titolo": "Buche di via Milano", "squadra_o_ditta": "Squadra 2", "data_prevista": "2026-06-15",
        "costo_stimato": "1200", "codici": f"{prima.codice}, {seconda.codice.lower()}",
    })
    intervento = Intervento.objects.get()
    assert risposta.status_code == 302 and risposta["Location"].endswith(f"/{intervento.pk}/")
    pagina = client.get(risposta["Location"]).content.decode()
    assert prima.codice in pagina and seconda.codice in pagina

    risposta = client.post(f"/backoffice/interventi/alessandria/{intervento.pk}/chiudi/", {
        "messaggio_pubblico": "Buche chiuse con asfalto a caldo.", "costo_effettivo": "1100.50",
    }, follow=True)

    assert "Intervento chiuso: segnalazioni risolte 2." in risposta.content.decode()
    prima.refresh_from_db()
    assert prima.stato == Stato.RESOLVED and prima.nota_pubblica == "Buche chiuse con asfalto a caldo."


def test_an_unknown_code_is_shown_and_nothing_is_created(client, accedi, alessandria):
    accedi(client, Ruolo.OPERATORE, alessandria)

    risposta = client.post("/backoffice/interventi/alessandria/nuovo/", {
        "titolo": "Prova", "codici": "AL-1999-000001",
    })

    assert risposta.status_code == 200
    assert "Codici sconosciuti in questo comune: AL-1999-000001." in risposta.content.decode()
    assert not Intervento.objects.exists()


def test_reports_left_open_at_closing_are_listed_on_the_page(client, accedi, alessandria):
    operatore = accedi(client, Ruolo.OPERATORE, alessandria)
    buona, respinta = factories.segnalazione(alessandria), factories.segnalazione(alessandria)
    client.post("/backoffice/interventi/alessandria/nuovo/", {
        "titolo": "Due buche", "codici": f"{buona.codice} {respinta.codice}",
    })
    workflow.transition(respinta, "reject", factories.Attore.staff(operatore), testo="Strada privata.")

    intervento = Intervento.objects.get()
    risposta = client.post(f"/backoffice/interventi/alessandria/{intervento.pk}/chiudi/", {
        "messaggio_pubblico": "Riparata.",
    })

    pagina = risposta.content.decode()
    assert risposta.status_code == 200 and 'data-testid="non-risolte"' in pagina
    assert respinta.codice in pagina and "Respinta" in pagina


def test_an_observer_cannot_open_the_work_orders(client, accedi, alessandria):
    interventi.crea_intervento(alessandria, factories.operatore(alessandria), "Buche di via Milano")
    accedi(client, Ruolo.OSSERVATORE, alessandria)
    risposta = client.get("/backoffice/interventi/alessandria/")
    assert risposta.status_code == 403 and "Buche di via Milano" not in risposta.content.decode()
    assert client.post("/backoffice/interventi/alessandria/nuovo/", {"titolo": "Abusivo"}).status_code == 403
    assert Intervento.objects.get().titolo == "Buche di via Milano"
