"""``kedu import``: blog posts (Markdown, HTML, plain text) → kedu articles.

The fixture post (tests/fixtures/import/) is written for these tests, about iron
infusions, in three formats with the same content.  It carries every structure
the importer maps: a "Table of Contents" placeholder, an image with a photo
credit, a summary paragraph, prose with bold/italic/links, "Term —- description"
lists in several dash styles with intros and outros, a keyword line glued to a
second credit, an FAQ, and a closing paragraph that invites contact.

After an intended change of the importer, make the golden files again with
``python -c "from tests.test_import import regenerate_golden; regenerate_golden()"``
and read the diff.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import kedu
from kedu.cli import main
from kedu.errors import ImportArticleError, UsageError
from kedu.importers import import_article, import_text
from kedu.load import load_article, parse_article
from kedu.models import ListSection, plain_text

FIXTURES = Path(__file__).parent / "fixtures" / "import"
POST_MD = FIXTURES / "post.md"
POST_HTML = FIXTURES / "post.html"
POST_TXT = FIXTURES / "post.txt"


def regenerate_golden() -> None:
    """Write the golden YAML of the Markdown and plain-text fixture posts."""
    for post, golden in ((POST_MD, "expected.yaml"), (POST_TXT, "expected-txt.yaml")):
        (FIXTURES / golden).write_text(import_article(post).yaml, encoding="utf-8")


def _body(yaml_text: str) -> str:
    """The YAML without its comment header."""
    return "\n".join(line for line in yaml_text.splitlines() if not line.startswith("#"))


# -- the fixture post -------------------------------------------------------------


def test_markdown_imports_to_the_golden_article() -> None:
    result = import_article(POST_MD)
    assert result.yaml == (FIXTURES / "expected.yaml").read_text(encoding="utf-8")


def test_plain_text_imports_to_its_golden_article() -> None:
    result = import_article(POST_TXT)
    assert result.yaml == (FIXTURES / "expected-txt.yaml").read_text(encoding="utf-8")


def test_html_gives_the_same_article_as_markdown() -> None:
    md, html = import_article(POST_MD), import_article(POST_HTML)
    assert html.article == md.article
    assert _body(html.yaml) == _body(md.yaml)
    # The HTML page links to a relative /contact page, which kedu cannot print as a link.
    extra = [w for w in html.warnings if w not in md.warnings]
    assert len(extra) == 1 and "'/contact'" in extra[0]


def test_plain_text_differs_from_markdown_only_in_inline_markup() -> None:
    md, txt = import_article(POST_MD).article, import_article(POST_TXT).article
    assert [s.id for s in txt.sections] == [s.id for s in md.sections]
    assert [plain_text(s.text) for s in txt.segments()] == [
        plain_text(s.text) for s in md.segments()
    ]


def test_the_yaml_loads_back_to_the_same_article() -> None:
    result = import_article(POST_MD)
    assert parse_article(result.yaml) == result.article


def test_import_is_deterministic() -> None:
    assert import_article(POST_HTML).yaml == import_article(POST_HTML).yaml


def test_structure_of_the_imported_article() -> None:
    article = import_article(POST_MD).article
    assert [s.type for s in article.sections] == ["prose", "list", "list", "faq",
                                                  "call_to_action"]
    ready = article.sections[1]
    assert isinstance(ready, ListSection)
    assert [(i.id, i.term) for i in ready.items] == [
        ("eat-drink", "Eat and drink"),
        ("wear-layers", "Wear layers"),
        ("bring-something", "Bring something to do"),
        ("medicine-list", "Medicine list"),
    ]
    assert ready.intro == "A little planning makes the visit easier:"
    assert ready.outro is not None and ready.outro.startswith("Call the clinic")
    assert [(c.author, c.source) for c in article.image_credits] == [
        ("Marta Quill", "Unsplash"), ("Devon Leary", "Pexels"),
    ]
    assert article.keywords[:2] == ["infusion center near me", "iron deficiency anemia"]
    assert article.review_date is None and article.organization.name is None


def test_credits_keywords_and_placeholders_are_never_printed() -> None:
    for post in (POST_MD, POST_HTML, POST_TXT):
        printed = " ".join(s.text for s in import_article(post).article.segments())
        assert "Photo by" not in printed
        assert "Table of Contents" not in printed
        assert "low ferritin" not in printed


def test_the_header_says_what_was_inferred_and_left_out() -> None:
    header = [line for line in import_article(POST_TXT).yaml.splitlines() if line.startswith("#")]
    text = "\n".join(header)
    assert "review_date" in text and "organization" in text
    assert "guessed 4 headings" in text
    assert "guessed heading 'Questions? Contact us'" in text


# -- unmappable content is reported ---------------------------------------------------


def test_unmappable_markdown_content_is_reported() -> None:
    post = """# Colonoscopy prep

Plan ahead for a calm day.

## The day before

![Clear drinks on a table](drinks.png)

| Time | Step |
| ---- | ---- |
| 6 pm | First dose |

```
not a handout thing
```

