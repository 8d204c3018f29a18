"""The IKM per MPP, per agency and per period, from complete answers only (``mpp.survey.ikm``).

One aggregate query per report (``ix_survey_report``): the nine element averages of complete
answers, the number of one-tap overall scores and their average, and the number of served
tickets in the same scope (the population the regulation's sample size is measured against).
The dashboard reads ``ikm_report``; ``mpp survey report`` prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mpp.db.queue_tables import TicketRow
from mpp.db.survey_tables import SurveyRow
from mpp.survey import ikm


@dataclass(frozen=True)
class Report:
    mpp_code: str | None
    agency_code: str | None
    start: date
    end: date  # inclusive
    index: ikm.Index | None  # None: no complete answer yet
    respondents: int  # complete answers (those in the index)
    quick_count: int  # one-tap overall scores, beside the index
    quick_mean: float | None  # 1–4
    quick_converted: float | None  # ×25, for reading beside the index: never mixed in
    served: int  # tickets served in scope: the population
    required: int  # respondents the regulation asks for that population (Krejcie–Morgan)

    @property
    def sample_too_small(self) -> bool:
        return self.respondents < self.required

    def summary(self) -> str:
        scope = " · ".join(x for x in (self.mpp_code, self.agency_code) if x) or "semua MPP"
        head = f"{scope} {self.start:%Y-%m-%d}…{self.end:%Y-%m-%d}: "
        if self.index is None:
            body = "belum ada jawaban lengkap"
        else:
            body = f"IKM {self.index.converted:.2f} ({self.index.category}, {self.index.label})"
        body += f", {self.respondents} responden"
        if self.sample_too_small:
            body += f" — kurang dari sampel minimal {self.required} untuk {self.served} layanan (Krejcie–Morgan)"
        if self.quick_count:
            body += f"; nilai cepat: {self.quick_count} × rata-rata {self.quick_mean:.2f} (terpisah dari IKM)"
        return head + body


def ikm_report(
    session: Session, start: date, end: date, mpp_code: str | None = None, agency_code: str | None = None
) -> Report:
    scope = [SurveyRow.served_day >= start, SurveyRow.served_day <= end]
    tickets = [TicketRow.day >= start, TicketRow.day <= end, TicketRow.status == "served"]
    if mpp_code:
        scope.append(SurveyRow.mpp_code == mpp_code)
        tickets.append(TicketRow.mpp_code == mpp_code)
    if agency_code:
        scope.append(SurveyRow.agency_code == agency_code)
        tickets.append(TicketRow.agency_code == agency_code)
    columns = [getattr(SurveyRow, f"u{i}") for i in range(1, 10)]
    full = session.execute(
        select(func.count(), *(func.avg(c) for c in columns)).where(*scope, SurveyRow.complete.is_(True))
    ).one()
    quick = session.execute(
        select(func.count(), func.avg(SurveyRow.overall)).where(
            *scope, SurveyRow.complete.is_(False), SurveyRow.overall.isnot(None)
        )
    ).one()
    served = int(session.execute(select(func.count()).select_from(TicketRow).where(*tickets)).scalar_one())
    respondents = int(full[0])
    index = ikm.from_element_means(respondents, [float(v) for v in full[1:]]) if respondents else None
    quick_mean = float(quick[1]) if quick[0] else None
    return Report(
        mpp_code,
        agency_code,
        start,
        end,
        index,
        respondents,
        int(quick[0]),
        quick_mean,
        round(quick_mean * ikm.CONVERSION, 2) if quick_mean is not None else None,
        served,
        ikm.required_sample(served),
    )


def by_agency(session: Session, start: date, end: date, mpp_code: str) -> list[Report]:
    agencies = session.execute(
        select(SurveyRow.agency_code)
        .where(SurveyRow.mpp_code == mpp_code, SurveyRow.served_day >= start, SurveyRow.served_day <= end)
        .distinct()
        .order_by(SurveyRow.agency_code)
    ).scalars()
    return [ikm_report(session, start, end, mpp_code, a) for a in agencies]
