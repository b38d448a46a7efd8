"""The record of a typed class: its declaration, read once, owned by the class.

A typed class is declared like a table (its fields, its annotated
`__init__`, the NumPyro class it wraps). When the class is created, its
record reads that table once: the parameter specs and options, the
field-to-NumPyro name maps, the static fields, the `__check_init__` methods.
It also keeps what the class learns while in use (the call signatures it
has accepted, whether its NumPyro class builds inner distributions). The
record is the class attribute `_record`; nothing at module level refers to a
class, so typed classes defined in a function are freed with it (see the
design page for what JAX's pytree registry keeps).
"""

from __future__ import annotations

import dataclasses
import inspect
import warnings
from collections.abc import Callable
from typing import Any, cast

import equinox as eqx
import jax
from numpyro.distributions import Distribution

from .._policy import (
    Accepted,
    Kind,
    OptionSpec,
    ParameterSpec,
    field_kinds,
    parameter_specs,
)

__all__ = ["ATTRIBUTE_KEY", "BOOKKEEPING_KEY", "NAME_KEY", "ClassRecord", "record_of"]

NAME_KEY = "typed_dists.numpyro_name"
"""Field metadata: NumPyro's constructor argument name (see `numpyro_field`)."""
ATTRIBUTE_KEY = "typed_dists.numpyro_attribute"
"""Field metadata: the NumPyro attribute the field is read from."""
BOOKKEEPING_KEY = "typed_dists.bookkeeping"
"""Field metadata: how a bookkeeping field is read from the built NumPyro
instance (see `bookkeeping_field`)."""

VALIDATE_FIELD = "_validate_args"