<div class="promo">Sign up</div>

- apple juice
- broth

See [our map](/map) and [jump up](#top).
"""
    result = import_text(post, "markdown", source="prep.md")
    warnings = "\n".join(result.warnings)
    for expected in ("image 'drinks.png'", "table not imported", "code block not imported",
                     "raw HTML not imported", "items without a term", "'/map'", "'#top'"):
        assert expected in warnings
    header = "\n".join(line for line in result.yaml.splitlines() if line.startswith("#"))
    assert "table not imported" in header
    prose = result.article.sections[0]
    assert prose.type == "prose"
    assert prose.paragraphs == ["apple juice", "broth", "See our map and jump up."]


def test_faq_text_before_the_first_question_and_missing_answers_are_reported() -> None:
    post = "# T\n\nIntro.\n\n## FAQ\n\nSome preface.\n\n### Why?\n\nBecause.\n\n### And then?\n"
    result = import_text(post, "markdown")
    assert any("before the first FAQ question" in w for w in result.warnings)
    assert any("has no answer" in w for w in result.warnings)
    faq = result.article.sections[0]
    assert faq.type == "faq" and [e.question for e in faq.entries] == ["Why?"]


def test_html_page_chrome_toc_widget_and_metadata() -> None:
    page = """<html lang="en-US"><head>
<link rel="canonical" href="https://clinic.example.org/blog/prep/">
<meta name="keywords" content="colonoscopy, bowel prep"></head><body>
<header><nav><a href="/">Home</a></nav></header>
<main><article><header><h1>Colonoscopy prep</h1><span>May 3 &middot; Staff</span></header>
<div class="toc"><p>Table of Contents</p>
<ul><li><a href="#day-before">The day before</a></li></ul></div>
<p>Short intro.</p><h2 id="day-before">The day before</h2>
<p>Drink clear fluids. See <a href="../diet/">our diet page</a>.</p>
</article></main><footer>Footer text</footer><script>var x = 1;</script></body></html>"""
    result = import_text(page, "html")
    article = result.article
    assert (article.language, str(article.canonical_url)) == (
        "en-US", "https://clinic.example.org/blog/prep/",
    )
    assert article.keywords == ["colonoscopy", "bowel prep"]
    assert article.summary == "Short intro."
    prose = article.sections[0]
    assert prose.type == "prose" and prose.paragraphs == [
        "Drink clear fluids. See [our diet page](https://clinic.example.org/blog/diet/)."
    ]
    assert any("'May 3 · Staff'" in w for w in result.warnings)
    assert "dropped the table of contents (a list of in-page links)" in result.inferred
    assert "Footer" not in result.yaml and "var x" not in result.yaml


def test_markdown_front_matter() -> None:
    post = (
        "---\ntitle: 'Flu shots: what to expect'\ndescription: A short guide.\n"
        "tags: [flu, vaccine]\nauthor: Dr. A\n---\n\nFlu shots are quick.\n\n"
        "## After the shot\n\nYour arm may be sore.\n"
    )
    result = import_text(post, "markdown")
    article = result.article
    assert (article.id, article.title, article.summary) == (
        "flu-shots-expect", "Flu shots: what to expect", "Flu shots are quick."
    )
    assert article.keywords == ["flu", "vaccine"]
    assert "front matter key 'author' not imported" in result.warnings
    assert any("description 'A short guide.' not imported" in w for w in result.warnings)


# -- heuristics -------------------------------------------------------------------


def test_bold_questions_contact_heading_and_subheadings() -> None:
    post = """# Skin care after laser treatment

Your skin needs gentle care for a week.

## Common questions

**Can I wear makeup?**

Wait two days.

**Can I swim?**

Wait one week.

## Daily routine

### Morning

Rinse with cool water.

### Evening

Use the cream from your kit.

## Contact us

Call the clinic with any worry, day or night.
"""
    article = import_text(post, "markdown").article
    assert [(s.type, s.id) for s in article.sections] == [
        ("faq", "faq"), ("prose", "morning"), ("prose", "evening"),
        ("call_to_action", "contact"),
    ]
    faq = article.sections[0]
    assert faq.type == "faq" and [e.id for e in faq.entries] == ["wear-makeup", "swim"]


def test_text_literal_asterisks_and_brackets_are_escaped() -> None:
    post = "Side effects [short]\n\nSome *rare* effects: see list [1].\n\n" \
        "What to expect\n\nA 5* rating means very common.\n"
    article = import_text(post, "text").article
    assert article.summary == "Some \\*rare\\* effects: see list \\[1\\]."
    assert plain_text(article.title) == "Side effects [short]"


def test_ids_are_short_unique_slugs() -> None:
    post = "# Title\n\nIntro.\n\n## The risks\n\nA.\n\n## Risks!\n\nB.\n\n## Ça va?\n\nC.\n"
    article = import_text(post, "markdown").article
    assert [s.id for s in article.sections] == ["risks", "risks-2", "ca-va"]


@pytest.mark.parametrize(
    ("item", "term", "description"),
    [
        ("**Euphoria** — feeling very happy", "Euphoria", "feeling very happy"),
        ("**Euphoria:** feeling very happy", "Euphoria", "feeling very happy"),
        ("**Euphoria.** You may feel happy", "Euphoria", "You may feel happy"),
        ("Euphoria —- feeling very happy", "Euphoria", "feeling very happy"),
        ("Euphoria \u2014\u2013 feeling very happy", "Euphoria", "feeling very happy"),
        ("Euphoria \u2013 feeling very happy", "Euphoria", "feeling very happy"),
        ("Euphoria: feeling very happy", "Euphoria", "feeling very happy"),
        ("Rest 2\u20133 days — then walk", "Rest 2\u20133 days", "then walk"),
    ],
)
def test_list_terms(item: str, term: str, description: str) -> None:
    post = f"# T\n\n## Effects\n\n- {item}\n- Other: more\n"
    section = import_text(post, "markdown").article.sections[0]
    assert isinstance(section, ListSection)
    first = section.items[0]
    assert (first.term, first.description) == (term, description)


@pytest.mark.parametrize(
    "item", ["**Do not drive** after the session.", "A long sentence, without any term at all."]
)
def test_items_that_are_sentences_have_no_term(item: str) -> None:
    post = f"# T\n\n## Tips\n\n- {item}\n- Other: more\n"
    assert import_text(post, "markdown").article.sections[0].type == "prose"


def test_an_enumeration_sentence_is_not_a_keyword_line() -> None:
    post = "Title\n\nBring your ID, your card, a snack, a book, and water\n\nPart\n\nText.\n"
    article = import_text(post, "text").article
    assert article.keywords == []
    assert article.summary == "Bring your ID, your card, a snack, a book, and water"


# -- command line -----------------------------------------------------------------


def test_cli_round_trip_import_validate_export(tmp_path: Path) -> None:
    out = tmp_path / "iron.yaml"
    assert main(["import", str(POST_MD), "-o", str(out), "--id", "iron-infusion"]) == 0
    assert load_article(out).id == "iron-infusion"
    assert main(["validate", str(out)]) == 0
    assert main(["export", str(out), "--format", "json", "--out", str(tmp_path / "out")]) == 0
    exported = list((tmp_path / "out").glob("*.json"))
    assert len(exported) == 1
    assert json.loads(exported[0].read_text(encoding="utf-8"))


def test_cli_prints_yaml_to_stdout_and_warnings_to_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["import", str(POST_HTML)]) == 0
    captured = capsys.readouterr()
    assert captured.out == import_article(POST_HTML).yaml
    assert "kedu: warning:" in captured.err and "'/contact'" in captured.err


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.md", b"", "is empty"),
        ("blank.txt", b"  \n\n \t\n", "is empty"),
        ("binary.md", b"# Title\x00\x01\x02", "binary"),
        ("latin1.html", "<h1>Caf\u00e9</h1>".encode("latin-1"), "not UTF-8"),
        ("flat.md", b"Just a paragraph.\n\nAnother one.\n", "no headings"),
        ("flat.txt", b"Just one sentence here.\nAnd another sentence.\n", "no headings"),
        ("flat.html", b"<p>Only text.</p>", "no headings"),
        ("title-only.md", b"# Only a title\n", "nothing to print"),
        ("post.docx", b"PK\x03\x04", "unsupported file type"),
    ],
)
def test_bad_inputs_give_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, message: str
) -> None:
    path = _write(tmp_path / name, data)
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert err.startswith(f"kedu: error: {path}") and message in err
    with pytest.raises(ImportArticleError):
        import_article(path)


def test_missing_file_and_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(tmp_path / "nope.md")]) == 1
    assert "nope.md: file not found" in capsys.readouterr().err
    folder = tmp_path / "folder.md"
    folder.mkdir()
    assert main(["import", str(folder)]) == 1
    assert "is a directory" in capsys.readouterr().err


def test_bad_id_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(POST_MD), "--id", "Not A Slug"]) == 2
    assert "not a valid id" in capsys.readouterr().err
    with pytest.raises(UsageError):
        import_article(POST_MD, article_id="Bad_Id")


# -- packaging ---------------------------------------------------------------------


def test_import_article_is_exposed_lazily() -> None:
    assert kedu.import_article is import_article
    code = (
        "import sys, kedu, kedu.cli; "
        "bad = [m for m in sys.modules if m.startswith(('markdown_it', 'selectolax'))]; "
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_three_phrase_keyword_line_after_faq_is_not_printed(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text(
        "# Iron at home\n\nA short guide for patients.\n\n"
        "## Frequently Asked Questions\n\n### Can I drive home?\n\nYes, most people can.\n\n"
        "iron infusion, anemia, iron deficiency\n",
        encoding="utf-8",
    )
    result = import_article(post)
    printed = " ".join(s.text for s in result.article.segments())
    assert "iron deficiency" not in printed
    assert result.article.keywords == ["iron infusion", "anemia", "iron deficiency"]
