"""The workbook: its vocabulary (schema), loose cell parsing, tables over a store with
issues, row-level writes by id and version, and the two stores (local .xlsx, Google)."""
