"""NLU held-out sets and their checks."""

import pytest

# The shared checks of the blind sets assert in a helper module: let pytest explain their failures too.
pytest.register_assert_rewrite("tests.nlu.heldout")
