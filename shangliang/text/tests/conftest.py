from collections.abc import Iterator

import pytest

from shangliang.text import selectors


@pytest.fixture(autouse=True)
def _fresh_text_caches() -> Iterator[None]:
    # Document counts and the category model are cached per process; every test has its own data.
    selectors.clear_caches()
    yield
    selectors.clear_caches()
