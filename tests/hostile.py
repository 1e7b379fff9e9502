"""A generator of hostile inputs: what a news firehose really delivers next to good articles."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

GOOD = [
    "Gunmen attacked a police post near Mandera on Sunday, killing two officers, police said.",
    "Protesters marched in Nairobi on Friday against rising prices; police dispersed them with tear gas.",
    "Taliban fighters attacked a checkpoint in Kunduz province on Monday, officials said.",
]

LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
          + ']><html><body><p>&lol9;</p></body></html>')


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "hello " * 1000)
    return buf.getvalue()


def write_corpus(root: Path, big_mb: int = 50) -> tuple[set[str], set[str]]:
    """Write the corpus under `root`; return (ids that must be stored, ids that must be reported)."""
    good, bad = set(), set()

    def put(name: str, data: bytes | str, ok: bool) -> None:
        path = root / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        (good if ok else bad).add(path.stem)

    for i, text in enumerate(GOOD):
        put(f"good{i}.txt", text, True)
    put("good_utf16.txt", "\ufeff".encode("utf-16-le") + GOOD[0].encode("utf-16-le"), True)
    put("good_scripts.html", "<html><body><script>alert('x')</script><iframe src='http://example.invalid'>"
        "</iframe><article><p>" + GOOD[1] + " " + GOOD[2] + "</p></article></body></html>", True)
    put("empty.txt", b"", True)  # empty is not an error: an empty record
    put("blank.txt", " \n\t \n", True)
    put("png.txt", _png(), False)
    put("zip.txt", _zip(), False)
    put("invalid_utf8.txt", bytes(x for x in range(128, 256) if x not in (0xC2, 0xC3)) * 20, False)
    put("arabic_cp1256.txt", ("قالت الشرطة إن مسلحين هاجموا مركزا للشرطة في مدينة سرت يوم الثلاثاء وقتلوا جنديين. " * 5)
        .encode("cp1256"), False)
    put("french.txt", "Les forces gouvernementales ont repris mardi le contrôle de la ville après des combats "
        "violents contre les rebelles, selon un porte-parole de l'armée qui a refusé de donner un bilan.", False)
    put("huge.txt", b"word " * (big_mb * 1024 * 1024 // 5), False)
    put("one_line.txt", b"x" * (2 * 1024 * 1024), False)
    put("deep.html", "<html><body>" + "<div>" * 10000 + "<p>deep</p>" + "</div>" * 10000 + "</body></html>", False)
    put("laughs.html", LAUGHS, False)
    lines = [json.dumps({"id": "jl_good", "text": GOOD[0]}), "{broken json", json.dumps({"id": "jl_num", "text": 42}),
             json.dumps(["not", "an", "object"]), json.dumps({"id": "jl_pub", "text": GOOD[1], "published": 5})]
    (root / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    good.add("jl_good")
    bad.update({"feed.jsonl:2", "jl_num", "feed.jsonl:4", "jl_pub"})
    return good, bad
