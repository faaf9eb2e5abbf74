"""Real local servers for the tests: an SMTP server (aiosmtpd) that keeps what it receives, and
small HTTP servers for the SMS provider, App IO and push services."""

from __future__ import annotations

import json
import logging
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command


def porta_libera() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Raccoglitore:
    def __init__(self) -> None:
        self.messaggi: list[EmailMessage] = []
        self.buste: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messaggi.append(message_from_bytes(envelope.original_content, policy=policy.default))
            self.buste.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


class ServerSmtp:
    """A real SMTP server on a loopback port; `ferma()` and `avvia()` simulate an outage."""

    def __init__(self, porta: int | None = None) -> None:
        self.porta = porta or porta_libera()
        self.raccoglitore = _Raccoglitore()
        self.controller: Controller | None = None

    @property
    def messaggi(self) -> list[EmailMessage]:
        return self.raccoglitore.messaggi

    def avvia(self) -> ServerSmtp:
        self.controller = Controller(self.raccoglitore, hostname="127.0.0.1", port=self.porta)
        self.controller.start()
        return self

    def ferma(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


class ServerHttp:
    """A JSON HTTP server; `risposte` maps (method, path) to (status, body), default 200 {}."""

    def __init__(self) -> None:
        self.richieste: list[dict] = []
        self.risposte: dict[tuple[str, str], tuple[int, dict]] = {}
        server = self

        class Gestore(BaseHTTPRequestHandler):
            def _rispondi(self) -> None:
                lunghezza = int(self.headers.get("Content-Length") or 0)
                corpo = self.rfile.read(lunghezza) if lunghezza else b""
                server.richieste.append({
                    "metodo": self.command, "percorso": self.path, "intestazioni": dict(self.headers),
                    "json": json.loads(corpo) if corpo else None,
                })
                stato, risposta = server.risposte.get((self.command, self.path), (200, {}))
                dati = json.dumps(risposta).encode()
                self.send_response(stato)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(dati)))
                self.end_headers()
                self.wfile.write(dati)

            do_GET = do_POST = _rispondi

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Gestore)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ServerHttp:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
