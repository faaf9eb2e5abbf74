"""Phone numbers in one written form, so a ban, a contact and an SMS sender compare equal."""


def normalizza_telefono(numero: str) -> str:
    """"+39 333 123 4567", "0039 333…", "333 1234567" → "+393331234567"."""
    cifre = "".join(c for c in numero if c.isdigit() or c == "+")
    if cifre.startswith("00"):
        cifre = "+" + cifre[2:]
    if not cifre.startswith("+"):
        cifre = "+39" + cifre
    return cifre
