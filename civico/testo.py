"""Text helpers shared by every context (matching what people type)."""

import unicodedata


def senza_accenti(testo: str) -> str:
    """"Libertà" → "Liberta": compare words as people type them, with or without accents."""
    decomposto = unicodedata.normalize("NFKD", testo)
    return "".join(c for c in decomposto if not unicodedata.combining(c))
