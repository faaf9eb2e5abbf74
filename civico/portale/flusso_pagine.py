"""What the flow's templates need besides the draft: the stepper, the error summary, the questions
of each category with their answers, the likely duplicates, the upload limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats
from django.utils.translation import ngettext

from civico.catalogo.models import Categoria
from civico.portale import flusso
from civico.portale.forms_flusso import nome_risposta
from civico.portale.models import Bozza
from civico.segnalazioni import anche_io

# Where an error's link in the summary takes the keyboard.
_ANCORE = {
    "privacy": "campo-privacy", "posizione": "campo-indirizzo", "ente": "campo-ente",
    "indirizzo": "campo-indirizzo", "categoria": "campo-categoria", "titolo": "campo-titolo",
    "descrizione": "campo-descrizione", "allegati": "campo-foto", "anonimo": "campo-anonimo-no",
    "nome": "campo-nome", "email": "campo-email", "telefono": "campo-telefono", "voto": "campo-voto-1",
}


def contesto(request: HttpRequest, bozza: Bozza | None, passo: str | None, **extra: Any) -> dict[str, Any]:
    ente = extra.pop("ente", None) or (bozza.ente if bozza else None)
    errori = extra.pop("errori", None) or {}
    codici = [p.codice for p in flusso.PASSI]
    indice = codici.index(passo) if passo in codici else None
    categoria = (extra.get("valori") or {}).get("categoria", "")
    return {
        "bozza": bozza, "passo": passo, "ente": ente, "valori": {}, "errori": errori,
        "passi": stepper(bozza, passo) if passo else [],
        "rev": bozza.dati.get("rev", {}).get(passo, 0) if bozza else 0,
        "numero_passo": indice + 1 if indice is not None else None,
        "totale_passi": len(flusso.PASSI),
        "titolo_passo": flusso.PASSI[indice].etichetta if indice is not None else "",
        "indietro": indietro(bozza, passo, ente),
        "elenco_errori": [
            (_ancora(campo, categoria), m) for campo, elenco in errori.items() for m in elenco
        ],
        **extra,
    }


def _ancora(campo: str, categoria: str) -> str:
    if campo.startswith("risposte."):
        return f"risposta-{categoria}-{campo.split('.', 1)[1]}"
    return _ANCORE.get(campo, "modulo")


def stepper(bozza: Bozza | None, attuale: str | None) -> list[dict[str, Any]]:
    fatti = set(flusso.completati(bozza)) if bozza else set()
    inviata = bool(bozza and bozza.segnalazione_id)
    voci = []
    for numero, p in enumerate(flusso.PASSI, start=1):
        fatto = inviata or p.codice in fatti
        url = None
        apribile = p.codice in flusso.DA_COMPILARE + [flusso.RIEPILOGO] and p.codice != attuale
        if bozza and not inviata and apribile and flusso.accessibile(bozza, p.codice):
            url = reverse(f"portale:flusso_{p.codice}", args=[bozza.uuid])
        voci.append({"numero": numero, "codice": p.codice, "etichetta": p.etichetta,
                     "attuale": p.codice == attuale, "fatto": fatto and p.codice != attuale, "url": url})
    return voci


def indietro(bozza: Bozza | None, passo: str | None, ente) -> str | None:
    codici = [p.codice for p in flusso.PASSI]
    if passo in (None, flusso.CONFERMA):
        return None
    if passo == flusso.PRIVACY or bozza is None:
        return f"/{ente.slug}/" if ente else "/"
    precedente = codici[codici.index(passo) - 1]
    return reverse(f"portale:flusso_{precedente}", args=[bozza.uuid])


def categorie_con_domande(
    elenco: list[Categoria], scelta: Categoria | None, risposte: dict[str, Any], errori: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """Every category's questions (the page shows only the chosen one's), with answers and errors."""
    gruppi = []
    for c in elenco:
        domande = []
        for d in c.domande.all():
            valore = risposte.get(d.codice, "") if c == scelta else ""
            domande.append({
                "d": d, "nome": nome_risposta(c, d.codice), "id": f"risposta-{c.codice}-{d.codice}",
                "valore": valore if not isinstance(valore, list) else "",
                "scelte": [str(v) for v in valore] if isinstance(valore, list) else [str(valore)],
                "errori": errori.get(f"risposte.{d.codice}", []) if c == scelta else [],
            })
        if domande:
            gruppi.append({"categoria": c, "nascosta": c != scelta, "domande": domande})
    return gruppi


@dataclass(frozen=True)
class Simili:
    elenco: list[anche_io.Simile]
    metri: int

    @property
    def messaggio(self) -> str:
        n = len(self.elenco)
        return ngettext(
            "C'è già %(n)d segnalazione simile a %(m)d m",
            "Ci sono già %(n)d segnalazioni simili a %(m)d m",
            n,
        ) % {"n": n, "m": self.metri}


def simili(bozza: Bozza, categoria: Categoria | None, testo: str = "") -> Simili | None:
    """Likely duplicates of the draft: by its category (chosen or suggested) and its words so far."""
    punto = flusso.valori(bozza, flusso.LUOGO).get("punto")
    if (categoria is None and not testo.strip()) or not punto or bozza.ente is None:
        return None
    elenco = anche_io.vicine(bozza.ente, categoria, punto[0], punto[1], testo=testo)
    return Simili(elenco, anche_io.entro_metri(elenco)) if elenco else None


def limiti_file() -> dict[str, Any]:
    massimo = settings.CIVICO["MAX_FILE_BYTES"]
    mb = massimo / 1024 / 1024
    return {
        "max_bytes": massimo,
        "max_testo": f"{formats.number_format(mb, 0 if mb == int(mb) else 1)} MB",
        "max_file": settings.CIVICO["MAX_FILES_PER_REPORT"],
    }
