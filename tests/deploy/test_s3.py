"""Media on S3-compatible storage: moto's S3 server on loopback, over real HTTP."""

from __future__ import annotations

import boto3
import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient

from civico.core import ambiente
from civico.segnalazioni.models import Allegato, Segnalazione
from tests.deploy.aiuti import invia_con_foto

BUCKET = "civico-media"


@pytest.fixture(scope="module")
def s3_locale():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, porta = server.get_host_and_port()
    env = {"CIVICO_S3_BUCKET": BUCKET, "CIVICO_S3_ENDPOINT_URL": f"http://{host}:{porta}",
           "CIVICO_S3_REGION": "eu-south-1", "CIVICO_S3_ACCESS_KEY_ID": "civico",
           "CIVICO_S3_SECRET_ACCESS_KEY": "segreto", "CIVICO_S3_PREFIX": "media"}
    client = boto3.client("s3", endpoint_url=env["CIVICO_S3_ENDPOINT_URL"], region_name="eu-south-1",
                          aws_access_key_id="civico", aws_secret_access_key="segreto")
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-south-1"})
    yield env, client
    server.stop()


@pytest.fixture
def media_su_s3(settings, s3_locale):
    env, client = s3_locale
    settings.STORAGES = {**settings.STORAGES, "default": ambiente.storage_media(env)}
    return client


def _oggetto(client, nome: str) -> bytes:
    return client.get_object(Bucket=BUCKET, Key=f"media/{nome}")["Body"].read()


@pytest.mark.django_db
def test_a_reported_photo_is_stored_privately_in_the_bucket_and_served_by_the_view(client, alessandria, media_su_s3):
    r = invia_con_foto(client)

    assert r.status_code == 201, r.content
    foto = Allegato.objects.get(segnalazione__codice=r.json()["codice"])
    nel_bucket = _oggetto(media_su_s3, foto.file.name)
    assert nel_bucket[:2] == b"\xff\xd8" and _oggetto(media_su_s3, foto.miniatura.name)[:2] == b"\xff\xd8"
    # Private objects: only the owner's grant, no public-read; people reach them through the view.
    grants = media_su_s3.get_object_acl(Bucket=BUCKET, Key=f"media/{foto.file.name}")["Grants"]
    assert all("AllUsers" not in str(g["Grantee"]) for g in grants)

    pagina = client.get(f"/allegati/{foto.pk}/")
    assert pagina.status_code == 200 and pagina["Content-Type"] == "image/jpeg"
    assert b"".join(pagina.streaming_content) == nel_bucket
    assert client.get(f"/allegati/{foto.pk}/miniatura/").status_code == 200


@pytest.mark.django_db
def test_under_asgi_the_photo_is_streamed_asynchronously_from_the_bucket(client, alessandria, media_su_s3):
    r = invia_con_foto(client, 1600, 1200)
    foto = Allegato.objects.get(segnalazione__codice=r.json()["codice"])

    async def scarica():
        risposta = await AsyncClient().get(f"/allegati/{foto.pk}/")
        assert risposta.is_async  # not read whole into memory by Django's sync-iterator fallback
        return risposta.status_code, b"".join([b async for b in risposta.streaming_content])

    stato, corpo = async_to_sync(scarica)()
    assert stato == 200 and corpo == _oggetto(media_su_s3, foto.file.name)


@pytest.mark.django_db
def test_a_private_report_keeps_its_photo_out_of_reach(client, alessandria, media_su_s3):
    r = invia_con_foto(client)
    Segnalazione.objects.filter(codice=r.json()["codice"]).update(pubblica=False)
    foto = Allegato.objects.get(segnalazione__codice=r.json()["codice"])

    for url in (f"/allegati/{foto.pk}/", f"/allegati/{foto.pk}/miniatura/"):
        risposta = client.get(url)
        assert risposta.status_code == 404 and not risposta["Content-Type"].startswith("image/")
        assert _oggetto(media_su_s3, foto.file.name) not in risposta.content  # not one byte of the photo
