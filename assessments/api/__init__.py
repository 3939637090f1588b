"""The API of the framework, assessments and scores (DESIGN §6, §7): views parse, scope
through `assessments.selectors` and hand every write to `assessments.services`.
"""
