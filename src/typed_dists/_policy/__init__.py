"""The dtype and shape policy: what parameters accept, how they are promoted."""

from ._check import (
    OptionSpec as OptionSpec,
    ParameterSpec as ParameterSpec,
    check_arguments as check_arguments,
    parameter_specs as parameter_specs,
)
from ._dtypes import (
    BoolLike as BoolLike,
    FloatLike as FloatLike,
    IntLike as IntLike,
    is_tracer as is_tracer,
)
from ._errors import (
    ParameterTypeError as ParameterTypeError,
    ParameterValueError as ParameterValueError,
)
from ._values import (
    check_values as check_values,
    validation_enabled as validation_enabled,
)
