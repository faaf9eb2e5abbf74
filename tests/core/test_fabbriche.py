"""The test factories make what their names promise, through the product's own services."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from civico.accounts.chiavi import applicazione_per_chiave, token_valido
from civico.accounts.models import Ruolo
from civico.accounts.permissions import ruoli_su
from civico.comunicazioni import iscrizioni
from civico.moderazione.models import EsitoSegnalazione
from civico.segnalazioni.models import Canale, TipoEvento, Visibilita
from civico.stati import Stato
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_ente_is_a_real_comune_activated_with_its_catalogue():
    ente = factories.EnteFactory()
    assert (ente.nome, ente.attivo, ente.sigla) == ("Alessandria", True, "AL") and ente.confine
    assert ente.categorie.filter(codice="buche").exists() and ente.uffici.count() > 3
    casale = factories.EnteFactory(codice_istat="006039", sigla="CM", completo=False)
    assert casale.nome == "Casale Monferrato" and casale.categorie.count() < ente.categorie.count()
    assert factories.EnteFactory().pk == ente.pk  # asking again changes nothing


def test_offices_and_categories_belong_to_one_comune():
    casale = factories.EnteFactory(codice_istat="006039", sigla="CM", completo=False)
    categoria = factories.CategoriaFactory(ente=casale, nome="Panchine rotte")
    assert categoria.ufficio_predefinito.ente == casale == categoria.ente
    assert factories.UfficioFactory(ente=casale).ente == casale


def test_a_report_comes_through_the_intake_with_its_first_events():
    s = factories.SegnalazioneFactory()
    assert s.codice.startswith("AL-") and s.stato == Stato.SUBMITTED and s.ufficio is not None
    assert {TipoEvento.CREATED, TipoEvento.ROUTED} <= set(s.eventi.values_list("tipo", flat=True))
    assert s.canale == Canale.WEB and s.risposte == {"dimensione": "grande"}


def test_a_report_can_be_worked_by_the_comune_s_operator_and_belong_to_a_citizen():
    giulia = factories.UtenteFactory(username="giulia@example.org")
    s = factories.SegnalazioneFactory(segnalante=giulia, transizioni=("take_in_charge", "resolve"))
    assert s.stato == Stato.RESOLVED and s.segnalante == giulia
    assert s.eventi.filter(tipo=TipoEvento.STATE_CHANGED).count() == 2
    assert factories.SegnalazioneFactory.build().titolo == "Buca profonda davanti al civico"


def test_staff_hold_the_role_they_are_given():
    ente = factories.EnteFactory()
    strade = ente.uffici.first()
    responsabile = factories.StaffFactory(ruolo=Ruolo.OFFICE_MANAGER, ente=ente, ufficio=strade)
    incarico = responsabile.incarichi.get()
    assert (incarico.ruolo, incarico.ente, incarico.ufficio) == (Ruolo.OFFICE_MANAGER, ente, strade)
    assert responsabile.check_password(factories.PASSWORD)
    assert factories.StaffFactory(ruolo=Ruolo.PLATFORM_ADMIN, ente=None).incarichi.get().ente is None
    assert not factories.UtenteFactory().incarichi.exists()


def test_events_attachments_and_comments_go_through_their_services():
    s = factories.SegnalazioneFactory()
    risposta = factories.EventoFactory(segnalazione=s)
    assert risposta.tipo == TipoEvento.PUBLIC_ANSWER and risposta.visibilita == Visibilita.PUBBLICA
    commento = factories.CommentoFactory(segnalazione=s)
    assert commento.visibilita == Visibilita.SEGNALANTE and "allarga" in commento.testo
    foto = factories.AllegatoFactory(segnalazione=s)
    assert foto.pubblico and foto.miniatura and s.eventi.filter(tipo=TipoEvento.MEDIA_ADDED).exists()


def test_followers_flags_and_outbox_rows():
    s = factories.SegnalazioneFactory()
    iscrizione = factories.IscrizioneFactory(segnalazione=s)
    assert iscrizioni.segue(s, iscrizione.utente)
    assert factories.IscrizioneFactory(segnalazione=s, email="vicina@example.org").utente is None
    flag = factories.SegnalazioneContenutoFactory(segnalazione=s)
    assert flag.esito == EsitoSegnalazione.APERTA
    assert factories.NotificaFactory().prossimo_tentativo_il is not None
    assert factories.PreferenzeFactory(lingua="en").utente.preferenze.lingua == "en"
    assert factories.CanaliEnteFactory(numero_sms="+390131000000").ente.canali.numero_sms == "+390131000000"


def test_credentials_are_issued_as_the_product_issues_them():
    token = factories.TokenAccessoFactory()
    assert token_valido(token.segreto) == token
    app = factories.ApplicazioneClientFactory()
    assert applicazione_per_chiave(app.chiave) == app


def test_the_old_helpers_still_work():
    ente = factories.EnteFactory()
    s = factories.segnalazione(ente, categoria="verde-pubblico", risposte={"problema": ["rami"]})
    assert s.categoria.codice == "verde-pubblico"
    op = factories.operatore(ente)
    assert Ruolo.OPERATORE in ruoli_su(op.utente, s)
    assert factories.staff("al.sindaco", Ruolo.SINDACO, ente).incarichi.get().ruolo == Ruolo.SINDACO


def test_no_test_asserts_only_a_status_code():
    """tests/README.md: a test checks what a user would notice; `scripts/solo_stato.py` lists those that don't."""
    radice = Path(__file__).resolve().parents[2]
    uscita = subprocess.run([sys.executable, str(radice / "scripts" / "solo_stato.py"), str(radice / "tests")],
                            capture_output=True, text=True, timeout=60, check=True).stdout
    assert uscita.strip() == "0 tests assert only a status code", uscita