@dataclasses.dataclass(eq=False)
class ClassRecord:
    """What one typed class declares, and what it learns in use."""

    cls: type
    numpyro_class: type[Distribution] | None
    """The NumPyro class wrapped; `None` for a generic intermediate base."""
    parameters: tuple[ParameterSpec, ...]
    options: tuple[OptionSpec, ...]
    one_of: tuple[str, ...]
    """An exclusive parametrisation: exactly one of these must be given."""
    declared: frozenset[str]
    """Every name `__init__` must pass on to `_construct`."""
    names: dict[str, str]
    """Each stored field and NumPyro's constructor argument name for it."""
    attributes: dict[str, str]
    """Each stored field and the NumPyro attribute it is read from."""
    static: tuple[str, ...]
    """Static fields, which must not hold JAX arrays (Equinox warns)."""
    bookkeeping: dict[str, Callable[[Any], Any]]
    """Each bookkeeping field (not a NumPyro argument: what the class keeps
    about its own construction) and how it is read from the NumPyro instance."""
    check_inits: tuple[Callable[[Any], None], ...]
    own_construction: bool
    """Whether the metaclass constructs instances itself (see
    `TypedDistributionMeta`); else Equinox's and NumPyro's metaclasses do."""
    takes_validate_args: bool
    """Whether the typed `__init__` takes `validate_args`."""
    numpyro_takes_validate_args: bool
    accepted: Accepted = dataclasses.field(default_factory=lambda: _accepted())
    """Call signatures accepted so far (see `check_arguments`)."""
    builds_inner: bool | None = None
    """Whether the NumPyro class builds inner distributions (learnt on first
    build, see `new_numpyro`)."""
    eager_methods: set[str] = dataclasses.field(default_factory=lambda: set[str]())
    """Methods whose calls always run eagerly: their compiled call failed
    where the eager one did not (see `_methods.compiled_call`)."""
    traces: dict[tuple[object, ...], int] = dataclasses.field(
        default_factory=lambda: dict[tuple[object, ...], int]()
    )
    """How often each compiled method was traced, per input signature."""
    valid_numbers: set[tuple[object, ...]] = dataclasses.field(
        default_factory=lambda: set[tuple[object, ...]]()
    )
    """(parameter, Python number, dtype) found valid by a value check, which
    need not be checked again (see `_construct._check_values`)."""
    _field_kinds: dict[str, tuple[Kind, bool]] | None = None

    @classmethod
    def of(cls, typed: type, numpyro_class: type[Distribution] | None) -> ClassRecord:
        """Read `typed`'s declaration (after Equinox made it a dataclass)."""
        fields = dataclasses.fields(cast(Any, typed))
        bookkeeping = {
            f.name: f.metadata[BOOKKEEPING_KEY]
            for f in fields
            if BOOKKEEPING_KEY in f.metadata
        }
        stored = [
            f for f in fields if f.name != VALIDATE_FIELD and f.name not in bookkeeping
        ]
        init = cast(Any, typed).__init__
        parameters, options = parameter_specs(init)
        signature = inspect.signature(init).parameters
        own = (
            numpyro_class is not None
            and not inspect.isabstract(typed)
            and not getattr(typed, "__abstractvars__", ())
            and not getattr(typed, "__abstractclassvars__", ())
            # The `__init__` a typed class wrote, not a dataclass-generated one
            # (which assigns fields itself); no field converters to run.
            and getattr(typed, "_written_init", None) is init
            and all(f.init and "converter" not in f.metadata for f in fields)
        )
        return cls(
            cls=typed,
            numpyro_class=numpyro_class,
            parameters=parameters,
            options=options,
            one_of=tuple(getattr(typed, "_one_of", ())),
            declared=frozenset(
                [s.name for s in parameters] + [o.name for o in options]
            ),
            names={f.name: f.metadata.get(NAME_KEY, f.name) for f in stored},
            attributes={
                f.name: f.metadata.get(ATTRIBUTE_KEY, f.metadata.get(NAME_KEY, f.name))
                for f in stored
            },
            static=tuple(f.name for f in stored if f.metadata.get("static", False)),
            bookkeeping=bookkeeping,
            check_inits=tuple(
                klass.__dict__["__check_init__"]
                for klass in typed.__mro__
                if "__check_init__" in klass.__dict__
            ),
            own_construction=own,
            takes_validate_args="validate_args" in signature,
            numpyro_takes_validate_args=numpyro_class is not None
            and "validate_args" in inspect.signature(numpyro_class).parameters,
        )

    @property
    def owner(self) -> str:
        """The class name, as errors give it."""
        return self.cls.__name__

    def field_kinds(self) -> dict[str, tuple[Kind, bool]]:
        """Each array field's kind, and whether it may be `None`; read on
        first use, as annotations may name classes declared after this one."""
        if self._field_kinds is None:
            self._field_kinds = field_kinds(self.cls)
        return self._field_kinds

    def finish(self, instance: Any) -> None:
        """After `__init__`: what Equinox checks of a new module, for the
        parts a typed class cannot answer once (see `TypedDistributionMeta`).

        **Raises:** `TypeError` if `__init__` did not set every field (it did
        not call `_construct`).
        """
        stored = instance.__dict__
        for name in self.names:
            if name not in stored:
                raise TypeError(
                    f"Field {name!r} was not initialized: {self.owner}.__init__ "
                    "must call `self._construct(...)`."
                )
        for name in self.static:
            value = stored[name]
            if type(value) in _PLAIN:
                continue  # no arrays inside: skip flattening it
            if any(eqx.is_array(leaf) for leaf in jax.tree.leaves(value)):
                warnings.warn(
                    f"{self.owner}: a JAX array is being set as static field "
                    f"{name!r}; static fields are part of the tree structure, "
                    "so each new array traces a new program.",
                    stacklevel=3,
                )
        for check_init in self.check_inits:
            check_init(instance)


_PLAIN = frozenset({bool, int, float, str, type(None)})


def _accepted() -> Accepted:
    return {}


def record_of(cls: type) -> ClassRecord:
    """The record of a typed class."""
    return cast(ClassRecord, cls.__dict__["_record"])
