"""Map the neutral block list of a blog post to kedu article data.

The rules, in order (the module's output says which of them fired):

* the first level-1 heading is the title; blocks before it are reported;
* "Table of Contents" placeholders (and lists of in-page ``#anchor`` links)
  are dropped; "Photo by X from Y" lines become ``image_credits``; a line of
  many short comma-separated phrases becomes ``keywords`` — none of these is
  ever printed as body text;
* the first paragraph before the first section heading is the summary; more
  text there becomes a section with the guessed heading "Introduction";
* every section heading (the shallowest level after the title, normally H2)
  opens a group.  A group named like "Frequently Asked Questions", or whose
  subheadings all end in "?", is an FAQ: each subheading (or a bold question
  paragraph) is a question and the paragraphs under it its answer.  A closing
  paragraph under the last answer that invites the reader to get in touch
  becomes a call-to-action section with a guessed heading;
* in other groups, a bulleted list whose every item starts with a term
  ("**Term** — ...", "Term —- ...", "Term: ...") is a list section; the
  paragraphs before it are its intro, those after it its outro.  Everything
  else is a prose section; subheadings become sections of their own.

Whatever has no place in the format (images, tables, code, unlinkable links,
lists without terms) is kept where it can be and always reported: nothing is
dropped silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kedu.errors import ImportArticleError
from kedu.importers.blocks import (
    Block,
    BulletList,
    Heading,
    Image,
    Paragraph,
    Runs,
    Unmapped,
    clean_runs,
    link_target,
    plain,
    split_lines,
    to_markup,
)
from kedu.importers.heuristics import (
    Credit,
    Slugger,
    invites_contact,
    is_faq_heading,
    is_question,
    is_toc,
    looks_like_contact_heading,
    parse_credit,
    parse_keywords,
    slugify,
    split_term,
)
from kedu.models.inline import Run, escape

__all__ = ["PostMeta", "Structured", "structure"]

CTA_HEADING = "Questions? Contact us"
INTRO_HEADING = "Introduction"
CONTACT_KINDS = ["phone", "website", "email", "address"]


@dataclass
class PostMeta:
    """What a front end found outside the body (front matter, ``<head>``)."""

    title: str | None = None
    summary: str | None = None
    language: str | None = None
    keywords: list[str] = field(default_factory=list)
    canonical_url: str | None = None


@dataclass
class Structured:
    """Article data (plain dicts, in the source format's key order) and the report."""

    data: dict[str, Any]
    inferred: list[str]
    warnings: list[str]


def _snippet(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1].rstrip() + "…")


@dataclass
class _Faq:
    question: Runs
    blocks: list[Block] = field(default_factory=list)


