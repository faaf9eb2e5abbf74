"""Bootstrap Italia's stylesheet cut down to the rules Civico's pages can use.

The kit's CSS is 612 kB (≈ 80 kB compressed) and blocks the first paint of every page; Civico uses
a small part of it. At build time (collectstatic, or the first request in development) this keeps a
rule only if every class its selector names occurs in Civico's own sources — templates, our
JavaScript and Python, where classes are also built (`"alert-" + livello`) — so what JavaScript
adds later is kept as long as its name is written somewhere. A name written as a prefix
(`alert-{{ livello }}`, `"is-" + stato`) keeps the classes made of that prefix and any word
found in the sources. Elements, ids and attribute selectors are never cut; nor are custom
properties, keyframes and font faces that the kept rules still mention.

Pure Python, no parser dependency: the kit's minified CSS is regular (rules, @media, @supports,
@container blocks, @keyframes, @font-face). See docs/decisions/0015-css-usato-e-font.md.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# The at-rules whose body is a list of rules (cut inside); the others are kept or dropped whole.
_BLOCCHI = ("@media", "@supports", "@container", "@layer", "@document")
_PAROLA = re.compile(r"[A-Za-z0-9_-]+")
_CLASSE = re.compile(r"\.((?:[A-Za-z0-9_-]|\\.)+)")
_FUNZIONI_NEGATIVE = re.compile(r":(?:not|where|has)\(")
_ATTRIBUTO = re.compile(r"\[[^\]]*\]")
_VARIABILE_DEFINITA = re.compile(r"(?<![\w-])(--[A-Za-z0-9_-]+)\s*:")
_VARIABILE_USATA = re.compile(r"var\(\s*(--[A-Za-z0-9_-]+)")
_NOME_VARIABILE = re.compile(r"--[A-Za-z][A-Za-z0-9_-]*")
_SORGENTI = (".html", ".js", ".py", ".txt")


@dataclass
class Regola:
    preludio: str  # the selector list, or the at-rule with its condition
    corpo: str | None  # declarations (or raw body); None for a block of rules
    figli: list[Regola] | None = None
    istruzione: bool = False  # `@charset …;`, `@import …;`

    def testo(self) -> str:
        if self.istruzione:
            return self.preludio + ";"
        if self.figli is not None:
            return self.preludio + "{" + "".join(f.testo() for f in self.figli) + "}"
        return self.preludio + "{" + (self.corpo or "") + "}"


def _salta(css: str, i: int) -> int:
    """Past a string or comment starting at i (or i itself if none starts there)."""
    if css.startswith("/*", i):
        fine = css.find("*/", i + 2)
        return len(css) if fine < 0 else fine + 2
    if css[i] in "\"'":
        q, j = css[i], i + 1
        while j < len(css) and css[j] != q:
            j += 2 if css[j] == "\\" else 1
        return j + 1
    return i


def _chiusura(css: str, i: int) -> int:
    """Index of the `}` closing the block opened just before i."""
    profondita = 1
    while i < len(css):
        j = _salta(css, i)
        if j != i:
            i = j
            continue
        if css[i] == "{":
            profondita += 1
        elif css[i] == "}":
            profondita -= 1
            if profondita == 0:
                return i
        i += 1
    return len(css)


def analizza(css: str) -> list[Regola]:
    """The stylesheet's top-level statements, blocks of rules parsed recursively."""
    regole: list[Regola] = []
    i, inizio, parentesi = 0, 0, 0
    while i < len(css):
        j = _salta(css, i)
        if j != i:
            if css.startswith("/*", i) and not css[inizio:i].strip():
                inizio = j  # a comment between rules: dropped (the licence is put back by `taglia`)
            i = j
            continue
        c = css[i]
        if c == "(":
            parentesi += 1
        elif c == ")":
            parentesi -= 1
        elif c == ";" and parentesi == 0:
            preludio = css[inizio:i].strip()
            if preludio:
                regole.append(Regola(preludio, None, istruzione=True))
            inizio = i + 1
        elif c == "{" and parentesi == 0:
            fine = _chiusura(css, i + 1)
            preludio, corpo = css[inizio:i].strip(), css[i + 1:fine]
            if preludio.lower().startswith(_BLOCCHI):
                regole.append(Regola(preludio, None, analizza(corpo)))
            else:
                regole.append(Regola(preludio, corpo))
            i = inizio = fine + 1
            continue
        i += 1
    return regole


