"""The web workbench (`drafter serve`): pages and /api/… over drafter.services.

Routes parse the request, call a service and render its result with Jinja2 templates; no reading,
rule or drafting logic lives here. htmx is vendored under static/ (no CDN: intranets have no
internet), every page and message is Chinese.
"""
