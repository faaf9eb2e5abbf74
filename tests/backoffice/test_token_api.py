"""Staff API tokens page (Configurazione → Token API): an ente's administrator issues a `cvt_…` token
for a staff member, with a name, scopes and an expiry, sees its secret once, and revokes it; the
staff API (/api/v1/gestione/) honours all of it at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from civico.accounts import chiavi
from civico.accounts.models import Ruolo, TokenAccesso
from tests import factories

pytestmark = pytest.mark.django_db

PAGINA = "/backoffice/configurazione/alessandria/token-api/"
G = "/api/v1/gestione/segnalazioni"


@pytest.fixture(autouse=True)
def _limiti_azzerati():
    cache.clear()
    yield
    cache.clear()


def _giorno(giorni: int) -> str:
    return (timezone.localdate() + timedelta(days=giorni)).isoformat()


def _emetti(client, titolare, *, nome="Gestionale strade", scopi=("lettura",), giorni=30):
    return client.post(PAGINA, {"nome": nome, "titolare": titolare.pk, "scopi": list(scopi),
                                "scade_il": _giorno(giorni)})


def _segreto(risposta) -> str:
    html = risposta.content.decode()
    assert 'data-testid="segreto"' in html, html[:2000]
    return html.split('<code class="user-select-all">')[1].split("</code>")[0]


def _bearer(segreto: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {segreto}"}


def test_issued_token_reads_the_staff_api_until_it_is_revoked(client, come, persone):
    s = factories.segnalazione(persone.operatore.incarichi.first().ente)
    come(persone.amministratore)

    pagina = client.get(PAGINA).content.decode()
    assert "Token API per gli uffici" in pagina and "Ottavia Operatrice (al.operatore)" in pagina
    assert f'value="{_giorno(90)}"' in pagina  # 90 days unless chosen otherwise

    risposta = _emetti(client, persone.operatore)
    segreto = _segreto(risposta)
    assert segreto.startswith("cvt_") and risposta["Cache-Control"] == "no-store"
    assert "Copialo ora" in risposta.content.decode()

    r = client.get(G, headers=_bearer(segreto))
    assert r.status_code == 200
    assert s.codice in [x["codice"] for x in r.json()["risultati"]]

    token = TokenAccesso.objects.get(nome="Gestionale strade")
    elenco = client.get(PAGINA).content.decode()
    assert segreto not in elenco  # the secret is never shown again
    assert "Gestionale strade" in elenco and token.prefisso in elenco and "lettura" in elenco
    assert "mai" not in elenco.split("Gestionale strade")[1].split("</tr>")[0]  # its use was recorded

    conferma = client.get(f"{PAGINA}{token.pk}/revoca/")
    assert "Revocare il token «Gestionale strade»?" in conferma.content.decode()
    assert chiavi.token_valido(segreto) is not None  # opening the confirmation revokes nothing

    revoca = client.post(f"{PAGINA}{token.pk}/revoca/", follow=True)
    assert "revocato: l&#x27;API lo rifiuta da subito" in revoca.content.decode()
    r = client.get(G, headers=_bearer(segreto))
    assert r.status_code == 401 and r.json()["errore"]["codice"] == "unauthenticated"
    assert "Revocato il" in client.get(PAGINA).content.decode()


def test_the_scopes_are_enforced(client, come, persone):
    s = factories.segnalazione(persone.operatore.incarichi.first().ente)
    come(persone.amministratore)
    sola_lettura = _segreto(_emetti(client, persone.operatore, nome="Lettore"))
    anche_scrittura = _segreto(_emetti(client, persone.operatore, nome="Scrittore", scopi=("lettura", "scrittura")))
    solo_scrittura = _segreto(_emetti(client, persone.operatore, nome="Solo azioni", scopi=("scrittura",)))
    nota = {"testo": "Ditta Rossi, preventivo"}

    r = client.post(f"{G}/{s.codice}/note", nota, content_type="application/json", headers=_bearer(sola_lettura))
    assert r.status_code == 403 and r.json()["errore"]["codice"] == "scope_insufficiente"
    assert "scrittura" in r.json()["errore"]["messaggio"]
    assert client.get(f"{G}/{s.codice}", headers=_bearer(sola_lettura)).status_code == 200

    r = client.post(f"{G}/{s.codice}/note", nota, content_type="application/json", headers=_bearer(anche_scrittura))
    assert r.status_code == 201
    assert client.get(f"{G}/{s.codice}", headers=_bearer(solo_scrittura)).status_code == 403


def test_an_expired_token_is_refused(client, come, persone):
    come(persone.amministratore)
    segreto = _segreto(_emetti(client, persone.operatore, giorni=1))
    assert client.get(G, headers=_bearer(segreto)).status_code == 200

    TokenAccesso.objects.filter(nome="Gestionale strade").update(scade_il=timezone.now() - timedelta(seconds=1))
    r = client.get(G, headers=_bearer(segreto))
    assert r.status_code == 401 and "scaduto" in r.json()["errore"]["messaggio"]
    assert "Scaduto" in client.get(PAGINA).content.decode()


def test_a_token_reaches_only_the_ente_that_issued_it(client, come, persone, casale):
    """A person working for two comuni: Alessandria's token does not open Casale's reports."""
    factories.IncaricoFactory(utente=persone.operatore, ruolo=Ruolo.OPERATORE, ente=casale)
    di_casale = factories.segnalazione(casale, punto=factories.CASALE)
    come(persone.amministratore)
    segreto = _segreto(_emetti(client, persone.operatore))

    assert client.get(f"{G}/{di_casale.codice}", headers=_bearer(segreto)).status_code == 404
    codici = [x["codice"] for x in client.get(G, headers=_bearer(segreto)).json()["risultati"]]
    assert di_casale.codice not in codici


def test_another_comune_s_tokens_are_neither_listed_nor_revocable(client, come, persone, casale):
    amministratore_casale = factories.staff("cm.admin", Ruolo.ENTE_ADMIN, casale)
    token, segreto = chiavi.crea_token(persone.altro_comune, "Di Casale", ente=casale,
                                       scade_il=timezone.now() + timedelta(days=5))
    come(persone.amministratore)

    assert "Di Casale" not in client.get(PAGINA).content.decode()
    assert client.get(f"{PAGINA}{token.pk}/revoca/").status_code == 404
    assert client.post(f"{PAGINA}{token.pk}/revoca/").status_code == 404
    assert chiavi.token_valido(segreto) is not None
    # Nor can a person of another comune be the token's owner.
    risposta = _emetti(client, persone.altro_comune)
    assert "Scegli un&#x27;opzione valida" in risposta.content.decode()
    assert not TokenAccesso.objects.filter(nome="Gestionale strade").exists()

    come(amministratore_casale)
    assert "Di Casale" in client.get(f"/backoffice/configurazione/{casale.slug}/token-api/").content.decode()
    assert client.get(PAGINA).status_code == 403  # as every configuration page of another comune


@pytest.mark.parametrize("ruolo", ["operatore", "responsabile", "sindaco", "osservatore"])
def test_staff_who_are_not_administrators_are_refused(client, come, persone, ruolo):
    token, segreto = chiavi.crea_token(persone.operatore, "Esistente", ente=persone.operatore.incarichi.first().ente)
    come(getattr(persone, ruolo))
    assert client.get(PAGINA).status_code == 403
    assert _emetti(client, persone.operatore).status_code == 403
    assert client.post(f"{PAGINA}{token.pk}/revoca/").status_code == 403
    assert TokenAccesso.objects.count() == 1 and chiavi.token_valido(segreto) is not None


def test_the_page_needs_the_second_factor(client, persone):
    client.force_login(persone.amministratore)  # password only
    risposta = client.get(PAGINA)
    assert risposta.status_code == 302 and "/backoffice/accedi/" in risposta["Location"]


@pytest.mark.parametrize(("nome", "giorni", "campo", "messaggio"), [
    ("", 30, "nome", "Dai un nome al token, ad esempio il programma che lo userà."),
    ("   ", 30, "nome", "Dai un nome al token, ad esempio il programma che lo userà."),
    ("Gestionale", 0, "scade_il", "La scadenza deve essere nel futuro."),
    ("Gestionale", -3, "scade_il", "La scadenza deve essere nel futuro."),
    ("Gestionale", 400, "scade_il", "La scadenza può essere al massimo fra un anno."),
])
def test_validation_errors_are_shown_next_to_their_field(client, come, persone, nome, giorni, campo, messaggio):
    come(persone.amministratore)
    risposta = _emetti(client, persone.operatore, nome=nome, giorni=giorni)
    html = risposta.content.decode().replace("&#x27;", "'")

    assert risposta.status_code == 200 and 'data-testid="segreto"' not in html
    assert not TokenAccesso.objects.exists()
    # Django renders a field's errors inside its own group, before its input.
    gruppo = html.split(f'id="id_{campo}_error"')[1].split("<input")[0]
    assert messaggio in gruppo


def test_no_scope_is_refused_next_to_the_scopes(client, come, persone):
    come(persone.amministratore)
    risposta = _emetti(client, persone.operatore, scopi=())
    html = risposta.content.decode()
    assert 'id="id_scopi_error"' in html and not TokenAccesso.objects.exists()


def test_a_year_is_the_longest_expiry(client, come, persone):
    come(persone.amministratore)
    _segreto(_emetti(client, persone.operatore, giorni=365))
    assert timezone.localtime(TokenAccesso.objects.get().scade_il).date() == timezone.localdate() + timedelta(days=365)


def test_the_page_in_english(client, come, persone):
    come(persone.amministratore)
    risposta = client.get(PAGINA, headers={"Accept-Language": "en"})
    html = risposta.content.decode()
    assert "Staff API tokens" in html and "Create and show the token" in html
    html = client.post(PAGINA, {"nome": "", "titolare": persone.operatore.pk, "scopi": ["lettura"],
                                "scade_il": _giorno(30)}, headers={"Accept-Language": "en"}).content.decode()
    assert "Name the token" in html
