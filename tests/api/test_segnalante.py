"""The reporter acting on their report: by private token or signed-in session; following reports."""

import pytest

from civico.catalogo.models import Categoria
from civico.comunicazioni import iscrizioni
from civico.segnalazioni import workflow
from civico.segnalazioni.models import Segnalazione, TipoEvento, Visibilita
from tests import factories
from tests.api.conftest import PRIVATO, V1, errore, file_, post_json
from tests.segnalazioni import immagini

pytestmark = pytest.mark.django_db


def _url(s: Segnalazione, azione: str = "") -> str:
    return f"{V1}/segnalante/segnalazioni/{s.codice}" + (f"/{azione}" if azione else "")


def _token(s: Segnalazione) -> dict[str, str]:
    return {"X-Civico-Token": s.token}


def _risolta(ente) -> Segnalazione:
    s = factories.segnalazione(ente, **PRIVATO)
    op = factories.operatore(ente)
    workflow.transition(s, "take_in_charge", op)
    workflow.transition(s, "resolve", op, testo="Buca chiusa con asfalto a freddo.")
    return s


def test_the_token_opens_the_private_view_with_the_reporters_actions(client, alessandria):
    s = factories.segnalazione(alessandria)

    r = client.get(_url(s), headers=_token(s))

    assert r.status_code == 200
    corpo = r.json()
    assert corpo["codice"] == s.codice and corpo["azioni"] == ["withdraw"]
    assert corpo["cronologia"][0]["visibilita"] == "public"


def test_a_comment_reaches_the_office_and_stays_out_of_the_public_timeline(client, alessandria):
    s = factories.segnalazione(alessandria)

    r = post_json(client, _url(s, "commenti"), {"testo": "La buca si è allargata"}, **_token(s))

    assert r.status_code == 201
    ultimo = r.json()["cronologia"][-1]
    assert (ultimo["testo"], ultimo["visibilita"], ultimo["tipo"]) == ("La buca si è allargata", "reporter", "comment")
    assert "allargata" not in client.get(f"{V1}/segnalazioni/{s.codice}").content.decode()


def test_an_empty_comment_is_refused(client, alessandria):
    s = factories.segnalazione(alessandria)

    assert "testo" in errore(post_json(client, _url(s, "commenti"), {"testo": "  "}, **_token(s)), 400)["campi"]


def test_a_photo_added_later_is_public_and_a_document_is_not(client, alessandria):
    s = factories.segnalazione(alessandria)

    foto = client.post(_url(s, "allegati"), {"allegato": file_("dopo.jpg", immagini.jpeg())}, headers=_token(s))
    documento = client.post(_url(s, "allegati"), {"allegato": file_("verbale.pdf", immagini.pdf())},
                            headers=_token(s))

    assert foto.status_code == 201 and foto.json()["tipo"] == "foto" and foto.json()["pubblico"] is True
    assert client.get(foto.json()["url"].removeprefix("http://testserver")).status_code == 200
    assert documento.status_code == 201 and documento.json() == {**documento.json(), "pubblico": False, "url": None}
    assert len(client.get(f"{V1}/segnalazioni/{s.codice}").json()["foto"]) == 1


def test_a_file_that_is_neither_photo_nor_pdf_is_refused(client, alessandria):
    s = factories.segnalazione(alessandria)

    r = client.post(_url(s, "allegati"), {"allegato": file_("virus.jpg", b"MZ\x90\x00 non una foto")},
                    headers=_token(s))

    assert "allegati" in errore(r, 400, "invalid")["campi"]


def test_an_attachment_request_without_the_file_is_a_validation_error(client, alessandria):
    s = factories.segnalazione(alessandria)

    errore(client.post(_url(s, "allegati"), {}, headers=_token(s)), 422, "validation_error")


def test_confirming_the_resolution_closes_the_report(client, alessandria):
    s = _risolta(alessandria)

    r = post_json(client, _url(s, "conferma"), {"risolto": True}, **_token(s))

    assert r.status_code == 200 and r.json()["stato"] == "closed"
    assert Segnalazione.objects.get(pk=s.pk).stato == "closed"


