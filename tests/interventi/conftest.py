from tests.comunicazioni.conftest import smtp  # noqa: F401 — the real SMTP server (aiosmtpd on loopback)
from tests.configurazione.cablaggio import accedi, pagine  # noqa: F401
