"""Italian dates as people write them: "domenica 6 dicembre 2026, 09:05", "5 gennaio 2027".

Only what differs from Django's Italian formats (which read "06 Dicembre 2026"); the rest, and
all input formats, come from Django's module.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "l j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
