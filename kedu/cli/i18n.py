"""``kedu i18n``: the translators' workflow on gettext catalogs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kedu.cli.common import load_articles, locales_option, state
from kedu.errors import LocaleError, UsageError
from kedu.localization.catalogs import BUILTIN_STORE, KEDU_DOMAIN, CatalogStore, find_locales_dir

if TYPE_CHECKING:
    from kedu.localization.readability import ReadabilityReport
    from kedu.localization.stats import CatalogStats


def _store(locales_dir: Path | None, near: Path | None = None) -> CatalogStore:
    """The project's locales directory: option, config, nearest locales/, else ./locales."""
    chosen = locales_dir or state().config.locales_dir
    if chosen is None:
        chosen = find_locales_dir(near or Path.cwd()) or Path("locales")
    return CatalogStore(chosen)


def _stores(locales_dir: Path | None) -> list[CatalogStore]:
    project = _store(locales_dir)
    return [project] if project.root.resolve() == BUILTIN_STORE.root else [project, BUILTIN_STORE]


@click.group("i18n")
def i18n_group() -> None:
    """Translators' commands (catalogs live in locales/<lang>/LC_MESSAGES/<domain>.po)."""


@i18n_group.command("extract")
@click.argument("articles", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--labels", is_flag=True, help="Also regenerate kedu's own label template (developers)."
)
@locales_option
def extract_command(articles: tuple[Path, ...], labels: bool, locales_dir: Path | None) -> int:
    """Write templates/<article id>.pot for each ARTICLE."""
    from kedu.localization.workflow import extract_labels, extract_templates

    if not articles and not labels:
        raise UsageError("give one or more ARTICLE files (or --labels)")
    loaded = load_articles(articles)
    store = _store(locales_dir, loaded[0][1].parent if loaded else None)
    written = extract_templates(loaded, store)
    if labels:
        written += extract_labels()
    for article, _path in loaded:
        path = store.template_path(article.id)
        click.echo(f"{path}: {'written' if path in written else 'unchanged'}")
    return 0


@i18n_group.command("init")
@click.option("--lang", "lang", required=True, help="Locale of the new catalog (e.g. es, pt_BR).")
@click.option("--translator", help="Last-Translator header, e.g. 'Ana Ruiz <ana@example.org>'.")
@click.option("--force", is_flag=True, help="Overwrite an existing catalog.")
@click.option("--labels", is_flag=True, help="Also start kedu's printed labels (kedu.po) for LANG.")
@click.argument("articles", nargs=-1, type=click.Path(path_type=Path))
@locales_option
def init_command(
    lang: str,
    translator: str | None,
    force: bool,
    labels: bool,
    articles: tuple[Path, ...],
    locales_dir: Path | None,
) -> int:
    """Start a new LANG catalog for each ARTICLE (from its template), and with --labels
    one for kedu's printed labels ("Page X of Y", ...) when kedu has none for LANG."""
    from kedu.localization.workflow import extract_templates, init_catalog

    if not articles and not labels:
        raise UsageError("give one or more ARTICLE files (or --labels)")
    loaded = load_articles(articles)
    store = _store(locales_dir, loaded[0][1].parent if loaded else None)
    extract_templates(loaded, store)
    for article, _path in loaded:
        path = init_catalog(store, article.id, lang, translator=translator, force=force)
        click.echo(f"{path}: created")
    if labels:
        path = init_catalog(
            store, KEDU_DOMAIN, lang, translator=translator, force=force, templates=BUILTIN_STORE
        )
        click.echo(f"{path}: created")
    else:
        _note_missing_labels(store, lang)
    return 0


def _note_missing_labels(store: CatalogStore, lang: str) -> None:
    """Say at once when kedu's own printed words have no translation for ``lang``:
    otherwise the translator learns it only when the first export fails."""
    from kedu.localization.locales import negotiate, normalize

    name = normalize(lang)
    if name.split("_")[0] == "en":
        return
    if any(negotiate(name, s.locales(KEDU_DOMAIN)) for s in (store, BUILTIN_STORE)):
        return
    click.echo(
        f"kedu: note: kedu's printed labels (page numbers, the disclaimer, ...) have no "
        f"{name} translation yet, and handouts cannot print without them: run "
        f"`kedu i18n init --labels --lang {name}` (or add --labels to this command) and "
        f"translate {store.po_path(name, KEDU_DOMAIN)} too",
        err=True,
    )


@i18n_group.command("update")
@click.argument("articles", nargs=-1, type=click.Path(path_type=Path))
@locales_option
def update_command(articles: tuple[Path, ...], locales_dir: Path | None) -> int:
    """Merge templates into every catalog (re-extracting ARTICLEs first, if given)."""
    from kedu.localization.workflow import extract_templates, update_catalogs

    loaded = load_articles(articles)
    store = _store(locales_dir, loaded[0][1].parent if loaded else None)
    if loaded:
        extract_templates(loaded, store)
    domains = [a.id for a, _ in loaded] or None
    changed = update_catalogs(store, domains)
    for path in changed:
        click.echo(f"{path}: updated")
    if not changed:
        click.echo("all catalogs are up to date")
    return 0


