"""Validating a citizen's answers to a category's extra questions (Open311 attributes)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from civico.catalogo.models import Categoria, Domanda, TipoDomanda

MAX_RISPOSTA_TESTO = 2000


def valida_risposte(categoria: Categoria, risposte: dict[str, Any] | None) -> tuple[dict, dict]:
    """Return (clean answers, errors by field `risposte.<codice>`).

    Unknown codes are errors too: a client that sends a question we do not have should know.
    """
    risposte = dict(risposte or {})
    domande = {d.codice: d for d in categoria.domande.all()}
    pulite: dict[str, Any] = {}
    errori: dict[str, list] = {}
    for codice in risposte:
        if codice not in domande:
            errori.setdefault(f"risposte.{codice}", []).append(
                _("La domanda «%(codice)s» non esiste per la categoria «%(categoria)s».")
                % {"codice": codice, "categoria": categoria.nome}
            )
    for codice, domanda in domande.items():
        valore = risposte.get(codice)
        vuota = valore is None or valore == "" or valore == []
        if vuota:
            if domanda.obbligatoria:
                errori.setdefault(f"risposte.{codice}", []).append(
                    _("Rispondi alla domanda «%(testo)s».") % {"testo": domanda.testo}
                )
            continue
        try:
            pulite[codice] = _valore(domanda, valore)
        except ValueError as exc:
            errori.setdefault(f"risposte.{codice}", []).append(str(exc))
    return pulite, errori


def _valore(domanda: Domanda, valore: Any) -> Any:
    tipo = domanda.tipo
    if tipo in (TipoDomanda.STRING, TipoDomanda.TEXT):
        testo = str(valore).strip()
        limite = 200 if tipo == TipoDomanda.STRING else MAX_RISPOSTA_TESTO
        if len(testo) > limite:
            raise ValueError(
                _("La risposta a «%(testo)s» è troppo lunga (massimo %(n)d caratteri).")
                % {"testo": domanda.testo, "n": limite}
            )
        return testo
    if tipo == TipoDomanda.NUMBER:
        try:
            numero = float(str(valore).replace(",", "."))
        except ValueError:
            numero = math.nan
        if not math.isfinite(numero):
            raise ValueError(_("La risposta a «%(testo)s» deve essere un numero.") % {"testo": domanda.testo})
        return int(numero) if numero.is_integer() else numero
    if tipo == TipoDomanda.DATETIME:
        quando = valore if isinstance(valore, datetime) else parse_datetime(str(valore))
        if quando is None:
            raise ValueError(
                _("La risposta a «%(testo)s» deve essere una data e ora (es. 2026-05-04T09:30).")
                % {"testo": domanda.testo}
            )
        return quando.isoformat()
    ammesse = domanda.chiavi_ammesse()
    if tipo == TipoDomanda.SINGLE:
        if isinstance(valore, list | tuple):
            if len(valore) != 1:
                raise ValueError(_("Per «%(testo)s» scegli una sola risposta.") % {"testo": domanda.testo})
            valore = valore[0]
        if str(valore) not in ammesse:
            raise ValueError(
                _("«%(v)s» non è una risposta ammessa per «%(testo)s».") % {"v": valore, "testo": domanda.testo}
            )
        return str(valore)
    # multivaluelist
    valori = [str(v) for v in (valore if isinstance(valore, list | tuple) else [valore])]
    non_ammesse = [v for v in valori if v not in ammesse]
    if non_ammesse:
        raise ValueError(
            _("«%(v)s» non è una risposta ammessa per «%(testo)s».")
            % {"v": ", ".join(non_ammesse), "testo": domanda.testo}
        )
    return sorted(set(valori), key=valori.index)
