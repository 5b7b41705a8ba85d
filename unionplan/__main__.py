"""`python -m unionplan …`: the command line (see unionplan.ops.cli)."""

from unionplan.ops.cli import main

raise SystemExit(main())
