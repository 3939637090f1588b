"""What every endpoint of the REST API shares (DESIGN §6), one module a concern: errors,
schema, pagination, renderers, HTTP caching, authentication, throttling, strict filters
and fields, the base views and the fixed vocabularies' endpoints.
"""
