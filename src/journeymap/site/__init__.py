"""A static catalog of every map below a folder: an index to browse and search, and a page per map.

Journey management from plain files: the index shows each map's owner, last
review, lifecycle coverage, open pain points by severity and lint status; each
map gets its web page (the HTML render) with its lint findings and links to
the maps it names in `related`. It needs no server and loads nothing from the
network: it works from `file://` and GitHub Pages. The index's search and
filter are a few lines of inline script, allowed by a Content-Security-Policy
hash and nothing else. Broken maps are listed as broken, never silently left out:
those that are not valid, and those whose page cannot be drawn (a persona photo
it may not read); every page is made before any file is written.
"""
