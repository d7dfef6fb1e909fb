"""Organization settings: ``kedu.toml`` or ``[tool.kedu]`` in ``pyproject.toml``.

Looked up in the working directory.  Every key is validated (a misspelt key is
an error naming it); command-line options override what the file says.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from kedu.errors import ConfigError
from kedu.exporters.base import Paper
from kedu.limits import check_file_size
from kedu.models.article import Article, InlineText, Organization

__all__ = ["CONFIG_FILE", "Config", "ServeSettings", "load_config"]

CONFIG_FILE = "kedu.toml"


class ServeSettings(BaseModel):
    """The ``[serve]`` table: what ``kedu serve`` shows and who may see it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    show_drafts: bool = Field(
        default=False,
        description="List unreviewed (draft) translations in the library; their handouts "
        "always carry the draft notice.",
    )
    articles: list[str] | None = Field(
        default=None,
        description="Glob patterns of article files, relative to the config file "
        "(default: every article YAML/JSON under the project folder).",
    )
    token: str | None = Field(
        default=None, min_length=16, description="Shared secret required by every request."
    )


class Config(BaseModel):
    """What a clinic sets once: branding and print defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    organization: Organization | None = Field(
        default=None, description="Replaces the fields it sets in every article's organization."
    )
    logo: Path | None = Field(default=None, description="Logo image printed in the handout header.")
    disclaimer: InlineText | None = Field(
        default=None,
        description="Replaces every article's disclaimer (extract catalogs again after)."
    )
    paper: Paper = Field(default="letter", description="Default paper size: letter or a4.")
    locales_dir: Path | None = Field(
        default=None, description="Locales directory (default: nearest locales/)."
    )
    output_dir: Path = Field(default=Path("out"), description="Where `kedu export` writes files.")
    serve: ServeSettings = Field(
        default_factory=ServeSettings, description="Settings of `kedu serve`."
    )
    source: Path | None = Field(default=None, description="The file the settings came from.")

    @field_validator("paper", mode="before")
    @classmethod
    def _paper_any_case(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    def apply(self, article: Article) -> Article:
        """``article`` with this configuration's organization and disclaimer."""
        update: dict[str, object] = {}
        if self.organization is not None:
            fields = self.organization.model_dump(exclude_unset=True)
            update["organization"] = article.organization.model_copy(update=fields)
        if self.disclaimer is not None:
            update["disclaimer"] = self.disclaimer
        return article.model_copy(update=update) if update else article


def prefix_of(table: tuple[str, ...] | None) -> str:
    return "tool.kedu." if table else ""


def _check_logo(logo: Path, source: Path, *, prefix: str) -> None:
    """The logo is printed on every handout: it must decode now, not fail every export."""
    from kedu.images import ImageProblem, check_image

    try:
        check_image(logo)
    except ImageProblem as exc:
        raise ConfigError(f"{logo}: {exc}", path=source, field=prefix + "logo") from None


def load_config(directory: Path | None = None) -> Config:
    """Read ``kedu.toml`` (or ``[tool.kedu]`` of ``pyproject.toml``) in ``directory``."""
    folder = directory or Path.cwd()
    candidates = [(folder / CONFIG_FILE, None), (folder / "pyproject.toml", ("tool", "kedu"))]
    for path, table in candidates:
        if not path.exists():
            continue
        if not path.is_file():
            # A kedu.toml folder (or a broken link) would otherwise be ignored silently.
            raise ConfigError("is not a file; kedu reads its settings from this name", path=path)
        check_file_size(path, error=ConfigError)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"TOML syntax error: {exc}", path=path) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot be read: {exc}", path=path) from None
        for key in table or ():
            data = data.get(key, {}) if isinstance(data, dict) else {}
        if table and not data:
            continue
        base = path.parent
        try:
            config = Config.model_validate(data)
        except ValidationError as exc:
            from kedu.load import format_validation_error

            known = (*Config.model_fields, *Organization.model_fields, *ServeSettings.model_fields)
            field, _line, message = format_validation_error(exc, known_fields=known)
            raise ConfigError(message, path=path, field=prefix_of(table) + field) from None
        update: dict[str, object] = {"source": path}
        for name in ("logo", "locales_dir", "output_dir"):
            value = getattr(config, name)
            if value is not None and not value.is_absolute():
                update[name] = base / value
        config = config.model_copy(update=update)
        if config.logo is not None:
            _check_logo(config.logo, path, prefix=prefix_of(table))
        return config
    return Config()
