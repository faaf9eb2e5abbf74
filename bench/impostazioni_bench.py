"""Settings of the server `make bench` starts: Civico's own, with the write rate limits lifted.

The benchmark's 16 clients all come from 127.0.0.1 with one API key, which the production limits
(60 API writes a minute per IP, 600 per key) would turn into 429s within seconds: the benchmark
measures capacity, not the limiter.
"""

from civico.settings import *  # noqa: F403
from civico.settings import CIVICO

_SENZA_LIMITE = (10**9, 60)
CIVICO = {
    **CIVICO,
    "LIMITI": {
        **CIVICO.get("LIMITI", {}),
        "api_scrittura": {"ip": _SENZA_LIMITE, "utente": _SENZA_LIMITE, "chiave": _SENZA_LIMITE},
    },
}
