"""Formats journeymap translates to and from: Mermaid journey diagrams in, CSV out."""
