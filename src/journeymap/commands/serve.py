"""`journeymap serve`: a live preview of maps in the browser, drawn again on every save."""

import signal
import threading
from typing import Annotated

import typer

from journeymap.commands import common
from journeymap.errors import UsageProblem
from journeymap.serve import Preview


def register(app: typer.Typer) -> None:
    app.command()(serve)


def serve(
    paths: Annotated[list[str], typer.Argument(help="Map files or folders to preview.")],
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port on 127.0.0.1 (0: any free one).")] = 8000,
    config: common.ConfigFile = None,
    max_bytes: common.MaxBytes = common.DEFAULT_MAX_BYTES,
    debug: common.Debug = False,
) -> None:
    """Preview maps in the browser on 127.0.0.1; pages are drawn again and reload when a map is saved."""

    def run() -> int:
        project = common.project(config, max_bytes)
        try:
            preview = Preview(paths, project, port)
        except OSError as exc:
            raise UsageProblem(f"cannot listen on 127.0.0.1:{port} ({exc.strerror}); choose another --port") from None
        for problem in preview.drawing.problems:
            common.error(problem)
        # Ctrl-C sets the event the watcher stops on: a KeyboardInterrupt raised wherever the main
        # thread happens to be (importing the watcher, inside its native loop) was now and then
        # not seen for 20 s and more
        stop, interrupted = threading.Event(), threading.Event()

        def on_interrupt(_signum: int, _frame: object) -> None:
            interrupted.set()
            stop.set()

        previous = signal.signal(signal.SIGINT, on_interrupt)
        try:
            preview.serve_in_background()
            common.say(f"Previewing {len(preview.drawing.pages) - 1} map(s) at {preview.url} (Ctrl-C stops)")
            if not stop.is_set():
                preview.watch(stop, lambda d: common.say(f"Drew the maps again (version {d.version})."))
        finally:
            signal.signal(signal.SIGINT, previous)
            stop.set()
            preview.close()
        if interrupted.is_set():
            common.say("journeymap: interrupted")
            return 130
        return common.EXIT_OK

    common.run(debug, run)
