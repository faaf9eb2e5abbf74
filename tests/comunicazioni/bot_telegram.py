"""A local fake of the Telegram Bot API over real HTTP: sendMessage, getFile and file downloads,
for one bot token. What the bot sent is in `inviati`; `fallisci` makes sendMessage answer an error."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class BotTelegramFinto:
    def __init__(self, token: str) -> None:
        self.token = token
        self.inviati: list[dict] = []
        self.file: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, contents)
        self.fallisci: tuple[int, dict] | None = None
        self.richieste: list[str] = []
        finto = self

        class Gestore(BaseHTTPRequestHandler):
            def _json(self, stato: int, dati: dict) -> None:
                corpo = json.dumps(dati).encode()
                self.send_response(stato)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(corpo)))
                self.end_headers()
                self.wfile.write(corpo)

            def do_POST(self) -> None:
                finto.richieste.append(self.path)
                lunghezza = int(self.headers.get("Content-Length") or 0)
                dati = json.loads(self.rfile.read(lunghezza) or b"{}")
                if self.path == f"/bot{finto.token}/sendMessage":
                    if finto.fallisci:
                        return self._json(*finto.fallisci)
                    finto.inviati.append(dati)
                    chat = {"id": int(dati["chat_id"]), "type": "private"}
                    return self._json(200, {"ok": True, "result": {
                        "message_id": 1000 + len(finto.inviati), "chat": chat, "date": 0, "text": dati["text"]}})
                if self.path == f"/bot{finto.token}/getFile" and dati.get("file_id") in finto.file:
                    percorso = finto.file[dati["file_id"]][0]
                    return self._json(200, {"ok": True, "result": {"file_id": dati["file_id"], "file_path": percorso}})
                return self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})

            def do_GET(self) -> None:
                finto.richieste.append(self.path)
                for percorso, contenuto in finto.file.values():
                    if self.path == f"/file/bot{finto.token}/{percorso}":
                        self.send_response(200)
                        self.send_header("Content-Type", "application/octet-stream")
                        self.send_header("Content-Length", str(len(contenuto)))
                        self.end_headers()
                        self.wfile.write(contenuto)
                        return
                self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Gestore)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> BotTelegramFinto:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
