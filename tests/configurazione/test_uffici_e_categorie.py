"""Offices, categories and questions, configured from the pages by the comune's administrator."""

import pytest

from civico.accounts.models import Ruolo
from civico.catalogo.models import Categoria, Ufficio
from civico.segnalazioni import workflow
from civico.segnalazioni.models import Segnalazione, TipoEvento
from civico.stati import Stato
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pagine")]
BASE = "/backoffice/configurazione/alessandria"


@pytest.fixture
def admin(client, accedi, alessandria):
    return accedi(client, Ruolo.ENTE_ADMIN, alessandria)


def test_an_administrator_creates_and_renames_an_office(client, admin, alessandria):
    risposta = client.post(f"{BASE}/uffici/", {"nome": "Squadra neve", "email": "neve@comune.example.org"})
    assert risposta.status_code == 302
    neve = Ufficio.objects.get(ente=alessandria, nome="Squadra neve")

    client.post(f"{BASE}/uffici/{neve.pk}/", {"nome": "Squadra neve e ghiaccio", "email": "neve@comune.example.org"})

    neve.refresh_from_db()
    assert neve.nome == "Squadra neve e ghiaccio" and neve.attivo


def test_two_offices_of_a_comune_cannot_share_a_name(client, admin, alessandria):
    risposta = client.post(f"{BASE}/uffici/", {"nome": "Verde pubblico"})
    assert risposta.status_code == 200
    assert "esiste già" in risposta.content.decode()
    assert alessandria.uffici.filter(nome="Verde pubblico").count() == 1


def test_removing_an_office_with_open_reports_asks_where_to_move_them(client, admin, alessandria):
    verde = alessandria.uffici.get(nome="Verde pubblico")
    aperte = [factories.segnalazione(alessandria, categoria="verde-pubblico", risposte={"problema": ["rami"]})
              for _ in range(2)]
    risolta = factories.segnalazione(alessandria, categoria="verde-pubblico", risposte={"problema": ["rami"]})
    operatore = factories.operatore(alessandria)
    workflow.transition(risolta, "take_in_charge", operatore)
    workflow.transition(risolta, "resolve", operatore)

    pagina = client.get(f"{BASE}/uffici/{verde.pk}/disattiva/").content.decode()
    assert "L'ufficio ha 2 segnalazioni aperte." in pagina

    senza_destinazione = client.post(f"{BASE}/uffici/{verde.pk}/disattiva/", {"motivo": ""})
    assert senza_destinazione.status_code == 200
    assert "scegli a quale ufficio passarle" in senza_destinazione.content.decode()
    verde.refresh_from_db()
    assert verde.attivo
    rimaste = Segnalazione.objects.filter(pk__in=[s.pk for s in aperte])
    assert set(rimaste.values_list("ufficio_id", flat=True)) == {verde.pk}


def test_the_open_reports_and_categories_of_a_removed_office_move_with_the_reason(client, admin, alessandria):
    verde = alessandria.uffici.get(nome="Verde pubblico")
    ambiente = alessandria.uffici.get(nome="Ambiente e igiene urbana")
    aperta = factories.segnalazione(alessandria, categoria="verde-pubblico", risposte={"problema": ["rami"]})

    risposta = client.post(f"{BASE}/uffici/{verde.pk}/disattiva/",
                           {"sposta_in": ambiente.pk, "motivo": "Il verde passa all'Ambiente dal 1° luglio."})

    assert risposta.status_code == 302
    verde.refresh_from_db()
    aperta.refresh_from_db()
    assert not verde.attivo
    assert aperta.ufficio == ambiente
    assert aperta.eventi.filter(tipo=TipoEvento.REROUTED).count() == 1
    assert aperta.eventi.get(tipo=TipoEvento.INTERNAL_NOTE).testo == "Il verde passa all'Ambiente dal 1° luglio."
    assert not Categoria.objects.filter(ufficio_predefinito=verde).exists()
    nuova = factories.segnalazione(alessandria, categoria="verde-pubblico", risposte={"problema": ["rami"]})
    assert nuova.ufficio == ambiente


