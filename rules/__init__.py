"""The rule modules, one rule family each (the family is the rules' category). Installed as `auditor.rules`.

To add a rule: write its class in the family's module (code, name, severity, docs in the docstring, check()),
list it in RULES below, and add its cases to tests/rules/cases/. The engine runs exactly the rules listed here."""
from __future__ import annotations

from .allocation import AllocationFactorSum, AllocationOutputMismatch, AllocationUndeclared, DataPeriodIncomplete
from .arithmetic import LineProduct, PerUnitFootprint, QuotedValueMismatch, StageSum, StageValueDuplicated, TotalSum
from .boundary import (
    ClaimConflict,
    ClaimStages,
    CutoffExclusion,
    DataWithoutDeclaration,
    DeclaredWithoutData,
    StageListsAgree,
)
from .consistency import (
    DatesInOrder,
    FactorSeries,
    FunctionalUnitConsistent,
    GasesCovered,
    GwpSourceYear,
    GwpValues,
    ProductIdentity,
    StandardCited,
)
from .electricity import ElectricityFactorOfficial, MarketBasedEvidence
from .extraction import ExtractionProblem, NothingToVerify, TableNotVerified
from .factor import (
    FactorCoverage,
    FactorDates,
    FactorEnergyBasis,
    FactorQuotedDifferently,
    FactorReference,
    FactorSeriesLabel,
    FactorTableUniform,
    FactorUnitAlgebra,
    FactorVariesByLine,
    FactorVintage,
)
from .gases import GasGwpRecompute
from .meta import RuleCrashed, UnusedWaiver
from .percentage import PercentOfTotal, PercentSum, StageSumQuoted
from .relations import TableRowRelation, TableSum, TableUnitContradiction
from .statement import StatementIncomplete

RULES = (
    LineProduct, StageSum, TotalSum, QuotedValueMismatch, StageValueDuplicated, PerUnitFootprint,
    PercentOfTotal, PercentSum, StageSumQuoted,
    FactorEnergyBasis, FactorReference, FactorTableUniform, FactorVintage, FactorUnitAlgebra, FactorDates, FactorSeriesLabel, FactorVariesByLine, FactorQuotedDifferently, FactorCoverage,
    ElectricityFactorOfficial, MarketBasedEvidence,
    ClaimStages, StageListsAgree, DeclaredWithoutData, DataWithoutDeclaration, ClaimConflict, CutoffExclusion,
    GwpSourceYear, FactorSeries, DatesInOrder, GasesCovered, FunctionalUnitConsistent, ProductIdentity, StandardCited, GwpValues,
    GasGwpRecompute, StatementIncomplete,
    NothingToVerify, ExtractionProblem, TableNotVerified,
    RuleCrashed, UnusedWaiver,
    TableRowRelation, TableSum, TableUnitContradiction,
    AllocationUndeclared, AllocationFactorSum, AllocationOutputMismatch, DataPeriodIncomplete,
)

__all__ = ["RULES"]
