"""Management information: the figures a Children's Trust board reads, from facts the hub
legitimately holds (index facts, the CAF facts nodes send, the audit log). Never a child."""
