"""Small text helpers: one line, bounded, no control characters; slugs and file stems.

Map text is untrusted: a message that quotes it must not carry a terminal escape
sequence or a newline into a CI log, nor run to megabytes; a picture or page
must not carry a character its language cannot hold. The character sets are
written once here, and each output takes the ones it must keep out.
"""

from __future__ import annotations

import json
import re
import unicodedata

from journeymap.schema_values import ID_MAX

C0 = "\x00-\x08\x0b\x0c\x0e-\x1f"  # control characters, but tab, line feed and carriage return
LINE_CONTROLS = "\t\n\r"
C1 = "\x7f-\x9f"
SEPARATORS = "\u2028\u2029"  # line and paragraph separators: line breaks to some readers
BIDI = "\u200e\u200f\u202a-\u202e\u2066-\u2069"  # marks and overrides that make text read backwards
NON_XML = "\ud800-\udfff\ufffe\uffff"  # code points XML 1.0 cannot carry, even escaped


def characters(*sets: str) -> re.Pattern[str]:
    """A pattern matching any one character of the given sets."""
    return re.compile(f"[{''.join(sets)}]")


CONTROL = characters(C0, C1, SEPARATORS)  # what the schema refuses in map text
_UNSAFE_IN_OUTPUT = characters(C0, C1, NON_XML)
MAP_SUFFIXES = (".journey.yaml", ".journey.yml")


def _folded(text: object) -> str:
    return " ".join(str(text).split())


def one_line(text: object) -> str:
    """For messages: whitespace folded to single spaces, control characters shown as \\xNN."""
    line = str(text)
    # most messages and paths are printable already (no control character, separator or space
    # but ' ') with single spaces: returned as they are (a folder run writes one a finding)
    if line.isprintable() and "  " not in line and line[:1] != " " and line[-1:] != " ":
        return line
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", _folded(line))


def clean(text: object) -> str:
    """For pictures and pages: one line, control characters and what XML cannot carry dropped."""
    if text is None:
        return ""
    # folded again: a dropped character between two spaces (or at an end) must not leave a
    # double or dangling space behind ("Pays \uffff" is "Pays", as Mermaid reads it back)
    return _folded(_UNSAFE_IN_OUTPUT.sub("", _folded(text)))


def short(text: object, limit: int = 60) -> str:
    line = one_line(text)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def slug(text: str, limit: int = ID_MAX) -> str:
    """An id from a name: 'Café Zoë' -> 'cafe-zoe' (accents folded, other letters dropped)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "-".join(re.findall(r"[a-z0-9]+", folded.lower()))[:limit].strip("-")


def map_stem(path: str) -> str:
    """`maps/checkout.journey.yaml` -> `checkout`: the name outputs of a map are named after."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    for suffix in (*MAP_SUFFIXES, ".yaml", ".yml"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


# What the GitHub runner reads as a workflow command in a step's output: a line that starts with
# `::` after any whitespace (`::add-mask::`, `::error::`), and the older `##[command]` anywhere in
# a line. Map text, file names, configuration and event logs reach what journeymap prints, and CI
# runs on strangers' pull requests: a printed event named `::add-mask::2026` must stay text.
_RUNNER_COMMAND = re.compile(r"^([ \t\f\v]*)::|##\[", re.MULTILINE)
_WORD_JOINER = "\u2060"  # invisible, joins nothing: the line reads the same, the runner sees no command


def inert(text: str) -> str:
    """`text` with every workflow command broken, written so its own language still reads it as
    the same text: JSON escapes the `#` (`\\u0023`), XML/HTML/SVG use a character reference, any
    other output (text, Markdown, YAML, diffs) gets an invisible word joiner inside the marker.
    The one place output is made inert: `io.output.emit` (standard output) and `say`/`error`
    (standard error) call it."""
    if _RUNNER_COMMAND.search(text) is None:
        return text
    language = _language(text)
    if language == "json":
        # `#` never occurs outside a JSON string, and `\u0023` is the same character inside one
        return _RUNNER_COMMAND.sub(lambda m: "\\u0023#[" if m.group(1) is None else m.group(), text)
    if language == "markup":
        return _RUNNER_COMMAND.sub(lambda m: "&#35;#[" if m.group(1) is None else f"{m.group(1)}&#58;:", text)
    return _RUNNER_COMMAND.sub(
        lambda m: f"##{_WORD_JOINER}[" if m.group(1) is None else f"{m.group(1)}:{_WORD_JOINER}:", text
    )


def _language(text: str) -> str:
    head = text.lstrip()[:1]
    if head in ("{", "["):
        try:
            json.loads(text)
        except ValueError:
            return "text"
        return "json"
    if head == "<":
        return "markup"
    return "text"


MINUS = "\u2212"


def signed(value: float, digits: int = 1) -> str:
    """A signed number as every picture and report shows one: '+1.5', '−0.5' with a true minus sign
    (U+2212, as wide as the plus, never a hyphen), and '0.0' without a sign when it rounds to zero."""
    shown = f"{value:+.{digits}f}"
    if float(shown) == 0:
        return shown[1:].replace("-", "")
    return shown.replace("-", MINUS)


# a hyphen-minus that signs a number: before a digit, and not after a letter, digit, dot, hyphen,
# quote or slash, which make it part of an id ("step-2"), a date, a range ("3-5"), a flag or a path
_NUMBER_SIGN = re.compile(r"(?<![\w.\-'\"/\\])-(?=\d)")


def true_minus(text: str) -> str:
    """Text for people with the sign of each negative number a true minus sign ("emotion −2"), as
    the pictures write it. Messages are made with ASCII signs, which machine-read formats (JSON,
    SARIF, GitHub annotations, JUnit) keep; the text reporter and the diff's text and Markdown
    put them through this."""
    return _NUMBER_SIGN.sub(MINUS, text) if "-" in text else text
