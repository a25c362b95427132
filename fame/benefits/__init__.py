"""The Benefits Calculator and the Regional Business Case (issue 16)."""
