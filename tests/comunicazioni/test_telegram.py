"""Telegram, the channel added as one module (canali/telegram.py): against a local fake of the Bot
API over real HTTP. The webhook is called as the Bot API calls it (JSON update, secret header)."""

from __future__ import annotations

import io
import re
import time

import pytest
from PIL import Image

from civico.comunicazioni import canali, consegna, iscrizioni
from civico.comunicazioni.canali import telegram
from civico.comunicazioni.models import MessaggioInArrivo, Notifica, Preferenze
from civico.segnalazioni import interazioni
from civico.segnalazioni.models import Segnalazione, TipoEvento
from tests import factories
from tests.comunicazioni.bot_telegram import BotTelegramFinto

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.comunicazioni.urls")]

TOKEN = "123456:ABC-segreto-del-bot"
SEGRETO = "segreto-del-webhook"
CHAT = 777000111


@pytest.fixture
def bot(settings, comunicazioni):
    settings.CIVICO = {**settings.CIVICO, "RETE_LOCALE": True}  # the Bot API is on loopback
    with BotTelegramFinto(TOKEN) as finto:
        comunicazioni.update(TELEGRAM_TOKEN=TOKEN, TELEGRAM_SEGRETO=SEGRETO, TELEGRAM_BOT="CivicoProvaBot",
                             TELEGRAM_URL=finto.url, TELEGRAM_ENTE="alessandria")
        yield finto


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(out, "JPEG")
    return out.getvalue()


_update_id = iter(range(5000, 10_000))


def _update(testo: str = "", *, chat: int = CHAT, foto: str = "", risponde_a: int = 0, update_id: int = 0) -> dict:
    messaggio: dict = {"message_id": 1, "date": 0, "chat": {"id": chat, "type": "private"},
                       "from": {"id": chat, "is_bot": False, "first_name": "Maria"}}
    if foto:
        messaggio["photo"] = [{"file_id": f"{foto}-piccola", "width": 90, "height": 60},
                              {"file_id": foto, "width": 1280, "height": 960}]
        messaggio["caption"] = testo
    else:
        messaggio["text"] = testo
    if risponde_a:
        messaggio["reply_to_message"] = {"message_id": risponde_a, "date": 0, "chat": {"id": chat, "type": "private"}}
    return {"update_id": update_id or next(_update_id), "message": messaggio}


def _webhook(client, update: dict, segreto: str | None = SEGRETO):
    intestazioni = {"X-Telegram-Bot-Api-Secret-Token": segreto} if segreto is not None else {}
    return client.post("/comunicazioni/telegram/", update, content_type="application/json", headers=intestazioni)


def test_a_report_with_a_photo_comes_by_telegram_and_the_reply_to_its_receipt_reaches_the_office(
        client, alessandria, bot, consegnato):
    bot.file["foto-1"] = ("photos/file_1.jpg", _jpeg())
    r = consegnato(_webhook, client, _update("BUCA grande via Dante Alighieri 12", foto="foto-1"))

    assert r.status_code == 200 and r.json()["esito"] == "creata"
    s = Segnalazione.objects.get(dati_client__telegram=str(CHAT))
    assert s.categoria.codice == "buche" and s.indirizzo.startswith("Via Dante Alighieri 12")
    assert [a.nome_originale for a in s.allegati.all()] == ["file_1.jpg"]
    # The receipt, with the code, reached the chat through the Bot API.
    [ricevuta] = bot.inviati
    assert ricevuta["chat_id"] == str(CHAT) and s.codice in ricevuta["text"]
    assert Notifica.objects.get(segnalazione=s, canale="telegram").id_esterno == "1001"

    # The citizen answers the receipt: a message to the office on that report, and a thank-you.
    r = consegnato(_webhook, client, _update("La buca è vicino al passo carraio", risponde_a=1001))
    assert r.json()["esito"] == "messaggio"
    commento = s.eventi.get(tipo=TipoEvento.COMMENT)
    assert commento.testo == "La buca è vicino al passo carraio"
    assert s.codice in bot.inviati[-1]["text"] and bot.inviati[-1]["chat_id"] == str(CHAT)
    # The office's public answer goes back to the chat too.
    consegnato(interazioni.rispondi, s, factories.operatore(alessandria), "Interverremo entro venerdì.")
    assert "Interverremo entro venerdì." in bot.inviati[-1]["text"]


def test_a_comune_without_a_street_gazetteer_takes_a_telegram_report_to_be_located(
        client, casale, bot, comunicazioni, consegnato):
    comunicazioni["TELEGRAM_ENTE"] = casale.slug
    r = consegnato(_webhook, client, _update("Buca grande in via Roma 12"))

    assert r.json()["esito"] == "creata"
    s = Segnalazione.objects.get(dati_client__telegram=str(CHAT))
    assert s.ente == casale and s.da_localizzare and "Roma 12" in s.indirizzo
    # The chat hears the code (the receipt) and that the office will place it.
    testi = " ".join(m["text"] for m in bot.inviati)
    assert s.codice in testi and "individuerà" in testi


