"""Written forms shared by every context. The language packages (`it/formats.py`) say how dates
are written, per language (FORMAT_MODULE_PATH): every `|date`, `date_format` and
form field reads these, so a date looks the same on a page, in an e-mail and in a PDF.

Italian is written lowercase and without leading zeros: "domenica 6 dicembre 2026", "5 gennaio 2027"
(the lowercase names come from civico/locale/it, which overrides Django's capitalised ones).

`telefono.py` writes phone numbers in one form; `tabella_csv.py` reads the CSV files people import.
"""
