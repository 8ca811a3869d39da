"""One small generated run shared by the tests that read generated files."""

from __future__ import annotations

import pytest

from openbob.sources.generate import GenerationSummary, generate


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> GenerationSummary:
    return generate(
        tmp_path_factory.mktemp("generated"),
        agencies=4,
        agents=9,
        consumers=1500,
        weeks=6,
        seed=11,
    )
