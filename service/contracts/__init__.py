"""The data contract shared by the HTTP API, jobs, webhooks and workers: request, result and error models,
their mappings from pipeline results, and strict body decoding. Nothing here knows about HTTP routing."""
