"""An agency node: what the agency keeps (its records, CAF flags, disclosure log) and serves."""