def _dividi_selettori(preludio: str) -> list[str]:
    parti, profondita, inizio = [], 0, 0
    for i, c in enumerate(preludio):
        if c in "([":
            profondita += 1
        elif c in ")]":
            profondita -= 1
        elif c == "," and profondita == 0:
            parti.append(preludio[inizio:i])
            inizio = i + 1
    parti.append(preludio[inizio:])
    return parti


def _senza_negazioni(selettore: str) -> str:
    """The selector without :not()/:where()/:has() arguments (what they name need not exist)."""
    while (m := _FUNZIONI_NEGATIVE.search(selettore)) is not None:
        fine = m.end()
        profondita = 1
        while fine < len(selettore) and profondita:
            profondita += {"(": 1, ")": -1}.get(selettore[fine], 0)
            fine += 1
        selettore = selettore[: m.start()] + selettore[fine:]
    return selettore


def classi_del_selettore(selettore: str) -> set[str]:
    semplice = _ATTRIBUTO.sub("", _senza_negazioni(selettore))
    return {re.sub(r"\\(.)", r"\1", m.group(1)) for m in _CLASSE.finditer(semplice)}


class Vocabolario:
    """The words of Civico's sources, and the prefixes written before a template or JS value."""

    def __init__(self, parole: Iterable[str]) -> None:
        self.parole = set(parole)
        self.prefissi = {p for p in self.parole if p.endswith("-") and len(p) > 1}
        self._visti: dict[str, bool] = {}

    @classmethod
    def da_testi(cls, testi: Iterable[str]) -> Vocabolario:
        return cls(p for t in testi for p in _PAROLA.findall(t))

    def usa(self, classe: str) -> bool:
        if classe not in self._visti:
            self._visti[classe] = classe in self.parole or any(
                classe.startswith(p) and classe[len(p):] in self.parole for p in self.prefissi)
        return self._visti[classe]


def _filtra(regole: list[Regola], vocabolario: Vocabolario) -> list[Regola]:
    tenute = []
    for r in regole:
        if r.istruzione:
            tenute.append(r)
        elif r.figli is not None:
            figli = _filtra(r.figli, vocabolario)
            if figli:
                tenute.append(Regola(r.preludio, None, figli))
        elif r.preludio.startswith("@"):
            tenute.append(r)  # @font-face, @keyframes, @page: judged once the rules are known
        else:
            selettori = [s for s in _dividi_selettori(r.preludio)
                         if all(vocabolario.usa(c) for c in classi_del_selettore(s))]
            if selettori:
                tenute.append(Regola(",".join(selettori), r.corpo))
    return tenute


def _tutte(regole: list[Regola]) -> Iterator[Regola]:
    for r in regole:
        yield r
        if r.figli:
            yield from _tutte(r.figli)


def _senza_inutili(regole: list[Regola], usato_fuori: str) -> list[Regola]:
    """Drop the keyframes, font faces and custom properties nothing kept refers to any more."""
    while True:
        testo = "".join(r.testo() for r in regole if not r.preludio.startswith(("@keyframes", "@font-face")))
        testo_tutto = "".join(r.testo() for r in regole) + usato_fuori
        # Read by our CSS or JavaScript by name (getPropertyValue("--bootstrap-italia-version")) too.
        variabili = set(_VARIABILE_USATA.findall(testo_tutto)) | set(_NOME_VARIABILE.findall(usato_fuori))
        prima = "".join(r.testo() for r in regole)
        regole = _pulisci(regole, testo + usato_fuori, variabili)
        if "".join(r.testo() for r in regole) == prima:
            return regole


