"""Event logs damaged the ways real exports are: made from a good log by the test itself."""

from __future__ import annotations

import gzip
from pathlib import Path


def damaged_logs(good: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, the start of the one line both engines must print) for a ragged row near
    the top and one far down (past DuckDB's sniffing sample), a 0-byte file and a gzip whose
    compressed bytes are garbled part way."""
    lines = good.read_text(encoding="utf-8").splitlines(keepends=True)
    width = lines[0].count(",") + 1
    folder = good.parent
    made: dict[str, tuple[Path, str]] = {}
    for name, row in (("early", 3), ("late", len(lines) - 5)):
        ragged = [*lines[: row], "u1,ad_impression\n", *lines[row + 1:]]
        path = folder / f"{name}.csv"
        path.write_text("".join(ragged), encoding="utf-8")
        made[name] = (path, f"{path.resolve()}, row {row} (line {row + 1}): 2 fields where the header has {width}")
    empty = folder / "zero.csv"
    empty.write_bytes(b"")
    made["empty"] = (empty, f"{empty.resolve()}: the file is empty (0 bytes)")
    packed = bytearray(gzip.compress("".join(lines).encode("utf-8")))
    middle = len(packed) // 2
    packed[middle: middle + 64] = bytes(b ^ 0x5A for b in packed[middle: middle + 64])
    garbled = folder / "garbled.csv.gz"
    garbled.write_bytes(bytes(packed))
    made["gzip"] = (garbled, f"{garbled.resolve()}, row ")
    return made