class _Structurer:
    def __init__(self, meta: PostMeta, *, fmt: str, source: str) -> None:
        self.meta = meta
        self.fmt = fmt
        self.source = source
        self.inferred: list[str] = []
        self.warnings: list[str] = []
        self.slugs = Slugger()
        self.credits: list[Credit] = []
        self.keywords: list[str] = []

    # -- reporting ---------------------------------------------------------------

    def infer(self, message: str, *, first: bool = False) -> None:
        if message in self.inferred:
            return
        if first:
            self.inferred.insert(0, message)
        else:
            self.inferred.append(message)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    # -- inline ------------------------------------------------------------------

    def markup(self, runs: Sequence[Run]) -> str:
        fixed: list[Run] = []
        for run in runs:
            href = None
            if run.href is not None:
                href = link_target(run.href, self.meta.canonical_url)
                if href is None:
                    self.warn(
                        f"link {run.href!r} on {_snippet(run.text, 40)} kept as plain text: "
                        "kedu links must be absolute http, https, mailto or tel addresses"
                    )
            fixed.append(Run(run.text, run.bold, run.italic, href))
        return to_markup(clean_runs(fixed))

    def join(self, paragraphs: Sequence[Runs]) -> str:
        return " ".join(self.markup(p) for p in paragraphs)

    # -- pass 1: metadata lines, placeholders, unmappable blocks ----------------------

    def _metadata_line(self, text: str) -> bool:
        if is_toc(text):
            self.infer("dropped the 'Table of Contents' placeholder")
            return True
        credit = parse_credit(text)
        if credit is not None:
            if credit not in self.credits:
                self.credits.append(credit)
            self.infer("photo credit lines ('Photo by X from Y') → image_credits (not printed)")
            return True
        return False

    def _keyword_line(self, text: str) -> bool:
        phrases = parse_keywords(text)
        if phrases is None:
            return False
        known = {k.lower() for k in self.keywords}
        for phrase in phrases:
            if phrase.lower() not in known:
                known.add(phrase.lower())
                self.keywords.append(phrase)
        self.infer(
            f"a line of {len(phrases)} comma-separated phrases → keywords (SEO metadata, "
            "never printed)"
        )
        return True

    def _paragraph(self, para: Paragraph) -> list[Block]:
        whole = " ".join(plain(para.runs).split())
        if self._metadata_line(whole) or self._keyword_line(whole):
            return []
        lines = split_lines(para.runs)
        if len(lines) < 2 or not any(
            is_toc(plain(line)) or parse_credit(plain(line)) for line in lines
        ):
            return [para]
        # A credit or placeholder glued to text by a line break: split it off, and
        # accept a keyword line there too (they travel together at a post's end).
        out: list[Block] = []
        kept: list[Runs] = []
        for line in [*lines, ()]:
            text = plain(line)
            if line and not (self._metadata_line(text) or self._keyword_line(text)):
                kept.append(line)
                continue
            if kept:
                joined: list[Run] = []
                for k, piece in enumerate(kept):
                    joined += [Run("\n")] if k else []
                    joined += piece
                out.append(Paragraph(clean_runs(joined)))
                kept = []
        return out

    def clean(self, blocks: Sequence[Block]) -> list[Block]:
        out: list[Block] = []
        after_toc = False
        for block in blocks:
            was_toc, after_toc = after_toc, False
            if isinstance(block, Paragraph):
                produced = self._paragraph(block)
                after_toc = not produced and is_toc(plain(block.runs))
                out += produced
            elif isinstance(block, Heading):
                if not block.runs:
                    self.warn("an empty heading was ignored")
                elif is_toc(plain(block.runs)):
                    self.infer("dropped the 'Table of Contents' placeholder")
                    after_toc = True
                else:
                    out.append(block)
            elif isinstance(block, BulletList):
                anchors = all(
                    len(item) == 1 and (item[0].href or "").startswith("#") for item in block.items
                )
                if anchors or (was_toc and all(all(r.href for r in item) for item in block.items)):
                    self.infer("dropped the table of contents (a list of in-page links)")
                else:
                    out.append(block)
            elif isinstance(block, Image):
                alt = f" ({_snippet(block.alt, 40)})" if block.alt else ""
                self.warn(
                    f"image {block.src!r}{alt} not imported: put the picture file next to the "
                    "article and add an image section if the handout should show it"
                )
            elif isinstance(block, Unmapped):
                self.warn(f"{block.kind} not imported: {_snippet(block.text)}")
        return out

    # -- pass 2: sections --------------------------------------------------------

    def sections_for(self, heading: Runs | None, body: list[Block], *, last: bool) -> list[Any]:
        text = plain(heading) if heading else ""
        subs = [b for b in body if isinstance(b, Heading)]
        if heading is not None and (
            is_faq_heading(text) or (subs and all(is_question(plain(h.runs)) for h in subs))
        ):
            faq = self.faq(heading, body)
            if faq is not None:
                return faq
        if (
            heading is not None
            and last
            and not subs
            and looks_like_contact_heading(text)
            and body
            and all(isinstance(b, Paragraph) for b in body)
        ):
            self.infer(f"the closing section {_snippet(text)} → call_to_action")
            paragraphs = [b.runs for b in body if isinstance(b, Paragraph)]
            return [self.cta(self.markup(heading), paragraphs)]
        if not subs:
            return self.body(heading, body)
        level = min(h.level for h in subs)
        parts: list[tuple[Runs | None, list[Block]]] = [(heading, [])]
        for block in body:
            if isinstance(block, Heading) and block.level == level:
                parts.append((block.runs, []))
            else:
                parts[-1][1].append(block)
        out: list[Any] = []
        own, rest = parts[0], parts[1:]
        if own[1] or heading is None:
            out += self.body(*own)
        else:
            self.warn(
                f"heading {_snippet(text)} has no text of its own: its subheadings became "
                "sections"
            )
        for k, (sub, blocks) in enumerate(rest):
            out += self.sections_for(sub, blocks, last=last and k == len(rest) - 1)
        if rest:
            self.infer("subheadings inside a section → sections of their own")
        return out

    def body(self, heading: Runs | None, blocks: list[Block]) -> list[Any]:
        heading_text = plain(heading) if heading else INTRO_HEADING
        pending: list[Runs] = []
        lists: list[tuple[list[Runs], BulletList]] = []
        for block in blocks:
            if isinstance(block, Paragraph):
                pending.append(block.runs)
            elif isinstance(block, Heading):
                self.warn(f"subheading {_snippet(plain(block.runs))} kept as a paragraph")
                pending.append(block.runs)
            elif isinstance(block, BulletList):
                if block.items and all(split_term(item) for item in block.items):
                    lists.append((pending, block))
                    pending = []
                else:
                    self.warn(
                        f"a list under {_snippet(heading_text)} has items without a term "
                        "('Term — description'): its items became paragraphs"
                    )
                    pending += list(block.items)
        if not lists and not pending:
            if heading is not None:
                self.warn(f"heading {_snippet(heading_text)} has no text under it: skipped")
            return []
        if heading is None:
            heading_markup = escape(INTRO_HEADING)
            self.warn(
                f"text between the summary and the first section got the guessed heading "
                f"{INTRO_HEADING!r}"
            )
        else:
            heading_markup = self.markup(heading)
        if not lists:
            return [
                {
                    "type": "prose",
                    "id": self.slugs.take(heading_text),
                    "heading": heading_markup,
                    "paragraphs": [self.markup(p) for p in pending],
                }
            ]
        out: list[Any] = []
        for k, (intro, bullets) in enumerate(lists):
            section: dict[str, Any] = {
                "type": "list",
                "id": self.slugs.take(heading_text),
                "heading": heading_markup,
            }
            if intro:
                section["intro"] = self.join(intro)
                if len(intro) > 1:
                    # A list section has one intro paragraph: say so, since the
                    # paragraph break is lost (it may have separated two ideas).
                    self.warn(
                        f"{len(intro)} paragraphs before the list under "
                        f"{_snippet(heading_text)} were joined into its one intro paragraph: "
                        "check the YAML, or move them into a prose section"
                    )
            items = []
            for item in bullets.items:
                split = split_term(item)
                assert split is not None
                term, description = split
                items.append(
                    {
                        "id": self.slugs.take(plain(term), fallback="item"),
                        "term": self.markup(term),
                        "description": self.markup(description),
                    }
                )
            section["items"] = items
            if k == len(lists) - 1 and pending:
                section["outro"] = self.join(pending)
                if len(pending) > 1:
                    self.infer(f"joined {len(pending)} paragraphs into the outro of a list section")
            out.append(section)
            if k:
                self.warn(
                    f"a second list under {_snippet(heading_text)} became its own list section"
                )
        self.infer("bulleted lists of 'Term — description' items → list sections")
        return out

    def faq(self, heading: Runs, body: list[Block]) -> list[Any] | None:
        preamble: list[Block] = []
        entries: list[_Faq] = []
        for block in body:
            if isinstance(block, Heading):
                if not is_question(plain(block.runs)):
                    self.warn(f"FAQ subheading {_snippet(plain(block.runs))} taken as a question")
                entries.append(_Faq(block.runs))
            elif (
                isinstance(block, Paragraph)
                and all(r.bold for r in block.runs)
                and is_question(plain(block.runs))
            ):
                question = tuple(Run(r.text, False, r.italic, r.href) for r in block.runs)
                entries.append(_Faq(question))
            elif entries:
                entries[-1].blocks.append(block)
            else:
                preamble.append(block)
        if not entries:
            return None
        for block in preamble:
            self.warn(f"text before the first FAQ question not imported: {_snippet(_shown(block))}")
        cta_text: Runs | None = None
        closing = entries[-1].blocks[-1] if len(entries[-1].blocks) >= 2 else None
        if isinstance(closing, Paragraph) and invites_contact(plain(closing.runs)):
            entries[-1].blocks.pop()
            cta_text = closing.runs
        section_id = self.slugs.take("faq", exact=True)
        out_entries = []
        for entry in entries:
            asked = plain(entry.question)
            paragraphs: list[Runs] = []
            for block in entry.blocks:
                if isinstance(block, Paragraph):
                    paragraphs.append(block.runs)
                elif isinstance(block, BulletList):
                    self.warn(
                        f"the list in the answer to {_snippet(asked)} became one paragraph"
                    )
                    joined: list[Run] = []
                    for k, item in enumerate(block.items):
                        joined += [Run("; ")] if k else []
                        joined += item
                    paragraphs.append(clean_runs(joined))
            if not paragraphs:
                self.warn(f"FAQ question {_snippet(asked)} has no answer: skipped")
                continue
            if len(paragraphs) > 1:
                self.infer("joined multi-paragraph FAQ answers into one paragraph")
            out_entries.append(
                {
                    "id": self.slugs.take(asked, fallback="question"),
                    "question": self.markup(entry.question),
                    "answer": self.join(paragraphs),
                }
            )
        if not out_entries:
            return None
        which = (
            "lines ending in '?'" if self.fmt == "text" else "subheadings or bold questions"
        )
        self.infer(f"the 'Frequently Asked Questions' section → faq ({which} are the questions)")
        out: list[Any] = [
            {"type": "faq", "id": section_id, "heading": self.markup(heading),
             "entries": out_entries}
        ]
        if cta_text is not None:
            self.warn(
                "the closing paragraph invites readers to get in touch: it became a "
                f"call_to_action section with the guessed heading {CTA_HEADING!r}"
            )
            out.append(self.cta(escape(CTA_HEADING), [cta_text]))
        return out

    def cta(self, heading: str, paragraphs: list[Runs]) -> dict[str, Any]:
        return {
            "type": "call_to_action",
            "id": self.slugs.take("contact", exact=True),
            "heading": heading,
            "text": self.join(paragraphs),
            "show": list(CONTACT_KINDS),
        }

    # -- the whole article -----------------------------------------------------------

    def run(self, blocks: Sequence[Block], article_id: str | None) -> Structured:
        blocks = self.clean(blocks)
        headings = [i for i, b in enumerate(blocks) if isinstance(b, Heading)]
        title_markup: str
        if not headings and not self.meta.title:
            raise ImportArticleError(
                "has no headings, so kedu cannot tell the title and the sections apart"
                + (" (headings are short lines without a final period)" if self.fmt == "text"
                   else ""),
                path=self.source,
            )
        h1 = next((i for i in headings if _level(blocks[i]) == 1), None)
        if h1 is not None:
            start = h1
            title_runs = _runs(blocks[h1])
            title_markup = self.markup(title_runs)
            self.infer(
                "title from the first line" if self.fmt == "text"
                else "title from the first level-1 heading",
                first=True,
            )
        elif self.meta.title:
            start = -1
            title_runs = (Run(self.meta.title),)
            title_markup = escape(" ".join(self.meta.title.split()))
            self.infer("title from the front matter", first=True)
        else:
            start = headings[0]
            title_runs = _runs(blocks[start])
            title_markup = self.markup(title_runs)
            self.warn("no level-1 heading: the first heading became the title")
        for block in blocks[: max(start, 0)]:
            self.warn(f"text before the title not imported: {_snippet(_shown(block))}")
        rest = blocks[start + 1 :]
        if any(isinstance(b, Heading) and b.level == 1 for b in rest):
            self.infer("later level-1 headings were treated as section headings")
            rest = [Heading(2, b.runs) if isinstance(b, Heading) and b.level == 1 else b
                    for b in rest]
        levels = [b.level for b in rest if isinstance(b, Heading)]
        section_level = min(levels) if levels else 99
        intro: list[Block] = []
        groups: list[tuple[Runs, list[Block]]] = []
        for block in rest:
            if isinstance(block, Heading) and block.level == section_level:
                groups.append((block.runs, []))
            elif groups:
                groups[-1][1].append(block)
            else:
                intro.append(block)

        summary: str | None = None
        first = intro[0] if intro else None
        if isinstance(first, Paragraph):
            intro.pop(0)
            summary = self.markup(first.runs)
            self.infer("summary from the first paragraph before the first section heading")
            if self.meta.summary:
                self.warn(
                    f"the post's description {_snippet(self.meta.summary)} not imported: the "
                    "summary is the first paragraph"
                )
        elif self.meta.summary:
            summary = escape(" ".join(self.meta.summary.split()))
            self.infer("summary from the front matter / page description")
        sections: list[Any] = []
        if intro:
            sections += self.sections_for(None, intro, last=not groups)
        for k, (heading, body) in enumerate(groups):
            sections += self.sections_for(heading, body, last=k == len(groups) - 1)
        if not sections:
            raise ImportArticleError(
                "has no section with text under a heading, so there is nothing to print",
                path=self.source,
            )

        data: dict[str, Any] = {}
        if article_id is None:
            article_id = slugify(plain(title_runs), fallback="article")
            self.infer(f"id {article_id!r} from the title (use --id to choose another)")
        data["id"] = article_id
        data["title"] = title_markup
        if summary:
            data["summary"] = summary
        data["language"] = self.meta.language or "en"
        if self.meta.canonical_url and link_target(self.meta.canonical_url):
            data["canonical_url"] = self.meta.canonical_url
        keywords = list(self.meta.keywords)
        known = {k.lower() for k in keywords}
        keywords += [k for k in self.keywords if k.lower() not in known]
        if keywords:
            data["keywords"] = keywords
        if self.credits:
            data["image_credits"] = [
                {"author": c.author, **({"source": c.source} if c.source else {})}
                for c in self.credits
            ]
        data["sections"] = sections
        return Structured(data, self.inferred, self.warnings)


def _shown(block: Block) -> str:
    if isinstance(block, Paragraph | Heading):
        return plain(block.runs)
    if isinstance(block, BulletList):
        return "; ".join(plain(item) for item in block.items)
    return ""


def _level(block: Block) -> int:
    return block.level if isinstance(block, Heading) else 0


def _runs(block: Block) -> Runs:
    return block.runs if isinstance(block, Heading | Paragraph) else ()


def structure(
    blocks: Sequence[Block],
    meta: PostMeta,
    *,
    fmt: str,
    source: str,
    article_id: str | None = None,
) -> Structured:
    """Article data for ``blocks``; raises ImportArticleError naming ``source``."""
    return _Structurer(meta, fmt=fmt, source=source).run(blocks, article_id)
