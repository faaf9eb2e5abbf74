"""A report's workspace: what it shows, and each action through the page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civico.accounts.permissions import Attore
from civico.segnalazioni import interazioni, workflow
from civico.segnalazioni.models import Evento, Segnalazione, TipoAllegato, TipoEvento, Visibilita
from civico.stati import Stato
from tests import factories
from tests.segnalazioni import immagini

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(alessandria):
    return factories.segnalazione(alessandria, nome="Mario Rossi", email="mario@example.org", telefono="0131 123456")


def url(s, azione: str = "") -> str:
    return f"/backoffice/segnalazioni/{s.codice}/" + (f"azioni/{azione}/" if azione else "")


def agisci(client, s, azione: str, **campi):
    s.refresh_from_db()
    return client.post(url(s, azione), {"versione": s.versione, **campi})


def test_the_workspace_shows_the_report_its_contacts_and_whole_timeline(come, persone, s):
    op = Attore.staff(persone.operatore)
    interazioni.rispondi(s, op, "Interverremo presto")
    interazioni.rispondi(s, op, "Ci manda una foto?", solo_al_segnalante=True)
    interazioni.annota(s, op, "Chiamare la ditta Bianchi")

    risposta = come(persone.operatore).get(url(s))
    html = risposta.content.decode()
    assert risposta.status_code == 200
    assert "Mario Rossi" in html and "mario@example.org" in html and "0131 123456" in html
    visibilita = {v.testo: v.evento.visibilita for v in risposta.context["cronologia"]}
    assert visibilita["Interverremo presto"] == Visibilita.PUBBLICA
    assert visibilita["Ci manda una foto?"] == Visibilita.SEGNALANTE
    assert visibilita["Chiamare la ditta Bianchi"] == Visibilita.INTERNA
    assert 'data-visibilita="internal"' in html and "Ottavia Operatrice" in html  # who, by name, for staff
    assert 'src="/static/leaflet/leaflet.js"' in html and 'id="punti-mappa"' in html


def test_contacts_are_hidden_from_read_only_roles(come, persone, s):
    for persona in (persone.sindaco, persone.osservatore):
        risposta = come(persona).get(url(s))
        html = risposta.content.decode()
        assert risposta.status_code == 200
        assert "mario@example.org" not in html and "0131 123456" not in html
        assert 'data-testid="sola-lettura"' in html and 'data-testid="azioni"' not in html


def test_the_action_buttons_come_from_the_workflow(come, persone, s):
    risposta = come(persone.operatore).get(url(s))
    assert [t.nome for t in risposta.context["transizioni"]] == ["take_in_charge", "reject", "mark_duplicate"]
    admin = come(persone.amministratore).get(url(s))
    assert "withdraw" in [t.nome for t in admin.context["transizioni"]]


def test_take_in_charge_start_and_resolve_with_a_photo(come, persone, s):
    client = come(persone.operatore)
    risposta = agisci(client, s, "take_in_charge")
    assert risposta.status_code == 302 and risposta["Location"] == url(s)
    assert "ora la segnalazione è «Presa in carico»" in client.get(url(s)).content.decode()
    agisci(client, s, "start_work")
    foto = immagini.jpeg()
    risposta = agisci(client, s, "resolve", testo="Buca chiusa con asfalto a freddo",
                      foto=SimpleUploadedFile("fine.jpg", foto, content_type="image/jpeg"))
    assert risposta.status_code == 302
    s.refresh_from_db()
    assert s.stato == Stato.RESOLVED and s.nota_pubblica == "Buca chiusa con asfalto a freddo"
    assert s.allegati.filter(tipo=TipoAllegato.FOTO).count() == 1


def test_reject_needs_a_reason_and_keeps_what_was_typed(come, persone, s):
    client = come(persone.operatore)
    risposta = agisci(client, s, "reject", testo="")
    assert risposta.status_code == 400
    assert "serve una motivazione" in risposta.content.decode()
    assert agisci(client, s, "reject", testo="Strada privata: non di competenza").status_code == 302
    s.refresh_from_db()
    assert s.stato == Stato.REJECTED and s.nota_pubblica == "Strada privata: non di competenza"


def test_mark_as_duplicate_of_another_code(come, persone, s, alessandria):
    originale = factories.segnalazione(alessandria)
    client = come(persone.operatore)
    assert agisci(client, s, "mark_duplicate", duplicato_di="AL-1999-999999").status_code == 400
    assert agisci(client, s, "mark_duplicate", duplicato_di=originale.codice.lower()).status_code == 302
    s.refresh_from_db()
    assert s.stato == Stato.DUPLICATE and s.duplicato_di == originale


def test_reopen_a_resolved_report(come, persone, s):
    op = Attore.staff(persone.operatore)
    workflow.transition(s, "take_in_charge", op)
    workflow.transition(s, "resolve", op)
    client = come(persone.operatore)
    assert agisci(client, s, "reopen", testo="Il cittadino segnala che la buca è ancora lì").status_code == 302
    s.refresh_from_db()
    assert s.stato == Stato.REOPENED


def test_assign_reroute_answer_reply_and_note(come, persone, s, verde):
    client = come(persone.operatore)
    assert agisci(client, s, "assegna", assegnatario=persone.operatore.pk).status_code == 302
    s.refresh_from_db()
    assert s.assegnatario == persone.operatore
    assert "Assegnata a Ottavia Operatrice." in client.get(url(s)).content.decode()
    assert agisci(client, s, "assegna", assegnatario="").status_code == 302
    s.refresh_from_db()
    assert s.assegnatario is None

    assert agisci(client, s, "sposta", ufficio=verde.pk, testo="È un'aiuola, non la strada").status_code == 302
    s.refresh_from_db()
    assert s.ufficio == verde
    assert agisci(client, s, "rispondi", testo="Grazie, interverremo").status_code == 302
    assert agisci(client, s, "rispondi_segnalante", testo="Ci lascia un numero?").status_code == 302
    assert agisci(client, s, "annota", testo="Sopralluogo martedì").status_code == 302
    tipi = {(e.tipo, e.visibilita, e.testo) for e in Evento.objects.filter(segnalazione=s)}
    assert (TipoEvento.PUBLIC_ANSWER, Visibilita.PUBBLICA, "Grazie, interverremo") in tipi
    assert (TipoEvento.PUBLIC_ANSWER, Visibilita.SEGNALANTE, "Ci lascia un numero?") in tipi
    assert (TipoEvento.INTERNAL_NOTE, Visibilita.INTERNA, "Sopralluogo martedì") in tipi
    assert (TipoEvento.INTERNAL_NOTE, Visibilita.INTERNA, "È un'aiuola, non la strada") in tipi


def test_assigning_someone_of_another_comune_is_refused(come, persone, s):
    risposta = agisci(come(persone.operatore), s, "assegna", assegnatario=persone.altro_comune.pk)
    assert risposta.status_code == 400
    assert "non lavora sulle segnalazioni di questo ufficio" in risposta.content.decode()


@pytest.mark.parametrize("azione, campi", [
    ("take_in_charge", {}),
    ("rispondi", {"testo": "Risposta scritta su una pagina vecchia"}),
    ("annota", {"testo": "Nota su una pagina vecchia"}),
    ("assegna", {"assegnatario": ""}),
])
def test_a_stale_page_does_not_overwrite(come, persone, s, azione, campi):
    vista = s.versione
    interazioni.annota(s, Attore.staff(persone.amministratore), "Nel frattempo un collega ha scritto")
    s.refresh_from_db()
    risposta = come(persone.operatore).post(url(s, azione), {"versione": vista, **campi})
    html = risposta.content.decode()
    assert risposta.status_code == 409
    assert "Questa segnalazione è cambiata: ricarica" in html
    if "testo" in campi:
        assert campi["testo"] in html  # what was typed is not lost
    dopo = Segnalazione.objects.get(pk=s.pk)
    assert dopo.versione == s.versione and dopo.stato == Stato.SUBMITTED


def test_a_post_without_version_is_refused(come, persone, s):
    risposta = come(persone.operatore).post(url(s, "take_in_charge"))
    assert risposta.status_code == 409
    assert "Questa segnalazione è cambiata: ricarica" in risposta.content.decode()
    assert Segnalazione.objects.get(pk=s.pk).stato == Stato.SUBMITTED


def test_an_illegal_transition_shows_the_domain_message(come, persone, s):
    risposta = agisci(come(persone.operatore), s, "resolve")
    assert risposta.status_code == 409
    assert "Non si può «Risolvi» una segnalazione nello stato «Ricevuta»" in risposta.content.decode()


def test_an_unknown_action_is_refused(come, persone, s):
    risposta = agisci(come(persone.operatore), s, "cancella-tutto")
    assert risposta.status_code == 400
    assert "Operazione sconosciuta: «cancella-tutto»" in risposta.content.decode()
    dopo = Segnalazione.objects.get(pk=s.pk)
    assert dopo.stato == Stato.SUBMITTED and dopo.versione == s.versione


@pytest.mark.parametrize("ruolo", ["sindaco", "osservatore"])
def test_read_only_roles_cannot_act(come, persone, s, ruolo):
    client = come(getattr(persone, ruolo))
    for azione, campi in [("take_in_charge", {}), ("rispondi", {"testo": "ciao"}), ("annota", {"testo": "x"})]:
        risposta = agisci(client, s, azione, **campi)
        assert risposta.status_code == 403
        assert "permess" in risposta.content.decode() or "Solo gli uffici" in risposta.content.decode()
    s.refresh_from_db()
    assert s.stato == Stato.SUBMITTED and s.versione == 1


def test_staff_of_another_comune_cannot_even_see_it(come, persone, s):
    client = come(persone.altro_comune)
    pagina = client.get(url(s))
    assert pagina.status_code == 404 and "Pagina non trovata" in pagina.content.decode()
    assert s.titolo not in pagina.content.decode() and "mario@example.org" not in pagina.content.decode()
    assert agisci(client, s, "take_in_charge").status_code == 404
    assert Segnalazione.objects.get(pk=s.pk).stato == Stato.SUBMITTED


def test_htmx_errors_arrive_as_200_so_they_are_shown(come, persone, s):
    s.refresh_from_db()
    risposta = come(persone.operatore).post(url(s, "resolve"), {"versione": s.versione}, HTTP_HX_REQUEST="true")
    assert risposta.status_code == 200 and 'data-testid="errore"' in risposta.content.decode()


def test_nearby_reports_and_possible_duplicates(come, persone, s, alessandria):
    gemella = factories.segnalazione(alessandria)  # same place, same category, open
    lontana = factories.segnalazione(alessandria, punto=(s.lat + 0.0012, s.lon))  # ~130 m north
    fuori = factories.segnalazione(alessandria, punto=(s.lat + 0.01, s.lon))  # ~1.1 km
    risposta = come(persone.operatore).get(url(s))
    assert [v.segnalazione.codice for v in risposta.context["duplicati"]] == [gemella.codice]
    vicine = [v.segnalazione.codice for v in risposta.context["vicine"]]
    assert lontana.codice in vicine and fuori.codice not in vicine and gemella.codice not in vicine
    # One click marks this one as the duplicate of the one listed.
    html = risposta.content.decode()
    assert f'name="duplicato_di" value="{gemella.codice}"' in html


def test_photos_and_documents_are_served_to_allowed_staff_only(come, persone, s):
    op = Attore.staff(persone.operatore)
    foto = interazioni.aggiungi_allegato(s, op, "buca.jpg", immagini.jpeg())
    documento = interazioni.aggiungi_allegato(s, op, "verbale.pdf", immagini.pdf())
    client = come(persone.osservatore)
    risposta = client.get(f"/backoffice/allegati/{foto.pk}/")
    assert risposta.status_code == 200 and risposta["Content-Type"] == "image/jpeg"
    assert client.get(f"/backoffice/allegati/{foto.pk}/miniatura/").status_code == 200
    pdf = client.get(f"/backoffice/allegati/{documento.pk}/")
    assert pdf.status_code == 200 and pdf["Content-Disposition"].startswith("attachment")
    assert "private" in pdf["Cache-Control"]
    assert come(persone.altro_comune).get(f"/backoffice/allegati/{documento.pk}/").status_code == 404


def test_the_workspace_queries_do_not_grow_with_the_timeline(come, persone, s, django_assert_max_num_queries):
    client = come(persone.operatore)
    client.get(url(s))
    op = Attore.staff(persone.operatore)
    for n in range(15):
        interazioni.annota(s, op, f"Nota {n}")
        interazioni.assegna(s, op, persone.operatore)
    with django_assert_max_num_queries(16):
        risposta = client.get(url(s))
    assert risposta.status_code == 200
    html = risposta.content.decode()
    assert "Nota 0" in html and "Nota 14" in html  # the whole timeline, with no more queries
