"""Tagged PDF (PDF/UA-1): marked content while drawing, the structure tree after.

reportlab writes no structure, so kedu tags its PDFs in two steps:

1. **While drawing**, every flowable that prints content opens a marked-content
   sequence with a fresh MCID around it (``/P <</MCID 3>> BDC … EMC``, through
   reportlab's public ``canvas.addLiteral``) and records the MCID, with its page,
   in the :class:`Node` of the structure tree it belongs to; page furniture,
   rules and box backgrounds are wrapped as ``/Artifact``.  Nodes are created
   when the story is built, from the document tree, in reading order; drawing
   only fills in where their content landed — so a paragraph split over two
   pages is one element with marked content on both.
2. **After reportlab has written the file**, :func:`finish` (pikepdf) writes the
   ``StructTreeRoot`` from the nodes with its ``ParentTree``, ``MarkInfo``,
   ``/Lang``, ``ViewerPreferences``, ``/Tabs /S``, the link annotations'
   ``/Contents`` and ``/StructParent``, XMP metadata claiming PDF/UA-1, and the
   bookmarks, which open the page where their heading is drawn, at the heading.

Only standard structure types of PDF 1.7 are used, so no RoleMap is needed.
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Literal

__all__ = ["Bookmark", "Marks", "Node", "Role", "finish"]

Role = Literal[
    "Document", "H1", "H2", "H3", "P", "L", "LI", "Lbl", "LBody", "Figure", "Caption",
    "Div", "Link", "Span",
]


@dataclass(frozen=True, slots=True)
class _Content:
    """A marked-content sequence: MCID ``mcid`` on page ``page`` (0-based)."""

    page: int
    mcid: int


@dataclass(frozen=True, slots=True)
class _Annotation:
    """The ``index``-th annotation kedu drew on page ``page``."""

    page: int
    index: int


@dataclass(eq=False)
class Node:
    """One structure element.

    ``kids`` holds child nodes (added when the story is built, in reading
    order) and the marked content and annotations drawn for this element
    (added while drawing, in drawing order).  ``lang`` is set only where the
    element's language differs from the document's.
    """

    role: Role
    lang: str | None = None
    alt: str | None = None
    title: str | None = None
    kids: list[Node | _Content | _Annotation] = field(default_factory=list)
    _drawn: bool | None = field(default=None, repr=False)

    def add(self, role: Role, *, lang: str | None = None, alt: str | None = None,
            title: str | None = None) -> Node:
        """A new child element, after the ones added before."""
        child = Node(role, lang, alt, title)
        self.kids.append(child)
        return child

    def elements(self) -> list[Node]:
        """The child elements, in reading order."""
        return [k for k in self.kids if isinstance(k, Node)]

    def pages(self) -> set[int]:
        """The pages (0-based) where this element's content was drawn."""
        out = {k.page for k in self.kids if isinstance(k, _Content)}
        for child in self.elements():
            out |= child.pages()
        return out

    def drawn(self) -> bool:
        """Whether anything of this element reached a page."""
        if self._drawn is None:
            self._drawn = any(not isinstance(k, Node) or k.drawn() for k in self.kids)
        return self._drawn


@dataclass(frozen=True, slots=True)
class Bookmark:
    """An outline entry: its title and level, and where its heading was drawn."""

    title: str
    level: int
    page: int
    top: float


class Marks:
    """The drawing side of tagging: hands out MCIDs per page and remembers the
    link annotations and bookmarks drawn, for :func:`finish`.

    One instance belongs to one PDF build; flowables reach it through the
    canvas (``canv.marks``, set by the handout canvas).
    """

    def __init__(self) -> None:
        self._next_mcid: dict[int, int] = {}
        self.links: dict[int, list[tuple[Node, str]]] = {}
        self.bookmarks: list[Bookmark] = []

    def begin(self, canv: Any, node: Node) -> None:
        """Open a marked-content sequence for ``node``; :meth:`end` closes it."""
        page = canv.getPageNumber() - 1
        mcid = self._next_mcid.get(page, 0)
        self._next_mcid[page] = mcid + 1
        node.kids.append(_Content(page, mcid))
        canv.addLiteral(f"/{node.role} <</MCID {mcid}>> BDC")

    @staticmethod
    def end(canv: Any) -> None:
        canv.addLiteral("EMC")

    @contextmanager
    def content(self, canv: Any, node: Node) -> Iterator[None]:
        """Mark what is drawn inside the block as content of ``node``."""
        self.begin(canv, node)
        try:
            yield
        finally:
            self.end(canv)

    @staticmethod
    @contextmanager
    def artifact(canv: Any) -> Iterator[None]:
        """Mark what is drawn inside the block as an artifact (not content)."""
        canv.addLiteral("/Artifact BMC")
        try:
            yield
        finally:
            canv.addLiteral("EMC")

    def link(self, canv: Any, node: Node, description: str) -> None:
        """Record that the next link annotation drawn on this page belongs to
        ``node`` (a ``Link`` element); ``description`` becomes its ``/Contents``."""
        page = canv.getPageNumber() - 1
        links = self.links.setdefault(page, [])
        node.kids.append(_Annotation(page, len(links)))
        links.append((node, description))

    def bookmark(self, canv: Any, title: str, level: int, top: float) -> None:
        """An outline entry for a heading whose top is at ``top`` (page space)."""
        self.bookmarks.append(Bookmark(title, level, canv.getPageNumber() - 1, top))