def test_denying_the_resolution_reopens_the_report_with_the_reason(client, alessandria):
    s = _risolta(alessandria)

    r = post_json(client, _url(s, "conferma"), {"risolto": False, "testo": "La buca è ancora lì"}, **_token(s))

    assert r.status_code == 200 and r.json()["stato"] == "reopened"
    pubblica = client.get(f"{V1}/segnalazioni/{s.codice}").json()
    assert pubblica["cronologia"][-1]["testo"] == "La buca è ancora lì"
    assert pubblica["cronologia"][-1]["chi"] == "Segnalante"


def test_only_a_resolved_report_can_be_confirmed(client, alessandria):
    s = factories.segnalazione(alessandria)

    errore(post_json(client, _url(s, "conferma"), {"risolto": True}, **_token(s)), 400, "invalid")


def test_without_credentials_or_with_a_wrong_token_the_answer_is_401(client, alessandria):
    s = factories.segnalazione(alessandria)

    errore(client.get(_url(s)), 401, "unauthenticated")
    errore(client.get(_url(s), headers={"X-Civico-Token": "inventato"}), 401, "unauthenticated")
    errore(post_json(client, _url(s, "commenti"), {"testo": "Ciao"}), 401, "unauthenticated")


def test_a_token_acts_only_on_its_own_report(client, alessandria):
    mia, altrui = factories.segnalazione(alessandria), factories.segnalazione(alessandria, titolo="Altra buca")

    errore(client.get(_url(altrui), headers=_token(mia)), 403, "token_mismatch")
    errore(post_json(client, _url(altrui, "commenti"), {"testo": "Ciao"}, **_token(mia)), 403, "token_mismatch")


def test_a_signed_in_reporter_acts_without_the_token_and_others_may_not(client, alessandria):
    autore, estraneo = factories.UtenteFactory(username="giulia"), factories.UtenteFactory(username="piero")
    s = factories.SegnalazioneFactory(ente=alessandria, segnalante=autore)

    client.force_login(autore)
    assert post_json(client, _url(s, "commenti"), {"testo": "Aggiungo un dettaglio"}).status_code == 201
    commento = s.eventi.get(tipo=TipoEvento.COMMENT)
    assert commento.testo == "Aggiungo un dettaglio" and commento.visibilita == Visibilita.SEGNALANTE
    client.force_login(estraneo)
    errore(client.get(_url(s)), 403, "not_reporter")
    errore(client.get(f"{V1}/segnalante/segnalazioni/AL-2026-999999"), 404, "not_found")


# --- Following ----------------------------------------------------------------------------------

def test_a_signed_in_citizen_follows_and_unfollows_a_public_report(client, alessandria):
    utente = factories.UtenteFactory(username="anna")
    s = factories.segnalazione(alessandria)
    client.force_login(utente)
    url = f"{V1}/segnalazioni/{s.codice}/iscrizione"

    assert client.get(url).json() == {"segui": False}
    assert client.put(url).json() == {"segui": True}
    assert client.put(url).json() == {"segui": True}  # following twice is following
    assert iscrizioni.segue(s, utente) and client.get(url).json() == {"segui": True}
    assert client.delete(url).json() == {"segui": False}
    assert not iscrizioni.segue(s, utente)


def test_following_needs_a_session(client, alessandria):
    s = factories.segnalazione(alessandria)

    errore(client.put(f"{V1}/segnalazioni/{s.codice}/iscrizione", headers=_token(s)), 401, "unauthenticated")


def test_a_non_public_report_can_be_followed_only_by_its_reporter(client, alessandria):
    Categoria.objects.filter(ente=alessandria, codice="verde-pubblico").update(pubblica=False)
    autore = factories.UtenteFactory(username="giulia")
    s = factories.SegnalazioneFactory(ente=alessandria, segnalante=autore, categoria="verde-pubblico",
                                      risposte={"problema": ["rami"]})
    url = f"{V1}/segnalazioni/{s.codice}/iscrizione"

    client.force_login(factories.UtenteFactory(username="piero"))
    errore(client.put(url), 404, "not_found")
    client.force_login(autore)
    assert client.put(url).json() == {"segui": True}
