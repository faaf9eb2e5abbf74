"""Who may configure a comune: its administrators and the platform's, nobody else."""

import pytest

from civico.accounts.models import Ruolo
from civico.catalogo import configurazione
from civico.errors import NotAllowed
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pagine")]
SEZIONI = ["", "uffici/", "categorie/", "categorie/nuova/", "regole/", "regole/nuova/", "modelli/", "modelli/nuovo/",
           "staff/", "applicazioni/", "canali/", "token-api/"]


@pytest.mark.parametrize("sezione", SEZIONI)
def test_the_comune_s_administrator_opens_every_configuration_page(client, accedi, alessandria, sezione):
    accedi(client, Ruolo.ENTE_ADMIN, alessandria)
    risposta = client.get(f"/backoffice/configurazione/alessandria/{sezione}")
    assert risposta.status_code == 200
    assert "Comune di Alessandria" in risposta.content.decode()


def test_a_platform_administrator_configures_any_comune(client, accedi, alessandria, casale):
    accedi(client, Ruolo.PLATFORM_ADMIN, None)
    for ente in (alessandria, casale):
        risposta = client.get(f"/backoffice/configurazione/{ente.slug}/uffici/")
        assert risposta.status_code == 200 and f"Comune di {ente.nome}" in risposta.content.decode()
        assert ente.uffici.first().nome in risposta.content.decode()


@pytest.mark.parametrize("ruolo", [Ruolo.OFFICE_MANAGER, Ruolo.OPERATORE, Ruolo.SINDACO, Ruolo.OSSERVATORE])
def test_other_staff_roles_are_refused(client, accedi, alessandria, ruolo):
    accedi(client, ruolo, alessandria)
    assert client.get("/backoffice/configurazione/alessandria/uffici/").status_code == 403
    assert client.post("/backoffice/configurazione/alessandria/uffici/", {"nome": "Abusivo"}).status_code == 403
    assert not alessandria.uffici.filter(nome="Abusivo").exists()


def test_the_administrator_of_another_comune_is_refused(client, accedi, alessandria, casale):
    accedi(client, Ruolo.ENTE_ADMIN, casale)
    risposta = client.get("/backoffice/configurazione/alessandria/uffici/")
    assert risposta.status_code == 403 and "Comune di Alessandria" not in risposta.content.decode()
    assert client.post("/backoffice/configurazione/alessandria/uffici/", {"nome": "Abusivo"}).status_code == 403
    assert not alessandria.uffici.filter(nome="Abusivo").exists()


def test_an_administrator_limited_to_one_office_does_not_configure_the_comune(client, accedi, alessandria):
    accedi(client, Ruolo.ENTE_ADMIN, alessandria, alessandria.uffici.first())
    risposta = client.get("/backoffice/configurazione/alessandria/")
    assert risposta.status_code == 403 and "Comune di Alessandria" not in risposta.content.decode()


def test_nobody_signed_in_is_sent_to_sign_in(client, alessandria):
    risposta = client.get("/backoffice/configurazione/alessandria/uffici/")
    assert risposta.status_code == 302 and "next=/backoffice/configurazione/alessandria/uffici/" in risposta["Location"]


def test_the_index_leads_an_administrator_to_the_only_comune_they_run(client, accedi, alessandria):
    accedi(client, Ruolo.ENTE_ADMIN, alessandria)
    risposta = client.get("/backoffice/configurazione/")
    assert risposta.status_code == 302 and risposta["Location"] == "/backoffice/configurazione/alessandria/"


def test_the_services_refuse_a_non_administrator_too(alessandria):
    operatore = factories.operatore(alessandria).utente
    assert not configurazione.puo_configurare(operatore, alessandria)
    with pytest.raises(NotAllowed):
        configurazione.salva_ufficio(operatore, alessandria, nome="Abusivo")
