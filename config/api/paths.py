# Where the JSON API answers: the canonical API, the OpenAI-compatible one and seed 000's `/auth/` root.
# Bodies there are size-limited, errors are JSON, and no dashboard session is consulted.
API_PATH_PREFIXES = ("/api/", "/v1/", "/auth/")
