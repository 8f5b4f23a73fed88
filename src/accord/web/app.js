// accord dashboard: a dyad's timeline, its events with their evidence, where they happened,
// and the article behind each event. Plain browser JavaScript, no libraries: the chart, the
// TopoJSON decoding and the map projection are written here. Every value from the store is
// put on the page as text (textContent), never as HTML.
"use strict";

const PAGE_SIZE = 25;
const MAP_LIMIT = 500;
const SVG_NS = "http://www.w3.org/2000/svg";
const QUAD_NAMES = {
  1: "verbal cooperation", 2: "material cooperation",
  3: "verbal conflict", 4: "material conflict",
};

const state = { a: null, b: null, freq: "month", clustered: false, offset: 0, quad: "", q: "" };
let codeNames = {};

// ---------------------------------------------------------------- small helpers

function $(id) { return document.getElementById(id); }

function el(tag, attrs = {}, text = null) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== null && text !== undefined) node.textContent = String(text);
  return node;
}

function svg(tag, attrs = {}, text = null) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== null) node.textContent = String(text);
  return node;
}

async function getJSON(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") query.set(key, value);
  }
  const url = query.toString() ? `${path}?${query}` : path;
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    const detail = Array.isArray(body.detail)
      ? body.detail.map((d) => `${(d.loc || []).slice(-1)[0]}: ${d.msg}`).join("; ")
      : body.detail || response.statusText;
    throw new Error(detail);
  }
  return response.json();
}

function parties(list) {
  if (!list || !list.length) return "\u2013";
  return list.map((p) => [p.code || "?", p.sector].filter(Boolean).join("/")).join(" + ");
}

function articleHref(record) {
  const hash = record.content_hash ? `?h=${encodeURIComponent(record.content_hash)}` : "";
  return `#/article/${encodeURIComponent(record.doc_id)}${hash}`;
}

function placeName(record) {
  const loc = record.event_loc || {};
  return loc.resolved_place || loc.extracted_place || "";
}

// ---------------------------------------------------------------- highlighting evidence

// Marks for one sentence: `text` is the sentence shown, `origin` the article offset of its
// first character when known exactly (article view), else null (evidence only).
function evidenceMarks(record, text, origin) {
  const marks = [];
  const trigger = locateTrigger(record, text, origin);
  if (trigger) marks.push({ ...trigger, cls: "hl-trigger" });
  for (const [side, cls] of [["actor", "hl-actor"], ["recipient", "hl-recipient"]]) {
    for (const party of record[side] || []) {
      const words = (party.entity_text || "").trim();
      const at = words ? text.indexOf(words) : -1;
      if (at >= 0) marks.push({ start: at, end: at + words.length, cls, title: parties([party]) });
    }
  }
  return withoutOverlaps(marks);
}

