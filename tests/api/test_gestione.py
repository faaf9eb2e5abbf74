"""Staff through the API: Bearer tokens, lists limited to one's enti and offices, the work on a report."""

import pytest
from django.utils import timezone

from civico.accounts.models import Ruolo, TokenAccesso
from civico.catalogo.models import Categoria, Ufficio
from civico.segnalazioni import workflow
from civico.segnalazioni.models import Segnalazione
from tests import factories
from tests.api.conftest import PRIVATO, V1, bearer, errore, post_json, staff

pytestmark = pytest.mark.django_db

G = f"{V1}/gestione/segnalazioni"


def _codici(r) -> set[str]:
    assert r.status_code == 200, r.content
    return {s["codice"] for s in r.json()["risultati"]}


def _verde(ente) -> Ufficio:
    return Ufficio.objects.get(ente=ente, nome="Verde pubblico")


@pytest.fixture
def mondo(alessandria, casale):
    buca = factories.segnalazione(alessandria, **PRIVATO)
    ramo = factories.segnalazione(alessandria, categoria="verde-pubblico", titolo="Ramo spezzato",
                                  risposte={"problema": ["rami"]})
    Categoria.objects.filter(ente=alessandria, codice="illuminazione-pubblica").update(pubblica=False)
    lampione = factories.segnalazione(alessandria, categoria="illuminazione-pubblica", titolo="Lampione spento",
                                      risposte={"lampioni-spenti": 2})
    casalese = factories.segnalazione(casale, punto=factories.CASALE)
    return {"buca": buca, "ramo": ramo, "lampione": lampione, "casalese": casalese}


# --- Reading ------------------------------------------------------------------------------------

def test_staff_list_only_the_reports_of_their_enti_public_or_not(client, mondo, alessandria, casale):
    _, al = staff("op-al", Ruolo.OPERATORE, alessandria)
    _, cm = staff("op-cm", Ruolo.OPERATORE, casale)

    assert _codici(client.get(G, headers=al)) == {mondo[k].codice for k in ("buca", "ramo", "lampione")}
    assert _codici(client.get(G, headers=cm)) == {mondo["casalese"].codice}


def test_a_role_limited_to_one_office_sees_only_that_office(client, mondo, alessandria):
    _, verde = staff("op-verde", Ruolo.OPERATORE, alessandria, _verde(alessandria))

    assert _codici(client.get(G, headers=verde)) == {mondo["ramo"].codice}
    errore(client.get(f"{G}/{mondo['buca'].codice}", headers=verde), 404, "not_found")


def test_staff_filters_by_office_state_category_text_and_assignee(client, mondo, alessandria):
    utente, al = staff("op-al", Ruolo.OPERATORE, alessandria)
    workflow.transition(mondo["buca"], "take_in_charge", factories.operatore(alessandria))
    Segnalazione.objects.filter(pk=mondo["ramo"].pk).update(assegnatario=utente)

    assert _codici(client.get(G, {"ufficio": _verde(alessandria).pk}, headers=al)) == {mondo["ramo"].codice}
    assert _codici(client.get(G, {"stato": "accepted"}, headers=al)) == {mondo["buca"].codice}
    assert _codici(client.get(G, {"categoria": "illuminazione-pubblica"}, headers=al)) == {mondo["lampione"].codice}
    assert _codici(client.get(G, {"q": "lampione"}, headers=al)) == {mondo["lampione"].codice}
    assert _codici(client.get(G, {"assegnatario": "io"}, headers=al)) == {mondo["ramo"].codice}
    assert _codici(client.get(G, {"assegnatario": "op-al"}, headers=al)) == {mondo["ramo"].codice}
    assert mondo["ramo"].codice not in _codici(client.get(G, {"assegnatario": "nessuno"}, headers=al))


def test_the_list_items_carry_version_and_assignee(client, mondo, alessandria):
    _, al = staff("op-al", Ruolo.OPERATORE, alessandria)

    voce = next(s for s in client.get(G, headers=al).json()["risultati"] if s["codice"] == mondo["buca"].codice)

    assert voce["versione"] == 1 and voce["assegnatario"] is None and voce["pubblica"] is True


def test_the_full_view_shows_contacts_only_to_those_who_work_on_the_report(client, mondo, alessandria):
    _, operatore = staff("op-al", Ruolo.OPERATORE, alessandria)
    _, osservatore = staff("oss-al", Ruolo.OSSERVATORE, alessandria)
    url = f"{G}/{mondo['buca'].codice}"

    completa = client.get(url, headers=operatore).json()
    ridotta = client.get(url, headers=osservatore).json()

    assert {k: completa["contatti"][k] for k in PRIVATO} == PRIVATO
    assert completa["risposte"] == {"dimensione": "grande"}
    assert "take_in_charge" in [t["nome"] for t in completa["transizioni"]]
    assert ridotta["contatti"] is None and ridotta["transizioni"] == []
    for valore in PRIVATO.values():
        assert valore not in client.get(url, headers=osservatore).content.decode()


