"""Services: one function per job (read, review, draft, deductions, search, rules).

The command line (drafter/cli*.py) and the web workbench (drafter/web/) both call these and only
render what they return, so neither front end holds a second copy of the orchestration. Services
take models, paths and options, return models, and report a user's mistake as ``InputError`` (or
the store's, LLM configuration's and offline engine's own one-line errors); they never print or
exit.
"""
