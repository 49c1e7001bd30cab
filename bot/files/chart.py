"""The summary as a chart for phones: one bar per indicator, numbered as the table's rows (STT) under the
table's Roman-numbered areas, full names wrapped, progress towards the target in percent (drawn left of
zero when the indicator moved away from it), grey stubs for "no data" and "cannot be assessed yet" so the
legend's grey means something, the legend below the bars, and a title that says what, when and from where.

Safe in a worker thread and twice at once: matplotlib's object API on an Agg canvas of its own, never
pyplot's global figures, and text taken literally (no mathtext, whose parser is shared)."""

from __future__ import annotations

import io
import textwrap

from bot.domain.progress import Status
from bot.domain.rendering import Translates
from bot.domain.summary import Summary
from bot.domain.summary_text import status_name
from bot.files.style import FileInputs, status_style
from bot.files.table import Row, appendix

SHOWN = (-60.0, 130.0)  # progress beyond these is drawn to the edge, its label still true
STUB = 3.0  # the width of a grey bar: visible, and plainly not a measurement
WRAP = 44
MINUS = "\u2212"
LEGEND_INCHES = 0.75  # the legend's rows and the source line, below the axes


def _label(row: Row, t: Translates) -> str:
    """What a bar says: its progress and the figure behind it, or why there is none."""
    figure = "–" if row.value is None else t.number(row.value, row.digits)
    unit = f" {row.unit}" if row.unit and row.value is not None else ""
    if row.progress is None or status_style(row.status).grey:
        text = f"{row.status_label} ({figure}{unit})" if row.value is not None else row.status_label
    else:
        text = f"{t.number(row.progress, 1)} % · {figure}{unit}"
    return text.replace("-", MINUS)  # the typographic minus: "−2,9 %", as in print


def summary_png(summary: Summary, t: Translates, inputs: FileInputs | None = None) -> bytes:
    """Progress towards the target per indicator, coloured by status; tall and narrow for a phone."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    lines: list[tuple[str, Row | None]] = []  # (label, row); an area's heading has no row
    for area in appendix(summary, t):
        lines.append((f"{area.numeral}. {area.name}", None))
        lines += [(textwrap.fill(f"{row.number}. {row.name}", WRAP), row) for row in area.rows]
    heights = [label.count("\n") + 1 for label, _ in lines]
    figure = Figure(figsize=(8, 2.6 + 0.19 * sum(heights) + 0.12 * len(lines)), dpi=150)
    FigureCanvasAgg(figure)  # the figure's own Agg renderer: nothing shared with another thread's chart
    axes = figure.add_subplot()
    positions, y = [], 0.0
    for height in heights:
        y -= 0.3 + 0.28 * height
        positions.append(y)
    for position, (_, row) in zip(positions, lines, strict=True):
        if row is None:
            continue
        style = status_style(row.status)
        grey = style.grey or row.progress is None
        value = STUB if grey else min(max(float(row.progress or 0.0), SHOWN[0]), SHOWN[1])
        axes.barh(position, value, color=style.colour, height=0.5, hatch="//" if grey else None, edgecolor="white")
        x = max(value, 0.0) + 1.5
        axes.text(
            x, position, _label(row, t), va="center", fontsize=6.5, parse_math=False, color="#212121",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.85},
        )  # fmt: skip
    axes.axvline(0, color="#424242", linewidth=0.6)
    axes.axvline(100, color="#424242", linewidth=0.8, linestyle="--")
    axes.set_yticks(positions, [label for label, _ in lines], fontsize=7, parse_math=False)  # a "$" stays a "$"
    for tick, (_, row) in zip(axes.get_yticklabels(), lines, strict=True):
        if row is None:
            tick.set_fontweight("bold")
    axes.set_ylim(min(positions) - 0.5, 0)
    axes.set_xlim(SHOWN[0] if any(r and (r.progress or 0) < 0 for _, r in lines) else 0, SHOWN[1] + 60)
    axes.tick_params(axis="y", length=0)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_xlabel(
        t.gettext("Progress towards the {year} target (%); 100 = target reached").format(
            year=summary.programme.horizon_year
        ),
        fontsize=7.5,
        parse_math=False,
    )
    _titles(figure, axes, summary, t, inputs or FileInputs())
    handles = [Patch(color=status_style(s).colour, label=status_name(s, t)) for s in Status]
    bottom = LEGEND_INCHES / figure.get_figheight()
    figure.legend(handles=handles, fontsize=7, loc="lower center", bbox_to_anchor=(0.5, 0.22 * bottom), ncol=3,
                  frameon=False)  # fmt: skip
    figure.tight_layout(rect=(0, bottom, 1, 1))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _titles(figure: object, axes: object, summary: Summary, t: Translates, inputs: FileInputs) -> None:
    """The programme's name, the period and the date above; where the figures come from below."""
    programme = summary.programme.title_en if t.locale == "en" else summary.programme.title_vi
    period = t.gettext("Reporting period {period} · figures as of {when}").format(
        period=summary.period.code, when=t.date(summary.generated_at.date())
    )
    axes.set_title(  # type: ignore[attr-defined]
        textwrap.fill(programme, 70) + "\n" + period, fontsize=8.5, parse_math=False, loc="left"
    )
    agency = inputs.letterhead.agency(t.locale)
    source = t.gettext("Source: reports of {submitted}/{expected} agencies through the reporting bot").format(
        submitted=len(summary.submitted), expected=len(summary.agencies)
    )
    if agency:
        source += t.gettext("; compiled by {agency}").format(agency=agency)
    figure.text(0.01, 0.005, source, fontsize=6.5, color="#616161", parse_math=False)  # type: ignore[attr-defined]
