"""The demo's stock-taking (fixtures/demo_stocktake.yaml), written through the services
as a focal point would, before its assessment is submitted."""

from assessments import catalogue
from assessments.stocktake import services
from assessments.stocktake.checks import InstrumentInput, InteractionInput, MitigationInput

FILE = "demo_stocktake.yaml"


def demo_stock(directory=catalogue.FIXTURES) -> dict[tuple[str, int, str], dict]:
    """(country, cycle, actor) → what that assessment lists; empty without the file."""
    if not (directory / FILE).exists():
        return {}
    records = catalogue.read(directory, FILE) or []
    return {(r["country"], r["cycle"], r["actor"]): r for r in records}


def take_stock(assessment, record: dict | None, by) -> None:
    if not record:
        return
    for item in record.get("instruments") or []:
        spec = InstrumentInput(
            code=item["code"],
            name=item.get("name", ""),
            tool_type=item.get("tool_type", ""),
            levels=list(item.get("levels") or []),
            areas=list(item.get("areas") or []),
            link=item.get("link", ""),
            owner=item.get("owner", ""),
            safeguard=bool(item.get("safeguard", False)),
        )
        services.save_instrument(assessment, by=by, spec=spec)
    for item in record.get("interactions") or []:
        spec = InteractionInput(
            source=item["source"],
            target=item["target"],
            score=item["score"],
            rationale=item["rationale"],
            mitigations=[
                MitigationInput(m["safeguard"], m["how"]) for m in item.get("mitigations") or []
            ],
            no_mitigation=bool(item.get("none", False)),
        )
        services.save_interaction(assessment, by=by, spec=spec)
