"""API keys and staff tokens: usable once shown, stored only hashed, revocable."""

import pytest

from civico.accounts import chiavi
from civico.accounts.models import ApplicazioneClient, Ruolo, TokenAccesso
from civico.core.limiti import consuma
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_client_key_works_is_stored_hashed_and_stops_when_revoked():
    app, chiave = chiavi.crea_applicazione("App di quartiere")

    assert chiavi.applicazione_per_chiave(chiave) == app
    salvata = ApplicazioneClient.objects.get(pk=app.pk)
    assert chiave not in (salvata.chiave_hash, salvata.prefisso) and len(salvata.chiave_hash) == 64
    chiavi.revoca(app)
    assert chiavi.applicazione_per_chiave(chiave) is None


@pytest.mark.parametrize("sbagliata", [None, "", "cv_nonesiste", "x" * 500])
def test_unknown_keys_are_refused(sbagliata):
    chiavi.crea_applicazione("App")
    assert chiavi.applicazione_per_chiave(sbagliata) is None


def test_a_staff_token_identifies_its_user_until_revoked(alessandria):
    utente = factories.staff("op", Ruolo.OPERATORE, alessandria)
    token, segreto = chiavi.crea_token(utente, "script notturno")
    assert chiavi.token_valido(segreto).utente == utente
    assert TokenAccesso.objects.get(pk=token.pk).usato_il is not None
    utente.is_active = False
    utente.save()
    assert chiavi.token_valido(segreto) is None


def test_the_rate_limit_lets_the_limit_through_then_says_how_long_to_wait():
    risposte = [consuma("test:limite", 3, 60) for _ in range(4)]
    assert risposte[:3] == [None, None, None]
    assert 1 <= risposte[3] <= 61


def test_the_demo_app_key_follows_the_environment(monkeypatch, settings, tmp_path):
    from civico.demo.loader import _applicazione_demo

    settings.VAR_DIR = tmp_path
    generata = _applicazione_demo()
    assert chiavi.applicazione_per_chiave(generata).nome == "Demo app"
    assert _applicazione_demo() == generata  # kept under var/, printed again by every make run

    monkeypatch.setenv("CIVICO_DEMO_API_KEY", "demo-chiave-nota")
    assert _applicazione_demo() == "demo-chiave-nota"
    assert chiavi.applicazione_per_chiave("demo-chiave-nota").nome == "Demo app"
    assert chiavi.applicazione_per_chiave(generata) is None
