"""Photo redaction in the backoffice: staff black out a face or a plate before the photo is
public; the original kept private or destroyed as the ente chose; photos held until reviewed."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from civico.accounts.models import Ruolo
from civico.segnalazioni import intake
from civico.segnalazioni.models import Allegato, Evento, TipoEvento
from tests import factories
from tests.backoffice.conftest import entra_verificato

pytestmark = pytest.mark.django_db


def foto_bianca() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 200), (255, 255, 255)).save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def con_foto(ente) -> Allegato:
    dati = intake.NuovaSegnalazione(
        lat=factories.PIAZZA_LIBERTA[0], lon=factories.PIAZZA_LIBERTA[1], titolo="Auto sul marciapiede",
        categoria="buche", risposte={"dimensione": "grande"}, ente=ente,
    )
    return intake.submit(dati, [("auto.jpg", foto_bianca())]).segnalazione.allegati.get()


@pytest.fixture(autouse=True)
def _password_veloci(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def operatore(alessandria):
    return factories.staff("al.operatore", Ruolo.OPERATORE, alessandria)


def pixel(contenuto: bytes, x: int, y: int) -> tuple:
    return Image.open(io.BytesIO(contenuto)).convert("RGB").getpixel((x, y))


def test_staff_black_out_a_plate_and_the_public_photo_is_redacted_the_original_kept_private(client, alessandria,
                                                                                          operatore):
    a = con_foto(alessandria)
    entra_verificato(client, operatore)
    pagina = client.get(f"/backoffice/allegati/{a.pk}/oscura/").content.decode()
    assert "<canvas" in pagina and "redazione.js" in pagina and "<script>" not in pagina  # no inline script
    scheda = client.get(f"/backoffice/segnalazioni/{a.segnalazione.codice}/").content.decode()
    assert f"/backoffice/allegati/{a.pk}/oscura/" in scheda
    r = client.post(f"/backoffice/allegati/{a.pk}/oscura/", {
        "azione": "oscura", "rettangoli": json.dumps([{"x": 0.5, "y": 0.25, "w": 0.25, "h": 0.5}]),
    })
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.revisionato_il and a.pubblico and a.originale
    pubblica = b"".join(client.get(f"/allegati/{a.pk}/").streaming_content)
    assert pixel(pubblica, 250, 100) == (0, 0, 0) or sum(pixel(pubblica, 250, 100)) < 30  # blacked out
    assert sum(pixel(pubblica, 50, 100)) > 700  # the rest untouched
    with a.originale.open("rb") as f:
        assert sum(pixel(f.read(), 250, 100)) > 700  # the original, unredacted, kept…
    assert a.originale.name != a.file.name  # …under its own name, never served by the public URL
    evento = Evento.objects.get(segnalazione=a.segnalazione, tipo=TipoEvento.INTERNAL_NOTE)
    assert evento.dati["redazione"] == 1 and evento.dati["originale"] == "conservato"


def test_where_the_ente_says_so_the_original_is_destroyed(client, alessandria, operatore,
                                                          django_capture_on_commit_callbacks):
    alessandria.conserva_originali_foto = False
    alessandria.save()
    a = con_foto(alessandria)
    vecchio = a.file.name
    entra_verificato(client, operatore)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/backoffice/allegati/{a.pk}/oscura/",
                    {"rettangoli": json.dumps([{"x": 0, "y": 0, "w": 1, "h": 1}])})
    a.refresh_from_db()
    assert not a.originale and not default_storage.exists(vecchio)
    evento = Evento.objects.get(segnalazione=a.segnalazione, tipo=TipoEvento.INTERNAL_NOTE)
    assert evento.dati["originale"] == "distrutto"


def test_new_photos_are_held_private_until_reviewed_where_the_ente_asks(client, alessandria, operatore):
    alessandria.foto_in_revisione = True
    alessandria.save()
    a = con_foto(alessandria)
    assert not a.pubblico and a.revisionato_il is None
    assert client.get(f"/allegati/{a.pk}/").status_code == 404
    assert "Da revisionare" in entra_verificato(client, operatore).get(
        f"/backoffice/segnalazioni/{a.segnalazione.codice}/").content.decode()
    client.post(f"/backoffice/allegati/{a.pk}/oscura/", {"azione": "approva"})
    a.refresh_from_db()
    assert a.pubblico and a.revisionato_il
    client.logout()
    assert client.get(f"/allegati/{a.pk}/").status_code == 200


def test_staff_can_keep_a_photo_off_the_public_pages(client, alessandria, operatore):
    a = con_foto(alessandria)
    entra_verificato(client, operatore).post(f"/backoffice/allegati/{a.pk}/oscura/", {"azione": "nascondi"})
    client.logout()
    r = client.get(f"/allegati/{a.pk}/")
    assert r.status_code == 404 and not r["Content-Type"].startswith("image/")
    a.refresh_from_db()
    assert not a.pubblico
    assert f"/allegati/{a.pk}/" not in client.get(f"/segnalazioni/{a.segnalazione.codice}/").content.decode()


def test_bad_rectangles_are_a_clear_error(client, alessandria, operatore):
    a = con_foto(alessandria)
    entra_verificato(client, operatore)
    for valore in ("non json", json.dumps([{"x": "a"}]), json.dumps([])):
        r = client.post(f"/backoffice/allegati/{a.pk}/oscura/", {"rettangoli": valore})
        assert r.status_code == 400 and 'data-testid="errore"' in r.content.decode()


def test_only_staff_who_may_work_the_report_redact(client, alessandria, casale):
    a = con_foto(alessandria)
    assert client.get(f"/backoffice/allegati/{a.pk}/oscura/").status_code == 302  # to the sign-in
    entra_verificato(client, factories.staff("cm.operatore", Ruolo.OPERATORE, casale))
    assert client.get(f"/backoffice/allegati/{a.pk}/oscura/").status_code == 404
    osservatore = factories.staff("al.osservatore", Ruolo.OSSERVATORE, alessandria)
    entra_verificato(client, osservatore)
    tutto = json.dumps([{"x": 0, "y": 0, "w": 1, "h": 1}])
    r = client.post(f"/backoffice/allegati/{a.pk}/oscura/", {"rettangoli": tutto})
    assert r.status_code == 400 and "Non puoi modificare" in r.content.decode()
    a.refresh_from_db()
    assert a.revisionato_il is None
