"""Explanation requests (giải trình): an admin asks an agency about an indicator in the current period,
one of its focal points answers, and the admin who asked is told.

The services find who to ask and keep the question and the answer; the handlers write the messages in
each reader's language. The focal point's answer is typed as a chat message, so the position "answering
question N" is kept in the `conversations` table under FLOW.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.domain.models import Agency, Indicator, Period, PeriodState, User
from bot.services.catalogue import indicators_with_code
from storage.agencies import AgencyRepository
from storage.catalogue import CatalogueRepository
from storage.conversations import Conversation, ConversationRepository
from storage.explanations import Explanation, ExplanationRepository
from storage.periods import PeriodRepository
from storage.users import UserRepository

FLOW = "ask"
ANSWER_LIMIT = 1000


class ExplainStorage(Protocol):
    """The repositories a question and its answer go through."""

    agencies: AgencyRepository
    catalogue: CatalogueRepository
    conversations: ConversationRepository
    explanations: ExplanationRepository
    periods: PeriodRepository
    users: UserRepository


class UnknownAgencyOrIndicator(LookupError):
    """The agency or the indicator named in /ask does not exist."""


class NoOpenPeriod(LookupError):
    """The indicator's programme has no period that is not locked."""


class UnfitAnswer(ValueError):
    """An empty answer, or one longer than ANSWER_LIMIT characters."""


@dataclass(frozen=True)
class Question:
    """A question now on record, and the focal points it is for."""

    explanation_id: int
    agency: Agency
    indicator: Indicator
    period: Period
    text: str
    recipients: list[User]


@dataclass(frozen=True)
class Answered:
    """An answer now on record, with the admin who asked (to be told) and the agency that answered."""

    explanation: Explanation
    asker: User | None
    agency: Agency | None


async def ask_for_explanation(
    storage: ExplainStorage, agency_code: str, indicator_code: str, question: str, asked_by: int
) -> Question:
    """Record a question to an agency about an indicator, in the newest period of the indicator's programme
    that is not locked. Raises UnknownAgencyOrIndicator or NoOpenPeriod."""
    agency = await storage.agencies.get(agency_code.upper())
    indicator = next(iter(await indicators_with_code(storage, indicator_code)), None)
    if agency is None or indicator is None:
        raise UnknownAgencyOrIndicator(f"{agency_code} {indicator_code}")
    periods = [
        p
        for p in await storage.periods.all()
        if p.programme_id == indicator.programme_id and p.state is not PeriodState.LOCKED
    ]
    if not periods:
        raise NoOpenPeriod(indicator.code)
    period = periods[0]
    explanation_id = await storage.explanations.ask(period.id, agency.code, indicator.code, question, asked_by)
    recipients = [user for user, _ in await storage.users.members_of(agency.code)]
    return Question(explanation_id, agency, indicator, period, question, recipients)


async def begin_answer(
    storage: ExplainStorage, explanation_id: int, user_id: int, agency_codes: list[str]
) -> Explanation | None:
    """The Reply button: the user's next message answers this question. None (and nothing kept) if there
    is no such question or it was asked of an agency the user is not a focal point of."""
    explanation = await storage.explanations.get(explanation_id)
    if explanation is None or explanation.agency_code not in agency_codes:
        return None
    await storage.conversations.save(
        Conversation(user_id=user_id, flow=FLOW, state="answering", data={"explanation": explanation.id})
    )
    return explanation


async def answer_explanation(storage: ExplainStorage, conversation: Conversation, text: str) -> Answered | None:
    """Keep the answer the conversation was waiting for and end the conversation; None if the question is
    gone. Raises UnfitAnswer (and keeps the conversation) for an empty or too long answer."""
    if not text or len(text) > ANSWER_LIMIT:
        raise UnfitAnswer(len(text))
    explanation = await storage.explanations.get(int(conversation.data.get("explanation", 0)))
    await storage.conversations.delete(conversation.user_id)
    if explanation is None:
        return None
    await storage.explanations.answer(explanation.id, text, conversation.user_id)
    return Answered(
        explanation,
        await storage.users.get(explanation.asked_by),
        await storage.agencies.get(explanation.agency_code),
    )
