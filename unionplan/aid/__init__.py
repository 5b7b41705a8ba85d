"""帮扶: hardship files (cases, their history, reviews), payments, the aid fund and campaigns.

Plain Python and pandas over `WorkbookData`; every write goes through the workbook layer.
Modules by job: money (exact amounts), idcard (GB 11643), cases (register, duplicates,
reviews), lifecycle (statuses, visits, history), fund (ledger, balances, the overdraw
check), campaigns (plan, write once, sign-off data), signoff (the printed sheet), stats
and charts (aggregates for reports).
"""
