"""Targets and progress: actual against expected-by-now, status, the unit roll-up and
assessment, and the charts that show them."""
