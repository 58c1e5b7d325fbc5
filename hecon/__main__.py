"""``python -m hecon``: the same command line as the ``hecon`` script."""

from hecon.cli import main

if __name__ == "__main__":
    main(prog_name="hecon")