@i18n_group.command("compile")
@locales_option
def compile_command(locales_dir: Path | None) -> int:
    """Write a .mo next to every .po (kedu itself reads .po directly)."""
    from kedu.localization.workflow import compile_catalogs

    for path in compile_catalogs(_store(locales_dir)):
        click.echo(f"{path}: written")
    return 0


@i18n_group.command("stats")
@click.option("--lang", "langs", multiple=True, help="Only these locales.")
@click.option("--min", "minimum", type=click.FloatRange(0, 100), help="Fail below this percent.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@locales_option
def stats_command(
    langs: tuple[str, ...], minimum: float | None, as_json: bool, locales_dir: Path | None
) -> int:
    """Translated / fuzzy / untranslated messages per locale and domain."""
    from kedu.localization.stats import collect_stats

    rows = collect_stats(_stores(locales_dir), locales=list(langs) or None)
    rows += _missing_label_catalogs(rows, _store(locales_dir))
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "locale": r.locale,
                        "domain": r.domain,
                        "path": str(r.path),
                        "total": r.total,
                        "translated": r.translated,
                        "fuzzy": r.fuzzy,
                        "untranslated": r.untranslated,
                        "percent": round(r.percent, 1),
                    }
                    for r in rows
                ],
                indent=2,
            )
        )
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title="Translation status")
        for column in ("locale", "domain", "translated", "fuzzy", "untranslated", "%"):
            table.add_column(column, justify="left" if column in ("locale", "domain") else "right")
        for r in rows:
            pct = f"{r.percent:.1f}"
            style = "green" if r.percent == 100 and not r.fuzzy else "yellow"
            table.add_row(
                r.locale,
                r.domain,
                str(r.translated),
                str(r.fuzzy),
                str(r.untranslated),
                f"[{style}]{pct}[/]",
            )
        Console(highlight=False).print(table)
    below = [r for r in rows if minimum is not None and r.percent < minimum]
    for r in below:
        click.echo(
            f"kedu: {r.path}: {r.percent:.1f}% translated, below --min {minimum:g}", err=True
        )
    return 1 if below else 0


def _missing_label_catalogs(rows: list[CatalogStats], store: CatalogStore) -> list[CatalogStats]:
    """A 0 % row for each locale whose articles are translated but kedu's labels are not:
    its handouts cannot print until ``kedu i18n init --labels`` and a translation."""
    from kedu.localization.labels import LABEL_SOURCES
    from kedu.localization.locales import negotiate
    from kedu.localization.stats import CatalogStats

    with_labels = [r.locale for r in rows if r.domain == KEDU_DOMAIN]
    missing = sorted(
        {r.locale for r in rows if r.domain != KEDU_DOMAIN}
        - {loc for loc in {r.locale for r in rows} if negotiate(loc, with_labels)}
    )
    total = len(LABEL_SOURCES)
    return [
        CatalogStats(loc, KEDU_DOMAIN, store.po_path(loc, KEDU_DOMAIN), total, 0, 0, total, 0)
        for loc in missing
    ]


@i18n_group.command("check")
@click.option("--lang", "langs", multiple=True, help="Only these locales.")
@click.option("--warnings/--no-warnings", default=True, help="Show warnings too.")
@locales_option
def check_command(langs: tuple[str, ...], warnings: bool, locales_dir: Path | None) -> int:
    """Quality checks: markup, links, numbers, units, phones, placeholders, plurals, ..."""
    from kedu.localization.checks import check_store

    findings = check_store(_stores(locales_dir), locales=list(langs) or None)
    errors = [f for f in findings if f.severity == "error"]
    for finding in findings:
        if finding.severity == "error" or warnings:
            click.echo(str(finding))
    click.echo(f"{len(errors)} errors, {len(findings) - len(errors)} warnings", err=True)
    return 1 if errors else 0


