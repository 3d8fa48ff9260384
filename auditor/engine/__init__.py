"""The engine: the rule contract, the rules there are, which run and at what severity, and one pipeline.

    base       Rule (metadata on the class, settings typed per rule, docs in the docstring), Context, fingerprint
    registry   the explicit list of rules (auditor.rules.RULES) by code; catalogue and explain text
    select     selectors and the one severity resolver; configuration checked against the rules
    config     the configuration model; configure loads and checks auditor.toml / [tool.auditor]
    pipeline   run -> soften (OCR uncertainty) -> waive -> count
    facts      what rules share: statements of each value, line intervals, total sums
    diagnose   likely causes (a digit slip, a decimal shift, a unit slip, a copied value)
    reference  the factor library (TOML) with sources and vintages
    summary    what a result says beside its findings: stages, identity, a summary for cross-checks
    baseline   findings already accepted in a previous JSON output

Modules import the submodule they need (`from auditor.engine.base import Rule`): this file imports nothing, so
a rule can import the contract without pulling the registry in.
"""
