"""A report with a photo sent through the JSON API, as the tests of this folder need it."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from tests.segnalazioni import immagini

URL = "/api/v1/segnalazioni"


def invia_con_foto(client, larghezza: int = 800, altezza: int = 600):
    lat, lon = factories.PIAZZA_LIBERTA
    dati = {"lat": lat, "lon": lon, "titolo": "Buca profonda davanti al civico 41", "categoria": "buche",
            "risposte": '{"dimensione": "grande"}',
            "allegati": [SimpleUploadedFile("buca.jpg", immagini.jpeg(larghezza, altezza), "image/jpeg")]}
    return client.post(URL, dati)
