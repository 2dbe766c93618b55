"""``python -m migrate`` is the ``wpmigrate`` command."""

from migrate.cli import main

main()
