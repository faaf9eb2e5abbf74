"""The server never calls inside its own network: every URL it is given goes through civico.core.rete.

Addresses are checked after resolution (so numeric spellings and names that answer 127.0.0.1 are
caught) and again at connect time, on the address actually connected to (DNS rebinding)."""

from __future__ import annotations

import ipaddress
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civico.core import rete

PRIVATE_V4 = ["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16",
              "100.64.0.0/10", "0.0.0.0/8", "224.0.0.0/4", "240.0.0.0/4", "192.0.0.0/24", "198.18.0.0/15"]
PRIVATE_V6 = ["::1/128", "fc00::/7", "fe80::/10", "ff00::/8", "::/128"]


def _in(rete_: str) -> st.SearchStrategy[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    n = ipaddress.ip_network(rete_)
    return st.integers(0, n.num_addresses - 1).map(lambda i: n[i])


def _scritture(ip: ipaddress.IPv4Address) -> list[str]:
    """The spellings of one IPv4 address a resolver accepts (inet_aton and IPv6 forms)."""
    n = int(ip)
    a, b, c, d = ip.packed
    return [str(ip), str(n), hex(n), "0" + oct(n)[2:], f"{a}.{(b << 16) | (c << 8) | d}",
            f"0x{a:x}.0x{b:x}.0x{c:x}.0x{d:x}", f"[::ffff:{ip}]", f"[::ffff:{a * 256 + b:x}:{c * 256 + d:x}]"]


def rifiutato(url: str, **kwargs) -> str:
    with pytest.raises(rete.UrlNonPermesso) as e:
        rete.verifica_url(url, **kwargs)
    return str(e.value.messaggio)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ip=st.sampled_from(PRIVATE_V4).flatmap(_in), scelta=st.integers(0, 7), locale=st.booleans())
def test_every_spelling_of_an_internal_ipv4_address_is_refused(ip, scelta, locale):
    if locale and ip.is_loopback:
        return  # the test switch allows loopback, by design
    scritta = _scritture(ip)[scelta]
    rifiutato(f"https://{scritta}/wpush/abc", locale=locale)


@settings(max_examples=80, deadline=None)
@given(ip=st.sampled_from(PRIVATE_V6).flatmap(_in))
def test_internal_ipv6_addresses_are_refused(ip):
    rifiutato(f"https://[{ip}]:8443/x")


@pytest.mark.parametrize("url", [
    "https://localhost/x", "https://LOCALHOST./x", "https://127.1/x", "https://[::1]/x",
    "https://[::ffff:127.0.0.1]/x", "https://0.0.0.0/x", "https://0/x", "http://2130706433/",
    "https://0x7f.1/", "https://017700000001/", "https://169.254.169.254/latest/meta-data/",
    "https://[fd00:ec2::254]/", "https://[64:ff9b::a9fe:a9fe]/", "https://[2002:7f00:1::]/",
    "https://fcm.googleapis.com@127.0.0.1/fcm/send/x", "https://user:pw@fcm.googleapis.com/x",
    "https://127.0.0.1#@fcm.googleapis.com/", "ftp://fcm.googleapis.com/x", "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_INFO", "//127.0.0.1/x", "https:///x", "https://[::1/x",
])
def test_loopback_metadata_and_tricks_are_refused(url):
    assert rifiutato(url)


def test_plain_http_and_loopback_only_with_the_local_switch(settings):
    assert "https" in rifiutato("http://127.0.0.1:9/x")
    settings.CIVICO = {**settings.CIVICO, "RETE_LOCALE": True}
    assert rete.verifica_url("http://127.0.0.1:9/x") == "http://127.0.0.1:9/x"
    assert rete.verifica_url("https://[::1]:9/x")
    # Private and metadata addresses stay refused even then.
    for url in ("http://10.0.0.1/", "http://169.254.169.254/", "http://0.0.0.0:9/", "http://192.168.1.1/"):
        assert "rete interna" in rifiutato(url)


def test_messages_are_in_italian_and_english():
    assert rifiutato("https://10.1.2.3/x") == "L'indirizzo 10.1.2.3 porta a una rete interna e non è permesso."
    with translation.override("en"):
        assert rifiutato("https://10.1.2.3/x") == (
            "The address 10.1.2.3 leads into an internal network and is not allowed.")
        assert rifiutato("http://example.org/") == "An https address is needed."
        assert rifiutato("https://a:b@example.org/") == "The address cannot contain a user name or password."


def test_a_name_is_judged_by_what_it_resolves_to(dns):
    dns["servizio.example.org"] = ["93.184.216.34"]
    dns["interno.example.org"] = ["10.20.30.40"]
    dns["metadati.example.org"] = ["169.254.169.254"]
    dns["v6.example.org"] = ["fd12::1"]
    assert rete.verifica_url("https://servizio.example.org/x")
    for nome in ("interno", "metadati", "v6"):
        assert "rete interna" in rifiutato(f"https://{nome}.example.org/x")
    assert "non si trova" in rifiutato("https://nessuno.invalid/x")


