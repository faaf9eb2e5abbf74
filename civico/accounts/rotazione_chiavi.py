"""Keys of a SPID/CIE relying party and their rotation without downtime.

Two private JWKS: the core keys (`chiavi_private`: request objects, client assertions, userinfo
decryption) and the federation keys (`chiavi_federazione`: the entity configuration). A rotation
puts new keys first (the first signing key is the one used) and keeps the old ones published for
a grace period (`chiavi_in_uscita`: kid → when it goes), so a provider that fetched our keys
before the rotation, or a sign-in started before it, still verifies and decrypts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from joserfc.jwk import RSAKey

from civico.accounts.models import RelyingParty

GRAZIA_PREDEFINITA = timedelta(days=2)  # longer than our entity configuration's lifetime
_CORE = (("sig", "RS256"), ("enc", "RSA-OAEP-256"))
_FEDERAZIONE = (("sig", "RS256"),)


def _genera(usi: tuple[tuple[str, str], ...]) -> list[dict]:
    chiavi = []
    for uso, alg in usi:
        chiave = RSAKey.generate_key(2048, parameters={"use": uso, "alg": alg}, private=True)
        chiave.ensure_kid()
        chiavi.append(chiave.as_dict(private=True))
    return chiavi


def genera_chiavi() -> dict:
    """A new private core JWKS: one RSA 2048 key signs, another decrypts."""
    return {"keys": _genera(_CORE)}


def genera_chiavi_federazione() -> dict:
    """A new private federation JWKS: one RSA 2048 key signs the entity configuration."""
    return {"keys": _genera(_FEDERAZIONE)}


def ruota_chiavi(rp: RelyingParty, *, grazia: timedelta = GRAZIA_PREDEFINITA, adesso: datetime | None = None) -> None:
    """New core and federation keys, used from now on; the current ones stay published until
    `adesso + grazia`. Keys whose grace has ended are removed first."""
    adesso = adesso or timezone.now()
    ritira_chiavi_scadute(rp, adesso=adesso, salva=False)
    uscita = (adesso + grazia).isoformat()
    for campo, usi in (("chiavi_private", _CORE), ("chiavi_federazione", _FEDERAZIONE)):
        attuali = getattr(rp, campo).get("keys", [])
        for k in attuali:
            rp.chiavi_in_uscita.setdefault(k["kid"], uscita)
        setattr(rp, campo, {"keys": [*_genera(usi), *attuali]})
    rp.save(update_fields=["chiavi_private", "chiavi_federazione", "chiavi_in_uscita"])


def ritira_chiavi_scadute(rp: RelyingParty, *, adesso: datetime | None = None, salva: bool = True) -> list[str]:
    """Remove the rotated-out keys whose grace period has ended; return their kids."""
    adesso = adesso or timezone.now()
    scadute = [kid for kid, quando in rp.chiavi_in_uscita.items() if datetime.fromisoformat(quando) <= adesso]
    for campo in ("chiavi_private", "chiavi_federazione"):
        setattr(rp, campo, {"keys": [k for k in getattr(rp, campo).get("keys", []) if k.get("kid") not in scadute]})
    rp.chiavi_in_uscita = {k: v for k, v in rp.chiavi_in_uscita.items() if k not in scadute}
    if salva and scadute:
        rp.save(update_fields=["chiavi_private", "chiavi_federazione", "chiavi_in_uscita"])
    return scadute
