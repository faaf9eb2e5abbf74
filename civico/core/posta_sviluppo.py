"""Development mail: an SMTP catcher on loopback that `civico run` starts outside production,
keeping every message as a .eml file under VAR_DIR/posta, and the list `/dev/posta/` reads.

Nothing leaves the machine: in development EMAIL_PORT defaults to this catcher's port (1025),
so the demo's mail and every sign-in link can be read in the browser.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)
MASSIMO_ELENCO = 200


def cartella() -> Path:
    return Path(settings.VAR_DIR) / "posta"


def attiva() -> bool:
    """Outside production, when mail goes over SMTP to a loopback host: the catcher is that host."""
    return (not settings.PRODUCTION and settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
            and settings.EMAIL_HOST in ("127.0.0.1", "localhost", "::1"))


class _Archivio:
    def __init__(self, dove: Path) -> None:
        self.dove = dove

    async def handle_DATA(self, server, session, envelope) -> str:
        self.dove.mkdir(parents=True, exist_ok=True)
        nome = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        temporaneo = self.dove / f".{nome}"
        temporaneo.write_bytes(envelope.original_content or envelope.content)
        temporaneo.rename(self.dove / nome)  # the page never reads half a message
        return "250 OK: conservato in var/posta"


def avvia(porta: int | None = None):
    """Start the catcher (an aiosmtpd thread); None if the port is taken (another `civico run`)."""
    from aiosmtpd.controller import Controller

    controller = Controller(_Archivio(cartella()), hostname="127.0.0.1", port=porta or settings.EMAIL_PORT)
    try:
        controller.start()
    except Exception as exc:  # noqa: BLE001 - the port is busy: say so and run without it
        logger.warning("Posta di sviluppo: porta %s non disponibile (%s)", controller.port, exc)
        return None
    return controller


@dataclass(frozen=True)
class Messaggio:
    nome: str
    oggetto: str
    a: str
    da: str
    data: datetime | None
    testo: str


def messaggi() -> list[Messaggio]:
    """The captured messages, newest first."""
    if not cartella().is_dir():
        return []
    files = sorted(cartella().glob("[0-9]*.eml"), reverse=True)[:MASSIMO_ELENCO]
    return [_leggi(f) for f in files]


def _leggi(file: Path) -> Messaggio:
    m = message_from_bytes(file.read_bytes(), policy=policy.default)
    corpo = m.get_body(("plain", "html"))
    try:
        data = parsedate_to_datetime(m["Date"]) if m["Date"] else None
    except (TypeError, ValueError):
        data = None
    return Messaggio(nome=file.stem, oggetto=str(m["Subject"] or ""), a=str(m["To"] or ""), da=str(m["From"] or ""),
                     data=data, testo=corpo.get_content() if corpo is not None else "")
