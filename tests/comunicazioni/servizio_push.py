"""A real Web Push service on loopback, as browsers' push services behave (RFC 8030/8291/8292).

It checks the VAPID `Authorization: vapid t=<JWT>,k=<key>` header (ES256 signature verified with
the application's public key, audience = this origin, expiry within 24 h, a subject), decrypts the
aes128gcm body with the subscription's private key and auth secret, keeps what it decrypted, and
answers 201 or, for an endpoint marked expired, 410."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64(dati: bytes) -> str:
    return base64.urlsafe_b64encode(dati).rstrip(b"=").decode()


def deb64(testo: str) -> bytes:
    return base64.urlsafe_b64decode(testo + "=" * (-len(testo) % 4))


@dataclass
class Browser:
    """What a browser keeps for one subscription: its key pair and auth secret."""

    endpoint: str
    privata: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def to_json(self) -> dict:
        pubblica = self.privata.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"endpoint": self.endpoint, "keys": {"p256dh": b64(pubblica), "auth": b64(self.auth)}}


class ServizioPush:
    def __init__(self, chiave_pubblica_vapid: str) -> None:
        self.chiave_vapid = chiave_pubblica_vapid
        self.browser: dict[str, Browser] = {}
        self.scaduti: set[str] = set()
        self.ricevuti: list[dict] = []  # decrypted messages
        self.rifiutati: list[str] = []  # why a request was refused
        server = self

        class Gestore(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                corpo = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                stato, errore = server._ricevi(self.path, {k.lower(): v for k, v in self.headers.items()}, corpo)
                if errore:
                    server.rifiutati.append(errore)
                self.send_response(stato)
                self.send_header("Content-Length", "0")
                if stato == 201:
                    self.send_header("Location", f"{server.url}/messaggi/{len(server.ricevuti)}")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Gestore)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def nuovo_browser(self, nome: str) -> Browser:
        b = Browser(f"{self.url}/push/{nome}")
        self.browser[f"/push/{nome}"] = b
        return b

    def _ricevi(self, percorso: str, intestazioni: dict, corpo: bytes) -> tuple[int, str]:
        b = self.browser.get(percorso)
        if b is None or percorso in self.scaduti:
            return 410, ""
        errore = self._verifica_vapid(intestazioni.get("authorization", ""))
        if errore:
            return 401, errore
        if intestazioni.get("content-encoding") != "aes128gcm" or not intestazioni.get("ttl"):
            return 400, "Content-Encoding o TTL mancanti"
        try:
            chiaro = http_ece.decrypt(corpo, private_key=b.privata, auth_secret=b.auth, version="aes128gcm")
        except Exception as exc:  # noqa: BLE001 - a test server reports what was wrong
            return 400, f"decifratura: {exc}"
        self.ricevuti.append({"percorso": percorso, "ttl": int(intestazioni["ttl"]), **json.loads(chiaro)})
        return 201, ""

    def _verifica_vapid(self, valore: str) -> str:
        if not valore.startswith("vapid "):
            return "Authorization senza schema vapid"
        parti = dict(p.strip().split("=", 1) for p in valore[6:].split(","))
        if parti.get("k") != self.chiave_vapid:
            return "chiave VAPID diversa da quella pubblica dell'applicazione"
        try:
            testa, dati, firma = parti["t"].split(".")
            firma_grezza = deb64(firma)
            der = encode_dss_signature(int.from_bytes(firma_grezza[:32], "big"),
                                       int.from_bytes(firma_grezza[32:], "big"))
            pubblica = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), deb64(self.chiave_vapid))
            pubblica.verify(der, f"{testa}.{dati}".encode(), ec.ECDSA(hashes.SHA256()))
            intestazione, richiesta = json.loads(deb64(testa)), json.loads(deb64(dati))
        except (KeyError, ValueError, InvalidSignature) as exc:
            return f"JWT non valido: {type(exc).__name__}"
        if intestazione.get("alg") != "ES256":
            return "JWT non ES256"
        if richiesta.get("aud") != self.url:
            return f"aud {richiesta.get('aud')} diverso da {self.url}"
        if not time.time() < int(richiesta.get("exp", 0)) <= time.time() + 86400:
            return "exp fuori dalle 24 ore"
        if not str(richiesta.get("sub", "")).startswith(("mailto:", "https:")):
            return "sub mancante"
        return ""

    def __enter__(self) -> ServizioPush:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
