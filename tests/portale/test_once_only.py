"""Once-only for a citizen signed in with SPID/CIE: the report's "who you are" step shows the
certified name and fiscal code read-only; the personal area lists the reports sent earlier, without
an account, from another address once the citizen confirms it by a link e-mailed over real SMTP."""

from __future__ import annotations

import html as html_lib
import re
import time

import pytest

from civico.accounts.models import Utente
from civico.portale.models import Bozza, IndirizzoConfermato
from civico.segnalazioni.models import Segnalazione
from tests import factories

pytestmark = pytest.mark.django_db

CF = "RSSMRA80A01A182X"


@pytest.fixture
def mario(db) -> Utente:
    """Signed in with SPID: `account_da_identita` set the name and the fiscal code."""
    utente = Utente.objects.create_user("mario.rossi@example.org", email="mario.rossi@example.org",
                                        first_name="Mario", last_name="Rossi", codice_fiscale=CF)
    utente.set_unusable_password()
    utente.save()
    return utente


def html(risposta) -> str:
    return html_lib.unescape(risposta.content.decode())


def bozza_fino_all_autore(client, ente) -> str:
    r = client.post(f"/segnala/?ente={ente.slug}", {"privacy": "1"})
    bozza = r["Location"].split("/")[2]
    lat, lon = factories.PIAZZA_LIBERTA
    client.post(f"/segnala/{bozza}/luogo/", {"ente": ente.slug, "lat": lat, "lon": lon})
    client.post(f"/segnala/{bozza}/disservizio/", {"categoria": "tombini", "titolo": "Tombino intasato in via Roma"})
    return bozza


def test_the_certified_name_and_fiscal_code_are_shown_read_only_and_kept(client, mario, alessandria):
    client.force_login(mario)
    bozza = bozza_fino_all_autore(client, alessandria)
    pagina = html(client.get(f"/segnala/{bozza}/autore/"))
    nome = re.search(r'<input[^>]*id="campo-nome"[^>]*>', pagina).group(0)
    assert 'value="Mario Rossi"' in nome and "readonly" in nome
    cf = re.search(r'<input[^>]*id="campo-codice-fiscale"[^>]*>', pagina).group(0)
    assert f'value="{CF}"' in cf and "readonly" in cf and "name=" not in cf
    assert "sono certificati, non si modificano qui" in pagina
    assert 'value="mario.rossi@example.org"' in pagina  # the e-mail is prefilled, and may be changed

    # A form sent with another name does not change the certified one.
    client.post(f"/segnala/{bozza}/autore/", {"anonimo": "no", "nome": "Qualcun Altro", "email": "m@example.org"})
    riepilogo = html(client.get(f"/segnala/{bozza}/riepilogo/"))
    assert "Mario Rossi" in riepilogo and "Qualcun Altro" not in riepilogo
    inviata = client.post(f"/segnala/{bozza}/invia/", {"chiave": Bozza.objects.get(uuid=bozza).chiave})
    assert inviata.status_code == 302
    s = Segnalazione.objects.get()
    assert (s.segnalante, s.segnalante_nome, s.segnalante_email) == (mario, "Mario Rossi", "m@example.org")


def test_without_a_digital_identity_the_name_is_typed(client, alessandria):
    utente = Utente.objects.create_user("giulia@example.org", email="giulia@example.org", first_name="Giulia")
    client.force_login(utente)
    pagina = html(client.get(f"/segnala/{bozza_fino_all_autore(client, alessandria)}/autore/"))
    nome = re.search(r'<input[^>]*id="campo-nome"[^>]*>', pagina).group(0)
    assert 'value="Giulia"' in nome and "readonly" not in nome
    assert 'id="campo-codice-fiscale"' not in pagina


def attendi(smtp, n: int, secondi: float = 5.0):
    fine = time.monotonic() + secondi
    while len(smtp.messaggi) < n and time.monotonic() < fine:
        time.sleep(0.02)
    assert len(smtp.messaggi) >= n, "nessun messaggio ricevuto"
    return smtp.messaggi[n - 1]


def chiedi_conferma(client, smtp, django_capture_on_commit_callbacks, email: str, n: int = 1) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/area-personale/indirizzi/", {"email": email}, follow=True)
    assert f"Ti abbiamo scritto a {email.lower()}" in html(r)
    messaggio = attendi(smtp, n)
    assert messaggio["To"] == email.lower()
    assert messaggio["Subject"] == "Conferma il tuo indirizzo e-mail su Civico"
    corpo = messaggio.get_body(("plain",)).get_content()
    return re.search(r"http://testserver(/area-personale/indirizzi/[^/\s]+/)", corpo).group(1)


def test_earlier_reports_from_another_address_join_the_area_once_it_is_confirmed(
    client, mario, alessandria, smtp, django_capture_on_commit_callbacks,
):
    vecchia = factories.segnalazione(alessandria, titolo="Lampione spento in corso Roma",
                                     nome="Mario", email="mario.vecchio@example.org")
    d_altri = factories.segnalazione(alessandria, titolo="Panchina rotta al parco", email="altra@example.org")
    client.force_login(mario)
    assert vecchia.codice not in html(client.get("/area-personale/"))

    link = chiedi_conferma(client, smtp, django_capture_on_commit_callbacks, "Mario.Vecchio@example.org")
    assert vecchia.codice not in html(client.get("/area-personale/"))  # not before the link is opened
    assert "Conferma l'indirizzo" in html(client.get(link))  # opening it (a mail scanner) confirms nothing
    assert not IndirizzoConfermato.objects.filter(email="mario.vecchio@example.org").exists()

    area = html(client.post(link, follow=True))
    assert "Indirizzo mario.vecchio@example.org confermato: 1 segnalazione inviata con esso" in area
    assert vecchia.codice in area and "Lampione spento in corso Roma" in area
    assert d_altri.codice not in area
    vecchia.refresh_from_db()
    assert vecchia.segnalante == mario  # linked to the account, not only listed

    usato = client.post(link)
    assert usato.status_code == 400 and "già stato usato" in html(usato)


def test_the_link_confirms_nothing_for_another_account(client, mario, alessandria, smtp,
                                                       django_capture_on_commit_callbacks):
    vecchia = factories.segnalazione(alessandria, email="mario.vecchio@example.org")
    client.force_login(mario)
    link = chiedi_conferma(client, smtp, django_capture_on_commit_callbacks, "mario.vecchio@example.org")

    altro = Utente.objects.create_user("curioso@example.org", email="curioso@example.org")
    client.force_login(altro)
    r = client.post(link)
    assert r.status_code == 400 and "chiesto da un altro account" in html(r)
    vecchia.refresh_from_db()
    assert vecchia.segnalante is None and vecchia.codice not in html(client.get("/area-personale/"))
    # The link is still good for the one who asked it.
    client.force_login(mario)
    assert vecchia.codice in html(client.post(link, follow=True))


def test_a_wrong_address_is_explained_and_kept(client, mario):
    client.force_login(mario)
    r = client.post("/area-personale/indirizzi/", {"email": "mario@"})
    pagina = html(r)
    assert r.status_code == 400 and "L'indirizzo e-mail non è valido." in pagina
    assert 'value="mario@"' in pagina
    en = html(client.post("/area-personale/indirizzi/", {"email": ""}, headers={"Accept-Language": "en"}))
    assert "Reports sent with another address" in en


def test_signed_out_the_confirmation_asks_to_sign_in_first(client):
    r = client.get("/area-personale/indirizzi/qualcosa/")
    assert r.status_code == 302 and r["Location"].startswith("/area-personale/?next=/area-personale/indirizzi/")
