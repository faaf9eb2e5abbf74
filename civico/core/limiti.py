"""Rate limits: a fixed window counter per key in Django's cache, the one mechanism for every write.

`LimitiMiddleware` applies them to every POST/PUT/PATCH/DELETE that reaches a view: the view's
URL name picks the action (`AZIONI_PER_VISTA`, overridable with `CIVICO["LIMITI_VISTE"]`), any
other write counts as `scrittura`. Views with a finer rule of their own (the reporting flow's
first step, the sign-in link, Open311's per-key limit, the API's create) call `verifica` or
`consuma` themselves and are mapped to None here, so nothing is counted twice.

Each write action has a name (`segnalazione`, `interazione`, `accesso_email`, `sindaco`, `sms`,
`api_scrittura`, `open311_invio`, `segnala_contenuto`) and limits per IP, per account, per API key
(and for some per e-mail or phone). `PREDEFINITI` below holds the defaults; `CIVICO["LIMITI"]`
in the settings overrides any of them, e.g. `{"sindaco": {"ip": (10, 3600)}}`.

With the default per-process cache a limit holds per server process; production configures a
shared cache (CACHES: Redis or the database cache) so it holds across workers and servers.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# (how many, per how many seconds). Far more than a person does, far fewer than a script.
PREDEFINITI: dict[str, dict[str, tuple[int, int]]] = {
    # The reporting flow's final step (and the other portal submissions).
    "segnalazione": {"ip": (20, 600), "utente": (20, 600)},
    # Messages to the office, photos added later, "anche io", follows, the reporter's verdict.
    "interazione": {"ip": (60, 600), "utente": (40, 600)},
    # Sign-in links by e-mail: per address asked, too, so nobody floods one inbox.
    "accesso_email": {"ip": (10, 600), "email": (3, 600)},
    "sindaco": {"ip": (5, 600), "utente": (5, 600), "email": (5, 3600)},
    # "Anche io" on a report's page: one click signed in, else a confirmation e-mail to the address.
    "segui": {"ip": (20, 600), "utente": (40, 600), "email": (3, 600)},
    # The SMS provider's webhook: one IP (the provider), many senders.
    "sms": {"ip": (600, 60), "telefono": (30, 600)},
    "api_scrittura": {"ip": (60, 60), "utente": (60, 60), "chiave": (600, 60)},
    # Per key the application's own `limite_al_minuto` applies on top (see open311.views).
    "open311_invio": {"ip": (120, 60)},
    "segnala_contenuto": {"ip": (10, 600), "utente": (10, 600)},
    # A read, but it runs a model: the public API's category suggestion (an app calls it as one types).
    "suggerimenti": {"ip": (120, 60)},
    # Any other write (staff pages included): only a flood stops here.
    "scrittura": {"ip": (300, 60), "utente": (300, 60)},
}

# URL name → action; "namespace:*" covers a whole namespace; None: the view limits itself.
AZIONI_PER_VISTA: dict[str, str | None] = {
    "portale:flusso_invia": "segnalazione",
    "portale:flusso_anche_io": "interazione",
    "portale:flusso_allegati": "interazione",
    "portale:segnalante_commenta": "interazione",
    "portale:segnalante_foto": "interazione",
    "portale:segnalante_risolto": "interazione",
    "comunicazioni:risolto": "interazione",
    "comunicazioni:conferma_segui": "interazione",
    "portale:segnalazione_anche_io": "segui",
    "comunicazioni:push": "interazione",
    "comunicazioni:scrivi_al_sindaco": "sindaco",
    "comunicazioni:sms": "sms",
    "moderazione:segnala": "segnala_contenuto",
    "api-v1:*": "api_scrittura",
    "portale:flusso_inizio": None,  # drafts per address (views_flusso.BOZZE_ALL_ORA)
    "portale:area_accedi": None,  # accesso_email, with the e-mail asked for (views_area)
    "portale:area_indirizzo": None,  # accesso_email too: a link to another address (views_area)
    "portale:valutazione": None,  # ratings per address (pagine.registra_valutazione)
    "open311:requests": None,  # open311_invio per address + the application's own per-key limit
}
# Identities read from the request body, per action: {identity: field}.
CAMPI_PER_AZIONE: dict[str, dict[str, str]] = {
    "sindaco": {"email": "email"},
    "segui": {"email": "email"},
    "sms": {"telefono": "from"},
}

METODI_DI_SCRITTURA = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def consuma(chiave: str, limite: int, finestra_s: int = 60) -> int | None:
    """Count one request against `limite` per window; None if allowed, else seconds to wait."""
    return consuma_tutti([(chiave, limite, finestra_s)])[0]


def consuma_tutti(conteggi: list[tuple[str, int, int]]) -> list[int | None]:
    """Count one request against each (key, limit, window seconds): for each, None if allowed,
    else the seconds to wait. With Redis all of them in one round trip."""
    adesso = time.time()
    nomi = [f"civico:limite:{chiave}:{int(adesso // finestra)}" for chiave, _limite, finestra in conteggi]
    client = _client_redis()
    if client is not None:
        conteggi_ora = _in_redis(client, nomi, [finestra for _c, _l, finestra in conteggi])
    else:
        conteggi_ora = [_in_cache(nome, finestra) for nome, (_c, _l, finestra) in zip(nomi, conteggi, strict=True)]
    return [max(1, int(finestra - adesso % finestra) + 1) if conteggio > limite else None
            for conteggio, (_c, limite, finestra) in zip(conteggi_ora, conteggi, strict=True)]


def _in_cache(nome: str, finestra_s: int) -> int:
    cache.add(nome, 0, timeout=finestra_s + 1)
    try:
        return cache.incr(nome)
    except ValueError:  # expired between add and incr
        cache.set(nome, 1, timeout=finestra_s + 1)
        return 1


def _client_redis() -> Any | None:
    """The redis-py client over the pool of Django's Redis cache (production's shared cache), else
    None. Through Django's cache each counter cost two round trips (add, incr), each building a new
    client object: ~6 per report received through the API, a fifth of its app CPU. One client per
    pool is kept (redis-py clients are thread-safe: each command takes a connection from the pool):
    building one per request was still 3 % of a worker's time."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    cache_client = backend._cache  # noqa: SLF001 — Django's own client: its pool and options
    pool = cache_client._get_connection_pool(True)  # noqa: SLF001
    client = _clienti.get(id(pool))
    if client is None or client.connection_pool is not pool:
        client = _clienti[id(pool)] = cache_client._client(connection_pool=pool)  # noqa: SLF001
    return client


