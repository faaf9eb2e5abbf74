"""The protocol number: typed by staff, or asked of the comune's records system over a signed
webhook (a real HTTP server on loopback here) that answers on a signed callback."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from civico.accounts.permissions import Attore
from civico.errors import InvalidData, NotAllowed
from civico.segnalazioni import eventi, protocollo
from civico.segnalazioni.models import TipoEvento
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pagine")]
SEGRETO = "segreto-condiviso-di-prova"


class Protocollo:
    """A records system: keeps each POST it receives and answers with `stato`."""

    def __init__(self, stato: int = 202):
        self.ricevute: list[tuple[dict, bytes]] = []
        registro = self

        class Gestore(BaseHTTPRequestHandler):
            def do_POST(self):
                corpo = self.rfile.read(int(self.headers["Content-Length"]))
                registro.ricevute.append((dict(self.headers), corpo))
                self.send_response(stato)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Gestore)
        self.url = f"http://127.0.0.1:{self.server.server_port}/civico/segnalazioni"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def _rete_locale(settings):
    """The records system of these tests listens on loopback (civico.core.rete refuses it otherwise)."""
    settings.CIVICO = {**settings.CIVICO, "RETE_LOCALE": True}


@pytest.fixture
def collegato(alessandria):
    with Protocollo() as server:
        alessandria.protocollo_webhook_url, alessandria.protocollo_segreto = server.url, SEGRETO
        alessandria.save()
        yield server


def test_staff_type_the_protocol_number_as_an_internal_event(alessandria):
    s = factories.segnalazione(alessandria)

    s = protocollo.registra_protocollo(s, factories.operatore(alessandria), " 2026/0012345 ")

    assert s.numero_protocollo == "2026/0012345"
    evento = s.eventi.get(tipo=TipoEvento.PROTOCOL)
    assert evento.visibilita == "internal" and evento not in eventi.cronologia_del_segnalante(s)
    assert protocollo.registra_protocollo(s, factories.operatore(alessandria), "2026/0012345")
    assert s.eventi.filter(tipo=TipoEvento.PROTOCOL).count() == 1  # the same number again: nothing new


def test_a_corrected_number_keeps_the_previous_one_in_the_history(alessandria):
    s = factories.segnalazione(alessandria)
    operatore = factories.operatore(alessandria)
    protocollo.registra_protocollo(s, operatore, "2026/1")
    s = protocollo.registra_protocollo(s, operatore, "2026/10")
    assert s.numero_protocollo == "2026/10"
    assert s.eventi.filter(tipo=TipoEvento.PROTOCOL).latest("id").dati["precedente"] == "2026/1"


def test_only_staff_of_the_report_may_set_it(alessandria, casale):
    s = factories.segnalazione(alessandria)
    with pytest.raises(NotAllowed):
        protocollo.registra_protocollo(s, Attore.del_segnalante(), "1")
    with pytest.raises(NotAllowed):
        protocollo.registra_protocollo(s, factories.operatore(casale), "1")
    with pytest.raises(InvalidData):
        protocollo.registra_protocollo(s, factories.operatore(alessandria), "")


def test_the_report_is_posted_signed_to_the_records_system(alessandria, collegato):
    s = factories.segnalazione(alessandria, nome="Giulia Ferrari", email="giulia@example.org")

    assert protocollo.invia_al_protocollo(s) is True

    intestazioni, corpo = collegato.ricevute[0]
    assert intestazioni["X-Civico-Firma"] == protocollo.firma(SEGRETO, corpo)
    dati = json.loads(corpo)
    assert dati["codice"] == s.codice and dati["mittente"]["email"] == "giulia@example.org"
    assert dati["callback_url"].endswith(f"/backoffice/configurazione/protocollo/callback/{alessandria.slug}/")


def test_a_new_report_is_posted_by_the_worker_after_it_is_stored(
    alessandria, collegato, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    with django_capture_on_commit_callbacks(execute=True):
        s = factories.segnalazione(alessandria)

    assert [json.loads(corpo)["codice"] for _h, corpo in collegato.ricevute] == [s.codice]


def test_a_records_system_that_is_down_does_not_break_anything(alessandria):
    with Protocollo(stato=503) as server:
        alessandria.protocollo_webhook_url, alessandria.protocollo_segreto = server.url, SEGRETO
        alessandria.save()
        assert protocollo.invia_al_protocollo(factories.segnalazione(alessandria)) is False
    alessandria.protocollo_webhook_url = "http://127.0.0.1:9/chiuso"
    alessandria.save()
    assert protocollo.invia_al_protocollo(factories.segnalazione(alessandria)) is False


def test_the_signed_callback_sets_the_number(client, alessandria, collegato):
    s = factories.segnalazione(alessandria)
    corpo = json.dumps({"codice": s.codice, "numero_protocollo": "AL/2026/0000777"}).encode()

    risposta = client.post(f"/backoffice/configurazione/protocollo/callback/{alessandria.slug}/", corpo,
                           content_type="application/json",
                           headers={"X-Civico-Firma": protocollo.firma(SEGRETO, corpo)})

    assert risposta.status_code == 200 and risposta.json()["numero_protocollo"] == "AL/2026/0000777"
    s.refresh_from_db()
    assert s.numero_protocollo == "AL/2026/0000777"
    assert s.eventi.get(tipo=TipoEvento.PROTOCOL).dati["attore"] == "sistema"


def test_a_callback_with_a_wrong_signature_changes_nothing(client, alessandria, collegato):
    s = factories.segnalazione(alessandria)
    corpo = json.dumps({"codice": s.codice, "numero_protocollo": "FALSO"}).encode()
    url = f"/backoffice/configurazione/protocollo/callback/{alessandria.slug}/"

    falsa = client.post(url, corpo, content_type="application/json",
                        headers={"X-Civico-Firma": protocollo.firma("un altro segreto", corpo)})
    senza = client.post(url, corpo, content_type="application/json")

    assert falsa.status_code == 403 and senza.status_code == 403
    s.refresh_from_db()
    assert s.numero_protocollo == ""


def test_a_callback_for_an_unknown_report_or_a_comune_without_secret_is_refused(client, alessandria, casale, collegato):
    corpo = json.dumps({"codice": "AL-1999-000001", "numero_protocollo": "1"}).encode()
    firma = {"X-Civico-Firma": protocollo.firma(SEGRETO, corpo)}
    ignota = client.post(f"/backoffice/configurazione/protocollo/callback/{alessandria.slug}/", corpo,
                         content_type="application/json", headers=firma)
    assert ignota.status_code == 404 and ignota.json()["errore"] == "not_found"
    senza_segreto = client.post(f"/backoffice/configurazione/protocollo/callback/{casale.slug}/", corpo,
                                content_type="application/json", headers=firma)
    assert senza_segreto.status_code == 403 and senza_segreto.json()["messaggio"]
    assert "numero_protocollo" not in senza_segreto.json()
