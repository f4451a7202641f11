"""Run one claimed item through the pipeline and record how it ended, whoever dispatched it.

This is the code every execution mode shares (in-process threads now, queue workers later):
the outcome is recorded only by the claim that holds the item, so an item is done exactly once.
"""

from __future__ import annotations

import logging

from ..common.clock import jittered, now
from ..config import JobSettings
from ..contracts import views
from ..contracts.schemas import ErrorBody
from ..desk.service import DeskService
from ..errors import ItemTimeout, WirebriefError, internal_error
from ..pipeline import Pipeline
from .announce import Announcer
from .models import DONE, FAILED, QUEUED
from .schemas import ErrorLine, JobItemIn, ResultLine
from .store import Claim, JobStore, Outcome

log = logging.getLogger(__name__)

RETRY_JITTER = 0.2  # spread of transient-error retries around job_retry_backoff_s * 2^(try-1)


def is_transient(error: WirebriefError) -> bool:
    """Server-side trouble (a model failing to load, a full queue, a timeout) may pass; bad input will not."""
    return error.status >= 500 or error.status == 429


class ItemRunner:
    def __init__(
        self,
        store: JobStore,
        pipeline: Pipeline,
        announcer: Announcer,
        settings: JobSettings,
        *,
        timeouts: tuple[type[BaseException], ...] = (),
        desk: DeskService | None = None,
    ) -> None:
        self.store = store
        self.pipeline = pipeline
        self.announcer = announcer
        self.settings = settings
        self.timeouts = timeouts  # what the executor raises when an item overruns its time (Celery's soft limit)
        self.desk = desk  # items asking for it (`desk`) are filed to the story desk once processed

    def run(self, claim: Claim) -> Outcome | None:
        """Process and record; the recorded outcome, or None when the claim was no longer ours."""
        outcome = self._process(claim)
        if not self.store.record(claim, outcome):
            log.warning(
                "item %s of job %s is no longer ours (released at shutdown, or its lease lapsed); "
                "this result is dropped",
                claim.custom_id,
                claim.job_id,
            )
            return None
        if outcome.state == QUEUED:
            return outcome
        if claim.announce:
            self.announcer.item(claim.item_id)
        if job := self.store.finish_if_done(claim.job_id):
            self.announcer.job(job)
        return outcome

    def _process(self, claim: Claim) -> Outcome:
        limit = self.settings.job_item_max_attempts
        if claim.attempts > limit:  # earlier claims vanished (a crash or a kill mid-item each time)
            return self._failed(
                claim, "worker_lost", f"the worker processing this item stopped {claim.attempts - 1} times; given up"
            )
        body = JobItemIn.model_validate({**claim.request, "custom_id": claim.custom_id})
        error: WirebriefError
        try:
            result = self.pipeline.process(views.article_request(body, desk=self.desk is not None))
        except self.timeouts:
            error, transient = self._timeout(), True
        except WirebriefError as exc:
            # a time limit that struck inside a step which wraps errors (a model load) is still a timeout
            error, transient = (self._timeout(), True) if self._caused_by_timeout(exc) else (exc, is_transient(exc))
        except Exception:
            log.exception("item %s of job %s crashed", claim.custom_id, claim.job_id)
            error, transient = internal_error(), True  # the details are in the log, as on the HTTP path
        else:
            if body.desk and self.desk is not None:
                owner = self.store.get(claim.job_id).owner
                self.desk.file_result(owner, body.desk_article_id(claim.job_id), result, body.source)
            line = ResultLine(custom_id=claim.custom_id, result=views.article(result, body.text, body.translate))
            return Outcome(DONE, output=line.model_dump_json(), announced=not claim.announce)
        if transient and claim.attempts < limit:
            delay = jittered(self.settings.job_retry_backoff_s * 2 ** (claim.attempts - 1), RETRY_JITTER)
            return Outcome(QUEUED, error_code=error.code, retry_at=now() + delay)
        return self._failed(claim, error.code, error.message)

    def _caused_by_timeout(self, exc: BaseException) -> bool:
        """Whether a time limit is anywhere in the chain of causes (libraries re-raise as their own errors)."""
        seen: set[int] = set()
        cause: BaseException | None = exc
        while cause is not None and id(cause) not in seen:
            if isinstance(cause, self.timeouts):
                return True
            seen.add(id(cause))
            cause = cause.__cause__ or cause.__context__
        return False

    def _timeout(self) -> ItemTimeout:
        return ItemTimeout(
            f"the item ran longer than {self.settings.job_item_soft_time_limit_s:g}s "
            "(WIREBRIEF_JOB_ITEM_SOFT_TIME_LIMIT_S)"
        )

    @staticmethod
    def _failed(claim: Claim, code: str, message: str) -> Outcome:
        line = ErrorLine(
            custom_id=claim.custom_id, error=ErrorBody(code=code, message=message), attempts=claim.attempts
        )
        return Outcome(FAILED, output=line.model_dump_json(), error_code=code, announced=not claim.announce)
