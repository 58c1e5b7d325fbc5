"""``python -m hecon.examples.rrmm PATH``: write the RRMM example workbook to PATH."""

from hecon.examples.rrmm.model import main

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
