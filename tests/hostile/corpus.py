"""The hostile corpus: each file in corpus/ and what `validate` says of it."""

from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"

# corpus map -> (exit code, rule of its first finding); the file's name says what it tests
MAPS = {
    "alias-bomb": (1, "JM004"),
    "bom-crlf": (0, None),
    "control-escape": (1, "JM010"),
    "deep-flow": (1, "JM004"),
    "emoji-rtl-combining": (0, None),
    "injection": (0, None),
    "latin1": (1, "JM006"),
    "lone-surrogate": (1, "JM001"),
    "long-name": (1, "JM010"),
    "markup-text": (0, None),
    "nul-byte": (1, "JM005"),
    "python-tag": (1, "JM003"),
    "tabs": (1, "JM001"),
}


def corpus_files() -> list[Path]:
    files = sorted(CORPUS.glob("*.journey.yaml"))
    assert {f.name.removesuffix(".journey.yaml") for f in files} == set(MAPS)
    return files
