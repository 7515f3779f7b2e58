"""journeymap diff: what a change did to a journey, by id, for reviewers and CI.

Data flows one way: bytes -> `sides` (parse, schema, model, findings) ->
`compare` (pair maps by id, then path) -> `engine` (change records) and
`lint_delta` (findings introduced and fixed) -> `records` -> `present`
(text, markdown, json). `git` reads maps at a revision.
"""