def test_a_host_list_admits_only_its_services(dns):
    elenco = ["fcm.googleapis.com", "*.push.apple.com"]
    dns["fcm.googleapis.com"] = ["142.250.180.10"]
    dns["web.push.apple.com"] = ["17.188.1.1"]
    dns["push.apple.com.evil.example"] = ["93.184.216.34"]
    dns["evilpush.apple.com"] = ["93.184.216.34"]
    assert rete.verifica_url("https://fcm.googleapis.com/fcm/send/abc", host_permessi=elenco)
    assert rete.verifica_url("https://web.push.apple.com/QABC", host_permessi=elenco)
    for url in ("https://push.apple.com.evil.example/x", "https://evilpush.apple.com/x"):
        assert "non è tra quelli permessi" in rifiutato(url, host_permessi=elenco)


class _Ascoltatore:
    """A TCP port on loopback that counts the connections it receives and answers HTTP."""

    def __init__(self, stato: int = 200, location: str | None = None):
        self.connessioni = 0
        proprio = self

        class Gestore(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                self.send_response(stato)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def setup(self):
                proprio.connessioni += 1
                super().setup()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Gestore)
        self.porta = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def chiudi(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_a_name_that_turns_to_loopback_after_the_check_gets_no_connection(dns):
    ascoltatore = _Ascoltatore()
    try:
        # First answer public (the save-time check), then loopback (DNS rebinding at send time).
        dns["rebind.example.org"] = ["93.184.216.34", "127.0.0.1"]
        url = f"https://rebind.example.org:{ascoltatore.porta}/x"
        assert rete.verifica_url(url)
        with pytest.raises(requests.ConnectionError) as e:
            rete.richiesta("GET", url, timeout=5)
        assert "rete interna" in str(e.value)
        assert ascoltatore.connessioni == 0
    finally:
        ascoltatore.chiudi()


def test_send_time_refuses_internal_addresses_without_connecting(settings):
    ascoltatore = _Ascoltatore()
    try:
        with pytest.raises(requests.RequestException):
            rete.richiesta("GET", f"https://127.0.0.1:{ascoltatore.porta}/", timeout=5)
        with pytest.raises(requests.RequestException):
            rete.richiesta("GET", f"http://127.0.0.1:{ascoltatore.porta}/", timeout=5)
        assert ascoltatore.connessioni == 0
        settings.CIVICO = {**settings.CIVICO, "RETE_LOCALE": True}
        r = rete.richiesta("GET", f"http://127.0.0.1:{ascoltatore.porta}/", timeout=5)
        assert r.status_code == 200 and ascoltatore.connessioni == 1
    finally:
        ascoltatore.chiudi()


def test_redirects_are_not_followed(settings):
    settings.CIVICO = {**settings.CIVICO, "RETE_LOCALE": True}
    destinazione = _Ascoltatore()
    ascoltatore = _Ascoltatore(302, f"http://127.0.0.1:{destinazione.porta}/latest/meta-data/")
    try:
        r = rete.richiesta("GET", f"http://127.0.0.1:{ascoltatore.porta}/", timeout=5)
        assert r.status_code == 302 and destinazione.connessioni == 0
        # Even a Session asked to follow them does not.
        r = rete.sessione().get(f"http://127.0.0.1:{ascoltatore.porta}/", timeout=5, allow_redirects=True)
        assert r.status_code == 302 and destinazione.connessioni == 0
    finally:
        ascoltatore.chiudi()
        destinazione.chiudi()


def test_no_proxy_from_the_environment_carries_the_request(monkeypatch, settings):
    settings.CIVICO = {**settings.CIVICO, "RETE_LOCALE": True}
    proxy = _Ascoltatore()
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.porta}")
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.porta}")
    try:
        with pytest.raises(requests.RequestException):
            rete.richiesta("GET", "https://10.0.0.1/", timeout=2)
        assert proxy.connessioni == 0
    finally:
        proxy.chiudi()


def test_production_never_allows_loopback_whatever_the_switches_say(settings):
    settings.PRODUCTION = True
    settings.CIVICO = {**settings.CIVICO, "RETE_LOCALE": True}
    for url in ("http://127.0.0.1:9/x", "https://127.0.0.1/x", "https://localhost/x"):
        assert rifiutato(url)
        assert rifiutato(url, locale=True)


def test_no_module_but_rete_opens_outbound_connections():
    """One door: any other module calling out directly would skip the address checks."""
    from pathlib import Path

    import civico

    vietati = re.compile(
        r"urlopen\(|requests\.(get|post|put|patch|delete|head|request|Session)\(|import httpx|http\.client"
        r"|urllib3\.PoolManager|socket\.create_connection|(?<!proteggi\()OAuth2Session\("
    )
    radice = Path(civico.__file__).parent
    trovati = [
        f"{percorso.relative_to(radice)}:{n}: {riga.strip()}"
        for percorso in radice.rglob("*.py") if percorso.name != "rete.py" and "migrations" not in percorso.parts
        for n, riga in enumerate(percorso.read_text(encoding="utf-8").splitlines(), start=1)
        if vietati.search(riga) and not riga.lstrip().startswith("#")
    ]
    assert trovati == []
