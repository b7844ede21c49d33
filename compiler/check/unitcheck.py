"""Unit checks: every unit is known, and quantities that meet have compatible dimensions.

Reports P210 (unknown unit, with a did-you-mean), P211 (unit mismatch, also of `+` and `-`), P212
(a product or quotient the unit table has no unit for) and P213 (division by a literal zero).
Indicators give names their unit; `achterstand(doel)` has its indicator's unit,
`achterstand_procent(doel)` is in %, `effect(maatregel)` has its effect's unit. Calculations follow
compiler/check/units.py: `+ -` keep the left side's unit, a plain number scales a quantity, and a
quantity divided by one of the same dimension is a plain number.
"""

from __future__ import annotations

from decimal import Decimal

from compiler.check import units
from compiler.check.resolve import did_you_mean
from compiler.check.units import UnitInfo
from dsl import codes, nodes
from dsl.diagnostics import Diagnostics, Related


class UnitChecker:
    """Checks one policy's units; `decls` are the resolved declarations by id."""

    def __init__(self, decls: dict[str, nodes.Declaration], diags: Diagnostics) -> None:
        self.decls = decls
        self.diags = diags

    def check(self) -> None:
        for decl in self.decls.values():
            for f in decl.fields:
                self._field(decl, f)

    # names -> units ----------------------------------------------------------
    def unit_of_name(self, name: str) -> UnitInfo | None:
        decl = self.decls.get(name)
        if decl is None:
            return None
        if decl.kind == "indicator":
            unit = decl.value("eenheid")
            return units.lookup(unit.text) if unit else None
        if decl.kind == "doel":
            indicator = decl.value("indicator")
            named = self.decls.get(indicator.name) if indicator else None
            return (
                self.unit_of_name(indicator.name) if named and named.kind == "indicator" else None
            )
        if decl.kind == "maatregel":
            effect = decl.value("effect")
            if effect is None or effect.change.unit.text == "%":
                return None
            return units.lookup(effect.change.unit.text)
        return None

    def unit_of(self, operand) -> UnitInfo | None:
        """The unit of a comparison side (reporting what is wrong inside a calculation), or None
        when it is unknown or already reported. A number without a unit is a count here.
        """
        if isinstance(operand, nodes.CALCULATIONS):
            return self.calculation_unit(operand)
        if isinstance(operand, nodes.Quantity):
            return self.known(operand.unit)
        if isinstance(operand, nodes.Ref):
            return self.unit_of_name(operand.name)
        if isinstance(operand, nodes.Call) and operand.function == "achterstand_procent":
            return units.lookup("%")
        if isinstance(operand, nodes.Call):
            return self.unit_of_name(operand.argument.name)
        return None

    # calculations ------------------------------------------------------------
    def calculation_unit(self, expression) -> UnitInfo | None:
        """The unit of a calculation's value. Inside a calculation a number without a unit is a
        plain number (`2 * x`). Recursive: the parser rejects calculations nested deeper than
        dsl/parser.py MAX_NESTING (P007).
        """
        if isinstance(expression, nodes.Quantity) and not expression.unit.text:
            return units.PLAIN
        if isinstance(expression, nodes.Negative | nodes.Absolute):
            return self.calculation_unit(expression.operand)
        if not isinstance(expression, nodes.Arithmetic):
            return self.unit_of(expression)
        left = self.calculation_unit(expression.left)
        right = self.calculation_unit(expression.right)
        if expression.operator == "/":
            self._divisor(expression.right)
        if left is None or right is None:
            return None
        if expression.operator in "+-":
            return self._sum(expression, left, right)
        combine = units.product if expression.operator == "*" else units.quotient
        result = combine(left, right)
        if result is None:
            self._not_expressible(expression, left, right)
        return result

    def _sum(self, expression: nodes.Arithmetic, left: UnitInfo, right: UnitInfo):
        if units.compatible(left, right):
            return left
        verb = "add" if expression.operator == "+" else "subtract"
        self.diags.add(
            codes.UNIT_MISMATCH,
            expression.span,
            f"cannot {verb} {units.describe(right)} {'to' if verb == 'add' else 'from'} "
            f"{units.describe(left)}",
            hint="`+` and `-` need quantities of the same kind, e.g. kton with kg; "
            "write a number with its unit (`5 kton`)",
        )
        return None

    def _not_expressible(self, expression: nodes.Arithmetic, left: UnitInfo, right: UnitInfo):
        word = "times" if expression.operator == "*" else "divided by"
        if "%" in (left.name, right.name):
            hint = "write a share as a plain number: `0.05 * x` is 5 % of x"
        else:
            hint = (
                "multiply or divide a quantity by a plain number, or divide it by a quantity "
                "of the same kind (a ratio); see docs/units.md"
            )
        self.diags.add(
            codes.UNIT_NOT_EXPRESSIBLE,
            expression.span,
            f"{units.describe(left)} {word} {units.describe(right)} has no unit in the unit table",
            hint=hint,
        )

    def _divisor(self, divisor) -> None:
        if isinstance(divisor, nodes.Quantity) and Decimal(divisor.number) == 0:
            self.diags.add(
                codes.DIVISION_BY_ZERO,
                divisor.span,
                f"division by zero (`{divisor.number}`)",
                hint="divide by a number other than zero",
            )

    def known(self, unit: nodes.Unit) -> UnitInfo | None:
        info = units.lookup(unit.text or "aantal")  # a bare number in a condition is a count
        if info is None:
            self.diags.add(
                codes.UNKNOWN_UNIT,
                unit.span,
                f"unknown unit `{unit.text}`",
                hint=did_you_mean(unit.text, list(units.RULE_UNITS))
                or "see the unit table in docs/language.md",
            )
        return info

    # fields ------------------------------------------------------------------
    def _field(self, decl: nodes.Declaration, f: nodes.Field) -> None:
        value = f.value
        if f.keyword == "eenheid":
            self.known(value)
        elif f.keyword == "waarde":
            self._amount(decl, value, allow_share=False)
        elif f.keyword == "reductie":
            self._amount(decl, value.amount, allow_share=True)
        elif f.keyword == "tussendoel":
            self._amount(decl, value.amount, allow_share=value.kind == "reductie")
        elif f.keyword == "effect" and value.change.unit.text == "%":
            self.known(value.change.unit)  # a relative change fits any indicator
        elif f.keyword == "effect":
            self._expect(value.change, self.unit_of_name(value.indicator.name), value.indicator)
        elif f.keyword in ("als", "stap", "wie"):
            self._conditions(value)

    def _amount(self, decl: nodes.Declaration, amount, *, allow_share: bool) -> None:
        indicator = decl.value("indicator")
        expected = self.unit_of_name(indicator.name) if indicator else None
        for quantity in nodes.quantities_in(amount):
            if allow_share and quantity.unit.text == "%":
                self.known(quantity.unit)
                continue
            self._expect(quantity, expected, indicator)
        if isinstance(amount, nodes.Range):
            self._range_order(amount)
        if isinstance(amount, nodes.Bound) and isinstance(amount.value, nodes.Ref):
            got = self.unit_of_name(amount.value.name)
            if got and expected and not units.compatible(got, expected):
                self._mismatch(
                    amount.value.span, got, expected, f"`{amount.value.name}`", indicator
                )

    def _range_order(self, amount: nodes.Range) -> None:
        low, high = units.lookup(amount.low.unit.text), units.lookup(amount.high.unit.text)
        if not (low and high and units.compatible(low, high)):
            return
        low_value = units.convert(Decimal(amount.low.number), low, high)
        if low_value > Decimal(amount.high.number):
            self.diags.add(
                codes.RANGE_REVERSED,
                amount.span,
                f"range {amount.low.number} {low.name} tot {amount.high.number} {high.name} "
                "runs backwards",
                hint="write the lower bound first",
            )

    def _expect(
        self, quantity: nodes.Quantity, expected: UnitInfo | None, about: nodes.Ref | None
    ) -> None:
        got = self.known(quantity.unit)
        if got and expected and not units.compatible(got, expected):
            self._mismatch(quantity.span, got, expected, f"{quantity.number} {got.name}", about)

    def _mismatch(self, span, got: UnitInfo, expected: UnitInfo, what: str, about) -> None:
        related = ()
        if about is not None and about.name in self.decls:
            target = self.decls[about.name]
            related = (Related(f"`{about.name}` is measured in {expected.name}", target.id.span),)
        self.diags.add(
            codes.UNIT_MISMATCH,
            span,
            f"{what} is {got.dimension}, but {expected.name} ({expected.dimension}) is expected",
            hint=f"use a {expected.dimension} unit such as {expected.name}",
            related=related,
        )

    def _conditions(self, value) -> None:
        condition = _condition_of(value)
        stack = [condition] if condition is not None else []
        while stack:
            item = stack.pop()
            if isinstance(item, (nodes.AllOf, nodes.AnyOf)):
                stack.extend(item.items)
            elif isinstance(item, nodes.Not):
                stack.append(item.item)
            elif isinstance(item, nodes.Comparison):
                self._comparison(item)
            elif isinstance(item, nodes.Flag):
                self._flag(item)

    def _comparison(self, comparison: nodes.Comparison) -> None:
        left, right = self.unit_of(comparison.left), self.unit_of(comparison.right)
        if left and right and not units.compatible(left, right):
            hint = "compare quantities of the same kind, e.g. kton with kg"
            if units.PLAIN in (left, right) and "%" in (left.name, right.name):
                hint = "a ratio is a plain number: multiply it by 100 % to compare it with a %"
            self.diags.add(
                codes.UNIT_MISMATCH,
                comparison.span,
                f"cannot compare {units.describe(left)} with {units.describe(right)}",
                hint=hint,
            )

    def _flag(self, flag: nodes.Flag) -> None:
        unit = self.unit_of_name(flag.attribute.name)
        if unit and unit.dimension != "yes/no":
            self.diags.add(
                codes.UNIT_MISMATCH,
                flag.span,
                f"`{flag.attribute.name}` is measured in {unit.name}, not yes/no",
                hint=f"compare it instead, e.g. `{flag.attribute.name} > 0 {unit.name}`",
            )


def _condition_of(value):
    if isinstance(value, nodes.Step):
        return value.condition
    if isinstance(value, (nodes.EntitySubject, nodes.EntityAggregate)):
        return value.where
    if isinstance(value, nodes.ActorSubject):
        return None
    return value
