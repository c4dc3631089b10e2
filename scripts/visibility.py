#!/usr/bin/env python3
"""Narrow everything that is not part of fundflow's public library API to `pub(crate)`.

Issue 17 item 5: every `pub` item and field under src/ (except src/lib.rs, src/main.rs and
src/cli/, which are the API's front door and the binary) becomes `pub(crate)` unless a user
of the library needs it: the binary (src/main.rs + src/cli/, a separate crate), examples/,
benches/, tests/ and the doc tests.

How it decides, from the compiler rather than from guesses:

1. Every `pub` (not `pub(crate)`, `pub(super)`, `pub(in ..)`) in the files it manages is
   rewritten to `pub(crate)`, except the items listed in scripts/visibility-kept.txt.
2. `cargo check --release --all-targets --message-format=json` runs. Each privacy error
   (E0603 private item or module, E0616/E0451 private field, E0624 private method or
   associated item, E0364/E0365 re-export of a crate-private item, ...) and each
   `private_interfaces` / `private_bounds` warning names the item that must stay public,
   through the span of its "defined here" / "only usable at visibility" note, or (for fields
   and re-exports, which have no such note) by name. Those items get `pub` back and are
   added to the kept list.
3. Step 2 repeats until the check passes (the library must compile before the binary,
   tests and examples are checked, so it takes a few rounds). Then the doc tests run
   (`cargo test --release --doc`; they are not part of `--all-targets`) and their privacy
   errors are handled the same way.

The kept list is keyed by file and item path, never by line number, e.g.

    src/model.rs	struct Dataset
    src/model.rs	field Dataset.grants
    src/model.rs	field Pence.0
    src/model.rs	fn Dataset::new
    src/measures/mod.rs	use period::{Period, Window}
    src/render/mod.rs	mod charts

so the script is idempotent and can be re-run after other branches merge: run

    python3 scripts/visibility.py

from the repository root on the merged tree. Items already listed stay `pub`; new `pub`
items are narrowed and kept only if something outside the crate needs them; entries whose
item has gone (renamed, moved, deleted) are reported and dropped. A second run on an
unchanged tree changes nothing.

An entry followed by `# reason` is a decision made by a person (an item kept public as
documented API although nothing outside the crate uses it yet, say); the script never
drops those unless the item is gone. `--fresh` forgets every entry without a reason and
works the list out again from scratch (useful when users of the library stopped needing
something). `--no-check` only applies the list (no cargo), `--dry-run` writes nothing and
prints what it would narrow.

It ends with `cargo fmt` (a longer marker can push a line past the width).

What it does not do: dead code that narrowing reveals (`never used` warnings) and rustdoc
links from public docs to now crate-private items (private_intra_doc_links) need a
person's decision; the script lists them at the end. It does not touch src/lib.rs, so a
module there whose contents are all crate-private stays `pub mod` until someone makes it
private; the script lists such modules too.

Standard library only (Python 3.11).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEPT = ROOT / "scripts" / "visibility-kept.txt"
EXCLUDED = {"src/lib.rs", "src/main.rs"}
EXCLUDED_DIRS = ("src/cli/",)

# Privacy errors whose notes or message name the item to make public again.
PRIVACY_ERRORS = {"E0603", "E0616", "E0451", "E0624", "E0364", "E0365", "E0423", "E0425"}
PRIVACY_LINTS = {"private_interfaces", "private_bounds"}

ITEM_KINDS = {"fn", "struct", "enum", "const", "static", "type", "trait", "mod", "use", "union"}
QUALIFIERS = {"unsafe", "async", "extern", "default"}

KEPT_HEADER = """\
# Items under src/ that stay `pub`: written by scripts/visibility.py (see its header), one
# item a line as `file<TAB>kind path`; everything else under src/ (except lib.rs, main.rs
# and cli/) is `pub(crate)`. An entry with a `# reason` after it is a person's decision and
# survives `--fresh`; the others are what the compiler asked for.
"""


# --------------------------------------------------------------------------- lexing


@dataclass
class Tok:
    kind: str  # "id", "punct", "lit", "life"
    text: str
    start: int  # byte offset (files are read as latin-1, so str index == byte offset)
    end: int


def lex(src: str) -> list[Tok]:
    """Rust tokens without comments; literals collapsed to one token each."""
    toks: list[Tok] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c.isspace():
            i += 1
            continue
        if src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if src.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if src.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif src.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
            continue
        # raw strings: r"..", r#".."#, br"..", also raw identifiers r#name
        m = re.compile(r'(b|c)?r(#*)"').match(src, i)
        if m:
            close = '"' + m.group(2)
            j = src.find(close, m.end())
            j = n if j < 0 else j + len(close)
            toks.append(Tok("lit", src[i:j], i, j))
            i = j
            continue
        m = re.compile(r"r#([A-Za-z_][A-Za-z0-9_]*)").match(src, i)
        if m:
            toks.append(Tok("id", m.group(1), i, m.end()))
            i = m.end()
            continue
        if c == '"' or (c in "bc" and src.startswith('"', i + 1)):
            j = i + (1 if c == '"' else 2)
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            toks.append(Tok("lit", src[i : j + 1], i, j + 1))
            i = j + 1
            continue
        if c == "'" or (c == "b" and src.startswith("'", i + 1)):
            k = i + (1 if c == "'" else 2)
            # char literal: 'x', '\n', '\u{..}', '\''; otherwise a lifetime or label
            m = re.compile(r"(\\u\{[0-9a-fA-F]+\}|\\x[0-9a-fA-F]{2}|\\.|[^\\'])'").match(src, k)
            if m:
                toks.append(Tok("lit", src[i : m.end()], i, m.end()))
                i = m.end()
                continue
            m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").match(src, k)
            j = m.end() if m else k
            toks.append(Tok("life", src[i:j], i, j))
            i = j
            continue
        m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").match(src, i)
        if m:
            toks.append(Tok("id", m.group(0), i, m.end()))
            i = m.end()
            continue
        m = re.compile(r"[0-9][0-9A-Za-z_]*(\.[0-9][0-9A-Za-z_]*)?").match(src, i)
        if m:
            toks.append(Tok("lit", m.group(0), i, m.end()))
            i = m.end()
            continue
        if src.startswith("::", i):
            toks.append(Tok("punct", "::", i, i + 2))
            i += 2
            continue
        toks.append(Tok("punct", c, i, i + 1))
        i += 1
    return toks


# --------------------------------------------------------------------------- items


@dataclass
class Vis:
    """One visibility marker in a managed file and the item or field it belongs to."""

    file: str  # relative path, e.g. src/model.rs
    start: int  # offset of `pub`
    end: int  # end of the marker (`pub` or `pub(crate)`)
    crate: bool  # currently `pub(crate)`
    key: str  # e.g. "fn Dataset::new"
    name: str  # the item's own name ("new"), or the use path for `use`
    container: str  # "Dataset" for fields and methods, "" at module level
    reach: int  # offset up to which a diagnostic span still means this item
    uses: list[str] = field(default_factory=list)  # names a `use` brings in


def strip_generics(toks: list[Tok]) -> list[Tok]:
    out, depth = [], 0
    for t in toks:
        if t.text == "<":
            depth += 1
        elif t.text == ">" and depth:
            depth -= 1
        elif depth == 0:
            out.append(t)
    return out


def block_name(header: list[Tok]) -> str:
    """A name for the `{`/`(` block whose header (tokens since the last `;`, `{`, `}`) is given."""
    # drop attributes
    clean: list[Tok] = []
    i = 0
    while i < len(header):
        if header[i].text == "#" and i + 1 < len(header) and header[i + 1].text in ("[", "!"):
            depth, i = 0, i + 1
            while i < len(header):
                if header[i].text == "[":
                    depth += 1
                elif header[i].text == "]":
                    depth -= 1
                    if depth == 0:
                        break
                i += 1
            i += 1
            continue
        clean.append(header[i])
        i += 1
    texts = [t.text for t in clean]
    ids = [t.text for t in clean if t.kind == "id"]
    if "impl" in texts:
        rest = clean[texts.index("impl") + 1 :]
        rest = strip_generics(rest)
        words = [t.text for t in rest]
        if "where" in words:
            words = words[: words.index("where")]
        if "for" in words:
            trait = "".join(words[: words.index("for")])
            ty = "".join(words[words.index("for") + 1 :])
            return f"impl {trait} for {ty}"
        ty = "".join(words)
        return ty.split("::")[-1]
    for kw in ("struct", "enum", "union", "trait", "mod"):
        if kw in ids:
            k = texts.index(kw)
            if k + 1 < len(clean) and clean[k + 1].kind == "id":
                return clean[k + 1].text
    if "fn" in ids:
        k = texts.index("fn")
        if k + 1 < len(clean):
            return "fn " + clean[k + 1].text
    return "{}"


def scan(rel: str, src: str) -> list[Vis]:
    """Every `pub`/`pub(crate)` marker in a file, with the key of the item it marks."""
    toks = lex(src)
    out: list[Vis] = []
    # stack of (opening char, name, kind-of-container, tuple-field counter)
    stack: list[dict] = []
    header_start = 0
    for idx, t in enumerate(toks):
        if t.text in ("{", "("):
            if t.text == "{":
                name = block_name(toks[header_start:idx])
            else:
                # a tuple struct's field list: `struct Name(` at module level
                h = [x.text for x in toks[header_start:idx]]
                name = "{}"
                if "struct" in h and (not stack or stack[-1]["open"] == "{"):
                    k = h.index("struct")
                    if k + 1 < len(h):
                        name = h[k + 1]
                name = name if name != "{}" else "()"
            stack.append({"open": t.text, "name": name, "commas": 0, "paren": 0})
            if t.text == "{":
                header_start = idx + 1
            continue
        if t.text in ("}", ")"):
            if stack:
                stack.pop()
            if t.text == "}":
                header_start = idx + 1
            continue
        if t.text == ";" and (not stack or stack[-1]["open"] == "{"):
            header_start = idx + 1
            continue
        if t.text == "," and stack:
            # fields end at commas: the next field's header starts after it
            stack[-1]["commas"] += 1
            if stack[-1]["open"] == "{":
                header_start = idx + 1
            continue
        if not (t.kind == "id" and t.text == "pub"):
            continue
        # the marker: `pub` or `pub(...)`
        end, crate = t.end, False
        j = idx + 1
        if j < len(toks) and toks[j].text == "(":
            inner = []
            k = j + 1
            while k < len(toks) and toks[k].text != ")":
                inner.append(toks[k].text)
                k += 1
            if inner != ["crate"]:
                continue  # pub(super), pub(in path), pub(self): not ours
            crate, end, j = True, toks[k].end, k + 1
        # skip qualifiers to the item keyword
        k = j
        while k < len(toks) and (toks[k].text in QUALIFIERS or toks[k].kind == "lit"):
            k += 1
        if k < len(toks) and toks[k].text == "const" and k + 1 < len(toks) and toks[k + 1].text in ("fn", "unsafe", "async", "extern"):
            k += 1
            while k < len(toks) and (toks[k].text in QUALIFIERS or toks[k].kind == "lit"):
                k += 1
        names = [s["name"] for s in stack if s["open"] == "{" and s["name"] not in ("{}",)]
        inner = stack[-1] if stack else None
        container = ""
        if inner is not None and inner["open"] == "{" and inner["name"] not in ("{}",):
            container = inner["name"]
        mods = "::".join(names[:-1]) if container else "::".join(names)
        kw = toks[k].text if k < len(toks) else ""
        uses: list[str] = []
        if kw in ITEM_KINDS and not (inner and inner["open"] == "(") and not (
            k + 1 < len(toks) and toks[k + 1].text == ":"
        ):
            if kw == "use":
                m = k + 1
                while m < len(toks) and toks[m].text != ";":
                    m += 1
                path = ""
                for x in toks[k + 1 : m]:
                    if x.text == "as" or (path and path[-1] not in ":{ " and x.kind == "id" and path[-1].isalnum()):
                        path += " "
                    path += " " if x.text == "," and False else ""
                    path += x.text + (" " if x.text == "," else "")
                    if x.text == "as":
                        path += " "
                path = path.replace(",, ", ", ").replace(", }", "}")
                name = path
                reach = toks[m].start if m < len(toks) else toks[-1].end
                body = toks[k + 1 : m]
                for a, b in zip(body, body[1:] + [Tok("punct", ";", 0, 0)]):
                    if a.kind == "id" and b.text in (",", "}", ";") and a.text != "self":
                        uses.append(a.text)
                key = f"use {path}"
            else:
                nm = toks[k + 1] if k + 1 < len(toks) else None
                name = nm.text if nm else "?"
                reach = nm.end if nm else t.end
                where = f"{container}::" if container else ""
                prefix = f"{mods}::" if mods else ""
                if container and container.startswith("fn "):
                    where = ""
                key = f"{kw} {prefix}{where}{name}"
        elif inner is not None and inner["open"] == "(":
            # tuple struct field
            name = str(inner["commas"])
            m = k
            depth = 0
            while m < len(toks):
                if toks[m].text in "([<{":
                    depth += 1
                elif toks[m].text in ")]>}":
                    if depth == 0:
                        break
                    depth -= 1
                elif toks[m].text == "," and depth == 0:
                    break
                m += 1
            reach = toks[m].start if m < len(toks) else t.end
            outer = [s["name"] for s in stack[:-1] if s["open"] == "{" and s["name"] != "{}"]
            prefix = "::".join(outer)
            prefix = f"{prefix}::" if prefix else ""
            container = inner["name"]
            key = f"field {prefix}{container}.{name}"
        else:
            # named field `pub name: Type`
            nm = toks[k] if k < len(toks) else None
            name = nm.text if nm else "?"
            reach = nm.end if nm else t.end
            prefix = f"{mods}::" if mods else ""
            key = f"field {prefix}{container}.{name}"
        out.append(Vis(rel, t.start, end, crate, key, name, container, reach, uses))
    return out


def managed_files() -> list[str]:
    files = []
    for p in sorted((ROOT / "src").rglob("*.rs")):
        rel = p.relative_to(ROOT).as_posix()
        if rel in EXCLUDED or rel.startswith(EXCLUDED_DIRS):
            continue
        files.append(rel)
    return files


def read(rel: str) -> str:
    return (ROOT / rel).read_bytes().decode("latin-1")


def write(rel: str, text: str) -> None:
    (ROOT / rel).write_bytes(text.encode("latin-1"))


def module_of(rel: str) -> str:
    """crate::a::b for src/a/b.rs or src/a/b/mod.rs."""
    parts = Path(rel).with_suffix("").parts[1:]
    if parts and parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return "::".join(("crate",) + tuple(parts))


# --------------------------------------------------------------------------- kept list


@dataclass
class Entry:
    file: str
    key: str
    reason: str = ""


def load_kept() -> dict[tuple[str, str], Entry]:
    kept: dict[tuple[str, str], Entry] = {}
    if not KEPT.exists():
        return kept
    for line in KEPT.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        body, _, reason = line.partition("\t#")
        parts = body.split("\t")
        if len(parts) != 2:
            sys.exit(f"{KEPT}: cannot read line {line!r} (want file<TAB>key[<TAB># reason])")
        kept[(parts[0], parts[1].strip())] = Entry(parts[0], parts[1].strip(), reason.strip())
    return kept


def save_kept(kept: dict[tuple[str, str], Entry]) -> None:
    lines = [KEPT_HEADER]
    for (f, k), e in sorted(kept.items()):
        lines.append(f"{f}\t{k}" + (f"\t# {e.reason}" if e.reason else "") + "\n")
    KEPT.write_text("".join(lines), encoding="utf-8")


# --------------------------------------------------------------------------- edits


def set_markers(edits: dict[str, list[tuple[Vis, str]]]) -> None:
    for rel, changes in edits.items():
        text = read(rel)
        for v, marker in sorted(changes, key=lambda c: -c[0].start):
            text = text[: v.start] + marker + text[v.end :]
        write(rel, text)


def scan_all() -> dict[str, list[Vis]]:
    return {rel: scan(rel, read(rel)) for rel in managed_files()}


# --------------------------------------------------------------------------- diagnostics


def run_check() -> list[dict]:
    cmd = ["cargo", "check", "--keep-going", "--release", "--all-targets", "--message-format=json"]
    print("$", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    diags = []
    for line in proc.stdout.splitlines():
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        if msg.get("reason") == "compiler-message":
            diags.append(msg["message"])
    return diags


def run_doctests() -> tuple[bool, list[dict]]:
    """Doc tests' privacy errors, read from rustdoc's human output into span-like dicts."""
    cmd = ["cargo", "test", "--release", "--doc"]
    print("$", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    text = proc.stdout + "\n" + proc.stderr
    diags = []
    for block in re.split(r"\n(?=error(?:\[E\d+\])?:)", text):
        m = re.match(r"error\[(E\d+)\]: (.*)", block)
        if not m:
            continue
        spans = []
        for note in re.finditer(r"note: ([^\n]*)\n\s*--> ([^:\n]+):(\d+):(\d+)", block):
            spans.append({"note": note.group(1), "file": note.group(2), "line": int(note.group(3)), "col": int(note.group(4))})
        diags.append({"code": m.group(1), "message": m.group(2), "notes": spans})
    return proc.returncode == 0, diags


def offset_of(rel: str, line: int, col: int) -> int:
    text = read(rel)
    pos = 0
    for _ in range(line - 1):
        pos = text.index("\n", pos) + 1
    return pos + col - 1


def vis_at(items: dict[str, list[Vis]], rel: str, offset: int) -> Vis | None:
    """The marker whose item a diagnostic span starting at `offset` points at."""
    rel = rel.removeprefix(str(ROOT) + "/")
    best = None
    for v in items.get(rel, []):
        if v.start <= offset <= v.reach and (best is None or v.start > best.start):
            best = v
    return best


def by_name(items: dict[str, list[Vis]], name: str, container: str | None = None, module: str | None = None) -> list[Vis]:
    found = []
    for rel, vs in items.items():
        if module and module_of(rel) != module:
            continue
        for v in vs:
            if container is not None and v.container != container:
                continue
            if v.name == name or (v.key.startswith("use ") and name in v.uses):
                found.append(v)
    return found


def resolve_reexport(items: dict[str, list[Vis]], diag: dict) -> list[Vis]:
    """E0364/E0365: `pub use a::b::X` of a crate-private X: find X in module a::b."""
    m = re.search(r"`([A-Za-z_][A-Za-z0-9_]*)`", diag["message"])
    if not m:
        return []
    name = m.group(1)
    found = []
    for span in diag.get("spans", []):
        rel = span["file_name"]
        here = module_of(rel)
        text = "".join(t["text"] for t in span.get("text", []))
        # the path as written, e.g. `model::Dataset` inside `pub use model::Dataset;`
        snippet = text[span["text"][0]["highlight_start"] - 1 : span["text"][0]["highlight_end"] - 1] if span.get("text") else ""
        path = snippet.strip().split("::")
        # find the `use` statement's module prefix
        line = text
        um = re.search(r"use\s+([A-Za-z_:]+?)(?:::\{|::" + re.escape(name) + r"\b)", line)
        prefix = um.group(1).split("::") if um else path[:-1]
        if prefix and prefix[0] == "crate":
            mod = "::".join(prefix)
        elif prefix and prefix[0] == "self":
            mod = "::".join([here] + prefix[1:])
        elif prefix and prefix[0] == "super":
            mod = "::".join(here.split("::")[:-1] + prefix[1:])
        else:
            mod = "::".join([here] + prefix)
        found += [v for v in by_name(items, name, "", mod) if not v.key.startswith("field")]
        # a module re-export: `mod name;` in the parent module
        found += [v for v in by_name(items, name, None, mod) if v.key.startswith("mod ")]
    return found


def to_restore(items: dict[str, list[Vis]], diags: list[dict]) -> tuple[list[Vis], list[dict]]:
    restore: list[Vis] = []
    unresolved: list[dict] = []
    for d in diags:
        code = (d.get("code") or {}).get("code") if isinstance(d.get("code"), dict) else d.get("code")
        if d.get("level") not in ("error", "warning") and "notes" not in d:
            continue
        if code not in PRIVACY_ERRORS and code not in PRIVACY_LINTS:
            continue
        got: list[Vis] = []
        if "notes" in d:  # from the doc tests' human output
            for n in d["notes"]:
                if "defined here" in n["note"] or "usable at" in n["note"]:
                    rel = n["file"]
                    if rel in items:
                        v = vis_at(items, rel, offset_of(rel, n["line"], n["col"]))
                        if v:
                            got.append(v)
        elif code in ("E0364", "E0365"):
            # the note points at the `use` itself; the item is found through its path
            got += resolve_reexport(items, d)
        else:
            for child in d.get("children", []):
                msg = child.get("message", "")
                if code in PRIVACY_LINTS and "only usable at visibility" not in msg:
                    continue
                for s in child.get("spans", []):
                    v = vis_at(items, s["file_name"], s["byte_start"])
                    if v:
                        got.append(v)
            for s in d.get("spans", []):
                # a private tuple-struct constructor points at the fields themselves
                for lab in [s.get("label") or ""]:
                    if "private field" in lab or "defined here" in lab:
                        v = vis_at(items, s["file_name"], s["byte_start"])
                        if v:
                            got.append(v)
        if not got and code in ("E0616", "E0451"):
            m = re.search(r"fields? (.*) of (?:struct|union|enum|variant) `([^`]+)` (?:is|are) private", d["message"])
            if m:
                ty = re.sub(r"<.*", "", m.group(2)).split("::")[-1]
                for fld in re.findall(r"`([^`]+)`", m.group(1)):
                    got += [v for v in by_name(items, fld, ty) if v.key.startswith("field")]
        if got:
            restore += got
        elif code in PRIVACY_ERRORS or code in PRIVACY_LINTS:
            unresolved.append(d)
    return restore, unresolved


def rendered(d: dict) -> str:
    return d.get("rendered") or f"error[{d.get('code')}]: {d.get('message')}"


def fmt() -> int:
    """`pub(crate)` lengthens lines: rustfmt wraps them again."""
    print("$ cargo fmt", flush=True)
    return subprocess.run(["cargo", "fmt"], cwd=ROOT).returncode


# --------------------------------------------------------------------------- main


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fresh", action="store_true", help="forget entries without a reason and work them out again")
    ap.add_argument("--no-check", action="store_true", help="apply the list only; do not run cargo")
    ap.add_argument("--dry-run", action="store_true", help="write nothing; print what would be narrowed")
    ap.add_argument("--max-rounds", type=int, default=20)
    args = ap.parse_args()

    kept = load_kept()
    if args.fresh:
        kept = {k: e for k, e in kept.items() if e.reason}
    items = scan_all()

    present = {(v.file, v.key) for vs in items.values() for v in vs}
    for k in sorted(set(kept) - present):
        print(f"dropping {k[0]}\t{k[1]}: no such item now" + (f" (reason was: {kept[k].reason})" if kept[k].reason else ""))
        del kept[k]

    # 1. narrow everything not kept; widen what is kept (a merged branch may have narrowed it)
    edits: dict[str, list[tuple[Vis, str]]] = {}
    narrowed = widened = 0
    for rel, vs in items.items():
        for v in vs:
            want_pub = (rel, v.key) in kept
            if want_pub and v.crate:
                edits.setdefault(rel, []).append((v, "pub"))
                widened += 1
            elif not want_pub and not v.crate:
                edits.setdefault(rel, []).append((v, "pub(crate)"))
                narrowed += 1
    print(f"narrowing {narrowed} markers, widening {widened} listed ones")
    if args.dry_run:
        for rel, changes in sorted(edits.items()):
            for v, marker in changes:
                print(f"  {rel}\t{v.key}\t-> {marker}")
        return 0
    set_markers(edits)
    if args.no_check:
        save_kept(kept)
        return fmt()

    # 2-3. restore what the compiler asks for, until it compiles
    doc_phase = False
    for round_ in range(1, args.max_rounds + 1):
        items = scan_all()
        if not doc_phase:
            diags = run_check()
            errors = [d for d in diags if d.get("level") == "error"]
        else:
            ok, diags = run_doctests()
            errors = [] if ok else diags
        restore, unresolved = to_restore(items, diags)
        restore = [v for v in restore if v.crate]
        for v in restore:
            kept.setdefault((v.file, v.key), Entry(v.file, v.key))
        keys = sorted({(v.file, v.key) for v in restore})
        print(f"round {round_}{' (doc tests)' if doc_phase else ''}: {len(errors)} errors, restoring {len(keys)} items")
        for f, k in keys:
            print(f"  pub  {f}\t{k}")
        if restore:
            # a doc test's fix can call for more (a field's type): check again
            doc_phase = False
            # every marker with a restored key (cfg twins share one key)
            wanted = set(keys)
            edits = {}
            for rel, vs in items.items():
                for v in vs:
                    if v.crate and (rel, v.key) in wanted:
                        edits.setdefault(rel, []).append((v, "pub"))
            set_markers(edits)
            save_kept(kept)
            continue
        if errors or unresolved:
            for d in unresolved or errors:
                print(rendered(d) if isinstance(d, dict) and "rendered" in d else d, file=sys.stderr)
            save_kept(kept)
            print("stopped: errors the script cannot attribute to an item (above)", file=sys.stderr)
            return 1
        if not doc_phase:
            doc_phase = True
            leftover = diags
            continue
        break
    else:
        save_kept(kept)
        print("stopped: too many rounds", file=sys.stderr)
        return 1
    save_kept(kept)

    # what needs a person: dead code, rustdoc links, empty modules in lib.rs
    dead = [d for d in leftover if d.get("code") and d["code"].get("code") in ("dead_code", "unused_imports")]
    seen = set()
    for d in dead:
        s = next((s for s in d.get("spans", []) if s.get("is_primary")), None)
        where = f"{s['file_name']}:{s['line_start']}" if s else "?"
        if (where, d["message"]) in seen:
            continue
        seen.add((where, d["message"]))
        print(f"dead code: {where}: {d['message']}")
    items = scan_all()
    public_mods = set()
    for rel, vs in items.items():
        if any(not v.crate for v in vs):
            public_mods.add(module_of(rel).split("::")[1])
    lib = read("src/lib.rs")
    for m in re.finditer(r"^pub mod (\w+);", lib, re.M):
        if m.group(1) not in public_mods:
            print(f"src/lib.rs: module `{m.group(1)}` has no public item left; make it private")
    if fmt():
        return 1
    total = sum(len(vs) for vs in items.values())
    pub = sum(1 for vs in items.values() for v in vs if not v.crate)
    print(f"done: {pub} `pub` markers kept of {total}; kept list has {len(kept)} entries ({KEPT.relative_to(ROOT)})")
    print('next: RUSTDOCFLAGS="-D warnings" cargo doc --release --no-deps (private_intra_doc_links), '
          "cargo clippy --release --all-targets -- -D warnings (dead code)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
