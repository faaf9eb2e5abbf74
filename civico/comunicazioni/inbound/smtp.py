"""The SMTP listener (aiosmtpd) in front of `inbound.email.ricevi`.

Unknown recipients are refused at RCPT time (no report, no backscatter); messages over the size
limit are refused by aiosmtpd itself (552); an unexpected error answers 451 so the sending
server tries again later instead of losing the message."""

from __future__ import annotations

import asyncio
import logging

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import close_old_connections, connection

from civico.comunicazioni.impostazioni import impostazione
from civico.comunicazioni.inbound import email

logger = logging.getLogger(__name__)


def _con_il_database(funzione, *args, **kwargs):
    """Run ORM work in a worker thread, with a fresh connection closed afterwards."""
    close_old_connections()
    try:
        return funzione(*args, **kwargs)
    finally:
        connection.close()


class GestoreEmail:
    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options):
        ente = await asyncio.get_running_loop().run_in_executor(
            None, _con_il_database, email.ente_per_destinatario, address
        )
        if ente is None:
            return "550 5.1.1 Destinatario sconosciuto"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        dati = envelope.original_content or envelope.content or b""
        if isinstance(dati, str):
            dati = dati.encode("utf-8", "surrogateescape")
        try:
            esito = await asyncio.get_running_loop().run_in_executor(
                None, lambda: _con_il_database(
                    email.ricevi, dati, mittente_busta=envelope.mail_from or "", destinatari=list(envelope.rcpt_tos)
                ),
            )
        except Exception:  # noqa: BLE001 - e.g. the database is down: the sender will retry
            logger.exception("E-mail in arrivo non elaborata: rispondo 451")
            return "451 4.3.0 Errore temporaneo, riprova più tardi"
        return f"250 OK {esito.azione}"


def avvia(host: str = "127.0.0.1", porta: int = 2525) -> Controller:
    """Start the listener in a background thread; `.stop()` it when done."""
    controller = Controller(
        GestoreEmail(), hostname=host, port=porta,
        data_size_limit=int(impostazione("EMAIL_IN_ARRIVO_MAX_BYTES")), decode_data=False,
    )
    controller.start()
    return controller
