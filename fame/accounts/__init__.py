"""Organisations, practitioners, vetting and training, sign-in with two factors."""
