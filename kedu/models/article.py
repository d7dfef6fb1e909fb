"""The typed content model of a patient-education article.

An :class:`Article` is metadata plus an ordered list of typed sections.  Every
section, list item and FAQ entry carries an ``id`` (a slug) that is unique in the
article: translation catalogs key on these ids, so a translation survives edits
elsewhere and reordering.

Text fields come in two kinds: :data:`InlineText` may carry inline markup
(see :mod:`kedu.models.inline`), :data:`PlainText` may not.  Both reject empty
text and characters that XML (and so .docx and many PDF tools) cannot hold, and
collapse runs of whitespace, so YAML line folding never leaks into a handout.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AnyUrl,
    BaseModel,
    ConfigDict,
    Field,
    UrlConstraints,
    model_validator,
)

from kedu.limits import check_text_length
from kedu.models.inline import parse_runs

__all__ = [
    "SLUG_PATTERN",
    "Article",
    "CallToActionSection",
    "CalloutSection",
    "ContactKind",
    "FaqEntry",
    "FaqSection",
    "ImageCredit",
    "ImageSection",
    "InlineText",
    "ListItem",
    "ListSection",
    "Organization",
    "PlainText",
    "ProseSection",
    "Section",
    "Slug",
    "TextSegment",
]

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# XML 1.0 cannot hold C0 controls, surrogates or U+FFFE/U+FFFF; DEL and the C1
# controls (U+007F-U+009F) it can, but they print as boxes or nothing at all and
# are always a sign of text decoded with the wrong charset.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Explicit bidi formatting: an isolate (LRI/RLI/FSI ... PDI) or embedding (LRE/RLE
# ... PDF) left open changes the order of everything printed after it, and an
# override (LRO/RLO) shows letters in an order other than the one written:
# "10 mg" could read "gm 01".
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
_BIDI_OPENERS = {"\u2066": "\u2069", "\u2067": "\u2069", "\u2068": "\u2069",
                 "\u202a": "\u202c", "\u202b": "\u202c"}
_SPACE_RUN = re.compile(r"\s+")


class FieldValueError(ValueError):
    """A model-level validation error that knows which field it is about."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be printed as it is (control characters, unbalanced or
    overriding bidi controls), or None.  Shared by the model and ``kedu i18n check``."""
    bad = _CONTROL.search(value)
    if bad:
        return (
            f"contains the control character U+{ord(bad.group()):04X} at character "
            f"{bad.start() + 1}, which documents cannot hold"
        )
    if _BIDI_CONTROL.search(value) is None:
        return None
    open_: list[tuple[str, int]] = []
    for match in _BIDI_CONTROL.finditer(value):
        char, at = match.group(), match.start() + 1
        if char in ("\u202d", "\u202e"):
            return (
                f"contains the bidi override U+{ord(char):04X} at character {at}, which "
                "shows letters out of order; use an isolate (U+2066-U+2069) instead"
            )
        if char in _BIDI_OPENERS:
            open_.append((char, at))
        elif open_ and _BIDI_OPENERS[open_[-1][0]] == char:
            open_.pop()
        else:
            return f"the bidi control U+{ord(char):04X} at character {at} closes nothing"
    if open_:
        char, at = open_[-1]
        return (
            f"the bidi control U+{ord(char):04X} at character {at} is never closed "
            f"(U+{ord(_BIDI_OPENERS[char]):04X})"
        )
    return None


def _clean(value: str) -> str:
    check_text_length(value)
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    value = _SPACE_RUN.sub(" ", value).strip()
    if not value:
        raise ValueError("must not be empty")
    return value


def _check_inline(value: str) -> str:
    value = _clean(value)
    parse_runs(value)  # MarkupError is a ValueError: pydantic reports it with the field path
    return value


PlainText = Annotated[str, AfterValidator(_clean)]
"""Text without markup (alt text, credits, names)."""

InlineText = Annotated[str, AfterValidator(_check_inline)]
"""Text that may use inline markup: ``**bold**``, ``*italic*``, ``[text](url)``."""

Slug = Annotated[
    str,
    Field(
        pattern=SLUG_PATTERN,
        max_length=64,
        description="Stable identifier: lowercase letters, digits and single hyphens.",
    ),
]

WebUrl = Annotated[AnyUrl, UrlConstraints(allowed_schemes=["http", "https"])]

ContactKind = Literal["phone", "website", "email", "address"]
_ALL_CONTACTS: tuple[ContactKind, ...] = ("phone", "website", "email", "address")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Organization(_Model):
    """Who publishes the handout; every field is optional."""

    name: PlainText | None = Field(
        default=None, description="Organization name, printed on every page."
    )
    phone: PlainText | None = Field(
        default=None, description="Phone number as patients should dial it."
    )
    website: WebUrl | None = Field(default=None, description="Public website (http or https).")
    email: PlainText | None = Field(default=None, description="Contact e-mail address.")
    address: PlainText | None = Field(default=None, description="Postal address, one line.")
    country: str = Field(
        default="US",
        pattern=r"^[A-Z]{2}$",
        description="Country (ISO 3166 code, e.g. US, GB) in which phone numbers without "
        "a +country code are read and printed in national format.",
    )
    emergency_number: PlainText = Field(
        default="911",
        description="Emergency number, printed where a text says {emergency} (112 in the EU).",
    )
    crisis_line: PlainText | None = Field(
        default=None,
        description="Crisis line (988 in the US), printed after kedu's disclaimer and where a "
        "text says {crisis_line}.",
    )


class ImageCredit(_Model):
    """Credit for a photo used with the article (metadata; not printed as body text)."""

    author: PlainText = Field(description="Photographer or creator.")
    source: PlainText | None = Field(
        default=None, description="Where the image comes from, e.g. Pexels."
    )
    url: WebUrl | None = Field(default=None, description="Link to the original image.")


class _Section(_Model):
    id: Slug = Field(description="Stable id of the section, unique in the article.")


class ProseSection(_Section):
    """A heading followed by paragraphs."""

    type: Literal["prose"] = Field(description="Section kind.")
    heading: InlineText = Field(description="Section heading.")
    paragraphs: list[InlineText] = Field(min_length=1, description="Body paragraphs, in order.")


class ListItem(_Model):
    """One entry of a list section: a short term and what it means."""

    id: Slug = Field(description="Stable id of the item, unique in the article.")
    term: InlineText = Field(description="Short term, printed in bold (e.g. 'Euphoria').")
    description: InlineText = Field(description="What the term means for the patient.")


class ListSection(_Section):
    """A heading, optional intro, term/description items and an optional outro."""

    type: Literal["list"] = Field(description="Section kind.")
    heading: InlineText = Field(description="Section heading.")
    intro: InlineText | None = Field(default=None, description="Paragraph before the items.")
    items: list[ListItem] = Field(min_length=1, description="The items, in order.")
    outro: InlineText | None = Field(default=None, description="Paragraph after the items.")


class FaqEntry(_Model):
    """A question and its answer."""

    id: Slug = Field(description="Stable id of the entry, unique in the article.")
    question: InlineText = Field(description="The question, as a patient would ask it.")
    answer: InlineText = Field(description="The answer, one paragraph.")


class FaqSection(_Section):
    """Frequently asked questions."""

    type: Literal["faq"] = Field(description="Section kind.")
    heading: InlineText = Field(description="Section heading.")
    entries: list[FaqEntry] = Field(min_length=1, description="Question/answer pairs, in order.")


class CalloutSection(_Section):
    """A highlighted note, warning or tip."""

    type: Literal["callout"] = Field(description="Section kind.")
    kind: Literal["note", "warning", "tip"] = Field(
        default="note", description="How strongly the box stands out: note, warning or tip."
    )
    heading: InlineText | None = Field(default=None, description="Optional heading inside the box.")
    text: InlineText = Field(description="The message of the box.")


class ImageSection(_Section):
    """A picture with alt text; the file lives next to the article."""

    type: Literal["image"] = Field(description="Section kind.")
    src: PlainText = Field(description="Image file path, relative to the article file.")
    alt: PlainText = Field(description="What the picture shows, for screen readers (required).")
    caption: InlineText | None = Field(
        default=None, description="Caption printed under the picture."
    )
    credit: PlainText | None = Field(
        default=None, description="Photographer or source, printed small."
    )


class CallToActionSection(_Section):
    """What the patient should do next, with the organization's contact details."""

    type: Literal["call_to_action"] = Field(description="Section kind.")
    heading: InlineText = Field(description="Heading of the box.")
    text: InlineText = Field(description="The invitation to get in touch.")
    show: list[ContactKind] = Field(
        default_factory=lambda: list(_ALL_CONTACTS),
        description="Which organization contact details to print, in this order.",
    )


