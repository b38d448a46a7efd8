"""The words of errors that the generated checks do not derive: a value
violation reports how many elements violate the constraint and the index
of the first."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np
import pytest

import typed_dists as td


@pytest.mark.parametrize(
    "scale",
    [
        [1.0, -1.0, 2.0],
        [-1.0, 2.0, -3.0, -4.0],
        [[1.0, 1.0], [1.0, -1.0]],
        [[0.5, 0.0, 2.0], [-1.0, 1.0, 0.0]],
    ],
    ids=["1d-middle", "1d-first", "2d-last", "2d-zero"],
)
def test_violation_message_reports_count_and_first_index(scale: list[Any]) -> None:
    array = np.asarray(scale)
    bad = np.argwhere(~(array > 0))  # scale must be positive
    with pytest.raises(td.ParameterValueError) as info:
        td.Normal(0.0, jnp.asarray(array))
    message = str(info.value)
    assert message.startswith("Normal: parameter `scale`"), message
    assert f"{len(bad)} of {array.size}" in message, message
    assert str(tuple(int(i) for i in bad[0])) in message, message
