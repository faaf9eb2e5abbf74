"""The new words of an e-mail reply: the message it quotes (with the mail client's header, in
Italian or English: "Il giorno … ha scritto:", "On … wrote:", "-----Messaggio originale-----",
Outlook's "Da: … Inviato: … Oggetto:"), the signature ("-- ", "Cordiali saluti", "Inviato da
iPhone") and disclaimers are left out, so an answer is read as what the citizen wrote now.

The reply parsing is `mail-parser-reply`'s (its Italian and English client rules); around it,
what it does not know: the Italian "messaggio originale/inoltrato" separators, and a reply
written below the quote."""

from __future__ import annotations

import re

from mailparser_reply import EmailMessage as _MessaggioDaDividere

LINGUE = ["it", "en"]
MAX_TESTO = 20_000  # the reply parser's rules run over the text: a bound keeps them fast

_SEPARATORE = re.compile(
    r"^\s*-{2,}\s*(messaggio originale|original message|messaggio inoltrato|forwarded message|"
    r"inizio messaggio inoltrato|begin forwarded message)\b.*$|^\s*(inizio messaggio inoltrato|begin forwarded "
    r"message)\s*:\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_CITATA = re.compile(r"^\s*>")


def solo_il_nuovo(testo: str) -> str:
    """What the writer added: the text above the quoted message, without signature; if nothing
    is above it (a reply written below the quote), the lines that are not quoted."""
    testo = (testo or "").replace("\r\n", "\n")[:MAX_TESTO]
    if m := _SEPARATORE.search(testo):
        testo = testo[: m.start()]
    righe = testo.split("\n")
    prima_citata = next((i for i, r in enumerate(righe) if _CITATA.match(r)), len(righe))
    if (sopra := _risposta(righe[:prima_citata])) or prima_citata == len(righe):
        return sopra
    # Below the quote: the unquoted lines; a client's header line, if any, opens them.
    return _risposta([r for r in righe if not _CITATA.match(r)], dopo_l_intestazione=True)


def _risposta(righe: list[str], *, dopo_l_intestazione: bool = False) -> str:
    messaggio = _MessaggioDaDividere(text="\n".join(righe), languages=list(LINGUE), keep_hyphen_lists=True).read()
    risposte = messaggio.replies[1:] if dopo_l_intestazione and len(messaggio.replies) > 1 else messaggio.replies
    nuovo = risposte[0].body if risposte else ""
    return re.sub(r"\n{3,}", "\n\n", nuovo).strip()
