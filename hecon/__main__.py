"""``python -m hecon``: the same command line as the ``hecon`` script."""

from hecon.cli import entry_point

if __name__ == "__main__":
    entry_point()
