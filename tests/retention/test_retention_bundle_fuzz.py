"""Property tests of the bundle verifier: whatever is changed in a bundle, the verifier answers
(never an exception) and the change never verifies — unless it left the content as it was (a
blank line, JSON spelled differently). A fixed number of examples, so CI stays fast."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainwarden.retention.bundle import FILES, BundleUnreadable, verify_bundle

from support.bundles import Exported, members, pack

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _meaning(files: dict[str, bytes]) -> Any:
    """What a bundle says, independent of how its JSON is spelled; ``None`` if unreadable."""
    try:
        lines = [
            json.loads(raw.decode()) for raw in files["entries.jsonl"].split(b"\n") if raw.strip()
        ]
        return (
            json.loads(files["manifest.json"].decode()),
            lines,
            json.loads(files["tree_head.json"].decode()),
            files["public_key.pem"].strip(),
        )
    except (KeyError, ValueError):
        return None


def _readable_members(bundle: bytes) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(bundle)) as z:
            return {n: z.read(n) for n in FILES if n in z.namelist()}
    except Exception:
        return {}


def _check(exported: Exported, mutated: bytes) -> None:
    try:
        report = verify_bundle(mutated)
    except BundleUnreadable:
        return
    assert report.to_json()["ok"] is report.ok  # the report is complete whatever happened
    if report.ok:
        assert _meaning(_readable_members(mutated)) == _meaning(members(exported.bundle))


@FUZZ
@given(
    name=st.sampled_from(FILES),
    edits=st.lists(
        st.tuples(st.integers(min_value=0), st.binary(max_size=4)), min_size=1, max_size=4
    ),
)
def test_changed_bytes_in_a_member_never_crash_or_verify(
    exported: Exported, name: str, edits: list[tuple[int, bytes]]
) -> None:
    files = members(exported.bundle)
    data = bytearray(files[name])
    for position, replacement in edits:
        at = position % (len(data) + 1)
        data[at : at + len(replacement) or at + 1] = replacement
    files[name] = bytes(data)
    _check(exported, pack(files))


@FUZZ
@given(
    edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=8)
)
def test_changed_bytes_in_the_zip_never_crash_or_verify(
    exported: Exported, edits: list[tuple[int, int]]
) -> None:
    data = bytearray(exported.bundle)
    for position, value in edits:
        data[position % len(data)] = value
    _check(exported, bytes(data))


# Lone surrogates and huge numbers as well: JSON can carry them, Python's encoders choke on them.
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["\ud800", "x\udfff", 2**64, -1]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@FUZZ
@given(data=st.data())
def test_changed_fields_and_lines_never_crash_or_verify(
    exported: Exported, data: st.DataObject
) -> None:
    files = members(exported.bundle)
    lines = files["entries.jsonl"].splitlines()
    operation = data.draw(
        st.sampled_from(["field", "duplicate", "drop", "move", "head", "manifest"])
    )
    pick = st.integers(0, len(lines) - 1)
    if operation == "field":
        number = data.draw(pick)
        line = json.loads(lines[number])
        line[data.draw(st.sampled_from(sorted(line)))] = data.draw(JSON_VALUES)
        lines[number] = json.dumps(line).encode()
    elif operation == "duplicate":
        lines.insert(data.draw(pick), lines[data.draw(pick)])
    elif operation == "drop":
        del lines[data.draw(pick)]
    elif operation == "move":
        lines.insert(data.draw(pick), lines.pop(data.draw(pick)))
    else:
        name = "tree_head.json" if operation == "head" else "manifest.json"
        document = json.loads(files[name])
        document[data.draw(st.sampled_from(sorted(document)))] = data.draw(JSON_VALUES)
        files[name] = json.dumps(document).encode()
    files["entries.jsonl"] = b"".join(line + b"\n" for line in lines)
    _check(exported, pack(files))
