"""`python -m unionplan …`: the command line (see unionplan.cli)."""

from unionplan.cli import main

raise SystemExit(main())
