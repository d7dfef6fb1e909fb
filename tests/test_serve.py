"""kedu serve through Starlette's test client: pages, search, downloads, drafts, safety.

Documents are checked with tools that are not kedu's own: pypdf for PDFs,
python-docx for Word files, the standard library's HTML parser for pages.
"""

from __future__ import annotations

import io
import re
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="kedu serve needs the serve extra: pip install '.[serve]'")

import docx
from pypdf import PdfReader
from starlette.testclient import TestClient

from kedu.cli import main
from kedu.exporters import available_formats
from kedu.serve.app import create_app
from tests.conftest import EXAMPLE, LOCALES, ROOT, SHIPPED_LOCALES, mark_fuzzy

ARTICLE = "/articles/ketamine-therapy"
ES_TITLE = "¿La terapia con ketamina se siente como estar drogado?"
EN_TITLE = "Will Ketamine Therapy Make Me Feel High?"
HAS_HTML = "html" in available_formats()


def client_for(project: Path, **kwargs: object) -> TestClient:
    app = create_app(project, watch=False, **kwargs)  # type: ignore[arg-type]
    return TestClient(app, base_url="http://127.0.0.1")


@pytest.fixture(scope="module")
def client() -> TestClient:
    """The repository itself: the example article, drafts shown by its kedu.toml."""
    return client_for(ROOT)


def copy_project(tmp_path: Path, config: str = "") -> Path:
    """A temporary project: the example, its catalogs and a kedu.toml."""
    shutil.copytree(EXAMPLE.parent, tmp_path / "articles" / "ketamine-therapy")
    shutil.copytree(LOCALES, tmp_path / "locales")
    (tmp_path / "kedu.toml").write_text(config, encoding="utf-8")
    return tmp_path


@pytest.fixture
def drafts_shown(tmp_path: Path) -> Path:
    return copy_project(tmp_path, "[serve]\nshow_drafts = true\n")


