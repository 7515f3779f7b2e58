"""`journeymap lsp`: a Language Server Protocol server for journey maps, over standard input and output.

It is built on the standard library (JSON-RPC with Content-Length framing, a reader thread, a
debounce timer) rather than pygls: importing pygls and lsprotocol alone takes about a second
on a CI-sized machine, and an editor starts the server every time it opens a map.
"""
