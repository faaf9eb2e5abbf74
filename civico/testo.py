"""Text helpers shared by every context (matching what people type)."""

import unicodedata


def senza_accenti(testo: str) -> str:
    """"Libertà" → "Liberta": compare words as people type them, with or without accents."""
    decomposto = unicodedata.normalize("NFKD", testo)
    return "".join(c for c in decomposto if not unicodedata.combining(c))


def a_luogo(nome: str) -> str:
    """"a" before a place's name, "ad" before a vowel: "ad Alessandria", "ad Asti", "a Casale Monferrato".

    Every Italian sentence that says where ("… a %(ente)s") takes it from here: pass the result as
    `a_ente` and write the bare name in the English translation ("in %(ente)s")."""
    nome = (nome or "").strip()
    iniziale = senza_accenti(nome[:1]).lower()
    return f"{'ad' if iniziale in 'aeiou' and iniziale else 'a'} {nome}"


def coordinate(lat: float, lon: float, decimali: int = 5) -> str:
    """A point as people can read it: "44,91300 N, 8,61500 E" (never "44,91300, 8,61500", where
    the decimal commas and the separating comma blur together). Decimals in the active language."""
    from django.utils import formats  # this module is used outside Django too

    def una(valore: float, positivo: str, negativo: str) -> str:
        return f"{formats.number_format(abs(valore), decimali)} {positivo if valore >= 0 else negativo}"

    return f"{una(lat, 'N', 'S')}, {una(lon, 'E', 'W')}"