def test_what_is_missing_is_asked_in_the_chat(client, alessandria, bot, consegnato):
    r = consegnato(_webhook, client, _update("lampione spento"))
    assert r.json()["esito"] == "richiesta" and not Segnalazione.objects.exists()
    assert "via Roma 12" in bot.inviati[-1]["text"]


def test_a_forged_or_unconfigured_webhook_is_refused_and_nothing_is_read(client, alessandria, bot, comunicazioni):
    for segreto in (None, "", "indovinato", SEGRETO + "x"):
        assert _webhook(client, _update("BUCA grande via Dante Alighieri 12"), segreto).status_code == 403
    comunicazioni["TELEGRAM_SEGRETO"] = ""
    assert _webhook(client, _update("BUCA grande via Dante Alighieri 12"), "").status_code == 403
    assert not MessaggioInArrivo.objects.exists() and not Segnalazione.objects.exists() and not bot.inviati


@pytest.mark.parametrize("corpo", [b"non json", b"[]", b'{"message": {}}', b'{"update_id": "1"}'])
def test_a_malformed_update_is_a_400(client, bot, corpo):
    r = client.post("/comunicazioni/telegram/", corpo, content_type="application/json",
                    headers={"X-Telegram-Bot-Api-Secret-Token": SEGRETO})
    assert r.status_code == 400
    assert not MessaggioInArrivo.objects.exists() and not Segnalazione.objects.exists() and not bot.inviati


def test_a_redelivered_update_is_read_once(client, alessandria, bot, consegnato):
    update = _update("BUCA grande via Dante Alighieri 12")
    assert consegnato(_webhook, client, update).json()["esito"] == "creata"
    assert consegnato(_webhook, client, update).json()["esito"] == "duplicata"
    assert Segnalazione.objects.count() == 1 and len(bot.inviati) == 1
    assert MessaggioInArrivo.objects.filter(canale="telegram").count() == 1


def test_the_preferences_deep_link_connects_the_chat_and_news_of_followed_reports_arrive_there(
        client, alessandria, bot, consegnato):
    paola = factories.UtenteFactory(username="paola")
    client.force_login(paola)
    pagina = client.get("/area-personale/preferenze/").content.decode()
    assert 'name="telegram"' in pagina
    token = re.search(r"https://t\.me/CivicoProvaBot\?start=([A-Za-z0-9_-]{1,64})\"", pagina).group(1)

    r = consegnato(_webhook, client, _update(f"/start {token}"))
    assert r.json()["esito"] == "collegata"
    p = Preferenze.objects.get(utente=paola)
    assert "telegram" in p.canali and p.indirizzi == {"telegram": str(CHAT)}
    assert "aggiornamenti" in bot.inviati[-1]["text"]
    assert "Telegram è collegato" in client.get("/area-personale/preferenze/").content.decode()

    s = factories.segnalazione(alessandria)
    iscrizioni.segui(s, paola)
    consegnato(interazioni.rispondi, s, factories.operatore(alessandria), "Abbiamo programmato l'intervento.")
    [n] = Notifica.objects.filter(segnalazione=s, canale="telegram", motivo="evento").exclude(evento__tipo="created")
    assert n.stato == "sent" and "Abbiamo programmato l'intervento." in bot.inviati[-1]["text"]
    # Staff see the chat masked.
    assert canali.canale("telegram").maschera(n.indirizzo) == "chat …111"


@pytest.mark.parametrize("guasto", ["altro", "1-zz-" + "0" * 32, "", "x-y-z", "1-2"])
def test_a_forged_or_damaged_link_token_connects_nothing(client, bot, guasto, consegnato):
    paola = factories.UtenteFactory(username="paola")
    vero = telegram.token_di_collegamento(paola.pk)
    falso = guasto if guasto != "altro" else vero[:-1] + ("0" if vero[-1] != "0" else "1")
    assert consegnato(_webhook, client, _update(f"/start {falso}")).json()["esito"] == "benvenuto"
    assert not Preferenze.objects.filter(utente=paola).exists()


def test_a_token_older_than_a_day_connects_nothing(bot, monkeypatch):
    vero = telegram.token_di_collegamento(42)
    assert telegram.leggi_token(vero) == 42
    dopo = time.time() + 2 * 86400
    monkeypatch.setattr(telegram.time, "time", lambda: dopo)
    assert telegram.leggi_token(vero) is None


def test_a_blocked_bot_is_not_retried_and_an_unreachable_api_is(alessandria, bot, comunicazioni):
    n = factories.NotificaFactory(canale="telegram", indirizzo=str(CHAT), ente=alessandria)
    bot.fallisci = (403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"})
    assert consegna.consegna(n.pk) == "fallita"
    comunicazioni["TELEGRAM_URL"] = "http://127.0.0.1:9"
    Notifica.objects.filter(pk=n.pk).update(stato="pending", tentativi=0)
    assert consegna.consegna(n.pk) == "riprova"
