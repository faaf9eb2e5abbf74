"""Every request the server makes to a URL it was given: one door against SSRF.

Push endpoints come from browsers, the protocol webhook from a comune's staff, the SPID/CIE
discovery document names further URLs: none of them may make the server call inside its own
network (loopback, private ranges, link-local with the cloud metadata service, CGNAT…).

Two checks, one rule (`indirizzo_permesso`):
- `verifica_url` at save time: https only, no user:password@, the host (optionally) among
  known services, and EVERY address the name resolves to public. Numeric spellings
  (`2130706433`, `0x7f.1`, `017700000001`) are caught because the resolved address is checked.
- `sessione()` at send time: a requests Session whose connections resolve the host
  themselves, check every address again and connect to the address just checked (a name that
  changed its answer since the save — DNS rebinding — is refused); TLS still verifies the
  certificate for the host name. Redirects are not followed; no proxy from the environment.

Loopback (and plain http) is allowed only when the caller passes `locale=True`, which
`locale_permessa()` reads from CIVICO["RETE_LOCALE"] (tests and development servers on
127.0.0.1; never set in production). Private and metadata addresses are never allowed.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError
from urllib3.poolmanager import PoolManager
from urllib3.util.timeout import _DEFAULT_TIMEOUT

Indirizzo = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# Never global, whatever the registry's special cases say (CGNAT; 192.0.0.9/.10 are "global" in Python).
_INTERNE_V4 = (ipaddress.IPv4Network("100.64.0.0/10"), ipaddress.IPv4Network("192.0.0.0/24"))


class UrlNonPermesso(ValueError):
    """The server will not call this URL; `messaggio` says why, in the reader's language when shown."""

    def __init__(self, testo: Promise, **valori: Any):
        self.messaggio = lazy(lambda: str(testo) % valori, str)() if valori else testo
        super().__init__(str(self.messaggio))


class NomeNonRisolto(UrlNonPermesso):
    """The host did not resolve: refused at save time, worth another try at send time."""


def locale_permessa(richiesta: object = None) -> bool:
    """Loopback (and plain http) allowed: only when asked — CIVICO["RETE_LOCALE"] by default, or
    the caller's own switch given as `richiesta` — and never in production."""
    if getattr(settings, "PRODUCTION", False):
        return False
    if richiesta is None:
        richiesta = getattr(settings, "CIVICO", {}).get("RETE_LOCALE", False)
    return bool(richiesta)


# --- The rule on addresses.

def _incorporato(ip: Indirizzo) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64), if any."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _loopback(ip: Indirizzo) -> bool:
    interno = _incorporato(ip)
    return ip.is_loopback or (interno is not None and interno.is_loopback)


def indirizzo_permesso(ip: Indirizzo, *, locale: bool = False) -> bool:
    """A public unicast address (or loopback when `locale`); everything else is inside a network."""
    if locale and _loopback(ip):
        return True
    interno = _incorporato(ip)
    if interno is not None and not indirizzo_permesso(interno):
        return False
    if isinstance(ip, ipaddress.IPv4Address) and any(ip in rete_ for rete_ in _INTERNE_V4):
        return False
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
        or ip.is_unspecified or getattr(ip, "is_site_local", False)
    )


