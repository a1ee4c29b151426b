"""The report's chart: tasks per lead agency stacked by status, and on-time completion over the
last twelve weeks, as one PNG (matplotlib, drawn off-screen with the Agg canvas).

:func:`chart_data` turns a report into the numbers drawn (kept apart so that a test can check
them against the report and ``/status``); :func:`render_chart` draws them. matplotlib is imported
when a chart is drawn, never when the bot starts (importing it costs about half a second). The
figure is built with the object API, not pyplot, so that charts can be drawn in worker threads.
DejaVu Sans, which ships with matplotlib, has every Vietnamese diacritic.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from bot.outbound.report_workbook import council_names, period_text, plain
from db.council_report import CouncilReport

WIDTH_PX = 1400
HEIGHT_PX = 700
DPI = 100
AGENCIES_SHOWN = 20  # the others are summed in one bar
FONT = "DejaVu Sans"

# The Government Office's categories as stacked segments: (Tally field, colour).
SERIES: tuple[tuple[str, str], ...] = (
    ("done_on_time", "#2e7d32"),
    ("done_late", "#f9a825"),
    ("within_deadline", "#1565c0"),
    ("overdue", "#c62828"),
    ("awaiting", "#6a1b9a"),
    ("no_deadline", "#9e9e9e"),
)


@dataclass(frozen=True)
class ChartData:
    """What the chart shows, exactly."""

    title: str
    agencies: tuple[str, ...]  # bar labels, most tasks first; the last may be "Others (n)"
    # Per series (a Tally field): its label and one count per bar.
    series: tuple[tuple[str, str, tuple[int, ...]], ...]
    weeks: tuple[str, ...]  # "dd/mm" of each week's Monday
    completed: tuple[int, ...]
    rates: tuple[float | None, ...]  # percent completed on time, None for a week with none

    def totals(self) -> dict[str, int]:
        """Each series summed over the bars (equals the report's summary)."""
        return {name: sum(counts) for name, _, counts in self.series}


def chart_data(report: CouncilReport, lang: str) -> ChartData:
    shown = report.agencies[:AGENCIES_SHOWN]
    rest = report.agencies[AGENCIES_SHOWN:]
    labels = [agency.code for agency in shown]
    if rest:
        labels.append(plain(lang, "chart_others", count=len(rest)))
    series = []
    for name, _colour in SERIES:
        counts = [getattr(agency.tally, name) for agency in shown]
        if rest:
            counts.append(sum(getattr(agency.tally, name) for agency in rest))
        series.append((name, plain(lang, f"chart_series_{name}"), tuple(counts)))
    return ChartData(
        title=f"{council_names(report, lang)} — {period_text(report, lang)}",
        agencies=tuple(labels),
        series=tuple(series),
        weeks=tuple(week.monday.strftime("%d/%m") for week in report.weeks),
        completed=tuple(week.completed for week in report.weeks),
        rates=tuple(
            None if week.rate is None else round(100 * week.rate, 1) for week in report.weeks
        ),
    )


def render_chart(data: ChartData, lang: str) -> bytes:
    """The chart as PNG bytes, WIDTH_PX × HEIGHT_PX."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    figure.suptitle(data.title, fontfamily=FONT, fontsize=13, fontweight="bold")
    bars, trend = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    colours = dict(SERIES)
    positions = list(range(len(data.agencies)))
    left = [0] * len(positions)
    for name, label, counts in data.series:
        bars.barh(positions, counts, left=left, color=colours[name], label=label, height=0.7)
        left = [a + b for a, b in zip(left, counts, strict=True)]
    bars.set_yticks(positions, labels=list(data.agencies), fontfamily=FONT, fontsize=8)
    bars.invert_yaxis()
    bars.set_title(plain(lang, "chart_agencies_title"), fontfamily=FONT, fontsize=11)
    bars.set_xlabel(plain(lang, "chart_tasks_axis"), fontfamily=FONT)
    if not positions:
        bars.text(0.5, 0.5, plain(lang, "chart_no_tasks"), ha="center", fontfamily=FONT)
    bars.legend(loc="lower right", fontsize=8, prop={"family": FONT, "size": 8})
    weeks = list(range(len(data.weeks)))
    trend.bar(weeks, data.completed, color="#cfd8dc")
    trend.set_ylabel(plain(lang, "chart_completed_axis"), fontfamily=FONT)
    trend.set_xticks(weeks, labels=list(data.weeks), rotation=45, fontsize=8)
    trend.set_xlabel(plain(lang, "chart_week_of"), fontfamily=FONT)
    rate_axis = trend.twinx()
    points = [(w, rate) for w, rate in zip(weeks, data.rates, strict=True) if rate is not None]
    if points:
        rate_axis.plot(
            [week for week, _ in points], [rate for _, rate in points], "o-", color="#2e7d32"
        )
    rate_axis.set_ylim(0, 105)
    rate_axis.set_ylabel(plain(lang, "chart_rate_axis"), fontfamily=FONT, color="#2e7d32")
    trend.set_title(plain(lang, "chart_trend_title"), fontfamily=FONT, fontsize=11)
    figure.subplots_adjust(left=0.08, right=0.94, bottom=0.15, top=0.88, wspace=0.3)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
