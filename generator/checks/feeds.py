"""Every XML file of the build (feeds, podcast feeds, sitemap) parses, and the URLs of this site it
names (item links, enclosures, cover images, sitemap locations) exist in the build.

Feed readers are far stricter than browsers: one bad byte and the whole feed is rejected. This
reads only the XML itself, not the renderers that wrote it."""
from __future__ import annotations

from .problem import Problem
from .resolve import SiteMap

try:  # lxml reports the line of every element; the standard library only that of a syntax error
    from lxml import etree as _lxml
except ImportError:  # pragma: no cover - lxml is optional
    _lxml = None
import xml.etree.ElementTree as _stdlib

URL_ATTRIBUTES = ("href", "url", "src")
URL_ELEMENTS = {"link", "loc", "guid", "id", "comments", "url"}


def _parse(data: bytes):
    """(root element, None) or (None, (line, message))."""
    if _lxml is not None:
        parser = _lxml.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        try:
            return _lxml.fromstring(data, parser), None
        except _lxml.XMLSyntaxError as exc:
            return None, (exc.lineno, exc.msg)
    try:
        return _stdlib.fromstring(data), None
    except _stdlib.ParseError as exc:
        return None, (exc.position[0], str(exc))


def check_xml(files: dict[str, bytes], site: SiteMap) -> list[Problem]:
    problems: list[Problem] = []
    for path, data in sorted(files.items()):
        root, error = _parse(data)
        if root is None:
            line, message = error
            problems.append(Problem(path, line, f"is not well-formed XML, so readers will reject it: {message}"))
            continue
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue  # comments and processing instructions
            name = element.tag.rpartition("}")[2]
            values = [element.get(a) for a in URL_ATTRIBUTES if element.get(a)]
            if name in URL_ELEMENTS and element.text:
                values.append(element.text.strip())
            for value in values:
                if not value.startswith(site.base_url):
                    continue
                target = site.resolve(value, site.base_url)
                if target.kind == "internal" and site.file_for(target.path) is None:
                    problems.append(Problem(path, getattr(element, "sourceline", None),
                                            f"<{name}> names {value}, which is not built", value))
    return problems