def test_an_office_with_nothing_to_move_is_switched_off_at_once(client, admin, alessandria):
    vuoto = factories.UfficioFactory(ente=alessandria, nome="Ufficio vuoto")
    assert client.post(f"{BASE}/uffici/{vuoto.pk}/disattiva/", {}).status_code == 302
    vuoto.refresh_from_db()
    assert not vuoto.attivo
    client.post(f"{BASE}/uffici/{vuoto.pk}/riattiva/")
    vuoto.refresh_from_db()
    assert vuoto.attivo


def test_another_comune_s_office_cannot_receive_the_reports(client, admin, alessandria, casale):
    verde = alessandria.uffici.get(nome="Verde pubblico")
    factories.segnalazione(alessandria, categoria="verde-pubblico", risposte={"problema": ["rami"]})
    di_casale = casale.uffici.first()

    risposta = client.post(f"{BASE}/uffici/{verde.pk}/disattiva/", {"sposta_in": di_casale.pk, "motivo": "x"})

    assert risposta.status_code == 200
    verde.refresh_from_db()
    assert verde.attivo


def test_a_category_s_sla_is_set_in_working_days(client, admin, alessandria):
    strade = alessandria.uffici.get(nome="Lavori pubblici – strade")
    risposta = client.post(f"{BASE}/categorie/nuova/", {
        "nome": "Neve e ghiaccio", "codice": "neve", "gruppo": "Strade e mobilità",
        "parole_chiave": "neve, ghiaccio, sale", "ufficio_predefinito": strade.pk,
        "giorni_risposta": "3", "giorni_lavorativi": "on", "pubblica": "on", "attiva": "on", "ordine": "50",
    })

    assert risposta.status_code == 302
    neve = Categoria.objects.get(ente=alessandria, codice="neve")
    assert neve.giorni_risposta == 3 and neve.giorni_lavorativi
    assert neve.parole_chiave == ["neve", "ghiaccio", "sale"]
    assert "3 giorni lavorativi" in client.get(f"{BASE}/categorie/").content.decode()


def test_a_category_cannot_be_sent_to_another_comune_s_office(client, admin, alessandria, casale):
    buche = alessandria.categorie.get(codice="buche")
    risposta = client.post(f"{BASE}/categorie/{buche.pk}/", {
        "nome": "Buche", "codice": "buche", "ufficio_predefinito": casale.uffici.first().pk,
        "giorni_risposta": "30", "ordine": "1",
    })
    assert risposta.status_code == 200
    buche.refresh_from_db()
    assert buche.ufficio_predefinito.ente == alessandria


def test_a_choice_question_is_added_with_its_answers_and_asked_to_citizens(client, admin, alessandria):
    tombini = alessandria.categorie.get(codice="tombini")
    risposta = client.post(f"{BASE}/categorie/{tombini.pk}/domande/nuova/", {
        "testo": "Esce acqua dal tombino?", "codice": "acqua", "tipo": "singlevaluelist", "obbligatoria": "on",
        "ordine": "1", "valori": "si | Sì\nno | No",
    })
    assert risposta.status_code == 302
    domanda = tombini.domande.get(codice="acqua")
    assert domanda.valori == [{"key": "si", "name": "Sì"}, {"key": "no", "name": "No"}]

    s = factories.segnalazione(alessandria, categoria="tombini", risposte={"acqua": "si"})
    assert s.risposte == {"acqua": "si"}


def test_a_choice_question_without_answers_is_refused(client, admin, alessandria):
    tombini = alessandria.categorie.get(codice="tombini")
    risposta = client.post(f"{BASE}/categorie/{tombini.pk}/domande/nuova/", {
        "testo": "Di che colore?", "codice": "colore", "tipo": "multivaluelist", "ordine": "1", "valori": "",
    })
    assert risposta.status_code == 200
    assert "elenca le risposte possibili" in risposta.content.decode()
    assert not tombini.domande.exists()


def test_a_deleted_question_is_no_longer_asked_but_old_answers_stay(client, admin, alessandria):
    buche = alessandria.categorie.get(codice="buche")
    vecchia = factories.segnalazione(alessandria)
    for domanda in buche.domande.all():
        client.post(f"{BASE}/categorie/{buche.pk}/domande/{domanda.pk}/elimina/")

    assert not buche.domande.exists()
    vecchia.refresh_from_db()
    assert vecchia.risposte == {"dimensione": "grande"}
    assert factories.segnalazione(alessandria, risposte={}).stato == Stato.SUBMITTED
