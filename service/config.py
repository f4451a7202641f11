"""Settings, read once from `WIREBRIEF_*` environment variables (and `.env`), in groups.

Each component takes only its group (`settings.translation`, `settings.jobs` ...): what it may read is visible in
its signature. `Settings` is the union of the groups, so every variable keeps its flat `WIREBRIEF_` name.
Shipped data (the model registry, the prompts) are found through `importlib.resources`, so an installed wheel
works from any directory; runtime state defaults to folders under the working directory.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Group = TypeVar("Group", bound=BaseModel)


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, which containers and taskset narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _shipped(name: str) -> Path:
    """A file or folder of `service/defaults` (links into the source tree; copies in a wheel)."""
    return Path(str(files("service.defaults").joinpath(name))).resolve()


class ServerSettings(BaseModel):
    """The HTTP server: where it listens and what one request may ask for."""

    host: str = "127.0.0.1"
    port: int = 8000
    max_body_bytes: int = Field(2 * 1024 * 1024, ge=1, description="Largest accepted request body.")
    max_article_chars: int = Field(
        200_000, ge=1, description="Largest accepted article (its text and title), in characters."
    )
    max_title_chars: int = Field(1_000, ge=1, description="Longest accepted title, in characters; more is 422.")
    header_timeout_s: float = Field(
        10.0,
        gt=0,
        description="A connection whose request headers are not complete "
        "this long after it opened (or after its last "
        "response) is closed.",
    )
    body_timeout_s: float = Field(30.0, gt=0, description="A request body not fully received within this gets 408.")
    keep_alive_timeout_s: float = Field(5.0, gt=0, description="An idle keep-alive connection is closed after this.")
    forwarded_allow_ips: str = Field(
        "",
        description="Comma-separated proxy addresses (or *) whose X-Forwarded-For "
        "and X-Forwarded-Proto are believed; empty: nobody's.",
    )
    request_timeout_s: float = Field(300.0, gt=0, description="A request still running after this gets 504.")
    max_inflight_requests: int = Field(
        32,
        ge=0,
        description="Model requests (articles, detect, translate, "
        "summarize) in flight per process; more: 429 at "
        "once. 0: no bound.",
    )
    cache_max_entries: int = Field(1024, ge=0, description="Cached article results (LRU); 0 disables.")


class ModelSettings(BaseModel):
    """Which weights, on which device and engine, when they load, and how requests share `generate` calls."""

    registry_path: Path = Field(default_factory=lambda: _shipped("registry.toml"), description="Model registry (TOML).")
    summarizer: str = Field(
        "",
        description="Summarization entry to use instead of the registry's `summarizer` "
        "(distilbart-cnn-6-6: about twice as fast, see PERFORMANCE); empty: the registry's.",
    )
    models_dir: Path = Field(
        default_factory=lambda: Path.cwd() / "models" / "cache", description="Downloaded model snapshots."
    )
    device: str = Field("cpu", description="torch device: cpu, cuda, cuda:0 ...")
    torch_threads: int = Field(0, ge=0, description="torch intra-op threads; 0 keeps torch's default.")
    hub_timeout_s: float = Field(5.0, gt=0, description="Per-request timeout when pulling from the hub.")
    engine: Literal["auto", "transformers", "ctranslate2"] = Field(
        "auto", description="auto: a converted CTranslate2 model when present, else transformers."
    )
    ct2_quantization: str = Field("auto", description="auto: int8 on CPU, int8_float16 on CUDA.")
    model_replicas: int = Field(
        0,
        ge=0,
        description="Batches each CTranslate2 model runs at once (replicas; transformers runs one); 0: one per core.",
    )
    ct2_intra_threads: int = Field(0, ge=0, description="Threads per CTranslate2 batch; 0: cores / replicas.")
    batch_max_tokens: int = Field(8192, ge=1, description="Padded input tokens per summarizer generate call.")
    batch_max_items: int = Field(64, ge=1, description="Inputs (chunks) per summarizer generate call.")
    translate_batch_max_tokens: int = Field(
        1024,
        ge=1,
        description="Padded input tokens per translation call: a batch's decoding holds megabytes per sentence "
        "and beam, and on CPU a larger batch of sentences is no faster (PERFORMANCE: where the memory goes).",
    )
    translate_batch_max_items: int = Field(16, ge=1, description="Sentences per translation call.")
    batch_wait_ms: float = Field(10.0, ge=0, description="How long a lone input waits for company.")
    batch_max_queue: int = Field(4096, ge=1, description="Queued inputs per model before 429.")
    generation_timeout_s: float = Field(600.0, gt=0, description="A request waiting longer gets 504.")
    malloc_trim: bool = Field(
        True,
        description="After a batch that leaves its model idle, return the freed heap to the OS (glibc "
        "malloc_trim): RSS falls back after a burst instead of staying at its peak. See PERFORMANCE.",
    )
    malloc_arena_max: int = Field(
        2,
        ge=0,
        description="malloc arenas the process may make (glibc mallopt M_ARENA_MAX), set when the model pool "
        "starts: each arena keeps a peak of its own; 0: glibc's default, 8 per core. See PERFORMANCE.",
    )
    preload: bool = Field(
        True,
        description="At start, load the present models requests will use, in the background (/ready is 503 "
        "until done), so the first request is as fast as the next; off: each loads on its first use.",
    )

    def quantization(self) -> str:
        """The CTranslate2 compute type for this device."""
        if self.ct2_quantization != "auto":
            return self.ct2_quantization
        return "int8_float16" if self.device.startswith("cuda") else "int8"

    def replicas(self) -> int:
        """CTranslate2 replicas per model: as set, else one per core this process may run on."""
        return self.model_replicas or usable_cores()

    def ct2_threads(self) -> int:
        if self.ct2_intra_threads:
            return self.ct2_intra_threads
        return max(1, usable_cores() // self.replicas())


class TranslationSettings(BaseModel):
    """How an article is cut into model inputs and how long a translation may run."""

    translate_beams: int = Field(4, ge=1, le=16)
    translate_max_input_tokens: int = Field(256, ge=8, description="Longer sentences are split, never truncated.")
    translate_sentences_per_chunk: int = Field(1, ge=1, description="MarianMT is trained on single sentences.")
    translate_length_ratio: float = Field(1.6, gt=0, description="max new tokens = ratio * input tokens + 10.")
    translate_length_slack: int = Field(10, ge=0, description="... + this many tokens.")
    translate_min_length_ratio: float = Field(0.0, ge=0, description="Output floor; benchmarks force equal work.")
    translate_max_new_tokens: int = Field(512, ge=8)
    repeat_guard: int = Field(2, ge=1, description="An n-gram repeated back-to-back more often is cut to this.")


class SummarySettings(BaseModel):
    """Summary shapes (the default style is the one `prompts/styles.toml` marks) and map-reduce bounds."""

    prompts_dir: Path = Field(
        default_factory=lambda: _shipped("prompts"), description="Summary styles and prompt templates."
    )
    summary_method: Literal["abstractive", "extractive"] = "abstractive"
    summary_max_input_tokens: int = Field(0, ge=0, description="0: the model's own limit.")
    summary_max_rounds: int = Field(3, ge=1, description="Map-reduce rounds before giving up with an error.")


class TextSettings(BaseModel):
    """How raw text is cleaned."""

    clean_main_block: bool = Field(
        True,
        description="Also keep only the main block of a scraped page (far less boilerplate; runs of article "
        "prose and lists next to it always stay). false: line rules and the furniture reading only.",
    )


class DetectionSettings(BaseModel):
    """When a language guess is flagged as doubtful."""

    detector: Literal["lingua", "lingua-low", "langdetect"] = Field(
        "lingua", description="Language detection engine (lingua-low: lingua's low-accuracy mode, see PERFORMANCE)."
    )
    detect_min_chars: int = Field(
        40,
        ge=1,
        description="Shorter text gets short_text and ambiguous_language "
        "warnings, and stays English when English is close.",
    )
    detect_min_confidence: float = Field(
        0.80,
        ge=0,
        le=1,
        description="Below this (summed over the languages the "
        "guessed model translates), an "
        "ambiguous_language warning.",
    )
    detect_english_ratio: float = Field(
        0.5,
        ge=0,
        le=1,
        description="On short text, English with this share of the guessed model's confidence stays English.",
    )


class StorageSettings(BaseModel):
    """The job database (jobs, webhooks, keys, usage) and runtime state."""

    data_dir: Path = Field(
        default_factory=lambda: Path.cwd() / "data", description="Runtime state (caches, job database)."
    )
    database_url: str = Field("", description="SQLAlchemy URL of the job database; empty: SQLite in data_dir.")
    migrate_on_start: bool = Field(True, description="Apply database migrations when a process starts.")


class JobSettings(BaseModel):
    """Batch jobs: their size limits, retries, leases and worker threads."""

    job_workers: int = Field(2, ge=0, description="Item worker threads per process; 0: this process only enqueues.")
    job_max_items: int = Field(10_000, ge=1, description="Items per job; more is 413.")
    job_max_item_bytes: int = Field(1024 * 1024, ge=1, description="UTF-8 bytes of one item's text; more is 413.")
    job_max_bytes: int = Field(64 * 1024 * 1024, ge=1, description="Bytes of one job's request body; more is 413.")
    job_item_max_attempts: int = Field(3, ge=1, description="Tries per item (transient errors, lost workers).")
    job_retry_backoff_s: float = Field(5.0, ge=0, description="Transient item retry waits base * 2^(try-1).")
    job_lease_s: float = Field(60.0, gt=0, description="A claimed item whose lease lapses is claimable again.")
    job_poll_interval_s: float = Field(1.0, gt=0, description="Idle workers look for due or lapsed items this often.")
    job_poll_max_backoff_s: float = Field(
        60.0,
        gt=0,
        description="After failed steps (database down, full or "
        "read-only) job threads wait the poll interval, "
        "doubling per failure, up to this.",
    )
    job_shutdown_grace_s: float = Field(10.0, ge=0, description="On stop, wait this long for items in flight.")
    job_page_max: int = Field(
        100, ge=1, description="Largest page of every list (jobs, webhook endpoints and deliveries)."
    )
    job_item_soft_time_limit_s: float = Field(
        540.0, gt=0, description="An item still running after this fails its try with item_timeout."
    )
    job_item_time_limit_s: float = Field(
        600.0, gt=0, description="Hard limit: the worker child is killed and the item tried again."
    )


class WebhookSettings(BaseModel):
    """Outgoing signed events and the inbound newsroom hook."""

    webhook_workers: int = Field(2, ge=0, description="Delivery threads per process; 0: deliver nothing here.")
    webhook_timeout_s: float = Field(10.0, gt=0, description="Per-attempt HTTP timeout (connect, read, write).")
    webhook_retry_schedule_s: list[float] = Field(
        [5, 25, 125, 625, 3125, 15625],
        min_length=1,
        description="Waits before each retry (JSON list); one attempt more than entries, then failed.",
    )
    webhook_retry_jitter: float = Field(0.2, ge=0, le=1, description="Each wait is scaled by 1 ± this, at random.")
    webhook_retry_after_max_s: float = Field(3600.0, ge=0, description="Cap on a receiver's Retry-After.")
    webhook_poll_interval_s: float = Field(1.0, gt=0, description="Delivery threads look for due retries this often.")
    webhook_poll_max_backoff_s: float = Field(
        60.0, gt=0, description="After failed steps delivery threads wait the poll interval, doubling, up to this."
    )
    webhook_secret_grace_s: float = Field(86_400.0, ge=0, description="A rotated-out secret still signs this long.")
    webhook_allowed_hosts: str = Field("", description="Comma-separated hosts exempt from the SSRF guard.")
    webhook_public_base_url: str = Field("", description="Prefix of result links in event payloads.")
    newsroom_secret: str = Field("", description="whsec_ secret(s) of POST /v1/hooks/newsroom, space-separated.")
    newsroom_callback_url: str = Field("", description="Where article.processed for newsroom hooks is sent.")
    newsroom_tolerance_s: float = Field(300.0, gt=0, description="Inbound webhook-timestamp skew accepted.")


class DistributedSettings(BaseModel):
    """Distributed mode (Celery workers over Redis). Empty broker_url: embedded mode (in-process threads)."""

    broker_url: str = Field(
        "",
        description="Celery broker (redis://...); set, the API only enqueues and "
        "`wirebrief worker` processes run items and webhook deliveries.",
    )
    worker_concurrency: int = Field(
        1, ge=1, description="Prefork child processes per `wirebrief worker`; each loads the models once."
    )
    worker_start_timeout_s: float = Field(
        60.0,
        gt=0,
        description="A new worker child that has not reported ready "
        "after this is replaced (Celery's "
        "worker_proc_alive_timeout, 4 s by default: too "
        "short on a busy machine).",
    )
    worker_max_tasks_per_child: int = Field(
        0, ge=0, description="Recycle a worker child after this many tasks; 0: never."
    )
    broker_visibility_timeout_s: float = Field(
        3600.0, gt=0, description="A message a dead worker held is redelivered after this (Redis)."
    )
    broker_reconcile_interval_s: float = Field(
        15.0, gt=0, description="How often workers look for items and deliveries whose message was lost."
    )
    broker_redispatch_after_s: float = Field(
        3600.0, gt=0, description="A ready item whose message is older than this is sent again."
    )
    broker_connect_timeout_s: float = Field(5.0, gt=0, description="Connecting or sending to the broker.")

    @property
    def distributed(self) -> bool:
        """True when a broker is configured: items and deliveries run on `wirebrief worker` processes."""
        return bool(self.broker_url)


class AccessSettings(BaseModel):
    """API keys and per-key limits."""

    auth_required: bool = Field(False, description="Require `Authorization: Bearer <key>` on the API.")
    auth_protect_ready: bool = Field(False, description="With auth on, /ready needs a key too.")
    auth_protect_metrics: bool = Field(False, description="With auth on, /metrics needs a key too.")
    rate_limit_per_minute: int = Field(0, ge=0, description="Requests per minute per key (or client); 0: none.")
    rate_limit_chars_per_day: int = Field(0, ge=0, description="Article characters per day per key; 0: none.")
    auth_failures_per_minute: int = Field(
        30,
        ge=0,
        description="With auth on, failed key checks per minute per "
        "client address; past it every request from the "
        "address is 429 until the window frees. 0: none.",
    )
    rate_limit_storage_url: str = Field(
        "",
        description="limits storage (redis://... or memory://); empty: the broker's Redis when set, else in-process.",
    )


class ObservabilitySettings(BaseModel):
    """Logs and metrics."""

    log_format: Literal["json", "text"] = Field("json", description="json: one JSON object per line.")
    log_level: str = Field("INFO", description="Root log level.")
    metrics_enabled: bool = Field(True, description="Serve Prometheus metrics at /metrics.")


class DeskSettings(BaseModel):
    """The story desk: how articles are filed into stories."""

    desk_window_hours: float = Field(
        72.0, gt=0, description="An article joins only stories with a member this close to it in time."
    )
    desk_threshold: float = Field(
        0.19, ge=0, le=1, description="Lowest score (text, names and numbers together) to join a story."
    )
    desk_text_weight: float = Field(0.7, ge=0, description="Weight of TF-IDF cosine similarity in the score.")
    desk_names_weight: float = Field(0.25, ge=0, description="Weight of shared capitalised names in the score.")
    desk_numbers_weight: float = Field(0.05, ge=0, description="Weight of shared numbers in the score.")
    desk_brief_sentences: int = Field(6, ge=1, description="Sentences a story's brief is drawn from.")
    desk_max_members: int = Field(200, ge=1, description="Members a story's brief and facts read (newest first).")


class Settings(
    BaseSettings,
    ServerSettings,
    ModelSettings,
    TextSettings,
    TranslationSettings,
    SummarySettings,
    DetectionSettings,
    StorageSettings,
    JobSettings,
    WebhookSettings,
    DistributedSettings,
    AccessSettings,
    ObservabilitySettings,
    DeskSettings,
):
    """Every knob of the service, read from the environment; components take their group, not this."""

    model_config = SettingsConfigDict(env_prefix="WIREBRIEF_", env_file=".env", extra="ignore")

    def group(self, kind: type[Group]) -> Group:
        """This group's fields as their own (validated) object."""
        return kind.model_validate({name: getattr(self, name) for name in kind.model_fields})

    @property
    def server(self) -> ServerSettings:
        return self.group(ServerSettings)

    @property
    def models(self) -> ModelSettings:
        return self.group(ModelSettings)

    @property
    def translation(self) -> TranslationSettings:
        return self.group(TranslationSettings)

    @property
    def summary(self) -> SummarySettings:
        return self.group(SummarySettings)

    @property
    def text(self) -> TextSettings:
        return self.group(TextSettings)

    @property
    def detection(self) -> DetectionSettings:
        return self.group(DetectionSettings)

    @property
    def storage(self) -> StorageSettings:
        return self.group(StorageSettings)

    @property
    def jobs(self) -> JobSettings:
        return self.group(JobSettings)

    @property
    def webhooks(self) -> WebhookSettings:
        return self.group(WebhookSettings)

    @property
    def broker(self) -> DistributedSettings:
        return self.group(DistributedSettings)

    @property
    def access(self) -> AccessSettings:
        """Access settings; an empty rate-limit storage means the broker's Redis when there is one."""
        access = self.group(AccessSettings)
        if not access.rate_limit_storage_url and self.broker_url.startswith(("redis://", "rediss://")):
            access = access.model_copy(update={"rate_limit_storage_url": self.broker_url})
        return access

    @property
    def observability(self) -> ObservabilitySettings:
        return self.group(ObservabilitySettings)

    @property
    def desk(self) -> DeskSettings:
        return self.group(DeskSettings)


@lru_cache
def get_settings() -> Settings:
    return Settings()
