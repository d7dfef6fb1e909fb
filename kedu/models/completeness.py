"""What a handout made from an article will lack: advice for ``validate`` and ``export``.

An article can be valid and still print a poor handout: a contact box with no
contact detail, a footer without a review date, no clinic name.  These are not
errors (a draft article may lack them for now), so they come back as warnings,
each naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass

from kedu.models.article import Article, CallToActionSection

__all__ = ["Gap", "handout_gaps"]


@dataclass(frozen=True)
class Gap:
    """One thing the handout will lack; ``field`` is the article field it is about."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def handout_gaps(article: Article) -> list[Gap]:
    """Everything the handouts of ``article`` will lack, in field order."""
    org = article.organization
    gaps: list[Gap] = []
    if not org.name:
        gaps.append(
            Gap(
                "organization.name",
                "no organization name: the handout shows no clinic name and the PDF and "
                "Word author is empty (set it in the article or kedu.toml)",
            )
        )
    if article.review_date is None:
        gaps.append(
            Gap(
                "review_date",
                "no review date: the footer cannot say when a clinician last reviewed the "
                "content (add review_date: YYYY-MM-DD)",
            )
        )
    for i, section in enumerate(article.sections):
        if not isinstance(section, CallToActionSection):
            continue
        have = [kind for kind in section.show if getattr(org, kind)]
        if not have:
            wanted = ", ".join(dict.fromkeys(section.show)) or "nothing"
            gaps.append(
                Gap(
                    f"sections[{i}].show",
                    f"contact box {section.id!r} shows {wanted}, but the organization has "
                    "none of them: it would print no way to get in touch (add "
                    "organization.phone, .website, .email or .address)",
                )
            )
    return gaps
