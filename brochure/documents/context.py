"""What one document's template is given: the clinic's protocol and content, ready to draw."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..build.inputs import input_digest
from ..graphics.qr import qr_data_uri
from ..graphics.timeline import Colors, timeline_svg
from ..models.clinic import ProtocolOverrides
from ..models.content import Content, Protocol, ProtocolSpecific, Risk
from ..pdf.form_font import form_font_data_uri
from ..project import ClinicSite, Project
from .citations import Citations


@dataclass(frozen=True)
class Paper:
    """A paper size as CSS names it, and its width and height in points."""

    css: str
    width: float
    height: float


PAPERS = {"a4": Paper("A4", 595.28, 841.89), "letter": Paper("letter", 612.0, 792.0)}

FREQUENCIES = ("common", "uncommon", "rare")


def effective_protocol(protocol: Protocol, overrides: ProtocolOverrides) -> Protocol:
    """The shared protocol with the clinic's overrides applied."""
    phases = list(protocol.phases)
    for index, change in enumerate(overrides.phases):
        phases[index] = phases[index].model_copy(update=_given(change))
    update = _given(overrides, exclude={"phases", "price"})  # the rest share their names
    return protocol.model_copy(update={**update, "phases": phases})


def _given(model: BaseModel, exclude: set[str] = frozenset()) -> dict[str, Any]:
    """The fields a YAML file actually set on ``model``, as validated values."""
    return {name: getattr(model, name) for name in model.model_fields_set - exclude
            if getattr(model, name) is not None}


def risk_groups(risks: list[Risk]) -> list[tuple[str, list[Risk]]]:
    """Risks grouped by frequency, commonest first; empty groups left out."""
    groups = [(frequency, [risk for risk in risks if risk.frequency == frequency])
              for frequency in FREQUENCIES]
    return [(frequency, items) for frequency, items in groups if items]


def document_context(project: Project, site: ClinicSite, document: str, language: str,
                     inputs: str | None = None) -> dict[str, Any]:
    """Everything a document template may use; ``inputs`` is the digest, when already known."""
    content: Content = project.content
    clinic = site.clinic
    theme = site.theme
    protocol = effective_protocol(content.protocols[clinic.protocol], clinic.overrides)
    protocol_id = clinic.protocol
    colors = Colors(
        ink=theme.colors.get("foreground", "#222222"),
        accent=theme.colors.get("secondary", theme.colors.get("primary", "#333333")),
        band=theme.colors.get("light", "#eeeeee"),
        muted=theme.colors.get("dark", "#555555"),
    )

    def applies(item: ProtocolSpecific) -> bool:
        return item.applies_to(protocol_id, protocol.ingredients)

    risks = [risk for risk in content.risks.items if applies(risk)]
    citations = Citations(content.sources)
    return {
        "document": document,
        "control": clinic.documents[document],
        "inputs": inputs or input_digest(project, site, document, language),
        "language": language,
        "locale": clinic.locale or language,
        "paper": PAPERS[clinic.paper],
        "content": content,
        "meta": content.meta,
        "clinic": clinic,
        "slug": site.slug,
        "theme": theme,
        "protocol": protocol,
        "protocol_id": protocol_id,
        "price": clinic.overrides.price,
        "ingredients": [content.ingredients[name] for name in protocol.ingredients],
        "risks": risks,
        "risk_groups": risk_groups(risks),
        "contraindications": [item for item in content.contraindications.items if applies(item)],
        "preparation": [step for step in content.preparation.steps if applies(step)],
        "aftercare": [step for step in content.aftercare.steps if applies(step)],
        "form_font": (form_font_data_uri(project.root / theme.form_face.path)
                      if theme.form_face else None),
        "timeline": timeline_svg(protocol, colors, theme.base_css_family),
        "booking_qr": qr_data_uri(str(clinic.booking_url), theme.colors.get("dark", "#000000")),
        "cite": citations.cite,
        "citations": citations,
    }