def test_an_operator_of_another_comune_gets_404(client, mondo, casale):
    _, cm = staff("op-cm", Ruolo.OPERATORE, casale)
    url = f"{G}/{mondo['buca'].codice}"

    errore(client.get(url, headers=cm), 404, "not_found")
    errore(post_json(client, f"{url}/transizioni", {"nome": "take_in_charge", "versione": 1}, **cm), 404)
    assert Segnalazione.objects.get(pk=mondo["buca"].pk).stato == "submitted"


# --- Authentication -----------------------------------------------------------------------------

def test_missing_malformed_unknown_revoked_or_inactive_tokens_get_401(client, mondo, alessandria):
    utente, valido = staff("op-al", Ruolo.OPERATORE, alessandria)
    revocato = bearer(utente)
    TokenAccesso.objects.filter(utente=utente).exclude(pk=TokenAccesso.objects.filter(utente=utente).first().pk) \
        .update(revocato_il=timezone.now())

    r = client.get(G)
    errore(r, 401, "unauthenticated")
    assert r["WWW-Authenticate"].startswith("Bearer")
    for intestazioni in ({"Authorization": "Token abc"}, {"Authorization": "Bearer cvt_inventato"}, revocato):
        errore(client.get(G, headers=intestazioni), 401, "unauthenticated")
    assert client.get(G, headers=valido).status_code == 200
    utente.is_active = False
    utente.save()
    errore(client.get(G, headers=valido), 401, "unauthenticated")


def test_a_citizen_session_is_not_a_staff_credential(client, mondo, alessandria):
    utente, _ = staff("op-al", Ruolo.OPERATORE, alessandria)
    client.force_login(utente)

    errore(client.get(G), 401, "unauthenticated")


# --- Transitions --------------------------------------------------------------------------------

def test_a_transition_with_the_current_version_changes_the_state(client, mondo, alessandria):
    _, al = staff("op-al", Ruolo.OPERATORE, alessandria)
    url = f"{G}/{mondo['buca'].codice}/transizioni"

    r = post_json(client, url, {"nome": "take_in_charge", "versione": 1, "testo": "Sopralluogo domani"}, **al)

    assert r.status_code == 200, r.content
    assert (r.json()["stato"], r.json()["versione"]) == ("accepted", 2)
    assert r.json()["cronologia"][-1]["testo"] == "Sopralluogo domani"
    assert client.get(f"{V1}/segnalazioni/{mondo['buca'].codice}").json()["nota_pubblica"] == "Sopralluogo domani"


def test_a_stale_version_is_a_conflict_and_changes_nothing(client, mondo, alessandria):
    _, al = staff("op-al", Ruolo.OPERATORE, alessandria)
    workflow.transition(mondo["buca"], "take_in_charge", factories.operatore(alessandria))  # someone else

    r = post_json(client, f"{G}/{mondo['buca'].codice}/transizioni", {"nome": "start_work", "versione": 1}, **al)

    errore(r, 409, "stale")
    assert Segnalazione.objects.get(pk=mondo["buca"].pk).stato == "accepted"


def test_a_transition_the_state_does_not_allow_is_a_conflict(client, mondo, alessandria):
    _, al = staff("op-al", Ruolo.OPERATORE, alessandria)

    errore(post_json(client, f"{G}/{mondo['buca'].codice}/transizioni", {"nome": "close", "versione": 1}, **al),
           409, "illegal_transition")


def test_an_observer_cannot_transition(client, mondo, alessandria):
    _, oss = staff("oss-al", Ruolo.OSSERVATORE, alessandria)

    r = post_json(client, f"{G}/{mondo['buca'].codice}/transizioni", {"nome": "take_in_charge", "versione": 1}, **oss)

    errore(r, 403, "not_allowed")
    assert Segnalazione.objects.get(pk=mondo["buca"].pk).stato == "submitted"


@pytest.mark.parametrize(("dati", "campo"), [
    ({"nome": "reject", "versione": 1}, "testo"),
    ({"nome": "vola_via", "versione": 1}, "transizione"),
    ({"nome": "mark_duplicate", "versione": 1}, "duplicato_di"),
    ({"nome": "mark_duplicate", "versione": 1, "duplicato_di": "AL-2026-999999"}, "duplicato_di"),
])
def test_a_transition_missing_what_it_needs_is_refused(client, mondo, alessandria, dati, campo):
    _, al = staff("op-al", Ruolo.OPERATORE, alessandria)

    assert campo in errore(post_json(client, f"{G}/{mondo['buca'].codice}/transizioni", dati, **al), 400)["campi"]


def test_the_version_is_required(client, mondo, alessandria):
    _, al = staff("op-al", Ruolo.OPERATORE, alessandria)

    corpo = errore(post_json(client, f"{G}/{mondo['buca'].codice}/transizioni", {"nome": "take_in_charge"}, **al), 422)

    assert "versione" in corpo["campi"]


