"""The dtype and shape policy: what parameters accept, how they are promoted.

- `_classify`: what an argument is, and the one rule of what each kind of
  parameter accepts;
- `_specs`: parameter specifications, read from a class's annotations;
- `_check`: checking arguments, rebuilt fields and values by that rule;
- `_messages`: the words of every rejection;
- `_dtypes`: promotion to one float dtype, and the static aliases;
- `_values`: concrete and traced values against NumPyro's constraints;
- `_modes`: the validation modes; `_errors`: the exceptions.
"""

from ._check import (
    Accepted as Accepted,
    check_arguments as check_arguments,
    check_stored as check_stored,
    check_value as check_value,
)
from ._classify import (
    Kind as Kind,
    accepts as accepts,
    classify as classify,
    dtype_kind as dtype_kind,
    is_tracer as is_tracer,
)
from ._dtypes import (
    BoolLike as BoolLike,
    FloatLike as FloatLike,
    IntLike as IntLike,
    clear_caches as clear_caches,
    host_constant as host_constant,
)
from ._errors import (
    ParameterAssertionError as ParameterAssertionError,
    ParameterTypeError as ParameterTypeError,
    ParameterValueError as ParameterValueError,
    ValueTypeError as ValueTypeError,
    located as located,
)
from ._modes import (
    ValidationMode as ValidationMode,
    get_validation as get_validation,
    set_validation as set_validation,
    validation as validation,
)
from ._specs import (
    OptionSpec as OptionSpec,
    ParameterSpec as ParameterSpec,
    field_kinds as field_kinds,
    parameter_specs as parameter_specs,
)
from ._values import (
    check_values as check_values,
    evaluate_constraint as evaluate_constraint,
    guard_traced as guard_traced,
    is_dependent as is_dependent,
    numpyro_validation_off as numpyro_validation_off,
    validation_enabled as validation_enabled,
)
