"""Lint: the gaps a journey-mapping practitioner would flag in a valid map."""
