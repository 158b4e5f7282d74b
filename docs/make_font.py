"""Build the theme's text face: Charis SIL (SIL Open Font License 1.1), cut to the Latin characters
a bilingual diary writes (English, pinyin with tone marks, typographic punctuation), as WOFF2.

The OFL reserves the names "Charis" and "SIL" for the original fonts, so the cut is renamed
"Riji Text"; its license and the original copyright notices travel with it in OFL.txt.

Run by hand when the face or the character set changes (Debian's package holds the source fonts):
    apt-get install fonts-sil-charis && pip install 'fonttools[woff]'
    python docs/make_font.py
"""
from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

SOURCE = Path("/usr/share/fonts/truetype/charis")
OUT = Path(__file__).resolve().parent.parent / "themes" / "default" / "static" / "fonts"
FAMILY = "Riji Text"
STYLES = {"Regular": "regular", "Italic": "italic", "Bold": "bold", "BoldItalic": "bold-italic"}
# Latin-1, Latin Extended-A, the pinyin vowels of Latin Extended-B and their combining marks,
# general punctuation, arrows (the footnote's ↑), euro, trade mark, minus.
UNICODES = ("U+0000-00FF,U+0100-017F,U+01CD-01DC,U+0300-0304,U+0308,U+030C,U+2000-206F,"
            "U+20AC,U+2122,U+2190-2193,U+2212,U+FFFD")
FEATURES = "kern,liga,clig,calt,ccmp,locl,mark,mkmk,onum,lnum,tnum,pnum"


def build(style: str, slug: str) -> Path:
    out = OUT / f"riji-text-{slug}.woff2"
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = FEATURES.split(",")
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep copyright, version and license fields
    options.hinting = False  # screens scale outlines; hints only add bytes
    options.desubroutinize = True
    font = TTFont(SOURCE / f"CharisSIL-{style}.ttf")
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
    subsetter.subset(font)
    rename(font, style)
    font.flavor = "woff2"
    font.save(out)
    return out


def rename(font: TTFont, style: str) -> None:
    """The reserved names must not be the primary name of a modified version (OFL condition 3)."""
    pretty = {"BoldItalic": "Bold Italic"}.get(style, style)
    family, sub = FAMILY, pretty
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 2, 3, 4, 6, 16, 17, 18, 21, 22, 25):
            names.removeNames(nameID=record.nameID)
    postscript = f"{FAMILY.replace(' ', '')}-{style}"
    names.removeNames(nameID=13)  # the full license text is OFL.txt beside the files
    names.setName("This Font Software is licensed under the SIL Open Font License, Version 1.1: see OFL.txt.",
                  13, 3, 1, 0x409)
    for name_id, text in ((1, family), (2, sub), (3, f"riji:{postscript}"), (4, f"{family} {sub}".replace(" Regular", "")),
                          (6, postscript)):
        names.setName(text, name_id, 3, 1, 0x409)
    if "CFF " in font:
        font["CFF "].cff.fontNames = [postscript]


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for style, slug in STYLES.items():
        path = build(style, slug)
        print(f"{path.name}: {path.stat().st_size} bytes", file=sys.stderr)
