"""Changing a map's text in place: spans of nodes, id occurrences, safe fixes and id renames.

Edits are made by position on the file's own text, never by dumping the data again, so
comments, key order, quoting and line breaks stay as the author wrote them.
"""