# --- after drawing: the structure tree ------------------------------------------------------


@dataclass(frozen=True)
class Properties:
    """What the catalog and the XMP metadata say about the document."""

    title: str
    lang: str
    author: str | None
    subject: str | None
    keywords: Sequence[str]
    creator: str
    created: str
    """ISO 8601 date-time (from the review date, so the output is reproducible)."""


def finish(pdf: bytes, root: Node, marks: Marks, props: Properties) -> bytes:
    """``pdf`` with its structure tree, bookmarks and PDF/UA metadata; same input,
    same bytes."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    doc = pikepdf.Pdf.open(io.BytesIO(pdf))
    pages = list(doc.pages)
    page_refs = [p.obj for p in pages]
    struct_root = doc.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    parents: dict[int, dict[int, Any]] = {i: {} for i in range(len(pages))}
    annotation_parents: list[Any] = []

    annotations: dict[int, list[Any]] = {}
    for number, page in enumerate(pages):
        annots = [a for a in page.obj.get("/Annots", Array())
                  if a.get("/Subtype") == Name.Link]
        expected = marks.links.get(number, [])
        if len(annots) != len(expected):
            raise AssertionError(
                f"page {number + 1}: {len(annots)} link annotations drawn, "
                f"{len(expected)} recorded for the structure tree"
            )
        annotations[number] = annots

    roles: dict[str, Any] = {}
    struct_elem, mcr, objr = Name.StructElem, Name.MCR, Name.OBJR

    def element(node: Node, parent: Any) -> Any | None:
        # Few calls into pikepdf per element: they dominate this step's time.
        if not node.drawn():
            return None
        role = roles.get(node.role)
        if role is None:
            role = roles[node.role] = Name("/" + node.role)
        fields: dict[str, Any] = {"Type": struct_elem, "S": role, "P": parent}
        if node.lang:
            fields["Lang"] = String(node.lang)
        if node.alt is not None:
            fields["Alt"] = String(node.alt)
        if node.title:
            fields["T"] = String(node.title)
        first_page = next((k.page for k in node.kids if isinstance(k, _Content)), None)
        if first_page is not None:
            fields["Pg"] = page_refs[first_page]
        elem = doc.make_indirect(Dictionary(**fields))
        kids: list[Any] = []
        for kid in node.kids:
            if isinstance(kid, Node):
                child = element(kid, elem)
                if child is not None:
                    kids.append(child)
            elif isinstance(kid, _Content):
                if kid.page == first_page:
                    kids.append(kid.mcid)
                else:
                    kids.append(Dictionary(Type=mcr, Pg=page_refs[kid.page], MCID=kid.mcid))
                parents[kid.page][kid.mcid] = elem
            else:
                annot = annotations[kid.page][kid.index]
                _owner, description = marks.links[kid.page][kid.index]
                annot.Contents = String(description)
                annot.StructParent = len(pages) + len(annotation_parents)
                annotation_parents.append(elem)
                kids.append(Dictionary(Type=objr, Obj=annot, Pg=page_refs[kid.page]))
        # One kid is written on its own (a heading's one MCID), not as an array.
        elem.K = kids[0] if len(kids) == 1 else Array(kids)
        return elem

    top = element(root, struct_root)
    struct_root.K = top if top is not None else Array()
    nums = Array()
    for number in range(len(pages)):
        by_mcid = parents[number]
        nums.append(number)
        nums.append(doc.make_indirect(Array([by_mcid[m] for m in sorted(by_mcid)])))
    for offset, elem in enumerate(annotation_parents):
        nums.append(len(pages) + offset)
        nums.append(elem)
    struct_root.ParentTree = doc.make_indirect(Dictionary(Nums=nums))
    struct_root.ParentTreeNextKey = len(pages) + len(annotation_parents)
    for number, page in enumerate(pages):
        page.obj.StructParents = number
        page.obj.Tabs = Name.S

    catalog = doc.Root
    catalog.StructTreeRoot = struct_root
    catalog.MarkInfo = Dictionary(Marked=True)
    catalog.Lang = String(props.lang)
    catalog.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    producer = str(doc.docinfo.get("/Producer", ""))
    catalog.Metadata = doc.make_stream(_xmp(props, producer).encode("utf-8"),
                                       Type=Name.Metadata, Subtype=Name.XML)
    _outline(doc, catalog, page_refs, marks.bookmarks)

    out = io.BytesIO()
    # reportlab's streams are written through untouched (no decode/re-encode);
    # the XMP names no PDF version, so qpdf need not parse it to fix one.
    doc.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             compress_streams=True, stream_decode_level=pikepdf.StreamDecodeLevel.none,
             fix_metadata_version=False)
    return out.getvalue()


def escape(text: str) -> str:
    """``text`` for XML character data (``&``, ``<``, ``>``), as
    ``xml.sax.saxutils.escape`` does; that module would import ``urllib.request``
    and ``http.client`` into every export (15 ms), ``html`` is loaded anyway."""
    return html.escape(text, quote=False)


def _outline(doc: Any, catalog: Any, page_refs: list[Any], bookmarks: list[Bookmark]) -> None:
    """Bookmarks, nested by level, each opening its heading's page at the heading."""
    from pikepdf import Array, Dictionary, Name, String

    if "/Outlines" in catalog:
        del catalog["/Outlines"]
    if not bookmarks:
        return
    outlines = doc.make_indirect(Dictionary(Type=Name.Outlines))
    # (dictionary, children) per open level; level 0 is the outline root.
    stack: list[tuple[Any, list[Any]]] = [(outlines, [])]
    finished: list[tuple[Any, list[Any]]] = []
    for mark in bookmarks:
        item = doc.make_indirect(Dictionary(
            Title=String(mark.title),
            Dest=Array([page_refs[mark.page], Name.XYZ, None, round(mark.top, 2), None]),
        ))
        while len(stack) > mark.level + 1:
            finished.append(stack.pop())
        while len(stack) < mark.level + 1:  # a level skipped: hang it on the last item
            parent_children = stack[-1][1]
            if not parent_children:
                break
            stack.append((parent_children[-1], []))
        parent, children = stack[-1]
        item.Parent = parent
        children.append(item)
        stack.append((item, []))
    finished.extend(reversed(stack))
    for parent, children in finished:
        if not children:
            continue
        parent.First, parent.Last = children[0], children[-1]
        for a, b in pairwise(children):
            a.Next, b.Prev = b, a
        parent.Count = len(children) + sum(int(c.get("/Count", 0)) for c in children)
    catalog.Outlines = outlines
    catalog.PageMode = Name.UseOutlines


