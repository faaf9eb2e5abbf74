#!/usr/bin/env python
from civico.cli import main

if __name__ == "__main__":
    main()