def indirizzi_verificati(host: str, porta: int, *, locale: bool = False) -> list[tuple[Any, ...]]:
    """getaddrinfo's answers for host:port, refused unless EVERY address is permitted (a name
    answering one public and one private address would let a retry land inside)."""
    try:
        risposte = socket.getaddrinfo(host, porta, 0, socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise NomeNonRisolto(_("L'indirizzo %(host)s non si trova."), host=host[:100]) from exc
    if not risposte:
        raise NomeNonRisolto(_("L'indirizzo %(host)s non si trova."), host=host[:100])
    for risposta in risposte:
        ip = ipaddress.ip_address(risposta[4][0].split("%", 1)[0])
        if not indirizzo_permesso(ip, locale=locale):
            raise UrlNonPermesso(_("L'indirizzo %(host)s porta a una rete interna e non è permesso."),
                                 host=host[:100])
    return risposte


def _nel_elenco(host: str, elenco: Iterable[str]) -> bool:
    for voce in elenco:
        voce = voce.strip().lower().rstrip(".")
        if voce == "*" or host == voce or (voce.startswith("*.") and host.endswith(voce[1:])):
            return True
    return False


def _host_locale(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return _loopback(ipaddress.ip_address(host))
    except ValueError:
        return False


def controlla_forma(url: str, *, locale: bool = False, host_permessi: Iterable[str] | None = None) -> tuple[str, int]:
    """Scheme, credentials, host list: everything but the addresses. Returns (host, port)."""
    try:
        parti = urlsplit(str(url).strip())
        host = (parti.hostname or "").lower().rstrip(".")
        porta = parti.port or (443 if parti.scheme == "https" else 80)
    except ValueError as exc:
        raise UrlNonPermesso(_("L'indirizzo non è valido.")) from exc
    if parti.scheme not in ("https", "http") or not host or len(str(url)) > 2000:
        raise UrlNonPermesso(_("Serve un indirizzo https."))
    if parti.scheme == "http" and not locale:
        raise UrlNonPermesso(_("Serve un indirizzo https."))
    if parti.username is not None or parti.password is not None or "@" in parti.netloc:
        raise UrlNonPermesso(_("L'indirizzo non può contenere nome utente o password."))
    if host_permessi is not None and not _nel_elenco(host, host_permessi) and not (locale and _host_locale(host)):
        raise UrlNonPermesso(_("Il servizio %(host)s non è tra quelli permessi."), host=host[:100])
    return host, porta


def verifica_url(url: str, *, locale: bool | None = None, host_permessi: Iterable[str] | None = None) -> str:
    """Save time: the URL's form and every address its host resolves to. Returns it stripped."""
    locale = locale_permessa(locale)
    host, porta = controlla_forma(url, locale=locale, host_permessi=host_permessi)
    indirizzi_verificati(host, porta, locale=locale)
    return str(url).strip()


# --- Send time: connections that check the address they connect to.

class _Verificata:
    """Resolve, check every address, connect to one of those very addresses."""

    def __init__(self, *args: Any, rete_locale: bool = False, **kwargs: Any):
        self._rete_locale = rete_locale
        super().__init__(*args, **kwargs)

    def _new_conn(self):  # urllib3's hook for opening the socket
        try:
            indirizzi = indirizzi_verificati(self._dns_host, self.port, locale=self._rete_locale)
        except UrlNonPermesso as exc:
            raise NewConnectionError(self, str(exc)) from exc
        ultimo: OSError | None = None
        for famiglia, tipo, proto, _nome, sockaddr in indirizzi:
            sock = socket.socket(famiglia, tipo, proto)
            try:
                for opzione in self.socket_options or ():
                    sock.setsockopt(*opzione)
                if self.timeout is not None and self.timeout is not _DEFAULT_TIMEOUT:
                    sock.settimeout(self.timeout)
                sock.connect(sockaddr)
                return sock
            except OSError as exc:
                sock.close()
                ultimo = exc
        raise NewConnectionError(self, f"Failed to establish a new connection: {ultimo}")


class _ConnessioneHttp(_Verificata, HTTPConnection):
    pass


class _ConnessioneHttps(_Verificata, HTTPSConnection):
    pass


class _PoolHttp(HTTPConnectionPool):
    ConnectionCls = _ConnessioneHttp


class _PoolHttps(HTTPSConnectionPool):
    ConnectionCls = _ConnessioneHttps


class _PoolManagerVerificato(PoolManager):
    def __init__(self, *args: Any, rete_locale: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._rete_locale = rete_locale
        self.pool_classes_by_scheme = {"http": _PoolHttp, "https": _PoolHttps}

    def _new_pool(self, scheme, host, port, request_context=None):
        pool = super()._new_pool(scheme, host, port, request_context)
        pool.conn_kw = {**pool.conn_kw, "rete_locale": self._rete_locale}
        return pool


class AdattatoreVerificato(HTTPAdapter):
    """Every request's URL checked for form (and host list), every connection for its address."""

    def __init__(self, *, locale: bool, host_permessi: Iterable[str] | None = None, **kwargs: Any):
        self._locale = locale
        self._host_permessi = tuple(host_permessi) if host_permessi is not None else None
        super().__init__(**kwargs)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        self.poolmanager = _PoolManagerVerificato(
            num_pools=connections, maxsize=maxsize, block=block, rete_locale=self._locale, **pool_kwargs
        )

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        raise requests.exceptions.InvalidURL("Nessun proxy per le richieste verificate.")

    def send(self, request, **kwargs):
        try:
            controlla_forma(request.url, locale=self._locale, host_permessi=self._host_permessi)
        except UrlNonPermesso as exc:
            raise requests.exceptions.InvalidURL(str(exc), request=request) from exc
        return super().send(request, **kwargs)


class _SessioneSenzaRedirect(requests.Session):
    def get_redirect_target(self, resp):  # a 3xx is answered as it is: nobody checked where it points
        return None


def proteggi(sessione: requests.Session, *, locale: bool | None = None,
             host_permessi: Iterable[str] | None = None) -> requests.Session:
    """Mount the checked adapter on an existing Session (e.g. Authlib's OAuth2Session)."""
    locale = locale_permessa(locale)
    adattatore = AdattatoreVerificato(locale=locale, host_permessi=host_permessi)
    sessione.trust_env = False  # no proxy from the environment: it would connect for us, unchecked
    sessione.proxies = {}
    sessione.max_redirects = 0
    sessione.mount("https://", adattatore)
    sessione.mount("http://", adattatore)
    return sessione


def sessione(*, locale: bool | None = None, host_permessi: Iterable[str] | None = None) -> requests.Session:
    return proteggi(_SessioneSenzaRedirect(), locale=locale, host_permessi=host_permessi)


def richiesta(metodo: str, url: str, *, locale: bool | None = None, host_permessi: Iterable[str] | None = None,
              **kwargs: Any) -> requests.Response:
    """One checked request (no redirects followed). Raises requests.RequestException on any
    failure, a refused URL included (as InvalidURL)."""
    kwargs.setdefault("allow_redirects", False)
    with sessione(locale=locale, host_permessi=host_permessi) as s:
        return s.request(metodo, url, **kwargs)