def _xmp(props: Properties, producer: str) -> str:
    """The XMP packet: Dublin Core title, language, author and subject, and the
    PDF/UA identification.  Written from a template rather than with pikepdf's
    metadata editor, which stamps the current time (output would change on every
    run) and imports lxml for a packet this small."""

    def alt(value: str) -> str:
        return (f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(value)}</rdf:li></rdf:Alt>')

    creator = (f"<dc:creator><rdf:Seq><rdf:li>{escape(props.author)}</rdf:li></rdf:Seq>"
               "</dc:creator>" if props.author else "")
    subject = f"<dc:description>{alt(props.subject)}</dc:description>" if props.subject else ""
    keywords = (f"<pdf:Keywords>{escape(', '.join(props.keywords))}</pdf:Keywords>"
                if props.keywords else "")
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about=""'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        ' xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
        "<dc:format>application/pdf</dc:format>"
        f"<dc:title>{alt(props.title)}</dc:title>"
        f"<dc:language><rdf:Bag><rdf:li>{escape(props.lang)}</rdf:li></rdf:Bag></dc:language>"
        f"{creator}{subject}{keywords}"
        f"<pdf:Producer>{escape(producer)}</pdf:Producer>"
        f"<xmp:CreatorTool>{escape(props.creator)}</xmp:CreatorTool>"
        f"<xmp:CreateDate>{props.created}</xmp:CreateDate>"
        f"<xmp:ModifyDate>{props.created}</xmp:ModifyDate>"
        "<pdfuaid:part>1</pdfuaid:part>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    )
