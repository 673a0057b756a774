"""Reading and writing the small XML parts of a package by their meaning, whatever their spelling.

Another program may write ``<x:workbook xmlns:x="…">`` where Excel writes
``<workbook xmlns="…">``, declare a prefix on each element instead of the
root, order attributes differently, or add ``mc:Ignorable`` extensions.  lxml
keeps every prefix, declaration and unknown element as it found them; the
code finds elements by namespace and local name (:func:`q`), and an element
it adds takes the prefix its parent already uses for that namespace.
"""

from __future__ import annotations

from lxml import etree

from ..errors import WorkbookError

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False, huge_tree=True)


def q(local: str, ns: str = MAIN) -> str:
    """``{namespace}local``: how an element is named whatever its prefix."""
    return f"{{{ns}}}{local}"


def parse(data: bytes, part: str) -> etree._Element:
    """A part's root element; a :class:`~kpi_xl.errors.WorkbookError` naming the part if it is not XML."""
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as e:
        raise WorkbookError(f"{part}: not well-formed XML ({e.msg}): the file is damaged; "
                            "kpi-xl doctor says more") from None


DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def serialize(root: etree._Element) -> bytes:
    """The part's bytes, with the XML declaration Excel writes."""
    return DECLARATION + etree.tostring(root, encoding="UTF-8", xml_declaration=False)


def elements(parent: etree._Element | None) -> list[etree._Element]:
    """The child elements (no comments or processing instructions)."""
    return [] if parent is None else [c for c in parent if isinstance(c.tag, str)]


def adopt(elem: etree._Element, parent: etree._Element, index: int | None = None) -> etree._Element:
    """A copy of ``elem`` (from another document) as a child of ``parent``, in the parent's prefixes."""
    new = etree.SubElement(parent, elem.tag, dict(elem.attrib))  # SubElement reuses the parent's prefixes
    new.text = elem.text
    for kid in elements(elem):
        adopt(kid, new)
    if index is not None:
        parent.insert(index, new)
    return new


def child(parent: etree._Element, local: str, order: tuple[str, ...], ns: str = MAIN) -> etree._Element:
    """``parent``'s child ``local``, created where the schema puts it (``order``) if it is missing."""
    found = parent.find(q(local, ns))
    if found is not None:
        return found
    later = order[order.index(local) + 1:]
    kids = elements(parent)
    index = next((i for i, k in enumerate(kids) if etree.QName(k).localname in later), None)
    new = etree.SubElement(parent, q(local, ns))
    if index is not None:
        parent.insert(parent.index(kids[index]), new)
    return new
