/**
 * A grouped horizontal bar chart as SVG, with no dependencies: one group per model, one
 * bar per runtime, bar length = median latency relative to the slowest in its group.
 * @module
 */

/** One group of bars. */
export interface ChartGroup {
  label: string;
  bars: { label: string; value: number }[];
}

const COLORS = ["#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#c53030"];

/**
 * Renders the chart.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const svg = barChartSvg("ms", [{ label: "m", bars: [{ label: "a", value: 1 }] }]);
 * assert.ok(svg.startsWith("<svg"));
 * ```
 */
export function barChartSvg(title: string, groups: readonly ChartGroup[]): string {
  const barH = 14, gap = 10, left = 190, width = 720;
  const series = [...new Set(groups.flatMap((g) => g.bars.map((b) => b.label)))];
  const rows: string[] = [];
  let y = 40;
  for (const g of groups) {
    const max = Math.max(...g.bars.map((b) => b.value), 1e-9);
    rows.push(`<text x="8" y="${y + barH}" font-size="13">${escape(g.label)}</text>`);
    for (const b of g.bars) {
      const w = Math.max(1, (b.value / max) * (width - left - 90));
      const color = COLORS[series.indexOf(b.label) % COLORS.length];
      rows.push(
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${color}"/>`,
        `<text x="${left + w + 4}" y="${y + barH - 3}" font-size="11">${
          b.value.toFixed(2)
        } ms</text>`,
      );
      y += barH + 2;
    }
    y += gap;
  }
  const legend = series.map((s, i) =>
    `<rect x="${left + i * 130}" y="12" width="10" height="10" fill="${
      COLORS[i % COLORS.length]
    }"/>` +
    `<text x="${left + i * 130 + 14}" y="21" font-size="11">${escape(s)}</text>`
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${
      y + 10
    }" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="21" font-size="13" font-weight="bold">${escape(title)}</text>`,
    ...legend,
    ...rows,
    "</svg>",
  ].join("\n");
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
}