class Page(HTMLParser):
    """What the tests look for in a page: html lang, elements with attributes, text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "select":
            self.select = found.get("id")
        if tag == "option":
            found["select"] = self.select  # which menu the option belongs to
        self.elements.append((tag, found))

    def options(self, select: str) -> list[str | None]:
        return [a.get("value") for a in self.all("option") if a.get("select") == select]

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def lang(self) -> str | None:
        return next((a.get("lang") for tag, a in self.elements if tag == "html"), None)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.elements if t == tag]

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, " ".join(" ".join(p.extract_text() or "" for p in reader.pages).split())


# ---- the library ----------------------------------------------------------------------


def test_home_lists_the_article_in_the_interface_language(client: TestClient) -> None:
    english = Page(client.get("/?ui=en").text)
    assert english.lang == "en"
    assert EN_TITLE in english.plain
    assert any(a.get("href", "").startswith(ARTICLE) for a in english.all("a"))  # type: ignore[union-attr]
    spanish = client.get("/?ui=es")
    page = Page(spanish.text)
    assert page.lang == "es"
    assert ES_TITLE in page.plain and "Buscar" in page.plain
    assert "Todas las hojas informativas" in page.plain
    # The review date of the content, formatted for the interface language.
    assert "Contenido revisado:" in page.plain


def test_interface_language_from_the_browser(client: TestClient) -> None:
    page = Page(client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}).text)
    assert page.lang == "ru" and "Найти" in page.plain
    page = Page(client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"}).text)
    assert page.lang == "en"


@pytest.mark.parametrize(
    ("query", "language"),
    [("ketamina", "Español"), ("кетамин", "Русский"), ("KETAMINE", "English"), ("氯胺酮", "中文")],
)
def test_search_finds_the_article_in_each_language(
    client: TestClient, query: str, language: str
) -> None:
    page = Page(client.get("/", params={"q": query, "ui": "en"}).text)
    assert "Found in:" in page.plain
    found = page.plain.split("Found in:")[1]
    assert language in found.split("Languages:")[0]
    assert any(
        a.get("href", "").startswith(f"{ARTICLE}?") and "lang=" in (a.get("href") or "")
        for a in page.all("a")
    )


def test_search_folds_accents_and_case(client: TestClient) -> None:
    # "SESIÓN" and "sesion" find the Spanish summary's "sesión"
    for query in ("SESIÓN", "sesion"):
        assert "Español" in Page(client.get("/", params={"q": query}).text).plain


def test_search_without_match_says_so(client: TestClient) -> None:
    page = Page(client.get("/", params={"q": "appendicitis", "ui": "es"}).text)
    assert "Ninguna hoja informativa coincide con «appendicitis»" in page.plain
    assert EN_TITLE not in page.plain and ES_TITLE not in page.plain


def test_article_page_lists_languages_with_status(client: TestClient) -> None:
    page = Page(client.get(ARTICLE, params={"ui": "en"}).text)
    text = page.plain
    assert "Original" in text
    # The example's translations are drafts; the repository's kedu.toml shows them.
    assert text.count("Draft — not reviewed by a qualified medical translator") == len(
        SHIPPED_LOCALES
    )
    assert sorted(page.options("lang")) == sorted(["en", *SHIPPED_LOCALES])
    buttons = {a.get("value") for a in page.all("button") if a.get("name") == "format"}
    assert {"pdf", "docx", "print"} <= buttons
    assert ("html" in buttons) == HAS_HTML


# ---- documents ------------------------------------------------------------------------


def handout(client: TestClient, **params: str) -> object:
    return client.get(f"{ARTICLE}/handout", params=params)


def test_pdf_download_has_the_language_and_the_draft_notice(client: TestClient) -> None:
    response = handout(client, lang="es", format="pdf")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/pdf"  # type: ignore[attr-defined]
    disposition = response.headers["content-disposition"]  # type: ignore[attr-defined]
    assert disposition == 'attachment; filename="ketamine-therapy.es.pdf"'
    reader, text = pdf_text(response.content)  # type: ignore[attr-defined]
    assert str(reader.trailer["/Root"]["/Lang"]) == "es"
    assert "terapia con ketamina" in text
    assert "Traducción preliminar" in text  # the translated draft notice


def test_print_opens_the_pdf_inline(client: TestClient) -> None:
    response = handout(client, lang="ar", format="print", paper="a4")
    assert response.headers["content-disposition"].startswith("inline;")  # type: ignore[attr-defined]
    reader, _ = pdf_text(response.content)  # type: ignore[attr-defined]
    assert str(reader.trailer["/Root"]["/Lang"]) == "ar"
    width, height = (float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4


def test_large_print_and_bilingual_pdf(client: TestClient) -> None:
    response = handout(client, lang="es", format="pdf", large="1", bilingual="1")
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    assert "ketamine-therapy.en-es.large.pdf" in response.headers["content-disposition"]  # type: ignore[attr-defined]
    _, text = pdf_text(response.content)  # type: ignore[attr-defined]
    assert "Ketamine" in text and "ketamina" in text


def test_word_download_opens(client: TestClient) -> None:
    response = handout(client, lang="ru", format="docx")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "ketamine-therapy.ru.docx" in response.headers["content-disposition"]  # type: ignore[attr-defined]
    document = docx.Document(io.BytesIO(response.content))  # type: ignore[attr-defined]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "кетамин" in text.lower()


def test_web_page_has_the_language_or_says_it_is_missing(client: TestClient) -> None:
    response = handout(client, lang="es", format="html", ui="en")
    page = Page(response.text)  # type: ignore[attr-defined]
    if HAS_HTML:
        assert response.status_code == 200  # type: ignore[attr-defined]
        assert page.lang == "es"
        csp = response.headers["content-security-policy"]  # type: ignore[attr-defined]
        assert "script" not in csp.replace("default-src 'none'", "")
    else:
        assert response.status_code == 501  # type: ignore[attr-defined]
        assert "cannot make web-page handouts yet" in page.plain


def test_documents_are_cached_by_content_and_revalidated(client: TestClient) -> None:
    state = client.app.state.kedu  # type: ignore[attr-defined]
    first = handout(client, lang="vi", format="pdf")
    made = state.documents.made
    etag = first.headers["etag"]  # type: ignore[attr-defined]
    assert first.headers["cache-control"] == "private, no-cache"  # type: ignore[attr-defined]
    again = handout(client, lang="vi", format="pdf")
    assert again.content == first.content and state.documents.made == made  # type: ignore[attr-defined]
    not_modified = client.get(
        f"{ARTICLE}/handout",
        params={"lang": "vi", "format": "pdf"},
        headers={"If-None-Match": etag},
    )
    assert not_modified.status_code == 304 and not not_modified.content
    other = handout(client, lang="vi", format="pdf", paper="a4")
    assert other.headers["etag"] != etag  # type: ignore[attr-defined]


def test_an_edited_catalog_makes_a_new_document(drafts_shown: Path) -> None:
    client = client_for(drafts_shown)
    first = handout(client, lang="es", format="pdf")
    po = drafts_shown / "locales" / "es" / "LC_MESSAGES" / "ketamine-therapy.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace(ES_TITLE, "¿Me drogará la ketamina?"), "utf-8"
    )
    second = handout(client, lang="es", format="pdf")
    assert second.headers["etag"] != first.headers["etag"]  # type: ignore[attr-defined]
    assert "Me drogará la ketamina" in pdf_text(second.content)[1]  # type: ignore[attr-defined]


# ---- drafts, incomplete translations ----------------------------------------------------


def test_drafts_are_hidden_unless_the_config_shows_them(tmp_path: Path) -> None:
    project = copy_project(tmp_path)  # no [serve] table: drafts hidden
    client = client_for(project)
    page = Page(client.get(ARTICLE, params={"ui": "en"}).text)
    assert "Draft" not in page.plain
    assert "are not shown" in page.plain
    assert page.options("lang") == ["en"]
    assert handout(client, lang="es", format="pdf").status_code == 404  # type: ignore[attr-defined]
    assert "Found in" not in Page(client.get("/", params={"q": "ketamina"}).text).plain
    assert handout(client, lang="en", format="pdf").status_code == 200  # type: ignore[attr-defined]
    # A reviewed translation is shown without the setting.
    assert main(["i18n", "review", "--lang", "es", "--by", "Ana Ruiz, CMI",
                 "--locales", str(project / "locales")]) == 0  # fmt: skip
    page = Page(client.get(ARTICLE, params={"ui": "en"}).text)
    assert "Reviewed" in page.plain and "Español" in page.plain
    response = handout(client, lang="es", format="pdf")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "Traducción preliminar" not in pdf_text(response.content)[1]  # type: ignore[attr-defined]


def test_an_incomplete_translation_is_marked_and_its_error_shown(drafts_shown: Path) -> None:
    mark_fuzzy(drafts_shown / "locales" / "ht" / "LC_MESSAGES" / "ketamine-therapy.po", "title")
    client = client_for(drafts_shown)
    page = Page(client.get(ARTICLE, params={"ui": "en"}).text)
    assert "Incomplete — not available" in page.plain
    assert "ht" not in page.options("lang") and "es" in page.options("lang")
    response = handout(client, lang="ht", format="pdf", ui="en")
    assert response.status_code == 409  # type: ignore[attr-defined]
    failed = Page(response.text)  # type: ignore[attr-defined]
    assert "The handout could not be made" in failed.plain
    assert "ketamine-therapy.po" in failed.plain and "title" in failed.plain
    assert "Traceback" not in response.text  # type: ignore[attr-defined]


# ---- requests that name no article, or too much ----------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/articles/../../etc/passwd",
        "/articles/..%2F..%2Fetc%2Fpasswd",
        "/articles/%2e%2e%2fkedu.toml",
        "/articles/KETAMINE-THERAPY",
        "/articles/no-such-article",
        "/articles/ketamine-therapy/../../kedu.toml",
        "/static/kedu.toml",
        "/static/..%2F..%2Fkedu.toml",
        "/static/../app.py",
        "/translate/xx",
        "/translate/en",
        "/translate/..%2Fkedu",
        "/translate/es/no-such-article/handout",
        "/locales/es/LC_MESSAGES/ketamine-therapy.po",
        "/examples/ketamine-therapy/article.yaml",
        "/kedu.toml",
        "/" + "a" * 300,
    ],
)
def test_paths_name_no_file(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert "Example Health Clinic" not in response.text or "<html" in response.text
    assert "[organization]" not in response.text and "msgid" not in response.text


@pytest.mark.parametrize(
    ("path", "params"),
    [
        (f"{ARTICLE}/handout", {"lang": "../../etc/passwd", "format": "pdf"}),
        (f"{ARTICLE}/handout", {"lang": "es", "format": "exe"}),
        (f"{ARTICLE}/handout", {"lang": "es", "format": "pdf", "paper": "a3"}),
        (f"{ARTICLE}/handout", {"lang": "es", "format": "pdf", "large": "yes please"}),
        (f"{ARTICLE}/handout", {"lang": "e" * 5000}),
        (ARTICLE, {"lang": "<script>"}),
        ("/", {"q": "k" * 201}),
        ("/", {"ui": "'><script>alert(1)</script>"}),
        ("/events", {"since": "soon"}),
        ("/translate/es", {"article": "../ketamine-therapy"}),
    ],
)
def test_junk_query_values_are_refused(
    client: TestClient, path: str, params: dict[str, str]
) -> None:
    response = client.get(path, params=params)
    assert response.status_code in (400, 404)
    assert "<script>alert" not in response.text


def test_repeated_and_unknown_language_values(client: TestClient) -> None:
    assert client.get(f"{ARTICLE}/handout?lang=es&lang=ru").status_code == 400
    assert handout(client, lang="de", format="pdf").status_code == 404  # type: ignore[attr-defined]


def test_only_reading_methods(client: TestClient) -> None:
    assert client.post("/", data={"q": "x"}).status_code == 405
    assert client.delete(ARTICLE).status_code == 405


def test_other_host_names_are_refused_on_loopback(client: TestClient) -> None:
    # a page on another site cannot reach the library through DNS rebinding
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400


# ---- headers and resources ----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", ARTICLE, "/translate/es", "/no-such-page"])
def test_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("path", ["/", f"{ARTICLE}?ui=ar", "/translate/zh_Hans", "/translate"])
def test_pages_load_nothing_from_elsewhere_and_run_no_inline_script(
    client: TestClient, path: str
) -> None:
    page = Page(client.get(path).text)
    for tag, attribute in (("link", "href"), ("script", "src"), ("img", "src")):
        for attrs in page.all(tag):
            assert (attrs.get(attribute) or "").startswith("/"), (tag, attrs)
    assert all(a.get("src") for a in page.all("script"))  # no inline script
    assert not any(name.startswith("on") for _tag, a in page.elements for name in a)
    assert not any("style" in a for _tag, a in page.elements)  # no inline style either
    assert not page.all("style")
    for asset in [a["href"] for a in page.all("link")] + [a["src"] for a in page.all("script")]:
        assert client.get(asset or "").status_code == 200


def test_viewport_for_phones(client: TestClient) -> None:
    metas = Page(client.get("/").text).all("meta")
    assert any(m.get("name") == "viewport" and "width=device-width" in (m.get("content") or "")
               for m in metas)  # fmt: skip


# ---- the optional token ------------------------------------------------------------------


def test_token_is_required_when_set(drafts_shown: Path) -> None:
    token = "s3cret-clinic-token-0123"
    client = client_for(drafts_shown, token=token)
    refused = client.get("/", params={"ui": "es"})
    assert refused.status_code == 401 and "clave de acceso" in refused.text
    assert client.get("/", params={"token": "wrong-token-wrong-token"}).status_code == 401
    assert handout(client, lang="es", format="pdf").status_code == 401  # type: ignore[attr-defined]
    bearer = client.get("/", headers={"Authorization": f"Bearer {token}"})
    assert bearer.status_code == 200
    entered = client.get("/", params={"token": token, "q": "ketamina"}, follow_redirects=False)
    assert entered.status_code == 303
    assert entered.headers["location"] == "/?q=ketamina"  # the token leaves the address
    assert "httponly" in entered.headers["set-cookie"].lower()
    assert client.get("/", params={"q": "ketamina"}).status_code == 200  # the cookie now


# ---- translators --------------------------------------------------------------------------


def test_translator_page_shows_stats_findings_and_preview(drafts_shown: Path) -> None:
    po = drafts_shown / "locales" / "es" / "LC_MESSAGES" / "ketamine-therapy.po"
    text = po.read_text(encoding="utf-8")
    # A changed number (an error of `kedu i18n check`), one fuzzy and one untranslated message.
    text = text.replace('msgstr "¿La terapia', 'msgstr "¿La 2 terapia', 1)
    po.write_text(text, encoding="utf-8")
    mark_fuzzy(po, "summary")
    blank = re.compile(r'(msgctxt "disclaimer"\nmsgid (?:".*"\n)+)msgstr (?:".*"\n)+')
    po.write_text(blank.sub(r'\1msgstr ""\n', po.read_text(encoding="utf-8")), "utf-8")
    title_line = next(  # gettext tools point at the msgid line
        n for n, line in enumerate(po.read_text(encoding="utf-8").splitlines(), 1)
        if line == f'msgid "{EN_TITLE}"'
    )  # fmt: skip

    client = client_for(drafts_shown)
    response = client.get("/translate/es", params={"ui": "en"})
    assert response.status_code == 200
    page = Page(response.text)
    plain = page.plain
    assert "56 / 58" in plain  # translated of total
    assert "locales/es/LC_MESSAGES/ketamine-therapy.po" in plain
    # The check finding names file:line and msgctxt.
    assert re.search(rf"ketamine-therapy\.po:{title_line} msgctxt \"title\"", plain), plain[:3000]
    classes = {a.get("class") for a in page.all("li")}
    assert {"segment state-fuzzy", "segment state-untranslated", "segment state-problem"} <= classes
    # English beside the translation, each with its language.
    assert any(a.get("lang") == "en" and a.get("class") == "source" for a in page.all("div"))
    assert any(a.get("lang") == "es" and a.get("class") == "target" for a in page.all("div"))


def test_translator_preview_follows_file_changes(drafts_shown: Path) -> None:
    po = drafts_shown / "locales" / "ru" / "LC_MESSAGES" / "ketamine-therapy.po"
    app = create_app(drafts_shown, watch=True)
    with TestClient(app, base_url="http://127.0.0.1") as client:  # runs the file watcher
        project = app.state.kedu.project
        assert "Изменённый заголовок" not in client.get("/translate/ru").text
        deadline = time.monotonic() + 10
        while not project.watching and time.monotonic() < deadline:
            time.sleep(0.05)
        before = project.generation
        text = po.read_text(encoding="utf-8")
        title = re.search(r'msgctxt "title"\nmsgid ".*"\nmsgstr "(.*)"', text)
        assert title is not None
        po.write_text(text.replace(title.group(1), "Изменённый заголовок"), encoding="utf-8")
        while project.generation == before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert project.generation > before, "the file watcher saw no change"
        assert "Изменённый заголовок" in client.get("/translate/ru").text


def test_translator_handout_prints_what_is_there(drafts_shown: Path) -> None:
    mark_fuzzy(drafts_shown / "locales" / "vi" / "LC_MESSAGES" / "ketamine-therapy.po", "title")
    client = client_for(drafts_shown)
    response = client.get("/translate/vi/ketamine-therapy/handout", params={"format": "pdf"})
    assert response.status_code == 200
    _, text = pdf_text(response.content)
    assert EN_TITLE in text  # the fuzzy title falls back to English, marked as a draft


# ---- the project is never written ---------------------------------------------------------


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(folder.rglob("*"))
    }


def test_serving_writes_nothing_to_the_project(drafts_shown: Path) -> None:
    before = snapshot(drafts_shown)
    client = client_for(drafts_shown)
    for path in ("/", "/?q=ketamina", ARTICLE, "/translate", "/translate/ar"):
        assert client.get(path).status_code == 200
    for fmt in ("pdf", "docx"):
        assert handout(client, lang="ar", format=fmt).status_code == 200  # type: ignore[attr-defined]
    assert snapshot(drafts_shown) == before


# ---- the command line ---------------------------------------------------------------------


def test_serve_command_warns_about_a_network_address(
    drafts_shown: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import uvicorn

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    assert main(["serve", str(drafts_shown), "--host", "0.0.0.0", "--port", "8123"]) == 0
    err = capsys.readouterr().err
    assert "WARNING: listening on 0.0.0.0" in err and "--token" in err
    assert calls[0]["host"] == "0.0.0.0" and calls[0]["port"] == 8123
    assert main(["serve", str(drafts_shown)]) == 0
    captured = capsys.readouterr()
    assert "WARNING" not in captured.err and "http://localhost:8000/" in captured.out
    assert calls[1]["host"] == "127.0.0.1"
    assert main(["serve", str(drafts_shown), "--token", "short"]) == 2


def test_articles_are_found_without_config_patterns(tmp_path: Path) -> None:
    project = copy_project(tmp_path, "[serve]\nshow_drafts = true\n")
    (project / "notes.yaml").write_text("just: data\n", encoding="utf-8")
    broken = project / "articles" / "broken.yaml"
    broken.write_text("id: broken\nsections: nope\n", encoding="utf-8")
    state = create_app(project, watch=False).state.kedu
    assert list(state.project.articles()) == ["ketamine-therapy"]
    assert [p.split(":")[0] for p in state.project.problems()] == [str(broken)]
