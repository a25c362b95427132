"""(filled in by this part)"""
