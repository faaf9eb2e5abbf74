"""Whether an e-mail really comes from the domain of its From address.

Anyone can write any From (and Reply-To). What proves the domain is DKIM, aligned with From:
- the `Authentication-Results` written by the MTA in front of us, recognised by its authserv-id
  (`EMAIL_IN_ARRIVO_AUTHSERV_ID`, comma-separated; such headers with any other id were written
  by someone else and are ignored). That MTA must remove incoming headers carrying its own id
  (RFC 8601 §5): Postfix with OpenDMARC/rspamd does. A `fail` among them wins over any `pass`.
- otherwise the DKIM-Signature verified here with dkimpy; the DNS lookup is
  `EMAIL_IN_ARRIVO_DNS` (a callable or its dotted path, dkimpy's `dnsfunc`), dkimpy's own if empty.
Alignment is relaxed: the signing domain is the From domain or a parent of it. Signatures with
a body length (`l=`) are not accepted: text could follow what was signed."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import dkim
from django.utils.module_loading import import_string

from civico.comunicazioni.impostazioni import impostazione

logger = logging.getLogger(__name__)

_COMMENTI = re.compile(r"\([^()]*\)")
_RISULTATO = re.compile(r"^\s*([a-z][a-z0-9_-]*)\s*=\s*([a-z]+)", re.IGNORECASE)
_PROPRIETA = re.compile(r"\b(header|smtp|body|policy)\.([a-z0-9_-]+)\s*=\s*\"?([^\s;\"]+)", re.IGNORECASE)
_FALLITI = {"fail", "permerror"}
MAX_FIRME = 5  # each costs a DNS lookup: a message with a hundred must not hold the listener


@dataclass(frozen=True)
class Verifica:
    provato: bool
    motivo: str  # how, or why not: for the operator reviewing a held message


def verifica(msg, dati: bytes, dominio_from: str) -> Verifica:
    """Whether `dominio_from` (the From address's domain) is proven for this message."""
    dominio_from = dominio_from.lower().rstrip(".")
    if not dominio_from:
        return Verifica(False, "mittente senza dominio")
    risultati = risultati_fidati(msg)
    if risultati:
        return _da_risultati(risultati, dominio_from)
    return _da_firma(dati, dominio_from)


def risultati_fidati(msg) -> list[tuple[str, str, dict[str, str]]]:
    """(method, result, properties) of the Authentication-Results of our MTA."""
    fidati = {a.strip().lower() for a in str(impostazione("EMAIL_IN_ARRIVO_AUTHSERV_ID") or "").split(",")
              if a.strip()}
    if not fidati:
        return []
    risultati = []
    for intestazione in msg.get_all("Authentication-Results") or []:
        parti = _COMMENTI.sub(" ", str(intestazione)).split(";")
        servizio = (parti[0].split() or [""])[0].lower()
        if servizio not in fidati:
            continue
        for parte in parti[1:]:
            if m := _RISULTATO.match(parte):
                proprieta = {f"{p.lower()}.{n.lower()}": v.lower() for p, n, v in _PROPRIETA.findall(parte)}
                risultati.append((m.group(1).lower(), m.group(2).lower(), proprieta))
    return risultati


def allineato(dominio_firma: str, dominio_from: str) -> bool:
    d = dominio_firma.lower().strip().rstrip(".")
    return bool(d) and (dominio_from == d or dominio_from.endswith("." + d))


def _dominio(valore: str) -> str:
    return valore.rpartition("@")[2]


def _da_risultati(risultati: list[tuple[str, str, dict[str, str]]], dominio_from: str) -> Verifica:
    falliti = [f"{metodo}={esito}" for metodo, esito, _p in risultati
               if metodo in ("dkim", "dmarc") and esito in _FALLITI]
    if falliti:
        return Verifica(False, "autenticazione fallita: " + ", ".join(falliti))
    for metodo, esito, proprieta in risultati:
        if esito != "pass":
            continue
        if metodo == "dmarc" and allineato(proprieta.get("header.from", ""), dominio_from):
            return Verifica(True, "dmarc=pass")
        firmatario = proprieta.get("header.d") or _dominio(proprieta.get("header.i", ""))
        if metodo == "dkim" and allineato(firmatario, dominio_from):
            return Verifica(True, f"dkim=pass ({firmatario})")
    return Verifica(False, "nessun dkim/dmarc superato e allineato al mittente")


def _dns():
    funzione = impostazione("EMAIL_IN_ARRIVO_DNS")
    if not funzione:
        return dkim.get_txt
    return import_string(funzione) if isinstance(funzione, str) else funzione


def _da_firma(dati: bytes, dominio_from: str) -> Verifica:
    try:
        verificatore = dkim.DKIM(dati, timeout=5)
        firme = [v for k, v in verificatore.headers if k.lower() == b"dkim-signature"]
    except Exception:  # noqa: BLE001 - an unreadable message proves nothing
        return Verifica(False, "firma DKIM illeggibile")
    if not firme:
        return Verifica(False, "nessuna autenticazione (né Authentication-Results fidato né firma DKIM)")
    dns = _dns()
    motivo = "firma DKIM non valida"
    for indice in range(min(len(firme), MAX_FIRME)):
        dominio = "?"
        try:
            campi = dkim.parse_tag_value(firme[indice])
            dominio = campi.get(b"d", b"").decode("ascii", "replace")
            if b"l" in campi:
                motivo = f"firma DKIM di {dominio} su una parte del testo (l=)"
                continue
            if not allineato(dominio, dominio_from):
                motivo = f"firma DKIM di {dominio}, non del dominio del mittente"
                continue
            if verificatore.verify(idx=indice, dnsfunc=dns):
                return Verifica(True, f"firma DKIM di {dominio} verificata")
            motivo = f"firma DKIM di {dominio} non valida"
        except dkim.DKIMException as exc:  # a body changed after signing, a malformed signature…
            motivo = f"firma DKIM di {dominio} non valida: {str(exc)[:200]}"
        except Exception as exc:  # noqa: BLE001 - dkimpy raises for malformed signatures and DNS errors
            logger.info("Firma DKIM non verificabile: %s", exc)
            motivo = "firma DKIM non verificabile"
    return Verifica(False, motivo)
