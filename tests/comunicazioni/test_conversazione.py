"""The dialogue of a report by message, the same for every channel (inbound/conversazione.py)."""

import io

import pytest
from PIL import Image

from civico.comunicazioni.inbound.conversazione import conversa
from civico.comunicazioni.models import Conversazione
from civico.segnalazioni.models import Allegato, Segnalazione

pytestmark = pytest.mark.django_db


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def _scrivi(ente, testo, *, canale="telegram", mittente="4242", chiave="m", allegati=()):
    return conversa(ente, canale=canale, mittente=mittente, testo=testo, chiave=chiave, allegati=allegati)


def test_each_channel_keeps_its_own_dialogue_with_the_same_sender(alessandria):
    assert _scrivi(alessandria, "lampione spento", canale="sms", mittente="+393331234567", chiave="1").azione \
        == "richiesta"
    esito = _scrivi(alessandria, "BUCA via Dante Alighieri 12", mittente="+393331234567", chiave="2")
    assert esito.azione == "richiesta" and "Quanto è grande la buca?" in esito.testo
    assert sorted(Conversazione.objects.values_list("canale", flat=True)) == ["sms", "telegram"]

    esito = _scrivi(alessandria, "grande", mittente="+393331234567", chiave="3")
    assert esito.azione == "creata"
    s = esito.segnalazione
    assert s.categoria.codice == "buche" and s.indirizzo.startswith("Via Dante Alighieri 12")
    # Not an SMS: no phone number is made up from the chat id, the channel keeps its address.
    assert s.segnalante_telefono == "" and s.dati_client == {"telegram": "+393331234567"}
    # The SMS dialogue is still there, waiting for its place.
    assert list(Conversazione.objects.values_list("canale", flat=True)) == ["sms"]


def test_a_photo_sent_before_the_words_reaches_the_report(alessandria):
    esito = _scrivi(alessandria, "", allegati=[("buca.jpg", jpeg())], chiave="1")
    assert esito.azione == "richiesta" and "BUCA via Roma 12" in esito.testo
    esito = _scrivi(alessandria, "BUCA grande via Dante Alighieri 12", chiave="2",
                    allegati=[("nota.exe", b"MZ\x90\x00 non un'immagine")])
    assert esito.azione == "creata" and "nota.exe" in esito.testo
    assert Allegato.objects.filter(segnalazione=esito.segnalazione).count() == 1


def test_annulla_forgets_only_that_channel(alessandria):
    _scrivi(alessandria, "BUCA via Dante Alighieri 12", canale="sms", mittente="4242", chiave="1")
    _scrivi(alessandria, "BUCA via Dante Alighieri 12", chiave="2")
    assert _scrivi(alessandria, "annulla", chiave="3").azione == "annullata"
    assert list(Conversazione.objects.values_list("canale", flat=True)) == ["sms"]
    assert not Segnalazione.objects.exists()


@pytest.mark.parametrize(("messaggi", "luogo"), [
    (["BUCA grande in via Roma 12"], "via Roma 12"),
    (["Lampione spento piazza Castello, davanti al bar", "3"], "piazza Castello"),
    (["buca grande", "davanti alla chiesa di San Domenico"], "davanti alla chiesa di San Domenico"),
    (["buca grande", "in corso Giovane Italia, vicino alla scuola"], "corso Giovane Italia"),
])
def test_without_a_gazetteer_a_place_in_words_is_accepted_to_be_located(casale, messaggi, luogo):
    """Casale Monferrato has no street gazetteer: the report is taken, not asked for an address forever."""
    for n, testo in enumerate(messaggi):
        esito = _scrivi(casale, testo, chiave=str(n))
    assert esito.azione == "creata", esito.testo
    s = esito.segnalazione
    assert s.da_localizzare and s.lat is None and s.cella_h3 == "" and s.indirizzo == luogo
    assert "l'ufficio lo individuerà dalla tua descrizione" in esito.testo and luogo in esito.testo


def test_an_address_the_gazetteer_does_not_know_is_asked_once_then_taken_as_words(alessandria):
    esito = _scrivi(alessandria, "BUCA grande via Inesistentissima 4", chiave="1")
    assert esito.azione == "richiesta" and "Dove?" in esito.testo
    esito = _scrivi(alessandria, "nel cortile dietro il mercato coperto", chiave="2")
    assert esito.azione == "creata" and esito.segnalazione.da_localizzare
    assert esito.segnalazione.indirizzo == "nel cortile dietro il mercato coperto"
