"""What one document's template is given: the content true for the clinic's treatment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..graphics.qr import qr_data_uri
from ..graphics.timeline import WEEKS_PER_MONTH, Colors, plan_sessions, timeline_svg
from ..models.content import Content, Ingredient, IngredientUse, Risk
from ..request import DocumentRequest
from ..scoping import content_for, treatment_of
from .citations import Citations
from .form_font import form_font_data_uri
from .plan import AFTERCARE_DAYS, aftercare_days, course_costs, course_sessions, review_times


@dataclass(frozen=True)
class Paper:
    """A paper size as CSS names it, and its width and height in points."""

    css: str
    width: float
    height: float


PAPERS = {"a4": Paper("A4", 595.28, 841.89), "letter": Paper("letter", 612.0, 792.0)}

FREQUENCIES = ("common", "uncommon", "rare")

FORM_DOCUMENTS = frozenset({"consent", "aftercare"})
"""The documents with fields to fill in: only they carry the form font."""
MAX_PAGES = {"aftercare": 1}
"""Documents that must fit a number of pages: the aftercare sheet is one page to take home."""


def risk_groups(risks: list[Risk]) -> list[tuple[str, list[Risk]]]:
    """Risks grouped by frequency, commonest first; empty groups left out."""
    groups = [(frequency, [risk for risk in risks if risk.frequency == frequency])
              for frequency in FREQUENCIES]
    return [(frequency, items) for frequency, items in groups if items]


def document_context(request: DocumentRequest, compact: bool = False) -> dict[str, Any]:
    """Everything a document template may use; ``compact`` asks for tighter spacing
    (see :meth:`~brochure.documents.html.HtmlRenderer.render`)."""
    project, document, language = request.project, request.document, request.language
    clinic = request.site.clinic
    theme = request.site.theme
    protocol, treatment = treatment_of(project.content, clinic)
    content: Content = content_for(project.content, treatment, protocol)[0]
    locale = clinic.locale or language
    colors = Colors(
        ink=theme.colors.get("foreground", "#222222"),
        accent=theme.colors.get("secondary", theme.colors.get("primary", "#333333")),
        band=theme.colors.get("light", "#eeeeee"),
        muted=theme.colors.get("dark", "#555555"),
    )
    ingredients: list[tuple[Ingredient, IngredientUse]] = [
        (item, item.routes[protocol.route]) for item in content.ingredients.values()]
    sessions = course_sessions(protocol)
    citations = Citations(project.content.sources)
    return {
        "document": document,
        "compact": compact,
        "control": clinic.documents[document],
        "inputs": request.inputs,
        "language": language,
        "locale": locale,
        "paper": PAPERS[clinic.paper],
        "content": content,
        "meta": content.meta,
        "clinic": clinic,
        "theme": theme,
        "protocol": protocol,
        "ingredients": ingredients,
        "risk_groups": risk_groups(content.risks.items),
        "contraindications": content.contraindications.items,
        "preparation": content.preparation.steps,
        "aftercare": [(step, aftercare_days(step)) for step in content.aftercare.steps],
        "aftercare_days": AFTERCARE_DAYS,
        "numbing": clinic.numbing,
        "sessions": sessions,
        "course_months": max(1, round(plan_sessions(protocol)[0][-1].week / WEEKS_PER_MONTH)),
        "costs": course_costs(clinic.price, sessions, locale),
        "reviews": review_times(clinic.review, locale),
        "last_review": clinic.review.at[-1],
        "form_font": (form_font_data_uri(project.root / theme.form_face.path)
                      if theme.form_face and document in FORM_DOCUMENTS else None),
        "timeline": timeline_svg(protocol, clinic.review.at, colors, theme.base_css_family),
        "diagram": {"route": protocol.route, "labels": content.how_it_works.diagram_labels,
                    "alt": protocol.diagram.alt, "font_family": theme.base_css_family,
                    "colors": {"ink": colors.ink, "accent": colors.accent,
                               "primary": theme.colors.get("primary", colors.ink),
                               "muted": colors.muted}},
        "booking_qr": qr_data_uri(str(clinic.booking_url), theme.colors.get("dark", "#000000")),
        "cite": citations.cite,
        "citations": citations,
    }