@i18n_group.command("review")
@click.option("--lang", "lang", required=True, help="Locale that was reviewed.")
@click.option("--by", "reviewer", required=True, help="Reviewer's name (and credentials).")
@click.option(
    "--date", "when", type=click.DateTime(["%Y-%m-%d"]), help="Review date (default today)."
)
@click.argument("articles", nargs=-1, type=click.Path(path_type=Path))
@locales_option
def review_command(
    lang: str, reviewer: str, when: object, articles: tuple[Path, ...], locales_dir: Path | None
) -> int:
    """Record that a qualified medical translator reviewed LANG (of each ARTICLE, or of
    every article catalog in the locales folder)."""
    from datetime import datetime

    from kedu.localization.locales import negotiate
    from kedu.localization.workflow import record_review

    day = when.date() if isinstance(when, datetime) else date.today()
    loaded = load_articles(articles)
    store = _store(locales_dir, loaded[0][1].parent if loaded else None)
    domains = [a.id for a, _ in loaded] or [
        d
        for d in store.domains()
        if d != KEDU_DOMAIN and negotiate(lang, store.locales(d)) is not None
    ]
    if not domains:
        raise LocaleError(
            f"no article catalog for {lang!r} in {store.root}; available locales: "
            f"{', '.join(store.locales()) or '(none)'}"
        )
    paths = [record_review(store, domain, lang, reviewer, day) for domain in domains]
    labels = _review_labels(store, lang, reviewer, day)
    for path in [*paths, *([labels] if labels else [])]:
        click.echo(f"{path}: reviewed by {reviewer} on {day.isoformat()}")
    return 0


def _review_labels(store: CatalogStore, lang: str, reviewer: str, day: date) -> Path | None:
    """Review kedu's printed labels for ``lang`` along with the articles: they print on
    every handout (the disclaimer, the draft notice), so the review covers them too.

    kedu's own label catalog lives inside the installed package; the reviewed copy
    goes into the project's locales folder, where kedu looks first.
    """
    from kedu.localization.locales import negotiate, normalize
    from kedu.localization.workflow import record_review
    from kedu.write import write_atomic

    name = normalize(lang)
    if name.split("_")[0] == "en":
        return None  # English labels are kedu's source text
    if negotiate(name, store.locales(KEDU_DOMAIN)) is None:
        builtin = negotiate(name, BUILTIN_STORE.locales(KEDU_DOMAIN))
        if builtin is None:
            raise LocaleError(
                f"kedu's printed labels have no {name} catalog to review; start one with "
                f"`kedu i18n init --labels --lang {name}` and translate it"
            )
        source = BUILTIN_STORE.po_path(builtin, KEDU_DOMAIN)
        write_atomic(store.po_path(builtin, KEDU_DOMAIN), source.read_bytes())
    return record_review(store, KEDU_DOMAIN, name, reviewer, day)


@i18n_group.command("readability")
@click.argument("articles", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--lang", "langs", multiple=True, help="Only these locales (default: all).")
@click.option("--max-grade", type=float, help="Fail when a grade is above this.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@locales_option
def readability_command(
    articles: tuple[Path, ...],
    langs: tuple[str, ...],
    max_grade: float | None,
    as_json: bool,
    locales_dir: Path | None,
) -> int:
    """Sentence length and grade level per language."""
    from kedu.reports import readability_reports

    loaded = load_articles(articles)
    catalogs = locales_dir or state().config.locales_dir
    reports: list[tuple[str, ReadabilityReport]] = []
    for article, path in loaded:
        for report in readability_reports(article, path.parent, catalogs, list(langs) or None):
            reports.append((article.id, report))
    if as_json:
        click.echo(
            json.dumps(
                [{"article": a, **r.as_dict()} for a, r in reports], indent=2, ensure_ascii=False
            )
        )
    else:
        _print_readability(reports)
    over = [
        (a, r)
        for a, r in reports
        if max_grade is not None and r.grade is not None and r.grade > max_grade
    ]
    for article_id, r in over:
        click.echo(
            f"kedu: {article_id} {r.locale}: grade {r.grade:.1f} is above --max-grade "
            f"{max_grade:g}",
            err=True,
        )
    return 1 if over else 0


def _print_readability(reports: list[tuple[str, ReadabilityReport]]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=True)
    for article_id in dict.fromkeys(a for a, _ in reports):
        rows = [r for a, r in reports if a == article_id]
        table = Table(title=f"Reading level: {article_id}", title_justify="left")
        for column in ("locale", "sentences", "mean length", "> 20", "grade", "ease"):
            table.add_column(column, justify="left" if column == "locale" else "right")
        notes: list[str] = []
        for r in rows:
            grade = f"{r.grade:.1f} ({r.formula})" if r.grade is not None else "-"
            ease = f"{r.ease:.1f} ({r.ease_formula})" if r.ease is not None else "-"
            if r.note:
                notes.append(f"{r.locale}: {r.note}")
            table.add_row(
                r.locale,
                str(r.sentences),
                f"{r.mean_words:.1f} {r.unit}",
                f"{r.share_over_20:.0%}",
                grade,
                ease,
            )
        console.print(table)
        for note in notes:
            console.print(f"  {note}")
        for r in rows:
            if r.longest:
                console.print(f"Longest sentences ({r.locale}):")
                for sentence in r.longest[:3]:
                    console.print(
                        f"  [{sentence.path}] {sentence.words} {r.unit}: {sentence.text}",
                        markup=False,
                    )
