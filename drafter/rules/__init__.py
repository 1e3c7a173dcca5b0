"""Deterministic review: one rule per module (``t07_direction_word.py``), one stable code each.

Rules read only the Form model. Use :func:`review_forms` to run them, :func:`all_rules` and
:func:`get_rule` to list and explain them.
"""

from drafter.rules.engine import SelectionError, review_forms, select_rules, summarize
from drafter.rules.finding import Finding, at_least
from drafter.rules.registry import Rule, all_rules, get_rule

__all__ = ["Finding", "Rule", "SelectionError", "all_rules", "at_least", "get_rule",
           "review_forms", "select_rules", "summarize"]
