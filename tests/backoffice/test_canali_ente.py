"""The comune's channel settings page: only its administrators, one comune never touches another,
and the App IO key is written, never read back."""

from __future__ import annotations

import pytest

from civico.comunicazioni.models import CanaliEnte
from civico.enti.models import Ente
from tests import factories

CHIAVE = "io-chiave-segreta-0123456789abcdef-WXYZ"


@pytest.fixture(autouse=True)
def domini(settings):
    settings.DEFAULT_FROM_EMAIL = "Civico <noreply@segnala.example.org>"
    settings.CIVICO_COMUNICAZIONI = {**getattr(settings, "CIVICO_COMUNICAZIONI", {}),
                                     "DOMINI_MITTENTE_VERIFICATI": "comune.alessandria.it"}


def _dati(**altri) -> dict:
    return {"email_mittente": "urp@comune.alessandria.it", "email_in_arrivo": "segnalazioni@comune.alessandria.it",
            "pec": "protocollo@cert.comune.alessandria.it", "numero_sms": "+39 333 123 4567",
            "chiave_app_io": CHIAVE, **altri}


@pytest.mark.django_db
def test_the_administrator_sets_the_channels_and_the_app_io_key_is_never_shown_again(persone, come, alessandria,
                                                                                  casale):
    client = come(persone.amministratore)
    url = f"/backoffice/configurazione/{alessandria.slug}/canali/"

    risposta = client.post(url, _dati(), follow=True)

    pagina = risposta.content.decode()
    assert "Impostazioni salvate." in pagina
    assert CHIAVE not in pagina and CHIAVE[:12] not in pagina and "impostata ••••WXYZ" in pagina
    assert "Comune di Alessandria &lt;urp@comune.alessandria.it&gt;" in pagina  # a verified domain: as itself
    canali = CanaliEnte.objects.get(ente=alessandria)
    assert canali.chiave_app_io == CHIAVE and canali.numero_sms == "+393331234567"
    assert canali.email_in_arrivo == "segnalazioni@comune.alessandria.it"
    alessandria.refresh_from_db()
    assert alessandria.pec == "protocollo@cert.comune.alessandria.it"
    # Saving again without a key keeps it; the page never carries it, not even in the form.
    client.post(url, _dati(chiave_app_io="", numero_sms="333 765 4321"))
    canali.refresh_from_db()
    assert canali.chiave_app_io == CHIAVE and canali.numero_sms == "+393337654321"
    assert CHIAVE not in client.get(url).content.decode()
    # Casale is untouched.
    assert not CanaliEnte.objects.filter(ente=casale).exists()
    assert Ente.objects.get(pk=casale.pk).pec == casale.pec


@pytest.mark.django_db
def test_an_unverified_domain_sends_tramite_civico_and_the_page_says_so(persone, come, alessandria):
    client = come(persone.amministratore)
    url = f"/backoffice/configurazione/{alessandria.slug}/canali/"
    client.post(url, _dati(email_mittente="urp@alessandria.example.net"))

    pagina = client.get(url).content.decode()

    assert "Comune di Alessandria tramite Civico &lt;noreply@segnala.example.org&gt;" in pagina
    assert "urp@alessandria.example.net" in pagina and "non è autorizzata a inviare" in pagina


@pytest.mark.django_db
@pytest.mark.parametrize(("campo", "valore", "messaggio"), [
    ("email_in_arrivo", "non è un indirizzo", "Indirizzo e-mail non valido."),
    ("pec", "pec@@x", "Indirizzo e-mail non valido."),
    ("email_mittente", "a@b@c.it", "Indirizzo e-mail non valido."),
    ("numero_sms", "chiamami", "Numero di telefono non valido."),
    ("numero_sms", "+39 12", "Numero di telefono non valido."),
    ("chiave_app_io", "chiave\u00e8", "La chiave App IO non è valida."),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(persone, come, alessandria, campo, valore,
                                                                   messaggio):
    risposta = come(persone.amministratore).post(f"/backoffice/configurazione/{alessandria.slug}/canali/",
                                                 _dati(**{campo: valore}))

    assert risposta.status_code == 200 and messaggio in risposta.content.decode()
    assert not CanaliEnte.objects.filter(ente=alessandria).exists()


@pytest.mark.django_db
def test_an_inbound_address_or_number_of_another_comune_is_refused(persone, come, alessandria, casale):
    factories.CanaliEnteFactory(ente=casale, email_in_arrivo="segnalazioni@comune.alessandria.it",
                              numero_sms="+393331234567")

    pagina = come(persone.amministratore).post(f"/backoffice/configurazione/{alessandria.slug}/canali/",
                                               _dati()).content.decode()

    assert "Questo indirizzo riceve già le segnalazioni di un altro comune." in pagina
    assert "Questo numero riceve già le segnalazioni di un altro comune." in pagina
    assert CanaliEnte.objects.get(ente=casale).email_in_arrivo == "segnalazioni@comune.alessandria.it"


@pytest.mark.django_db
def test_only_the_comunes_administrators_open_the_page(persone, come, alessandria):
    url = f"/backoffice/configurazione/{alessandria.slug}/canali/"
    for persona in (persone.operatore, persone.sindaco, persone.altro_comune):
        assert come(persona).post(url, _dati()).status_code == 403
    assert not CanaliEnte.objects.filter(ente=alessandria).exists()


@pytest.mark.django_db
def test_the_page_and_its_errors_speak_english_too(persone, come, alessandria):
    client = come(persone.amministratore)
    client.cookies["django_language"] = "en"

    pagina = client.post(f"/backoffice/configurazione/{alessandria.slug}/canali/", _dati(numero_sms="chiamami"),
                         HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "E-mails are sent as" in pagina and "Invalid phone number." in pagina
    assert "New App IO API key" in pagina