function locateTrigger(record, text, origin) {
  const info = record.text_info || {};
  const start = info.trigger_start;
  const end = info.trigger_end;
  if (origin !== null && Number.isInteger(start) && Number.isInteger(end)) {
    return { start: start - origin, end: end - origin, title: record.event };
  }
  const words = (record.trigger || "").trim();
  if (!words) return null;
  // The stored sentence may have lost a dateline at its front; the occurrence nearest the
  // offset, shifted by what was lost, is the one the coder read.
  let guess = 0;
  if (Number.isInteger(start) && Number.isInteger(info.start) && Number.isInteger(info.end)) {
    guess = start - info.start - Math.max(0, info.end - info.start - text.length);
  }
  let best = null;
  const pattern = new RegExp(`\\b${words.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "g");
  for (const match of text.matchAll(pattern)) {
    if (best === null || Math.abs(match.index - guess) < Math.abs(best - guess)) best = match.index;
  }
  return best === null ? null : { start: best, end: best + words.length, title: record.event };
}

function withoutOverlaps(marks) {
  // The trigger was pushed first and wins; then actors, then recipients.
  const kept = [];
  for (const mark of marks) {
    if (mark.start < 0 || mark.end <= mark.start) continue;
    if (kept.every((k) => mark.end <= k.start || mark.start >= k.end)) kept.push(mark);
  }
  return kept.sort((x, y) => x.start - y.start);
}

function renderMarked(container, text, marks) {
  let at = 0;
  for (const mark of marks) {
    if (mark.start > at) container.append(document.createTextNode(text.slice(at, mark.start)));
    const node = el("mark", { class: mark.cls }, text.slice(mark.start, mark.end));
    if (mark.title) node.title = mark.title;
    container.append(node);
    at = mark.end;
  }
  if (at < text.length) container.append(document.createTextNode(text.slice(at)));
}

// ---------------------------------------------------------------- store summary and codes

async function loadSummary() {
  const health = await getJSON("/health");
  $("store-summary").textContent =
    `${health.articles} articles, ${health.events} events, ${health.clusters} clusters` +
    (health.writable ? " (writable)" : "");
}

async function loadCodes() {
  const codes = await getJSON("/codes");
  codeNames = Object.fromEntries(codes.map((c) => [c.code, c.name]));
  for (const select of [$("code-a"), $("code-b")]) {
    select.replaceChildren(el("option", { value: "" }, "choose\u2026"));
    for (const c of codes) {
      select.append(el("option", { value: c.code }, `${c.name} (${c.code}) \u00b7 ${c.events}`));
    }
  }
}

function codeLabel(code) {
  return codeNames[code] ? `${codeNames[code]} (${code})` : code;
}

// ---------------------------------------------------------------- timeline chart

function addPeriod(day, freq) {
  const next = new Date(day.getTime());
  if (freq === "week") next.setUTCDate(next.getUTCDate() + 7);
  else next.setUTCMonth(next.getUTCMonth() + (freq === "quarter" ? 3 : 1));
  return next;
}

// The API lists only periods with events; the chart shows the quiet ones between them too.
function fillPeriods(periods, freq) {
  if (!periods.length) return [];
  const byKey = new Map(periods.map((p) => [p.period, p]));
  const filled = [];
  let day = new Date(`${periods[0].period}T00:00:00Z`);
  const last = new Date(`${periods[periods.length - 1].period}T00:00:00Z`);
  while (day <= last && filled.length < 600) {
    const key = day.toISOString().slice(0, 10);
    filled.push(byKey.get(key) || { period: key, events: 0, quad1: 0, quad2: 0, quad3: 0,
                                     quad4: 0, mean_plover_score: null });
    day = addPeriod(day, freq);
  }
  return filled;
}

function periodLabel(key, freq) {
  const [year, month] = key.split("-");
  if (freq === "quarter") return `${year} Q${Math.floor((Number(month) - 1) / 3) + 1}`;
  if (freq === "month") return `${year}-${month}`;
  return key;
}

// A round top for the count axis and a step that divides it into at most five ticks.
function countScale(largest) {
  const step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000]
    .find((candidate) => largest / candidate <= 5) || 10 ** Math.ceil(Math.log10(largest / 5));
  return { top: Math.max(step, Math.ceil(largest / step) * step), step };
}

function drawTimeline(series) {
  const box = $("timeline");
  box.replaceChildren();
  const width = 900;
  const height = 260;
  const m = { top: 12, right: 44, bottom: 36, left: 40 };
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
                            "aria-label": "events per period by quad class" });
  box.append(root);
  const periods = fillPeriods(series.periods, series.freq);
  if (!periods.length) {
    root.append(svg("text", { x: width / 2, y: height / 2, "text-anchor": "middle",
                              class: "empty" }, "No dated events between these two."));
    return;
  }
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const { top, step } = countScale(Math.max(...periods.map((p) => p.events)));
  const band = plotW / periods.length;
  const yCount = (v) => m.top + plotH - (v / top) * plotH;
  const yScore = (v) => m.top + plotH / 2 - (v / 10) * (plotH / 2);
  drawAxes(root, { width, m, plotW, top, step, yCount, yScore });
  const bars = svg("g", { class: "bars" });
  const points = [];
  periods.forEach((p, i) => {
    // Few periods would make slabs of the bars: they stay at most 56 units wide.
    const w = Math.max(1, Math.min(band * 0.76, 56));
    const x = m.left + i * band + (band - w) / 2;
    let base = 0;
    const group = svg("g", { class: "period", "data-period": p.period });
    group.append(svg("title", {}, `${periodLabel(p.period, series.freq)}: ${p.events} events` +
      (p.mean_plover_score === null ? "" : `, mean score ${p.mean_plover_score.toFixed(2)}`)));
    for (const quad of [1, 2, 3, 4]) {
      const count = p[`quad${quad}`];
      if (!count) continue;
      group.append(svg("rect", { class: `bar q${quad}`, x: x.toFixed(1),
                                 y: yCount(base + count).toFixed(1), width: w.toFixed(1),
                                 height: (yCount(base) - yCount(base + count)).toFixed(1) }));
      base += count;
    }
    bars.append(group);
    if (p.mean_plover_score !== null && p.mean_plover_score !== undefined) {
      points.push([m.left + (i + 0.5) * band, yScore(p.mean_plover_score)]);
    }
  });
  root.append(bars);
  drawScoreLine(root, points);
  drawPeriodLabels(root, periods, series.freq, { m, band, height });
}

function drawAxes(root, { width, m, plotW, top, step, yCount, yScore }) {
  const axis = svg("g", { class: "axis" });
  for (let value = 0; value <= top; value += step) {
    const y = yCount(value);
    axis.append(svg("line", { x1: m.left, x2: m.left + plotW, y1: y, y2: y }));
    axis.append(svg("text", { x: m.left - 6, y: y + 3, "text-anchor": "end" }, value));
  }
  for (const score of [-10, -5, 0, 5, 10]) {
    axis.append(svg("text", { x: width - m.right + 6, y: yScore(score) + 3 }, score));
  }
  root.append(axis);
  root.append(svg("line", { class: "zero", x1: m.left, x2: m.left + plotW,
                            y1: yScore(0), y2: yScore(0) }));
}

function drawScoreLine(root, points) {
  if (!points.length) return;
  const d = points.map(([x, y], i) => `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`).join("");
  root.append(svg("path", { class: "score", d }));
  for (const [x, y] of points) {
    root.append(svg("circle", { class: "score-dot", cx: x.toFixed(1), cy: y.toFixed(1), r: 2.5 }));
  }
}

function drawPeriodLabels(root, periods, freq, { m, band, height }) {
  const labels = svg("g", { class: "axis" });
  const every = Math.max(1, Math.ceil(periods.length / 12));
  periods.forEach((p, i) => {
    if (i % every) return;
    labels.append(svg("text", { x: (m.left + (i + 0.5) * band).toFixed(1), y: height - m.bottom + 16,
                                "text-anchor": "middle" }, periodLabel(p.period, freq)));
  });
  root.append(labels);
}

// ---------------------------------------------------------------- world map

let worldOutlines = null;

// TopoJSON arcs are quantised and delta-encoded: undo both to get longitude/latitude.
function decodeArcs(topology) {
  const [sx, sy] = topology.transform.scale;
  const [tx, ty] = topology.transform.translate;
  return topology.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    return arc.map(([dx, dy]) => { x += dx; y += dy; return [x * sx + tx, y * sy + ty]; });
  });
}

function ringPoints(ring, arcs) {
  const points = [];
  ring.forEach((index, k) => {
    const arc = index >= 0 ? arcs[index] : arcs[~index].slice().reverse();
    points.push(...(k ? arc.slice(1) : arc));
  });
  return points;
}

// Equirectangular, cut at 60 degrees south: 2 units per degree.
const MAP_W = 720;
const MAP_H = 300;
function project([lon, lat]) { return [(lon + 180) * 2, (90 - lat) * 2]; }

function countryPaths(topology) {
  const arcs = decodeArcs(topology);
  const paths = [];
  for (const shape of topology.objects.countries.geometries) {
    const polygons = shape.type === "Polygon" ? [shape.arcs]
      : shape.type === "MultiPolygon" ? shape.arcs : [];
    const d = polygons.flatMap((rings) => rings.map((ring) => ringPoints(ring, arcs)
      .map((point, i) => `${i ? "L" : "M"}${project(point).map((v) => v.toFixed(1)).join(",")}`)
      .join("") + "Z")).join("");
    paths.push({ name: (shape.properties || {}).name || "", d });
  }
  return paths;
}

async function loadWorld() {
  if (worldOutlines) return worldOutlines;
  const response = await fetch("/static/vendor/world-atlas/countries-110m.json");
  worldOutlines = countryPaths(await response.json());
  return worldOutlines;
}

async function drawMap(records, total) {
  const box = $("world");
  const outlines = await loadWorld();
  const root = svg("svg", { viewBox: `0 0 ${MAP_W} ${MAP_H}`, role: "img",
                            "aria-label": "where the events happened" });
  root.append(svg("rect", { class: "ocean", width: MAP_W, height: MAP_H }));
  const grid = [];
  for (let lon = -180; lon <= 180; lon += 30) grid.push(`M${(lon + 180) * 2},0V${MAP_H}`);
  for (let lat = -30; lat < 90; lat += 30) grid.push(`M0,${(90 - lat) * 2}H${MAP_W}`);
  root.append(svg("path", { class: "graticule", d: grid.join("") }));
  const countries = svg("g", { class: "countries" });
  for (const outline of outlines) {
    const path = svg("path", { class: "country", d: outline.d });
    path.append(svg("title", {}, outline.name));
    countries.append(path);
  }
  root.append(countries);
  const view = framing(records);
  const located = drawPoints(root, records, view.w / MAP_W);
  root.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
  box.replaceChildren(root);
  $("map-caption").textContent = records.length < total
    ? `${located} of the first ${records.length} of ${total} events have a place.`
    : `${located} of ${total} events have a place.`;
}

// The part of the map around the events: at least 100 by 50 degrees, in the map's proportions.
function framing(records) {
  const points = records.map((r) => r.event_loc || {})
    .filter((loc) => typeof loc.lat === "number" && typeof loc.lon === "number")
    .map((loc) => project([loc.lon, loc.lat]));
  if (!points.length) return { x: 0, y: 0, w: MAP_W, h: MAP_H };
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const ratio = MAP_W / MAP_H;
  let w = Math.max(200, (Math.max(...xs) - Math.min(...xs)) * 1.4);
  let h = Math.max(100, (Math.max(...ys) - Math.min(...ys)) * 1.4);
  if (w / h > ratio) h = w / ratio; else w = h * ratio;
  w = Math.min(w, MAP_W);
  h = Math.min(h, MAP_H);
  const cx = (Math.max(...xs) + Math.min(...xs)) / 2;
  const cy = (Math.max(...ys) + Math.min(...ys)) / 2;
  const x = Math.min(Math.max(0, cx - w / 2), MAP_W - w);
  const y = Math.min(Math.max(0, cy - h / 2), MAP_H - h);
  return { x: x.toFixed(1), y: y.toFixed(1), w: w.toFixed(1), h: h.toFixed(1) };
}

// `zoom` is the share of the world's width in view: dots keep their size on screen.
function drawPoints(root, records, zoom) {
  const byPlace = new Map();
  for (const r of records) {
    const loc = r.event_loc || {};
    if (typeof loc.lat !== "number" || typeof loc.lon !== "number") continue;
    const key = `${loc.lat.toFixed(2)},${loc.lon.toFixed(2)}`;
    const entry = byPlace.get(key) || { loc, records: [] };
    entry.records.push(r);
    byPlace.set(key, entry);
  }
  const layer = svg("g", { class: "points" });
  let located = 0;
  for (const { loc, records: here } of byPlace.values()) {
    located += here.length;
    const [x, y] = project([loc.lon, loc.lat]);
    const worst = Math.max(...here.map((r) => r.quad_code || 0));
    const dot = svg("circle", { class: `point q${worst}`, cx: x.toFixed(1), cy: y.toFixed(1),
                                r: ((6 + Math.sqrt(here.length) * 3) * zoom).toFixed(2) });
    dot.append(svg("title", {}, `${loc.resolved_place || loc.extracted_place}: ` +
      `${here.length} event${here.length > 1 ? "s" : ""}`));
    dot.addEventListener("click", () => showEvidence(here[0]));
    layer.append(dot);
  }
  root.append(layer);
  return located;
}

// ---------------------------------------------------------------- event table and evidence

async function loadEvents() {
  const params = { a: state.a, b: state.b, quad: state.quad, q: state.q,
                   limit: PAGE_SIZE, offset: state.offset };
  const page = await getJSON("/events", params);
  const body = $("events-table").querySelector("tbody");
  body.replaceChildren();
  for (const record of page.items) body.append(eventRow(record));
  $("event-count").textContent = `(${page.total})`;
  const last = Math.min(page.offset + page.items.length, page.total);
  $("page-info").textContent = page.total ? `${page.offset + 1}\u2013${last} of ${page.total}` : "none";
  $("prev-page").disabled = page.offset === 0;
  $("next-page").disabled = last >= page.total;
  if (page.items.length && state.offset === 0) showEvidence(page.items[0]);
}

function eventRow(record) {
  const row = el("tr", { "data-event-id": record.id });
  row.append(el("td", {}, record.date || "undated"));
  row.append(el("td", {}, parties(record.actor)));
  const type = el("td");
  type.append(el("span", { class: `type-chip q${record.quad_code}`,
                           title: QUAD_NAMES[record.quad_code] || "" }, record.event));
  if (record.negated) type.append(el("span", { class: "flag" }, "negated"));
  if (record.hypothetical) type.append(el("span", { class: "flag" }, "hypothetical"));
  if (record.future) type.append(el("span", { class: "flag" }, "future"));
  row.append(type);
  row.append(el("td", {}, parties(record.recipient)));
  row.append(el("td", {}, placeName(record)));
  row.append(el("td", {}, (record.confidence ?? 0).toFixed(2)));
  const links = el("td");
  links.append(el("a", { href: articleHref(record), class: "article-link" }, "article"));
  row.append(links);
  row.addEventListener("click", (event) => {
    if (event.target.closest("a")) return;
    showEvidence(record);
  });
  return row;
}

function showEvidence(record) {
  for (const row of document.querySelectorAll("#events-table tbody tr")) {
    row.classList.toggle("selected", row.dataset.eventId === record.id);
  }
  const view = $("evidence-view");
  view.hidden = false;
  const sentence = $("evidence-sentence");
  sentence.replaceChildren();
  const text = record.evidence || "";
  renderMarked(sentence, text, evidenceMarks(record, text, null));
  const details = $("evidence-details");
  details.replaceChildren();
  const facts = [
    ["event", `${record.event}${record.mode ? ` (${record.mode})` : ""}`],
    ["quad class", `${record.quad_code} ${QUAD_NAMES[record.quad_code] || ""}`],
    ["actor", describeParties(record.actor)],
    ["recipient", describeParties(record.recipient)],
    ["trigger", record.trigger],
    ["date", `${record.date || "undated"}${record.date_precision ? ` (${record.date_precision})` : ""}`],
    ["place", placeName(record)],
    ["CAMEO", record.cameo],
    ["PLOVER score", record.plover_score],
    ["Goldstein", record.goldstein],
    ["confidence", record.confidence],
    ["context", (record.context || []).join(", ")],
    ["flags", ["negated", "future", "hypothetical"].filter((f) => record[f]).join(", ")],
    ["source", (record.cite_info || {}).source],
  ];
  for (const [name, value] of facts) {
    if (value === null || value === undefined || value === "") continue;
    details.append(el("dt", {}, name), el("dd", {}, value));
  }
  $("evidence-article-link").href = articleHref(record);
}

function describeParties(list) {
  return (list || []).map((p) => {
    const who = [p.name, p.office].filter(Boolean).join(", ");
    return `${parties([p])}${who ? ` \u2013 ${who}` : ""} \u201c${(p.entity_text || "").trim()}\u201d`;
  }).join("; ");
}

// ---------------------------------------------------------------- dyad view

// A later choice overtakes an earlier one still loading: only the latest draws.
let dyadRequest = 0;

async function showDyad() {
  $("form-error").textContent = "";
  if (!state.a || !state.b) return;
  const ticket = ++dyadRequest;
  delete document.body.dataset.dyad;
  $("timeline-title").textContent =
    `${codeLabel(state.a)} and ${codeLabel(state.b)}: ` +
    `${state.clustered ? "real-world events" : "event reports"} per ${state.freq}`;
  try {
    const series = await getJSON("/dyad", { a: state.a, b: state.b, freq: state.freq,
                                            clustered: state.clustered });
    if (ticket !== dyadRequest) return;
    drawTimeline(series);
    await loadEvents();
    const located = await getJSON("/events", { a: state.a, b: state.b, limit: MAP_LIMIT });
    if (ticket !== dyadRequest) return;
    await drawMap(located.items, located.total);
    // Tests and scripts wait for this mark: the chart, table and map are all drawn.
    document.body.dataset.dyad = `${state.a}-${state.b}`;
  } catch (error) {
    $("form-error").textContent = error.message;
  }
}

function readForm() {
  state.a = $("code-a").value || null;
  state.b = $("code-b").value || null;
  state.freq = $("freq").value;
  state.clustered = $("clustered").checked;
  state.offset = 0;
}

function writeForm() {
  $("code-a").value = state.a || "";
  $("code-b").value = state.b || "";
  $("freq").value = state.freq;
  $("clustered").checked = state.clustered;
}

function dyadHash() {
  const extra = state.clustered ? "?clustered=1" : "";
  return `#/dyad/${state.a}/${state.b}/${state.freq}${extra}`;
}

// ---------------------------------------------------------------- article view

async function showArticle(docId, contentHash) {
  $("dyad-view").hidden = true;
  $("article-view").hidden = false;
  $("back-to-dyad").href = state.a && state.b ? dyadHash() : "#/";
  const article = await getJSON(`/articles/${encodeURIComponent(docId)}`,
                                { content_hash: contentHash });
  $("article-title").textContent = article.title || article.doc_id;
  $("article-meta").textContent = [article.source, article.pub_date, article.dateline_place,
                                   article.doc_id].filter(Boolean).join(" \u00b7 ");
  renderArticleText(article);
  const list = $("article-events");
  list.replaceChildren();
  for (const record of article.events) list.append(articleEvent(record));
  window.scrollTo(0, 0);
}

function renderArticleText(article) {
  const box = $("article-text");
  box.replaceChildren();
  const text = article.text || "";
  if (!text) {
    box.textContent = "This store does not keep the article text.";
    return;
  }
  // Each coded sentence once, its triggers marked; the first event of a sentence labels it.
  const spans = new Map();
  for (const record of article.events) {
    const info = record.text_info || {};
    if (!Number.isInteger(info.start) || !Number.isInteger(info.end)) continue;
    // Trailing newlines belong to the paragraph break, not to the highlighted sentence.
    const end = info.start + text.slice(info.start, info.end).trimEnd().length;
    const entry = spans.get(info.start) || { start: info.start, end, records: [] };
    entry.records.push(record);
    spans.set(info.start, entry);
  }
  let at = 0;
  for (const span of [...spans.values()].sort((x, y) => x.start - y.start)) {
    if (span.start < at) continue;
    box.append(document.createTextNode(text.slice(at, span.start)));
    const sentence = el("mark", { class: "hl-sentence",
                                  title: span.records.map((r) => r.event).join(", ") });
    const triggers = withoutOverlaps(span.records.map((r) => {
      const t = locateTrigger(r, text.slice(span.start, span.end), span.start);
      return t ? { ...t, cls: "hl-trigger" } : { start: -1, end: -1 };
    }));
    renderMarked(sentence, text.slice(span.start, span.end), triggers);
    box.append(sentence);
    at = span.end;
  }
  box.append(document.createTextNode(text.slice(at)));
}

function articleEvent(record) {
  const item = el("li", { "data-event-id": record.id });
  const head = el("div");
  head.append(el("span", { class: `type-chip q${record.quad_code}` }, record.event),
              document.createTextNode(` ${parties(record.actor)} \u2192 ${parties(record.recipient)}` +
                                      ` \u00b7 ${record.date || "undated"} \u00b7 ${placeName(record)}`));
  const sentence = el("p", { class: "sentence" });
  renderMarked(sentence, record.evidence || "", evidenceMarks(record, record.evidence || "", null));
  item.append(head, sentence);
  return item;
}

// ---------------------------------------------------------------- routing and start

async function route() {
  const hash = window.location.hash || "#/";
  const [path, query] = hash.slice(1).split("?");
  const params = new URLSearchParams(query || "");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "article" && parts[1]) {
    await showArticle(parts.slice(1).join("/"), params.get("h"));
    return;
  }
  $("article-view").hidden = true;
  $("dyad-view").hidden = false;
  if (parts[0] === "dyad" && parts[1] && parts[2]) {
    Object.assign(state, { a: parts[1], b: parts[2], freq: parts[3] || "month",
                           clustered: params.get("clustered") === "1", offset: 0 });
  } else if (!state.a || !state.b) {
    const top = await getJSON("/top-dyads", { limit: 1 });
    if (top.length) Object.assign(state, { a: top[0].actor, b: top[0].recipient });
  }
  writeForm();
  await showDyad();
}