_clienti: dict[int, Any] = {}  # id of a connection pool → the client over it


# Every counter of one check, atomically, in one command: created at 0 with its expiry if absent,
# then incremented (what `_in_cache` does through Django's cache, on the same keys and values).
_LUA_CONTA = """
local conteggi = {}
for i, chiave in ipairs(KEYS) do
  redis.call('SET', chiave, 0, 'EX', ARGV[i], 'NX')
  conteggi[i] = redis.call('INCR', chiave)
end
return conteggi
"""
_script: list[Any] = []  # the registered script, called with each request's client


def _in_redis(client: Any, nomi: list[str], finestre: list[int]) -> list[int]:
    """Every counter in one round trip and one command (EVALSHA; redis-py loads the script again
    if the server has forgotten it): a MULTI/EXEC pipeline of SET NX + INCR per counter cost
    ~8 % of a worker's time in `make bench`, most of it building and parsing its commands."""
    backend = caches["default"]
    if not _script:
        _script.append(client.register_script(_LUA_CONTA))
    chiavi = [backend.make_and_validate_key(nome) for nome in nomi]
    return [int(n) for n in _script[0](keys=chiavi, args=[finestra + 1 for finestra in finestre], client=client)]


def limiti_di(azione: str) -> dict[str, tuple[int, int]]:
    """The limits of an action: the defaults with the settings' overrides."""
    propri = (getattr(settings, "CIVICO", {}).get("LIMITI") or {}).get(azione, {})
    return {**PREDEFINITI.get(azione, {}), **propri}


def _impronta(valore: str) -> str:
    """Cache keys never hold an e-mail, a phone number or an API key in clear."""
    return hashlib.sha256(valore.encode("utf-8", "replace")).hexdigest()[:24]


def verifica(azione: str, **chi: Any) -> int | None:
    """Count one write of `azione` for each identity given (ip=, utente=, chiave=, email=,
    telefono=); None if every limit allows it, else the seconds to wait. Empty identities are
    skipped. Every counter is spent, so a client switching identities still pays for each."""
    conteggi = []
    for dimensione, (limite, finestra) in limiti_di(azione).items():
        valore = chi.get(dimensione)
        if valore in (None, ""):
            continue
        testo = str(valore).strip().lower()
        if dimensione == "telefono":  # "+39 333 111 2222" and "+393331112222" are one sender
            testo = "".join(c for c in testo if c.isdigit())[-10:]
        conteggi.append((f"{azione}:{dimensione}:{_impronta(testo)}", limite, finestra))
    attese = [a for a in consuma_tutti(conteggi) if a is not None] if conteggi else []
    return max(attese) if attese else None


