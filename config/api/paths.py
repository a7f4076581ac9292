# Where the JSON API answers: the canonical API, the OpenAI-compatible one and seed 000's `/auth/` and
# `/models/` roots. Bodies there are size-limited, errors are JSON, and no dashboard session is consulted.
API_PATH_PREFIXES = ("/api/", "/v1/", "/auth/", "/models/")
# Where a multipart upload may exceed the JSON body limit, up to `API_UPLOAD_MAX_BYTES`: an archive to
# scan, a document to index.
API_UPLOAD_PATHS = ("/api/v1/scans/code", "/api/v1/documents")