def test_a_duplicate_points_to_the_original(client, mondo, alessandria):
    _, al = staff("op-al", Ruolo.OPERATORE, alessandria)
    dati = {"nome": "mark_duplicate", "versione": 1, "duplicato_di": mondo["buca"].codice.lower()}

    r = post_json(client, f"{G}/{mondo['ramo'].codice}/transizioni", dati, **al)

    assert (r.json()["stato"], r.json()["duplicato_di"]) == ("duplicate", mondo["buca"].codice)


# --- Assignment, routing, answers, notes --------------------------------------------------------

def test_assigning_to_an_operator_and_back_to_nobody(client, mondo, alessandria):
    _, al = staff("op-al", Ruolo.OPERATORE, alessandria)
    url = f"{G}/{mondo['buca'].codice}/assegnazione"

    assert post_json(client, url, {"assegnatario": "op-al"}, **al).json()["assegnatario"] == "op-al"
    assert post_json(client, url, {"assegnatario": None}, **al).json()["assegnatario"] is None


def test_assigning_to_someone_who_does_not_work_there_is_refused(client, mondo, alessandria, casale):
    _, al = staff("op-al", Ruolo.OPERATORE, alessandria)
    staff("op-cm", Ruolo.OPERATORE, casale)
    url = f"{G}/{mondo['buca'].codice}/assegnazione"

    assert "assegnatario" in errore(post_json(client, url, {"assegnatario": "op-cm"}, **al), 400)["campi"]
    assert "assegnatario" in errore(post_json(client, url, {"assegnatario": "nessuno-qui"}, **al), 400)["campi"]


def test_an_observer_cannot_assign_answer_or_annotate(client, mondo, alessandria):
    _, oss = staff("oss-al", Ruolo.OSSERVATORE, alessandria)
    base = f"{G}/{mondo['buca'].codice}"

    errore(post_json(client, f"{base}/assegnazione", {"assegnatario": "oss-al"}, **oss), 403, "not_allowed")
    errore(post_json(client, f"{base}/risposte", {"testo": "Ciao"}, **oss), 403, "not_allowed")
    errore(post_json(client, f"{base}/note", {"testo": "Ciao"}, **oss), 403, "not_allowed")


def test_rerouting_keeps_the_reason_internal(client, mondo, alessandria, casale):
    _, al = staff("op-al", Ruolo.OPERATORE, alessandria)
    url = f"{G}/{mondo['buca'].codice}/instradamento"

    verde = _verde(alessandria).pk
    r = post_json(client, url, {"ufficio": verde, "motivo": "È una radice che solleva l'asfalto"}, **al)

    assert r.status_code == 200 and r.json()["ufficio"] == "Verde pubblico"
    assert any(e["testo"] == "È una radice che solleva l'asfalto" and e["visibilita"] == "internal"
               for e in r.json()["cronologia"])
    pubblica = client.get(f"{V1}/segnalazioni/{mondo['buca'].codice}").content.decode()
    assert "Verde pubblico" in pubblica and "radice" not in pubblica
    for dati, campo in [({"ufficio": _verde(casale).pk, "motivo": "x"}, "ufficio"),
                        ({"ufficio": 999999, "motivo": "x"}, "ufficio"), ({"ufficio": verde, "motivo": ""}, "motivo")]:
        assert campo in errore(post_json(client, url, dati, **al), 400)["campi"]


def test_a_public_answer_is_public_and_a_private_one_reaches_only_the_reporter(client, mondo, alessandria):
    _, al = staff("op-al", Ruolo.OPERATORE, alessandria)
    s = mondo["buca"]

    pubblica = post_json(client, f"{G}/{s.codice}/risposte", {"testo": "Interverremo lunedì"}, **al)
    privata = post_json(client, f"{G}/{s.codice}/risposte",
                        {"testo": "Ci lasci un numero?", "solo_al_segnalante": True}, **al)

    assert (pubblica.status_code, privata.status_code) == (201, 201)
    testi_pubblici = [e["testo"] for e in client.get(f"{V1}/segnalazioni/{s.codice}").json()["cronologia"]]
    testi_segnalante = [e["testo"] for e in client.get(f"{V1}/segnalante/segnalazioni/{s.codice}",
                                                       headers={"X-Civico-Token": s.token}).json()["cronologia"]]
    assert "Interverremo lunedì" in testi_pubblici and "Ci lasci un numero?" not in testi_pubblici
    assert {"Interverremo lunedì", "Ci lasci un numero?"} <= set(testi_segnalante)


def test_an_internal_note_is_seen_by_staff_only(client, mondo, alessandria):
    _, al = staff("op-al", Ruolo.OPERATORE, alessandria)
    s = mondo["buca"]

    r = post_json(client, f"{G}/{s.codice}/note", {"testo": "Ditta Rossi, preventivo 1200 euro"}, **al)

    assert r.status_code == 201
    assert r.json()["cronologia"][-1] == {**r.json()["cronologia"][-1], "visibilita": "internal", "autore": "op-al"}
    assert "Ditta Rossi" not in client.get(f"{V1}/segnalazioni/{s.codice}").content.decode()
    assert "Ditta Rossi" not in client.get(f"{V1}/segnalante/segnalazioni/{s.codice}",
                                           headers={"X-Civico-Token": s.token}).content.decode()