def _pulisci(regole: list[Regola], riferimenti: str, variabili: set[str]) -> list[Regola]:
    tenute = []
    for r in regole:
        if r.figli is not None:
            figli = _pulisci(r.figli, riferimenti, variabili)
            if figli:
                tenute.append(Regola(r.preludio, None, figli))
            continue
        if r.istruzione:
            tenute.append(r)
            continue
        if r.preludio.startswith("@keyframes") or r.preludio.startswith("@-webkit-keyframes"):
            nome = r.preludio.split(None, 1)[-1].strip()
            if re.search(rf"(?<![\w-]){re.escape(nome)}(?![\w-])", riferimenti):
                tenute.append(r)
            continue
        if r.preludio.startswith("@font-face"):
            m = re.search(r"font-family:\s*['\"]?([^;'\"}]+)", r.corpo or "")
            if m and m.group(1).strip() in riferimenti:
                tenute.append(r)
            continue
        corpo = _dichiarazioni_usate(r.corpo or "", variabili)
        if corpo.strip():
            tenute.append(Regola(r.preludio, corpo))
    return tenute


def _dichiarazioni_usate(corpo: str, variabili: set[str]) -> str:
    """The body without the custom properties nobody reads (the kit defines 1,300 of them)."""
    if "--" not in corpo:
        return corpo
    parti, profondita, inizio = [], 0, 0
    for i, c in enumerate(corpo):
        if c == "(":
            profondita += 1
        elif c == ")":
            profondita -= 1
        elif c == ";" and profondita == 0:
            parti.append(corpo[inizio:i])
            inizio = i + 1
    parti.append(corpo[inizio:])
    tenute = []
    for p in parti:
        m = _VARIABILE_DEFINITA.match(p.strip())
        if m is None or m.group(1) in variabili:
            tenute.append(p)
    return ";".join(t for t in tenute if t.strip())


def taglia(css: str, vocabolario: Vocabolario, usato_fuori: str = "") -> str:
    """The stylesheet with only what `vocabolario` can use. `usato_fuori`: our other CSS and
    sources, whose var(--…) and font names keep the kit's definitions."""
    licenza = re.match(r"\s*(\ufeff)?\s*(/\*!.*?\*/)", css, re.S)
    regole = _senza_inutili(_filtra(analizza(css), vocabolario), usato_fuori)
    return (licenza.group(2) + "\n" if licenza else "") + "".join(r.testo() for r in regole) + "\n"


# --- Civico's sources and the generated file -----------------------------------------------------

NOME = "civico/bootstrap-italia-usato.css"


def sorgenti(radice: Path) -> list[Path]:
    """The files whose words may be classes: templates, our JS, Python (not the kit's files)."""
    return sorted(p for p in radice.rglob("*") if p.suffix in _SORGENTI and p.is_file()
                  and "migrations" not in p.parts and "locale" not in p.parts)


def genera(css_kit: Path, radice: Path, destinazione: Path) -> Path:
    """Write the cut stylesheet to `destinazione`, unless it is already there for these inputs."""
    testi = [p.read_text(encoding="utf-8", errors="replace") for p in sorgenti(radice)]
    nostri_css = [p.read_text(encoding="utf-8") for p in sorted(radice.rglob("*.css"))]
    kit = css_kit.read_bytes()
    impronta = hashlib.sha256(kit + "\0".join(testi + nostri_css).encode()).hexdigest()
    file_impronta = destinazione.with_suffix(".impronta")
    if destinazione.exists() and file_impronta.exists() and file_impronta.read_text() == impronta:
        return destinazione
    tagliato = taglia(kit.decode("utf-8"), Vocabolario.da_testi(testi), "\n".join(testi + nostri_css))
    destinazione.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed: a request served meanwhile (another thread, another worker) reads
    # the old file or the new one, never a half-written stylesheet.
    provvisorio = destinazione.with_name(f".{destinazione.name}.{os.getpid()}.{threading.get_ident()}")
    provvisorio.write_text(tagliato, encoding="utf-8")
    os.replace(provvisorio, destinazione)
    file_impronta.write_text(impronta)
    return destinazione
