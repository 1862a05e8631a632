// SVG bar charts drawn in the page (createElementNS, no library). Every chart has a <title> and
// a <desc> for screen readers, writes its numbers beside the bars, and tells its series apart by
// fill pattern (solid, hatched, dotted, outline) as well as by colour.

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 600;
const LABEL_WIDTH = 150;
const VALUE_WIDTH = 170;
const ROW_HEIGHT = 30;
const BAR_HEIGHT = 18;
const LEGEND_HEIGHT = 28;

function svg(name, attributes = {}, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** The pattern fills, per chart (ids must be unique in the page). */
function patterns(id) {
  const defs = svg("defs");
  const hatch = svg("pattern", { id: `${id}-hatch`, width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
  hatch.append(svg("rect", { width: 6, height: 6, class: "pattern-ground" }), svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, class: "pattern-ink", "stroke-width": 3 }));
  const dots = svg("pattern", { id: `${id}-dots`, width: 5, height: 5, patternUnits: "userSpaceOnUse" });
  dots.append(svg("rect", { width: 5, height: 5, class: "pattern-ground" }), svg("circle", { cx: 2.5, cy: 2.5, r: 1.3, class: "pattern-ink-fill" }));
  defs.append(hatch, dots);
  return defs;
}

function fill(id, style) {
  return style === "hatch" || style === "dots" ? `url(#${id}-${style})` : null;
}

/**
 * A horizontal bar chart.
 * - series: [{key, label, style: "solid" | "hatch" | "dots" | "outline"}]
 * - rows: [{label, values: {seriesKey: number}, text}]  (text: the row's numbers, written out)
 * - max: the scale's end (default: the largest row total)
 */
export function barChart({ id, title, description, series, rows, max }) {
  const totals = rows.map((row) => series.reduce((sum, s) => sum + (row.values[s.key] || 0), 0));
  const end = Math.max(max ?? 0, ...totals, 1);
  const barWidth = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 16;
  const height = rows.length * ROW_HEIGHT + LEGEND_HEIGHT + 8;
  const chart = svg("svg", {
    viewBox: `0 0 ${WIDTH} ${height}`,
    role: "img",
    "aria-labelledby": `${id}-title ${id}-desc`,
    class: "chart",
    id,
  });
  chart.append(svg("title", { id: `${id}-title` }, title), svg("desc", { id: `${id}-desc` }, description), patterns(id));

  rows.forEach((row, i) => {
    const y = 4 + i * ROW_HEIGHT;
    const group = svg("g", { class: "row" });
    group.append(svg("text", { x: LABEL_WIDTH - 8, y: y + BAR_HEIGHT - 4, "text-anchor": "end", class: "label" }, row.label));
    group.append(svg("rect", { x: LABEL_WIDTH, y, width: barWidth, height: BAR_HEIGHT, class: "track" }));
    let x = LABEL_WIDTH;
    for (const s of series) {
      const value = row.values[s.key] || 0;
      if (value <= 0) continue;
      const width = Math.max(2, (value / end) * barWidth);
      const part = svg("rect", { x, y, width, height: BAR_HEIGHT, class: `bar bar-${s.style}` });
      const patterned = fill(id, s.style);
      if (patterned) part.setAttribute("fill", patterned);
      part.append(svg("title", {}, `${row.label}: ${s.label} ${value}`));
      group.append(part);
      x += width;
    }
    group.append(svg("text", { x: LABEL_WIDTH + barWidth + 8, y: y + BAR_HEIGHT - 4, class: "value" }, row.text));
    chart.append(group);
  });

  // The legend: a swatch in each series' pattern and its name.
  const legendY = rows.length * ROW_HEIGHT + 12;
  let x = LABEL_WIDTH;
  for (const s of series) {
    const swatch = svg("rect", { x, y: legendY, width: 16, height: 12, class: `bar bar-${s.style}` });
    const patterned = fill(id, s.style);
    if (patterned) swatch.setAttribute("fill", patterned);
    const label = svg("text", { x: x + 22, y: legendY + 11, class: "legend-label" }, s.label);
    chart.append(swatch, label);
    x += 40 + s.label.length * 7.5;
  }
  return chart;
}
