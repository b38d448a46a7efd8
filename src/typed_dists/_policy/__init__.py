"""The dtype and shape policy: what parameters accept, how they are promoted."""

from ._check import (
    OptionSpec as OptionSpec,
    ParameterSpec as ParameterSpec,
    check_arguments as check_arguments,
    check_stored as check_stored,
    check_value as check_value,
    field_kinds as field_kinds,
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
    ValueTypeError as ValueTypeError,
)
from ._modes import (
    ValidationMode as ValidationMode,
    get_validation as get_validation,
    set_validation as set_validation,
    validation as validation,
)
from ._values import (
    check_values as check_values,
    guard_traced as guard_traced,
    numpyro_validation_off as numpyro_validation_off,
    validation_enabled as validation_enabled,
)