Section = Annotated[
    ProseSection | ListSection | FaqSection | CalloutSection | ImageSection | CallToActionSection,
    Field(discriminator="type"),
]
"""Any section; the ``type`` key selects the kind."""


class TextSegment(BaseModel):
    """One translatable piece of an article, as found by :meth:`Article.segments`."""

    model_config = ConfigDict(frozen=True)

    path: str = Field(description="Stable id path, e.g. 'risks/tolerance/description'.")
    field: str = Field(description="Python-style field path, e.g. 'sections[3].items[2].term'.")
    text: str = Field(description="The source text, inline markup included.")
    role: str = Field(description="What the text is, for translators (e.g. 'FAQ question').")
    section_heading: str | None = Field(
        default=None, description="Heading of the enclosing section."
    )


class Article(_Model):
    """A patient-education article: metadata and an ordered list of sections."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={"title": "kedu article"},
    )

    id: Slug = Field(description="Article id; names catalogs and output files.")
    title: InlineText = Field(description="Title printed at the top of the handout.")
    subtitle: InlineText | None = Field(default=None, description="Optional line under the title.")
    summary: InlineText | None = Field(
        default=None, description="One-paragraph summary under the title."
    )
    language: str = Field(
        default="en",
        pattern=r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$",
        description="Source language as a BCP 47 tag (e.g. en, es, zh-Hans).",
    )
    organization: Organization = Field(
        default_factory=Organization, description="Publisher and contact details."
    )
    review_date: date | None = Field(
        default=None, description="When a clinician last reviewed the content (YYYY-MM-DD)."
    )
    keywords: list[PlainText] = Field(
        default_factory=list,
        description="Search keywords in the source language: document metadata, never "
        "printed, left out of translated documents.",
    )
    canonical_url: WebUrl | None = Field(
        default=None, description="Where the article lives online."
    )
    disclaimer: InlineText | None = Field(
        default=None,
        description="Medical disclaimer; kedu's translated default is used when absent."
    )
    image_credits: list[ImageCredit] = Field(
        default_factory=list, description="Credits for photos used with the article."
    )
    sections: list[Section] = Field(min_length=1, description="The body, in reading order.")

    def __repr__(self) -> str:
        # An article is long: name it and count its parts instead of dumping it.
        return (
            f"Article(id={self.id!r}, title={self.title!r}, language={self.language!r}, "
            f"{len(self.sections)} sections)"
        )

    __str__ = __repr__

    @model_validator(mode="after")
    def _ids_are_unique(self) -> Article:
        seen: dict[str, str] = {}
        for where, ident in self._ids():
            if ident in seen:
                raise FieldValueError(
                    f"duplicate id {ident!r} (already used at {seen[ident]})", field=where
                )
            seen[ident] = where
        return self

    def _ids(self) -> Iterator[tuple[str, str]]:
        for i, section in enumerate(self.sections):
            yield f"sections[{i}].id", section.id
            if isinstance(section, ListSection):
                for j, item in enumerate(section.items):
                    yield f"sections[{i}].items[{j}].id", item.id
            elif isinstance(section, FaqSection):
                for j, entry in enumerate(section.entries):
                    yield f"sections[{i}].entries[{j}].id", entry.id

    def segments(self) -> Iterator[TextSegment]:
        """Every translatable text, in reading order, with its stable id path.

        Paths are ``<section id>/<field>``, ``<section id>/p<n>`` for paragraphs and
        ``<section id>/<item id>/<field>`` for list items and FAQ entries: they
        depend on ids only, never on positions, so catalogs survive reordering.
        """
        for field, role in _ARTICLE_TEXTS:
            text = getattr(self, field)
            if text is not None:
                yield TextSegment(path=field, field=field, text=text, role=role)
        for i, section in enumerate(self.sections):
            yield from _section_segments(section, f"sections[{i}]")
        if self.disclaimer is not None:
            yield TextSegment(
                path="disclaimer",
                field="disclaimer",
                text=self.disclaimer,
                role="Medical disclaimer at the end",
            )

    def with_texts(self, texts: dict[str, str]) -> Article:
        """A copy with the segments named by path (see :meth:`segments`) replaced.

        The copy is validated again, so a translation with broken markup fails
        here with the field path, never later in an exporter.
        """
        data = self.model_dump(mode="python")
        fields = {s.path: s.field for s in self.segments()}
        for path, text in texts.items():
            _set_by_field_path(data, fields[path], text)
        return Article.model_validate(data)


_ARTICLE_TEXTS = (
    ("title", "Article title"),
    ("subtitle", "Article subtitle"),
    ("summary", "Summary under the title"),
)
# Text fields of each section kind, in reading order, with what they are for the
# translator ("{kind}" is a callout's kind).  A field naming a list of entries
# (items, entries) expands to the entries' own fields from _ENTRY_TEXTS.
_SECTION_TEXTS: dict[str, tuple[tuple[str, str], ...]] = {
    "prose": (("heading", "Section heading"), ("paragraphs", "Paragraph {n}")),
    "list": (
        ("heading", "Section heading"),
        ("intro", "Paragraph before the list"),
        ("items", ""),
        ("outro", "Paragraph after the list"),
    ),
    "faq": (("heading", "Section heading"), ("entries", "")),
    "callout": (("heading", "Heading of a {kind} box"), ("text", "Text of a {kind} box")),
    "image": (("alt", "Image description for screen readers"), ("caption", "Image caption")),
    "call_to_action": (("heading", "Contact box heading"), ("text", "Contact box text")),
}
_ENTRY_TEXTS: dict[str, tuple[tuple[str, str], ...]] = {
    "items": (
        ("term", "List item term (printed in bold; keep it short)"),
        ("description", "List item description"),
    ),
    "entries": (("question", "FAQ question"), ("answer", "FAQ answer")),
}


def _section_segments(section: BaseModel, where: str) -> Iterator[TextSegment]:
    sid = section.id  # type: ignore[attr-defined]
    heading = getattr(section, "heading", None)
    kind = getattr(section, "kind", "")
    for field, role in _SECTION_TEXTS[section.type]:  # type: ignore[attr-defined]
        value = getattr(section, field)
        if field in _ENTRY_TEXTS:
            for j, entry in enumerate(value):
                for sub, sub_role in _ENTRY_TEXTS[field]:
                    yield TextSegment(
                        path=f"{sid}/{entry.id}/{sub}",
                        field=f"{where}.{field}[{j}].{sub}",
                        text=getattr(entry, sub),
                        role=sub_role,
                        section_heading=heading,
                    )
        elif field == "paragraphs":
            for n, text in enumerate(value, 1):
                yield TextSegment(
                    path=f"{sid}/p{n}",
                    field=f"{where}.paragraphs[{n - 1}]",
                    text=text,
                    role=role.format(n=n),
                    section_heading=heading,
                )
        elif value is not None:
            yield TextSegment(
                path=f"{sid}/{field}",
                field=f"{where}.{field}",
                text=value,
                role=role.format(kind=kind),
                section_heading=heading,
            )


_FIELD_STEP = re.compile(r"([A-Za-z_]+)(?:\[(\d+)\])?")


def _set_by_field_path(data: dict[str, object], field: str, value: str) -> None:
    steps = [(m.group(1), m.group(2)) for m in _FIELD_STEP.finditer(field)]
    node: object = data
    for n, (name, index) in enumerate(steps):
        last = n == len(steps) - 1
        assert isinstance(node, dict)
        if index is None:
            if last:
                node[name] = value
            else:
                node = node[name]
        else:
            seq = node[name]
            assert isinstance(seq, list)
            if last:
                seq[int(index)] = value
            else:
                node = seq[int(index)]
