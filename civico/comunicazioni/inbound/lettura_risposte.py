"""Reading a citizen's answer to one of a category's questions, as people write it in an SMS, an
e-mail or a chat: "2", "sono 2 lampioni", "due", "una dozzina"; "sì", "SI", "ok", "no, nessuno";
a choice by its key, its name, or a close spelling of either ("grnde"). Every channel calls
`leggi_risposta`; its result is what `catalogo.domande.valida_risposte` accepts, or None when the
text does not answer the question (the channel asks again, then leaves it to the operator).

Decisions: an approximate amount counts as its number ("un paio" 2, "una decina" 10, "una
dozzina" 12, "una ventina" 20…): the office needs an order of size, and the citizen's words stay
in the report's text. "Qualche", "alcuni", "tanti" are no number. Of several numbers, the first
("3 o 4" is 3). A list answer naming two choices of a single-choice question is no answer."""

from __future__ import annotations

import difflib
import re
from functools import cache

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from civico.catalogo.models import Domanda, TipoDomanda
from civico.catalogo.services import normalizza

MAX_TESTO = 1000

_UNITA = ["zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove", "dieci", "undici",
          "dodici", "tredici", "quattordici", "quindici", "sedici", "diciassette", "diciotto", "diciannove"]
_DECINE = ["", "", "venti", "trenta", "quaranta", "cinquanta", "sessanta", "settanta", "ottanta", "novanta"]
_INGLESE = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
            "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
# Amounts said approximately: the noun after "un/una".
_APPROSSIMATI = {"paio": 2, "coppia": 2, "decina": 10, "dozzina": 12, "quindicina": 15, "ventina": 20,
                 "trentina": 30, "quarantina": 40, "cinquantina": 50, "sessantina": 60, "settantina": 70,
                 "ottantina": 80, "novantina": 90, "centinaio": 100, "dozen": 12, "couple": 2}
_NESSUNO = {"nessuno", "nessuna", "niente", "none", "nobody", "nothing"}
_UNO = {"un": 1, "una": 1, "un'": 1, "a": 1}
_NUMERO_CIFRE = re.compile(r"(?<![\w.,])[-+]?\d+(?:[.,]\d+)?(?![\w])")

_SI = {"si", "s", "sì", "ok", "okay", "certo", "certamente", "esatto", "esattamente", "confermo", "vero", "yes", "y",
       "yep", "yeah", "affermativo", "giusto", "va bene", "sicuro", "sure", "right", "correct", "true"}
_INCERTO = {"non so", "boh", "forse", "non saprei", "non lo so", "dunno", "maybe", "not sure", "don t know"}
_NO = {"no", "n", "non", "nessuno", "nessuna", "niente", "negativo", "nope", "falso", "not", "none", "false",
       "mai", "never"}


@cache
def _parole_numeri() -> dict[str, int]:
    """Every Italian number word from zero to 999 (with the vowel dropped before "uno" and "otto":
    "ventuno", "trentotto"; "tré" as "tre"), and English to twenty."""
    parole = {nome: n for n, nome in enumerate(_UNITA)}
    for decina in range(2, 10):
        base = _DECINE[decina]
        parole[base] = decina * 10
        for unita in range(1, 10):
            nome = _UNITA[unita]
            radice = base[:-1] if nome[0] in "uo" else base
            parole[radice + nome] = decina * 10 + unita
    sotto_cento = dict(parole)
    for centinaia in range(1, 10):
        prefisso = "cento" if centinaia == 1 else _UNITA[centinaia] + "cento"
        parole[prefisso] = centinaia * 100
        for nome, n in sotto_cento.items():
            if 0 < n < 100:
                parole[prefisso + nome] = centinaia * 100 + n
                if nome.startswith("otto") or nome.startswith("ottant"):
                    parole[prefisso[:-1] + nome] = centinaia * 100 + n  # "centottanta"
    parole["mille"] = 1000
    for n, nome in enumerate(_INGLESE):
        parole.setdefault(nome, n)
    return parole


def leggi_numero(testo: str) -> int | float | None:
    """The number an answer gives: digits ("2", "2,5"), words ("due", "ventitré", "one"),
    an approximate amount ("una dozzina"), none ("nessuno" is 0)."""
    testo = (testo or "")[:MAX_TESTO]
    if m := _NUMERO_CIFRE.search(testo):
        valore = float(m.group(0).replace(",", "."))
        return int(valore) if valore.is_integer() else valore
    parole = normalizza(testo.replace("'", " ")).split()
    numeri = _parole_numeri()
    for i, parola in enumerate(parole):
        if parola in numeri:
            return numeri[parola]
        if parola in _APPROSSIMATI and (i == 0 or parole[i - 1] in _UNO or parole[i - 1] in ("circa", "about")):
            return _APPROSSIMATI[parola]
        if parola in _NESSUNO:
            return 0
    if parole[:1] in (["un"], ["una"], ["solo"]) and len(parole) > 1:
        return 1  # "un lampione", "solo quello"
    return None


def leggi_si_no(testo: str) -> bool | None:
    """True for yes ("sì", "SI", "ok", "certo"), False for no ("no", "no, c'è ancora", "nessuno"),
    None when the text says neither or both."""
    normale = normalizza(testo or "")
    if not normale:
        return None
    parole = normale.split()
    if any(normale.startswith(dubbio) for dubbio in _INCERTO):
        return None
    # What the answer begins with decides: "no, è ancora rotto" / "sì, non c'è più".
    for lunghezza in (2, 1):
        inizio = " ".join(parole[:lunghezza])
        if inizio in _SI:
            return True
        if inizio in _NO:
            return False
    si = any(p in _SI for p in parole) or "va bene" in normale
    no = any(p in _NO for p in parole)
    return si if si != no else None


