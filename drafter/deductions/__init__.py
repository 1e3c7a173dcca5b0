"""Deductions: why self-evaluations lost points, across agencies, and what to do about it.

:mod:`.extract` finds every row whose score is below its weight (and the budget-execution
shortfall), :mod:`.notes` splits each deviation note into cause and measure and flags boilerplate,
:mod:`.classify` assigns a category from :mod:`.categories` by keyword rules, :mod:`.measures`
proposes improvement measures, :mod:`.llm_engine` does the last three with a language model when
one is configured, and :mod:`.summary` adds everything up. :func:`analyse.analyse` runs them.
"""
