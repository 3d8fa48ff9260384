"""From a read Document to the structured Report every rule works on.

    tables     what each table is (by the meaning of its header cells) and a reader per kind
    prose      numbers, claims, dates and declarations from running text
    assemble   the named stages: tables -> report parts, prose -> facts, coverage and notes
"""
from .assemble import extract, labelled_quantities, merge_continued, text_of
from .tables import knows_table

__all__ = ["extract", "knows_table", "labelled_quantities", "merge_continued", "text_of"]
