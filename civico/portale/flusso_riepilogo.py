"""What the citizen reads before sending: every datum of the draft as plain text, by step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from civico.catalogo.models import Categoria, TipoDomanda
from civico.portale import flusso, flusso_file
from civico.portale.models import Bozza
from civico.testo import coordinate


@dataclass
class Sezione:
    passo: str
    titolo: Any
    voci: list[tuple[Any, str]] = field(default_factory=list)


def sezioni(bozza: Bozza) -> list[Sezione]:
    luogo = flusso.valori(bozza, flusso.LUOGO)
    disservizio = flusso.valori(bozza, flusso.DISSERVIZIO)
    autore = flusso.valori(bozza, flusso.AUTORE)
    categoria = flusso.categoria_della_bozza(bozza)

    dove = Sezione(flusso.LUOGO, _("Luogo"), [
        (_("Comune"), luogo.get("comune", "")),
        (_("Indirizzo"), luogo.get("indirizzo") or luogo.get("indirizzo_trovato") or "—"),
    ])
    if luogo.get("lat") is not None:
        dove.voci.append((_("Coordinate"), coordinate(luogo["lat"], luogo["lon"])))
    elif luogo.get("indirizzo_trovato"):
        dove.voci.append((_("Indirizzo trovato"), luogo["indirizzo_trovato"]))

    cosa = Sezione(flusso.DISSERVIZIO, _("Disservizio"), [
        (_("Categoria"), categoria.nome_locale if categoria else "—"),
        (_("Titolo"), disservizio.get("titolo", "")),
        (_("Dettagli"), disservizio.get("descrizione") or "—"),
    ])
    if categoria:
        cosa.voci += risposte_leggibili(categoria, disservizio.get("risposte", {}))
    file = flusso_file.elenco(bozza)
    cosa.voci.append((_("Allegati"), ", ".join(f.nome_originale or "—" for f in file) or "—"))

    chi = Sezione(flusso.AUTORE, _("Autore"))
    if autore.get("anonimo"):
        chi.voci.append((_("Segnalazione anonima"), str(_("Sì: potrai seguirla solo con il link privato."))))
    else:
        chi.voci += [
            (_("Nome e cognome"), autore.get("nome") or "—"),
            (_("E-mail"), autore.get("email") or "—"),
            (_("Telefono"), autore.get("telefono") or "—"),
        ]
    return [dove, cosa, chi]


def risposte_leggibili(categoria: Categoria, risposte: dict[str, Any]) -> list[tuple[Any, str]]:
    voci = []
    for d in categoria.domande.all():
        valore = risposte.get(d.codice)
        if valore in (None, "", []):
            testo = "—"
        elif d.tipo in (TipoDomanda.SINGLE, TipoDomanda.MULTI):
            nomi = {str(v["key"]): v["name"] for v in d.valori_locali}
            scelte = valore if isinstance(valore, list) else [valore]
            testo = ", ".join(nomi.get(str(v), str(v)) for v in scelte)
        elif d.tipo == TipoDomanda.DATETIME and (quando := parse_datetime(str(valore))):
            testo = date_format(quando, "DATETIME_FORMAT")
        else:
            testo = str(valore)
        voci.append((d.testo_locale, testo))
    return voci
