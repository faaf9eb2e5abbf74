"""The `civico` console script: Django's management commands with Civico's settings.

`civico serve`, `civico worker`, `civico demo` and `civico run` are Civico's own commands;
everything else (`civico migrate`, `civico createsuperuser`, …) is Django's.
"""

import os
import sys


def main() -> None:
    from civico.core.processi import lega_al_padre

    lega_al_padre()  # started by `civico run`: go when it goes
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civico.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
