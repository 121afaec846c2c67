"""A small log-log line plot as SVG text: enough to see how time and memory grow with N, with no dependency."""

from __future__ import annotations

import math
from html import escape

WIDTH, HEIGHT = 420, 300
LEFT, RIGHT, TOP, BOTTOM = 60, 40, 30, 45
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#7f7f7f", "#9467bd"]

Series = dict[str, list[float]]


def _decades(values: list[float]) -> tuple[int, int]:
    positive = [v for v in values if v > 0]
    low, high = math.floor(math.log10(min(positive))), math.ceil(math.log10(max(positive)))
    return low, max(high, low + 1)


def _panel(title: str, series: Series, target: float | None, ns: list[int], x_label: str, x0: int) -> list[str]:
    values = [v for ys in series.values() for v in ys] + ([target] if target else [])
    (ylo, yhi), (xlo, xhi) = _decades(values), _decades([float(n) for n in ns])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(n: float) -> float:
        return x0 + LEFT + (math.log10(n) - xlo) / (xhi - xlo) * plot_w

    def y(v: float) -> float:
        return TOP + plot_h - (math.log10(max(v, 10.0**ylo)) - ylo) / (yhi - ylo) * plot_h

    out = [f'<text x="{x0 + LEFT + plot_w / 2}" y="18" text-anchor="middle" font-weight="bold">{escape(title)}</text>',
           f'<rect x="{x0 + LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#444"/>']  # fmt: skip
    for d in range(ylo, yhi + 1):
        out.append(f'<line x1="{x0 + LEFT}" x2="{x0 + LEFT + plot_w}" y1="{y(10.0**d):.1f}" y2="{y(10.0**d):.1f}" '
                   f'stroke="#ddd"/><text x="{x0 + LEFT - 6}" y="{y(10.0**d) + 4:.1f}" text-anchor="end">{10.0**d:g}</text>')  # fmt: skip
    for d in range(xlo, xhi + 1):
        out.append(f'<line x1="{x(10.0**d):.1f}" x2="{x(10.0**d):.1f}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#ddd"/>'
                   f'<text x="{x(10.0**d):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{10**d:,}</text>')  # fmt: skip
    out.append(f'<text x="{x0 + LEFT + plot_w / 2}" y="{HEIGHT - 8}" text-anchor="middle">{escape(x_label)}</text>')
    if target:
        out.append(f'<line x1="{x0 + LEFT}" x2="{x0 + LEFT + plot_w}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
                   f'stroke="#000" stroke-dasharray="4 3"/><text x="{x0 + LEFT + 4}" y="{y(target) - 4:.1f}">'
                   f"target {target:g}</text>")  # fmt: skip
    for i, (label, ys) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        points = " ".join(f"{x(n):.1f},{y(v):.1f}" for n, v in zip(ns, ys, strict=True))
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        out += [f'<circle cx="{x(n):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"/>' for n, v in zip(ns, ys, strict=True)]
        ly = TOP + 14 + 14 * i
        out.append(f'<text x="{x0 + LEFT + 8}" y="{ly}" fill="{colour}">{escape(label)}</text>')
    return out


def loglog(panels: list[tuple[str, Series, float | None]], ns: list[int], x_label: str) -> str:
    """Side-by-side log-log panels sharing the x values ``ns``; each a title, its series and a target line."""
    body = [line for i, (title, series, target) in enumerate(panels) for line in
            _panel(title, series, target, ns, x_label, i * WIDTH)]  # fmt: skip
    width = WIDTH * len(panels)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" '
            f'viewBox="0 0 {width} {HEIGHT}" font-family="sans-serif" font-size="11">\n'
            f'<rect width="{width}" height="{HEIGHT}" fill="#fff"/>\n' + "\n".join(body) + "\n</svg>\n")  # fmt: skip
