"""Metadata policy of OpenID Federation 1.0 (section 6.1): how superiors restrict what an entity
may say about itself. `combina` merges a superior's policy with the one below it (a conflict
breaks the chain), `applica` applies the merged policy to the entity's metadata.

Operators: value, add, default, one_of, subset_of, superset_of, essential. An unknown operator
is refused (the specification lets a chain mark its own operators critical; we know none).
"""

from __future__ import annotations

from typing import Any

OPERATORI = ("value", "add", "default", "one_of", "subset_of", "superset_of", "essential")


class PoliticaNonSoddisfatta(ValueError):
    pass


def _lista(valore: Any) -> list:
    return list(valore) if isinstance(valore, list | tuple) else [valore]


def _intersezione(a: list, b: list) -> list:
    return [x for x in a if x in b]


def _unione(a: list, b: list) -> list:
    return [*a, *(x for x in b if x not in a)]


def _combina_parametro(nome: str, sopra: dict, sotto: dict) -> dict:
    sconosciuti = (set(sopra) | set(sotto)) - set(OPERATORI)
    if sconosciuti:
        raise PoliticaNonSoddisfatta(f"{nome}: operatori sconosciuti {sorted(sconosciuti)}")
    unita = dict(sopra)
    for op, valore in sotto.items():
        if op not in unita:
            unita[op] = valore
        elif op in ("value", "default"):
            if unita[op] != valore:
                raise PoliticaNonSoddisfatta(f"{nome}: {op} in conflitto")
        elif op in ("add", "superset_of"):
            unita[op] = _unione(unita[op], valore)
        elif op in ("one_of", "subset_of"):
            unita[op] = _intersezione(unita[op], valore)
            if not unita[op]:
                raise PoliticaNonSoddisfatta(f"{nome}: {op} senza valori in comune")
        elif op == "essential":
            unita[op] = bool(unita[op]) or bool(valore)
    _coerente(nome, unita)
    return unita


def _coerente(nome: str, politica: dict) -> None:
    """Combinations that no value could satisfy are refused at once."""
    if "value" in politica and politica["value"] is not None:
        valore = politica["value"]
        if "one_of" in politica and valore not in politica["one_of"]:
            raise PoliticaNonSoddisfatta(f"{nome}: value fuori da one_of")
        if "subset_of" in politica and not set(map(str, _lista(valore))) <= set(map(str, politica["subset_of"])):
            raise PoliticaNonSoddisfatta(f"{nome}: value fuori da subset_of")
        if "superset_of" in politica and not set(map(str, politica["superset_of"])) <= set(map(str, _lista(valore))):
            raise PoliticaNonSoddisfatta(f"{nome}: value non contiene superset_of")
    if "add" in politica and "subset_of" in politica and not set(map(str, politica["add"])) <= set(
            map(str, politica["subset_of"])):
        raise PoliticaNonSoddisfatta(f"{nome}: add fuori da subset_of")


def combina(sopra: dict, sotto: dict) -> dict:
    """The policy of a superior (`sopra`) merged with its subordinate's (`sotto`)."""
    unita = {k: dict(v) for k, v in sopra.items()}
    for nome, politica in sotto.items():
        unita[nome] = _combina_parametro(nome, unita.get(nome, {}), politica)
    for nome, politica in sopra.items():
        if nome not in sotto:
            _combina_parametro(nome, politica, {})  # unknown operators are refused at any level
    return unita


def applica(politica: dict, metadati: dict) -> dict:
    """The metadata after the policy; raise when a parameter cannot satisfy it."""
    risultato = dict(metadati)
    for nome, regole in politica.items():
        presente = nome in risultato
        valore = risultato.get(nome)
        if "value" in regole:
            if regole["value"] is None:
                risultato.pop(nome, None)
                continue
            valore, presente = regole["value"], True
        if "add" in regole:
            valore, presente = _unione(_lista(valore) if presente else [], _lista(regole["add"])), True
        if not presente and "default" in regole:
            valore, presente = regole["default"], True
        if presente and "one_of" in regole and valore not in regole["one_of"]:
            raise PoliticaNonSoddisfatta(f"{nome}: {valore!r} non è tra {regole['one_of']}")
        if presente and "subset_of" in regole:
            valore = _intersezione(_lista(valore), regole["subset_of"])
            if not valore:
                presente = False
        if presente and "superset_of" in regole and not set(map(str, regole["superset_of"])) <= set(
                map(str, _lista(valore))):
            raise PoliticaNonSoddisfatta(f"{nome}: mancano valori di {regole['superset_of']}")
        if regole.get("essential") and not presente:
            raise PoliticaNonSoddisfatta(f"{nome}: essenziale e assente")
        if presente:
            risultato[nome] = valore
        else:
            risultato.pop(nome, None)
    return risultato
