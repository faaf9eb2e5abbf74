"""Civico's settings for the load test: one client IP sends hundreds of reports a minute, so the
API's write limits (civico.core.limiti, per IP and per key) are raised; everything else is as in
production-like runs."""

from civico.settings import *  # noqa: F403

CIVICO["LIMITI"] = {  # noqa: F405
    **CIVICO.get("LIMITI", {}),  # noqa: F405
    "api_scrittura": {"ip": (1_000_000, 60), "utente": (1_000_000, 60), "chiave": (1_000_000, 60)},
}
