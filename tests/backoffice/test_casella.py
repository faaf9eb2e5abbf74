"""The inbox: what each person sees, filters, tab counts, sorting, pages, saved views, exports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from civico.accounts.permissions import Attore
from civico.backoffice.models import VistaSalvata
from civico.catalogo.models import Categoria
from civico.segnalazioni import interazioni, workflow
from civico.segnalazioni.models import Canale, Priorita, Segnalazione
from civico.territorio.models import NumeroCivico
from tests import factories

pytestmark = pytest.mark.django_db


def codici(risposta) -> list[str]:
    return [s.codice for s in risposta.context["c"].pagina]


def verde(ente, **campi):
    return factories.segnalazione(ente, categoria="verde-pubblico", risposte={"problema": ["rami"]},
                                  titolo="Ramo spezzato sul marciapiede", **campi)


@pytest.fixture
def mondo(alessandria, persone):
    """Five reports of Alessandria in different states, offices and channels."""
    op = Attore.staff(persone.operatore)
    nuova = factories.segnalazione(alessandria, titolo="Buca in piazza", nome="Mario Rossi",
                                   email="mario@example.org")
    presa = factories.segnalazione(alessandria, categoria="tombini", titolo="Tombino intasato", canale=Canale.PHONE)
    workflow.transition(presa, "take_in_charge", op)
    interazioni.assegna(presa, op, persone.operatore)
    lavori = verde(alessandria)
    workflow.transition(lavori, "take_in_charge", op)
    workflow.transition(lavori, "start_work", op)
    risolta = factories.segnalazione(alessandria, titolo="Buca riparata")
    workflow.transition(risolta, "take_in_charge", op)
    workflow.transition(risolta, "resolve", op)
    in_ritardo = factories.segnalazione(alessandria, titolo="Buca dimenticata")
    Segnalazione.objects.filter(pk=in_ritardo.pk).update(
        scadenza=timezone.localdate() - timedelta(days=2), priorita=Priorita.URGENTE
    )
    return {"nuova": nuova.codice, "presa": presa.codice, "lavori": lavori.codice, "risolta": risolta.codice,
            "in_ritardo": in_ritardo.codice}


def test_the_tabs_count_the_reports_in_one_query(come, persone, mondo):
    risposta = come(persone.operatore).get("/backoffice/")
    assert risposta.status_code == 200
    assert risposta.context["c"].conteggi == {"da_prendere": 2, "in_lavorazione": 2, "in_ritardo": 1, "tutte": 5}
    assert set(codici(risposta)) == {mondo["nuova"], mondo["in_ritardo"]}  # the default tab
    assert set(codici(come(persone.operatore).get("/backoffice/?scheda=in_lavorazione"))) == {
        mondo["presa"], mondo["lavori"]}
    assert codici(come(persone.operatore).get("/backoffice/?scheda=in_ritardo")) == [mondo["in_ritardo"]]
    html = risposta.content.decode()
    assert 'data-testid="conteggio-tutte">5<' in html


@pytest.mark.parametrize("filtro, attese", [
    ("stato=resolved", ["risolta"]),
    ("canale=phone", ["presa"]),
    ("priorita=urgente", ["in_ritardo"]),
    ("scadenza=scadute", ["in_ritardo"]),
    ("assegnatario=me", ["presa"]),
    ("q=tombino", ["presa"]),
    ("q=dimenticata", ["in_ritardo"]),
    ("q=al-{anno}-000003", ["lavori"]),  # a tracking code, typed in lower case
])
def test_each_filter_narrows_the_list(come, persone, mondo, filtro, attese):
    filtro = filtro.format(anno=timezone.localdate().year)
    risposta = come(persone.operatore).get(f"/backoffice/?scheda=tutte&{filtro}")
    assert sorted(codici(risposta)) == sorted(mondo[a] for a in attese)


def test_category_office_and_operator_filters(come, persone, mondo, alessandria, verde):
    client = come(persone.operatore)
    tombini = Categoria.objects.get(ente=alessandria, codice="tombini")
    assert codici(client.get(f"/backoffice/?scheda=tutte&categoria={tombini.pk}")) == [mondo["presa"]]
    assert codici(client.get(f"/backoffice/?scheda=tutte&ufficio={verde.pk}")) == [mondo["lavori"]]
    assert codici(client.get(f"/backoffice/?scheda=tutte&assegnatario={persone.operatore.pk}")) == [mondo["presa"]]
    assert len(codici(client.get("/backoffice/?scheda=tutte&assegnatario=nessuno"))) == 4


def test_the_tab_counts_follow_the_filters(come, persone, mondo):
    risposta = come(persone.operatore).get("/backoffice/?q=buca")
    assert risposta.context["c"].conteggi == {"da_prendere": 2, "in_lavorazione": 0, "in_ritardo": 1, "tutte": 3}


def test_due_soon_means_within_three_days(come, persone, alessandria):
    presto = factories.segnalazione(alessandria)
    tardi = factories.segnalazione(alessandria)
    oggi = timezone.localdate()
    Segnalazione.objects.filter(pk=presto.pk).update(scadenza=oggi + timedelta(days=2))
    Segnalazione.objects.filter(pk=tardi.pk).update(scadenza=oggi + timedelta(days=20))
    assert codici(come(persone.operatore).get("/backoffice/?scadenza=in_scadenza")) == [presto.codice]


def test_area_by_quartiere_or_box(come, persone, alessandria):
    centro = factories.segnalazione(alessandria)
    civico = NumeroCivico.objects.filter(ente=alessandria, quartiere="Spinetta Marengo").first()
    spinetta = factories.segnalazione(alessandria, punto=(civico.lat, civico.lon))
    client = come(persone.operatore)
    assert codici(client.get("/backoffice/?quartiere=spinetta marengo")) == [spinetta.codice]
    assert codici(client.get("/backoffice/?quartiere=Atlantide")) == []
    bbox = f"{centro.lon - 0.001},{centro.lat - 0.001},{centro.lon + 0.001},{centro.lat + 0.001}"
    assert codici(client.get(f"/backoffice/?bbox={bbox}")) == [centro.codice]
    # A malformed box is ignored, not an error.
    assert len(codici(client.get("/backoffice/?bbox=a,b,c"))) == 2


def test_sorting_by_priority_and_by_deadline(come, persone, mondo):
    client = come(persone.operatore)
    assert codici(client.get("/backoffice/?scheda=tutte&ordine=priorita"))[0] == mondo["in_ritardo"]
    assert codici(client.get("/backoffice/?scheda=tutte&ordine=scadenza"))[0] == mondo["in_ritardo"]
    assert codici(client.get("/backoffice/?scheda=tutte&ordine=meno_recenti"))[0] == mondo["nuova"]


def test_the_list_is_paginated(come, persone, alessandria):
    for _ in range(27):
        factories.segnalazione(alessandria)
    client = come(persone.operatore)
    prima = client.get("/backoffice/?per_pagina=25")
    assert len(codici(prima)) == 25 and prima.context["c"].pagina.paginator.num_pages == 2
    seconda = client.get("/backoffice/?per_pagina=25&pagina=2")
    assert len(codici(seconda)) == 2
    assert not set(codici(prima)) & set(codici(seconda))
    assert len(codici(client.get("/backoffice/?per_pagina=25&pagina=99"))) == 2  # past the end: the last page


def test_the_inbox_costs_the_same_queries_for_5_or_60_reports(come, persone, alessandria,
                                                              django_assert_max_num_queries):
    client = come(persone.operatore)
    for _ in range(5):
        factories.segnalazione(alessandria, nome="Anna")
    client.get("/backoffice/")  # warm the per-process caches (quartieri, content types)
    with django_assert_max_num_queries(14) as poche:
        client.get("/backoffice/?per_pagina=100")
    for _ in range(55):
        s = factories.segnalazione(alessandria)
        interazioni.assegna(s, Attore.staff(persone.operatore), persone.operatore)
    with django_assert_max_num_queries(len(poche.captured_queries)):
        risposta = client.get("/backoffice/?per_pagina=100")
    assert len(codici(risposta)) == 60


def test_an_office_manager_sees_only_the_office(come, persone, mondo):
    risposta = come(persone.responsabile).get("/backoffice/?scheda=tutte")
    # roads office: the potholes and the drain, not the green-area report
    assert mondo["lavori"] not in codici(risposta)
    assert mondo["presa"] in codici(risposta) and len(codici(risposta)) == 4
    assert [u.nome for u in risposta.context["uffici"]] == ["Lavori pubblici – strade"]


def test_staff_of_another_comune_see_none_of_these_reports(come, persone, mondo, casale):
    factories.segnalazione(casale, punto=factories.CASALE, categoria="buche")
    risposta = come(persone.altro_comune).get("/backoffice/?scheda=tutte&ente=AL")
    assert risposta.context["comune"] == casale  # asking for Alessandria opens their own comune
    assert all(c.startswith("CM-") for c in codici(risposta)) and len(codici(risposta)) == 1
    assert come(persone.altro_comune).get("/backoffice/esporta.csv?ente=AL&scheda=tutte").getvalue().decode(
        "utf-8-sig").count("AL-") == 0


def test_the_platform_administrator_switches_comune(come, persone, mondo, casale):
    factories.segnalazione(casale, punto=factories.CASALE, categoria="buche")
    client = come(persone.piattaforma)
    assert len(codici(client.get("/backoffice/?scheda=tutte&ente=AL"))) == 5
    assert len(codici(client.get("/backoffice/?scheda=tutte&ente=CM"))) == 1


def test_a_view_is_saved_opened_and_deleted(come, persone, mondo):
    client = come(persone.operatore)
    filtri = "scheda=tutte&priorita=urgente&pagina=3"
    risposta = client.post("/backoffice/viste/", {"nome": "Urgenti", "querystring": filtri})
    assert risposta.status_code == 302 and risposta["Location"] == "/backoffice/?scheda=tutte&priorita=urgente"
    vista = VistaSalvata.objects.get(utente=persone.operatore)
    assert vista.querystring == "scheda=tutte&priorita=urgente"
    pagina = client.get("/backoffice/")
    assert f'href="/backoffice/?{vista.querystring.replace("&", "&amp;")}"' in pagina.content.decode()
    assert codici(client.get(risposta["Location"])) == [mondo["in_ritardo"]]
    # Someone else's view cannot be deleted.
    assert come(persone.amministratore).post(f"/backoffice/viste/{vista.pk}/elimina/").status_code == 404
    come(persone.operatore).post(f"/backoffice/viste/{vista.pk}/elimina/")
    assert not VistaSalvata.objects.exists()


def _righe_csv(risposta) -> list[dict]:
    testo = b"".join(risposta.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(testo), delimiter=";"))


def test_the_csv_export_has_the_filtered_list_and_contacts_for_operators(come, persone, mondo):
    risposta = come(persone.operatore).get("/backoffice/esporta.csv?scheda=tutte&q=buca")
    assert risposta["Content-Type"].startswith("text/csv")
    assert "attachment" in risposta["Content-Disposition"]
    righe = _righe_csv(risposta)
    assert {r["Codice"] for r in righe} == {mondo["nuova"], mondo["risolta"], mondo["in_ritardo"]}
    mario = next(r for r in righe if r["Codice"] == mondo["nuova"])
    assert mario["E-mail del segnalante"] == "mario@example.org" and mario["Stato"] == "Ricevuta"


def test_read_only_roles_export_without_contacts(come, persone, mondo):
    for persona in (persone.sindaco, persone.osservatore):
        righe = _righe_csv(come(persona).get("/backoffice/esporta.csv?scheda=tutte"))
        assert len(righe) == 5
        assert "E-mail del segnalante" not in righe[0]
        assert all("mario@example.org" not in str(r) for r in righe)


def test_citizens_text_never_becomes_a_spreadsheet_formula(come, persone, alessandria):
    factories.segnalazione(alessandria, titolo="=HYPERLINK(\"http://x\")", nome="+39 Rossi")
    righe = _righe_csv(come(persone.operatore).get("/backoffice/esporta.csv"))
    assert righe[0]["Titolo"].startswith("'=") and righe[0]["Nome del segnalante"].startswith("'+")
    libro = load_workbook(io.BytesIO(come(persone.operatore).get("/backoffice/esporta.xlsx").content))
    cella = libro.active["G2"]
    assert cella.value == "'=HYPERLINK(\"http://x\")" and cella.data_type == "s"


def test_the_xlsx_export_opens_with_the_same_rows(come, persone, mondo):
    risposta = come(persone.operatore).get("/backoffice/esporta.xlsx?scheda=tutte")
    assert risposta["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    foglio = load_workbook(io.BytesIO(risposta.content)).active
    righe = list(foglio.iter_rows(values_only=True))
    assert righe[0][0] == "Codice" and "E-mail del segnalante" in righe[0]
    assert {r[0] for r in righe[1:]} == set(mondo.values())


def test_htmx_filtering_returns_only_the_list(come, persone, mondo):
    risposta = come(persone.operatore).get("/backoffice/?scheda=tutte&q=tombino", HTTP_HX_REQUEST="true",
                                           HTTP_HX_TARGET="elenco")
    html = risposta.content.decode()
    assert html.lstrip().startswith('<div id="elenco">') and "<html" not in html
    assert mondo["presa"] in html


def test_read_only_roles_get_no_bulk_bar(come, persone, mondo):
    assert 'id="blocco"' in come(persone.operatore).get("/backoffice/").content.decode()
    for persona in (persone.sindaco, persone.osservatore):
        html = come(persona).get("/backoffice/").content.decode()
        assert 'id="blocco"' not in html and 'name="codici"' not in html
