"""Telegram: a bot that sends notifications and takes reports and replies (Bot API).

Sending: `POST {TELEGRAM_URL}/bot<token>/sendMessage` {"chat_id", "text"}; the answer's
`result.message_id` is kept as the row's external id, so a citizen's reply to that message is
known to be about its report. Receiving: the Bot API calls our webhook
(`/comunicazioni/telegram/`, set with `setWebhook` and a `secret_token`) with one update per
message; the secret comes back in `X-Telegram-Bot-Api-Secret-Token` (refused without it), an
update redelivered (same `update_id`) is not read twice, photos are fetched with `getFile`.

- `/start <token>` (the deep link of the preferences page) connects the chat to that account:
  the chat becomes its Telegram address and the channel is switched on.
- A reply to one of our messages about a report: the reporter's message to the office.
- Anything else: the report dialogue of every channel (inbound/conversazione.py) for the
  comune of `TELEGRAM_ENTE`; its answer goes back by Telegram through the outbox.

Settings (CIVICO_COMUNICAZIONI or the environment): TELEGRAM_TOKEN, TELEGRAM_SEGRETO,
TELEGRAM_BOT (the bot's username, for deep links), TELEGRAM_ENTE (slug), TELEGRAM_URL."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from civico.comunicazioni.canali import CanaleDiConsegna, Collegamento, EsitoInvio
from civico.comunicazioni.canali.http import ErroreDiRete, esito_http, richiesta
from civico.comunicazioni.impostazioni import impostazione

logger = logging.getLogger(__name__)

NOME = "telegram"
MAX_TESTO = 4096  # Bot API limit of one message
MAX_TESTO_IN_ARRIVO = 1000
VALIDITA_COLLEGAMENTO_S = 24 * 3600
_SALE = "civico.comunicazioni.telegram.collega"


def _api(metodo: str) -> str:
    return f"{impostazione('TELEGRAM_URL').rstrip('/')}/bot{impostazione('TELEGRAM_TOKEN')}/{metodo}"


class CanaleTelegram(CanaleDiConsegna):
    nome = NOME
    etichetta = gettext_lazy("Telegram")
    scelta = gettext_lazy("Telegram")
    allerte_al_giorno = 10

    def disponibile(self, ente) -> bool:
        return bool(impostazione("TELEGRAM_TOKEN"))

    def indirizzi(self, utente, p, d) -> list[str]:
        chat = (p.indirizzi or {}).get(NOME)
        return [str(chat)] if chat else []

    def maschera(self, indirizzo: str) -> str:
        return f"chat …{indirizzo[-3:]}"

    def formato(self, m) -> tuple[str, str, str]:
        return m.oggetto, m.testo, ""

    def collegamento(self, utente, p) -> Collegamento | None:
        if (p.indirizzi or {}).get(NOME):
            return Collegamento(_("Telegram è collegato: i messaggi arrivano nella chat con il bot."), "", True)
        bot = impostazione("TELEGRAM_BOT")
        if not bot:
            return None
        return Collegamento(_("Collega Telegram: apri il bot e premi «Avvia»."),
                            f"https://t.me/{bot}?start={token_di_collegamento(utente.pk)}")

    def urls(self) -> list:
        return [path("comunicazioni/telegram/", webhook, name="telegram")]

    def invia(self, notifica) -> EsitoInvio:
        if not impostazione("TELEGRAM_TOKEN"):
            return EsitoInvio.permanente("Telegram non configurato (TELEGRAM_TOKEN)")
        testo = f"{notifica.oggetto}\n\n{notifica.testo}".strip()
        if len(testo) > MAX_TESTO:
            testo = testo[: MAX_TESTO - 1] + "…"
        try:
            r = richiesta("POST", _api("sendMessage"), dati={
                "chat_id": notifica.indirizzo, "text": testo, "link_preview_options": {"is_disabled": True},
            })
        except ErroreDiRete as exc:
            return EsitoInvio.temporaneo(f"Telegram: {exc}")
        dati = r.json()
        if r.stato == 200 and isinstance(dati, dict) and dati.get("ok"):
            return EsitoInvio.ok(str((dati.get("result") or {}).get("message_id", "")))
        if r.stato == 403:  # the person blocked the bot or never started it
            return EsitoInvio.permanente(f"Telegram: HTTP 403 {r.corpo[:200].decode('utf-8', 'replace')}")
        return esito_http(r, "Telegram") if r.stato != 200 else EsitoInvio.temporaneo(f"Telegram: {r.corpo[:300]!r}")


CANALE = CanaleTelegram()


# Linking a chat to an account --------------------------------------------------------------------

def _firma(uid: int, quando: str) -> str:
    return salted_hmac(_SALE, f"{uid}-{quando}", algorithm="sha256").hexdigest()[:32]


def token_di_collegamento(uid: int) -> str:
    """`/start` parameters allow only [A-Za-z0-9_-], 64 at most: "<id>-<time base 36>-<hmac>"."""
    quando = _base36(int(time.time()))
    return f"{uid}-{quando}-{_firma(uid, quando)}"


def leggi_token(token: str) -> int | None:
    try:
        uid, quando, firma = token.split("-")
        emesso = int(quando, 36)
        uid_n = int(uid)
    except ValueError:
        return None
    if not hmac.compare_digest(firma, _firma(uid_n, quando)) or time.time() - emesso > VALIDITA_COLLEGAMENTO_S:
        return None
    return uid_n


def _base36(n: int) -> str:
    cifre = "0123456789abcdefghijklmnopqrstuvwxyz"
    s = ""
    while n:
        n, r = divmod(n, 36)
        s = cifre[r] + s
    return s or "0"


def collega(chat: str, token: str) -> bool:
    """Make `chat` the Telegram address of the account named by `token`, and switch it on."""
    from civico.accounts.models import Utente
    from civico.comunicazioni.destinatari import preferenze

    uid = leggi_token(token)
    utente = Utente.objects.filter(pk=uid, is_active=True).first() if uid else None
    if utente is None:
        return False
    p = preferenze(utente)
    p.indirizzi = {**(p.indirizzi or {}), NOME: chat}
    if NOME not in p.canali:
        p.canali = [*p.canali, NOME]
    p.save()
    return True


# Receiving -----------------------------------------------------------------------------------------

@csrf_exempt  # the Bot API's secret token is the credential
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    segreto = impostazione("TELEGRAM_SEGRETO")
    dato = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not segreto or not impostazione("TELEGRAM_TOKEN") or not hmac.compare_digest(segreto.encode(), dato.encode()):
        return JsonResponse({"errore": "non autorizzato"}, status=403)
    try:
        update = json.loads(request.body or b"null")
    except ValueError:
        update = None
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        return JsonResponse({"errore": "update non valido"}, status=400)
    return JsonResponse({"esito": ricevi(update)})


def ricevi(update: dict[str, Any]) -> str:
    """Read one update once; what became of it: collegata, messaggio, creata, richiesta…"""
    from civico.comunicazioni.models import MessaggioInArrivo

    chiave = hashlib.sha256(f"telegram:{update['update_id']}".encode()).hexdigest()
    if MessaggioInArrivo.objects.filter(chiave=chiave).exists():
        return "duplicata"
    messaggio = update.get("message")
    chat = str(((messaggio or {}).get("chat") or {}).get("id", "")) if isinstance(messaggio, dict) else ""
    if not chat or (messaggio.get("chat") or {}).get("type", "private") != "private":
        return "ignorata"  # edits, channel posts, groups: not a citizen writing to the comune
    testo = " ".join(str(messaggio.get("text") or messaggio.get("caption") or "").split())[:MAX_TESTO_IN_ARRIVO]
    ente, azione, segnalazione = None, "ignorata", None
    if testo.startswith("/start"):
        token = testo[len("/start"):].strip()
        azione = "collegata" if token and collega(chat, token) else "benvenuto"
        _rispondi(chat, None, chiave, [
            gettext_lazy("Fatto: riceverai qui gli aggiornamenti delle tue segnalazioni.") if azione == "collegata"
            else gettext_lazy("Ciao! Scrivi il problema e l'indirizzo, per esempio: BUCA via Roma 12. "
                              "Puoi allegare una foto.")])
    elif (risposta := _segnalazione_risposta(chat, messaggio)) is not None:
        segnalazione, ente = risposta, risposta.ente
        azione = _al_ufficio(chat, chiave, risposta, testo, _foto(messaggio))
    elif (ente := _ente()) is not None:
        from civico.comunicazioni.inbound.conversazione import conversa

        esito = conversa(ente, canale=NOME, mittente=chat, testo=testo, chiave=chiave, allegati=_foto(messaggio))
        azione, segnalazione = esito.azione, esito.segnalazione
        righe = list(esito.righe)
        if esito.segnalazione is not None and not righe:
            return _registra(chiave, chat, ente, testo, azione, segnalazione)  # the receipt goes by the outbox
        _rispondi(chat, ente, chiave, righe)
    return _registra(chiave, chat, ente, testo, azione, segnalazione)


def _registra(chiave: str, chat: str, ente, testo: str, azione: str, segnalazione) -> str:
    from civico.comunicazioni.models import MessaggioInArrivo

    try:
        with transaction.atomic():
            MessaggioInArrivo.objects.create(
                chiave=chiave, canale=NOME, mittente=chat, ente=ente, oggetto=testo[:250], esito=azione,
                segnalazione=segnalazione, ricevuto_il=timezone.now())
    except IntegrityError:  # the same update, delivered twice at once: read by the other request
        return "duplicata"
    return azione


def _ente():
    from civico.enti.models import Ente

    slug = impostazione("TELEGRAM_ENTE")
    return Ente.objects.filter(slug=slug, attivo=True).first() if slug else None


def _segnalazione_risposta(chat: str, messaggio: dict):
    """The report of the message of ours this one replies to, if any."""
    from civico.comunicazioni.models import Notifica

    citato = messaggio.get("reply_to_message")
    if not isinstance(citato, dict) or not citato.get("message_id"):
        return None
    n = Notifica.objects.filter(canale=NOME, indirizzo=chat, id_esterno=str(citato["message_id"]),
                                segnalazione__isnull=False).select_related("segnalazione__ente").first()
    return n.segnalazione if n else None


def _al_ufficio(chat: str, chiave: str, s, testo: str, allegati: list[tuple[str, bytes]]) -> str:
    """The reporter's reply: their message to the office, by the door of e-mail replies."""
    from civico.comunicazioni.inbound.email import aggiungi_del_segnalante
    from civico.errors import DomainError

    if not _del_segnalante(chat, s):
        _rispondi(chat, s.ente, chiave, [gettext_lazy("Solo chi ha fatto la segnalazione può scrivere all'ufficio.")])
        return "ignorata"
    try:
        with transaction.atomic():
            aggiungi_del_segnalante(s, testo, "", allegati)
    except DomainError as exc:
        _rispondi(chat, s.ente, chiave, [str(exc)])
        return "ignorata"
    _rispondi(chat, s.ente, chiave, [
        lambda: _("Messaggio aggiunto alla segnalazione %(codice)s.") % {"codice": s.codice}])
    return "messaggio"