function wire() {
  $("dyad-form").addEventListener("submit", (event) => {
    event.preventDefault();
    readForm();
    if (!state.a || !state.b) { $("form-error").textContent = "Choose two countries."; return; }
    if (state.a === state.b) { $("form-error").textContent = "Choose two different countries."; return; }
    const target = dyadHash();
    delete document.body.dataset.dyad;
    if (window.location.hash === target) showDyad(); else window.location.hash = target;
  });
  $("prev-page").addEventListener("click", () => {
    state.offset = Math.max(0, state.offset - PAGE_SIZE);
    loadEvents();
  });
  $("next-page").addEventListener("click", () => { state.offset += PAGE_SIZE; loadEvents(); });
  $("quad-filter").addEventListener("change", (event) => {
    state.quad = event.target.value; state.offset = 0; loadEvents();
  });
  let typing = null;
  $("text-filter").addEventListener("input", (event) => {
    clearTimeout(typing);
    typing = setTimeout(() => { state.q = event.target.value.trim(); state.offset = 0; loadEvents(); }, 250);
  });
  window.addEventListener("hashchange", () => route().catch(reportError));
}

function reportError(error) { $("form-error").textContent = error.message; }

async function start() {
  wire();
  try {
    await Promise.all([loadSummary(), loadCodes()]);
    await route();
    document.body.dataset.ready = "true";
  } catch (error) {
    reportError(error);
  }
}

start();
