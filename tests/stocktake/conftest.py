import pytest

from instruments.models import Instrument, Interaction, Mitigation
from tests.pages.conftest import client_of, fast_passwords  # noqa: F401 (fixtures)


@pytest.fixture
def safeguards(catalogue):
    """Two catalogue safeguards and a paper incoherence among the small catalogue's
    instruments, mitigated by one of them."""
    convention = Instrument.objects.create(
        code="REFUGEE-CONVENTION",
        name="Refugee Convention",
        tool_type_id="instrument",
        paragraph=31,
        safeguard=True,
    )
    convention.levels.set(["international"])
    redress = Instrument.objects.create(
        code="BLA-COMPLAINT-MECHANISM",
        name="Complaint mechanisms",
        tool_type_id="instrument",
        paragraph=24,
        safeguard=True,
    )
    redress.levels.set(["bilateral"])
    instruments = catalogue["instruments"]
    paper = Interaction.objects.create(
        source=instruments["PHL-CHE-MP"],
        target=instruments["PHL-LMP"],
        score=-2,
        rationale="¶24: recruitment costs.",
    )
    Mitigation.objects.create(interaction=paper, safeguard=redress, how="Workers complain.")
    return {"convention": convention, "redress": redress, "paper": paper}