def ip_di(request: HttpRequest) -> str:
    """The client's address. Behind a reverse proxy the server must set REMOTE_ADDR from the
    proxy's header (gunicorn/uvicorn --forwarded-allow-ips): a client-sent header is never trusted."""
    return request.META.get("REMOTE_ADDR", "")


def identita(request: HttpRequest) -> dict[str, Any]:
    """Who is writing: address, signed-in account (session or API token), API key."""
    chi: dict[str, Any] = {"ip": ip_di(request)}
    utente = getattr(request, "user", None)
    if utente is not None and utente.is_authenticated:
        chi["utente"] = utente.pk
    auth = getattr(request, "auth", None)  # django-ninja's authenticated principal
    if auth is not None and getattr(auth, "_meta", None) is not None and auth._meta.model_name == "utente":
        chi["utente"] = auth.pk
    # Staff API tokens and reporters' private tokens: one "account" each, never stored in clear.
    autorizzazione = request.headers.get("Authorization", "")
    if "utente" not in chi and autorizzazione.lower().startswith("bearer "):
        chi["utente"] = "token:" + autorizzazione[7:].strip()
    if "utente" not in chi and request.headers.get("X-Civico-Token"):
        chi["utente"] = "segnalante:" + request.headers["X-Civico-Token"]
    chiave = request.headers.get("X-Api-Key") or request.GET.get("api_key") or ""
    if not chiave and request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded", "multipart/form-data"
    ):
        chiave = _dal_modulo(request, "api_key")
    if chiave:
        chi["chiave"] = chiave
    return chi


def vuole_json(request: HttpRequest) -> bool:
    if request.path.startswith(("/api/", "/open311/", "/comunicazioni/sms/", "/comunicazioni/push/")):
        return True
    accetta = request.headers.get("Accept", "")
    return "application/json" in accetta and "text/html" not in accetta


def troppe_richieste(request: HttpRequest, attesa: int) -> HttpResponse:
    """429 with Retry-After: JSON in the API's error shape for programs, a page for people."""
    messaggio = _("Troppe richieste: riprova tra %(s)d secondi.") % {"s": attesa}
    if vuole_json(request):
        risposta: HttpResponse = JsonResponse(
            {"errore": {"codice": "rate_limited", "messaggio": messaggio, "campi": {}}}, status=429
        )
    else:
        html = render_to_string("core/429.html", {"attesa": attesa, "messaggio": messaggio}, request=request)
        risposta = HttpResponse(html, status=429)
    risposta["Retry-After"] = str(attesa)
    return risposta


def azione_di(nome_vista: str | None) -> str | None:
    """The action a write to this URL name counts against (None: the view limits itself)."""
    mappa = {**AZIONI_PER_VISTA, **(getattr(settings, "CIVICO", {}).get("LIMITI_VISTE") or {})}
    nome_vista = nome_vista or ""
    if nome_vista in mappa:
        return mappa[nome_vista]
    spazio = nome_vista.split(":", 1)[0] + ":*" if ":" in nome_vista else ""
    if spazio in mappa:
        return mappa[spazio]
    return "scrittura"


def campo(request: HttpRequest, nome: str) -> str:
    """A field of a form or JSON body (for the per-e-mail and per-phone limits)."""
    if request.content_type == "application/json":
        try:
            dati = json.loads(request.body or b"{}")
        except ValueError:
            return ""
        return str(dati.get(nome, ""))[:254] if isinstance(dati, dict) else ""
    return _dal_modulo(request, nome)[:254]


def _dal_modulo(request: HttpRequest, nome: str) -> str:
    """A form field, or "" when the body cannot be parsed: the view answers that with its own 400."""
    try:
        return str(request.POST.get(nome, ""))
    except (MultiPartParserError, UnreadablePostError, RequestDataTooBig, TooManyFieldsSent):
        return ""


class LimitiMiddleware:
    """Every write that reaches a view counts against its action's limits (see module doc).
    After the authentication middleware (it counts per account) and the CSRF check."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.method not in METODI_DI_SCRITTURA:
            return None
        match = getattr(request, "resolver_match", None)
        azione = azione_di(match.view_name if match else None)
        if azione is None:
            return None
        chi = identita(request)
        for identita_extra, nome_campo in CAMPI_PER_AZIONE.get(azione, {}).items():
            chi[identita_extra] = campo(request, nome_campo)
        attesa = verifica(azione, **chi)
        return troppe_richieste(request, attesa) if attesa is not None else None
