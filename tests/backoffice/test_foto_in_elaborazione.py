"""Staff pages while a photo waits for the worker's re-encoding (issue #21): the placeholder,
never the upload as sent; redaction waits for the re-encoded photo."""

from __future__ import annotations

import pytest

from civico.backoffice import redazione
from civico.errors import InvalidData
from civico.segnalazioni import intake
from civico.segnalazioni.tasks import elabora_foto
from tests import factories
from tests.segnalazioni import immagini

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_elaborazione(alessandria, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    dati = intake.NuovaSegnalazione(lat=factories.PIAZZA_LIBERTA[0], lon=factories.PIAZZA_LIBERTA[1],
                                    titolo="Buca", categoria="buche", risposte={"dimensione": "media"})
    with django_capture_on_commit_callbacks(execute=True):
        s = intake.submit(dati, allegati=[("buca.jpg", immagini.jpeg(gps=True))]).segnalazione
    return s.allegati.get()


def test_staff_get_the_placeholder_until_the_photo_is_processed(come, persone, in_elaborazione):
    a = in_elaborazione
    client = come(persone.operatore)
    for url in (f"/backoffice/allegati/{a.pk}/", f"/backoffice/allegati/{a.pk}/miniatura/"):
        risposta = client.get(url)
        assert risposta.status_code == 200
        assert risposta["Content-Type"] == "image/svg+xml" and risposta["Cache-Control"] == "no-store"
    assert come(persone.altro_comune).get(f"/backoffice/allegati/{a.pk}/").status_code == 404
    pagina = come(persone.amministratore).get(f"/backoffice/segnalazioni/{a.segnalazione.codice}/")
    assert pagina.status_code == 200 and f"/backoffice/allegati/{a.pk}/".encode() in pagina.content
    client = come(persone.operatore)

    elabora_foto.call(a.pk)
    risposta = client.get(f"/backoffice/allegati/{a.pk}/")
    assert risposta["Content-Type"] == "image/jpeg"


def test_a_photo_being_processed_cannot_be_redacted_yet(persone, in_elaborazione):
    with pytest.raises(InvalidData) as errore:
        redazione.oscura(in_elaborazione, [(0.1, 0.1, 0.2, 0.2)], persone.operatore)
    assert "elaborazione" in str(errore.value)