def _voci(valore: dict) -> list[str]:
    """What names a choice: its key and its names (Italian, English), normalised."""
    voci = [normalizza(str(valore.get(k, ""))) for k in ("key", "name", "name_en")]
    return [v for v in voci if v]


def _si_no_della_scelta(valore: dict) -> bool | None:
    voci = _voci(valore)
    if any(v in _SI for v in voci):
        return True
    if any(v in _NO for v in voci):
        return False
    return None


def _vicina(parola: str, voce: str) -> bool:
    """A close spelling: one slip in a short word, two in a long one; never for words under 4."""
    if len(parola) < 4 or len(voce) < 4:
        return False
    soglia = 0.8 if len(voce) < 8 else 0.75
    return difflib.SequenceMatcher(None, parola, voce).ratio() >= soglia


def _scelte_nominate(domanda: Domanda, testo: str) -> list[str]:
    """The keys of the choices the text names: exactly, by every word of a name, by the first
    meaningful word of a name, or by a close spelling; the yes/no of a yes/no question."""
    valori = list(domanda.valori or [])
    normale = normalizza(testo)
    parole = normale.split()
    if not parole:
        return []
    esatte = [str(v["key"]) for v in valori if normale in _voci(v)]
    if esatte:
        return esatte[:1]
    # A yes/no question: "sì"/"ok"/"no, nessuno" pick the choice that means it.
    polarita = {str(v["key"]): _si_no_della_scelta(v) for v in valori}
    if len([p for p in polarita.values() if p is not None]) == 2:
        risposta = leggi_si_no(testo)
        if risposta is not None:
            return [k for k, p in polarita.items() if p is risposta]
    trovate: list[str] = []
    for v in valori:
        for voce in _voci(v):
            parole_voce = [p for p in voce.split() if len(p) > 2 or p.isdigit()] or voce.split()
            if (all(p in parole for p in parole_voce) or parole_voce[0] in parole
                    or any(_vicina(p, parole_voce[0]) for p in parole)):
                trovate.append(str(v["key"]))
                break
    return trovate


def leggi_data(testo: str) -> str | None:
    """A date and time as written ("2026-05-04 9:30", "4/5/2026 9.30", "oggi", "ieri"), ISO 8601."""
    testo = (testo or "").strip()[:100]
    if quando := parse_datetime(testo.replace(" ", "T", 1)):
        return quando.isoformat()
    adesso = timezone.localtime()
    normale = normalizza(testo)
    if normale in ("oggi", "ora", "adesso", "today", "now"):
        return adesso.replace(second=0, microsecond=0).isoformat()
    if normale in ("ieri", "yesterday"):
        return (adesso - timezone.timedelta(days=1)).replace(second=0, microsecond=0).isoformat()
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+(?:alle\s+)?(\d{1,2})[:.](\d{2}))?", testo)
    if m:
        giorno, mese, anno = int(m[1]), int(m[2]), int(m[3])
        ora, minuti = int(m[4] or 0), int(m[5] or 0)
        try:
            return adesso.replace(year=anno, month=mese, day=giorno, hour=ora, minute=minuti, second=0,
                                  microsecond=0).isoformat()
        except ValueError:
            return None
    return None


def leggi_risposta(domanda: Domanda, testo: str) -> object | None:
    """The answer `testo` gives to `domanda`, as `valida_risposte` takes it, or None."""
    testo = (testo or "")[:MAX_TESTO].strip()
    if not testo:
        return None
    if domanda.tipo == TipoDomanda.NUMBER:
        return leggi_numero(testo)
    if domanda.tipo == TipoDomanda.DATETIME:
        return leggi_data(testo)
    if domanda.tipo == TipoDomanda.SINGLE:
        scelte = _scelte_nominate(domanda, testo)
        return scelte[0] if len(scelte) == 1 else None
    if domanda.tipo == TipoDomanda.MULTI:
        scelte: list[str] = []
        for parte in re.split(r"[,;/+\n]|\be\b|\band\b", testo):
            scelte += [k for k in _scelte_nominate(domanda, parte) if k not in scelte]
        return scelte or None
    limite = 200 if domanda.tipo == TipoDomanda.STRING else MAX_TESTO
    return testo[:limite]


def leggi_risposte(domande: list[Domanda], testo: str) -> dict[str, object]:
    """Answers to several questions in one message (an e-mail answering "ci servono ancora…"):
    one per line when there are as many lines as questions, else the whole text for each. The
    street named in it is left out first: "via Roma 12" is no answer to "Quanti lampioni?"."""
    from civico.comunicazioni.inbound.lettura_testo import luogo_a_parole

    if luogo := luogo_a_parole(testo):
        testo = testo.replace(luogo, " ")
    righe = [r.strip() for r in (testo or "")[:MAX_TESTO].splitlines() if r.strip()]
    parti = righe if len(righe) == len(domande) else [testo] * len(domande)
    letti: dict[str, object] = {}
    for domanda, parte in zip(domande, parti, strict=True):
        if (valore := leggi_risposta(domanda, parte)) is not None:
            letti[domanda.codice] = valore
    return letti