def _del_segnalante(chat: str, s) -> bool:
    """The chat is the reporter's: the one they reported from, or the one linked to their account."""
    from civico.comunicazioni.destinatari import preferenze
    from civico.comunicazioni.iscrizioni import indirizzi_del_segnalante

    if indirizzi_del_segnalante(s).get(NOME) == chat:
        return True
    return s.segnalante_id is not None and (preferenze(s.segnalante).indirizzi or {}).get(NOME) == chat


def _rispondi(chat: str, ente, chiave: str, righe: list) -> None:
    """The bot's answer, through the outbox (retried like every message)."""
    if not righe:
        return
    from civico.comunicazioni.inbound.risposte import rispondi

    rispondi(ente, origine=chiave, indirizzi={NOME: chat}, oggetto="Telegram", righe=righe)


# Photos ----------------------------------------------------------------------------------------------

def _foto(messaggio: dict) -> list[tuple[str, bytes]]:
    """The largest size of the photo (Telegram sends several), or an image sent as a file."""
    scelte = []
    if isinstance(messaggio.get("photo"), list) and messaggio["photo"]:
        scelte.append(messaggio["photo"][-1])
    documento = messaggio.get("document")
    if isinstance(documento, dict) and str(documento.get("mime_type", "")).startswith("image/"):
        scelte.append(documento)
    allegati = []
    for f in scelte:
        if isinstance(f, dict) and f.get("file_id") and (scaricato := _scarica(str(f["file_id"]))):
            allegati.append(scaricato)
    return allegati


def _scarica(file_id: str) -> tuple[str, bytes] | None:
    from django.conf import settings

    from civico.core import rete

    try:
        r = richiesta("POST", _api("getFile"), dati={"file_id": file_id})
        percorso = ((r.json() or {}).get("result") or {}).get("file_path") if r.stato == 200 else None
        if not percorso:
            return None
        base = impostazione("TELEGRAM_URL").rstrip("/")
        massimo = settings.CIVICO["MAX_FILE_BYTES"]
        with rete.sessione() as sessione, sessione.get(
            f"{base}/file/bot{impostazione('TELEGRAM_TOKEN')}/{percorso}", stream=True, allow_redirects=False,
            timeout=float(impostazione("TIMEOUT_HTTP_SECONDI")),
        ) as risposta:
            if risposta.status_code != 200:
                return None
            dati = risposta.raw.read(massimo + 1, decode_content=True)
    except (ErroreDiRete, OSError, ValueError, AttributeError) as exc:
        logger.warning("Telegram: foto %s non scaricata: %s", file_id, exc)
        return None
    if len(dati) > massimo:
        return None
    return percorso.rsplit("/", 1)[-1][:100] or "foto.jpg", dati
