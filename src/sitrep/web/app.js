// sitrep dashboard: map + timeline + event panel, claim ledger, entity and document pages.
// Plain browser JavaScript over the JSON API of the same server (no build step). Every string from
// the store goes into the page through textContent (the `h` helper), never through innerHTML, so a
// stored document containing HTML is shown as text, not run.
"use strict";

const EVENT_COLOURS = {
  "Battles": "#d62728",
  "Explosions/Remote violence": "#ff7f0e",
  "Violence against civilians": "#9467bd",
  "Protests": "#2ca02c",
  "Riots": "#8c564b",
  "Strategic developments": "#1f77b4",
};
const OTHER_COLOUR = "#7f7f7f";
const PAGE = 50;           // list page size
const MAP_LIMIT = 1000;    // markers drawn at once (the API's maximum page)
const SPREAD_PX = 14;      // smallest ring (px) on which events at the same coordinates are fanned out

const colourOf = (type) => EVENT_COLOURS[type] || OTHER_COLOUR;
const radiusOf = (fatalities) => 6 + 3 * Math.sqrt(Math.min(fatalities || 0, 400));

// ---------------------------------------------------------------- DOM and API helpers

/** Element builder: strings become text nodes, so nothing from the API is parsed as HTML. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
const $ = (sel, root = document) => root.querySelector(sel);

function setStatus(message) { $("#status").textContent = message || ""; }

function token() { return sessionStorage.getItem("sitrep-token") || ""; }

/** GET a JSON endpoint; on 401 the token form is shown so protected reads can be unlocked. */
async function api(path, params = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(params)) {
    if (v !== "" && v !== null && v !== undefined && v !== false) url.searchParams.set(k, v);
  }
  const headers = token() ? { Authorization: `Bearer ${token()}` } : {};
  const res = await fetch(url, { headers });
  if (res.status === 401) {
    $("#token-form").hidden = false;
    throw new Error("This server needs an API token to read; enter it above.");
  }
  if (!res.ok) {
    let detail = res.statusText;
    try { detail = JSON.stringify((await res.json()).detail); } catch (_) { /* not JSON */ }
    throw new Error(`${res.status} ${detail}`);
  }
  return res.json();
}

function docLabel(doc) {
  return [doc.title || doc.id, doc.source, doc.published].filter(Boolean).join(" · ");
}
const docLink = (doc) => h("a", { href: `#/documents/${encodeURIComponent(doc.id)}` }, docLabel(doc));
const entityLink = (id, name) => id ? h("a", { href: `#/entities/${encodeURIComponent(id)}` }, name || id) : (name || "—");
const badge = (status) => h("span", { class: `badge ${status}` }, status);

function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    out[el.name] = el.type === "checkbox" ? (el.checked ? "true" : "") : el.value.trim();
  }
  return out;
}

// ---------------------------------------------------------------- map

const state = { filters: {}, range: null, offset: 0, markers: new Map(), selected: null };
let map, markerLayer, timeline;

const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

async function initMap() {
  map = L.map("map", { worldCopyJump: true, zoomSnap: 0.5, attributionControl: true, keyboard: true });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Country outlines: Natural Earth (world-atlas)");
  map.setView([20, 10], 2);
  const world = await (await fetch("/static/vendor/countries-50m.json")).json();
  L.geoJSON(topojson.feature(world, world.objects.countries), {
    interactive: false,
    style: { color: cssVar("--border"), weight: 0.8, fillColor: cssVar("--land"), fillOpacity: 1 },
  }).addTo(map);
  markerLayer = L.layerGroup().addTo(map);
  map.on("zoomend", spreadMarkers);
}

/** Events that share coordinates (a town's centroid) are fanned out on a ring wide enough that
 * neighbouring markers do not overlap, so each one can be seen and clicked. */
function spreadMarkers() {
  const groups = new Map();
  for (const m of state.markers.values()) {
    const key = `${m.base.lat.toFixed(4)},${m.base.lng.toFixed(4)}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(m);
  }
  const zoom = map.getZoom();
  for (const group of groups.values()) {
    if (group.length === 1) { group[0].marker.setLatLng(group[0].base); continue; }
    const widest = Math.max(...group.map((m) => m.marker.getRadius()));
    const ring = Math.max(SPREAD_PX, (widest + 2) / Math.sin(Math.PI / group.length));
    group.forEach((m, i) => {
      const angle = (2 * Math.PI * i) / group.length - Math.PI / 2;
      const p = map.project(m.base, zoom).add([ring * Math.cos(angle), ring * Math.sin(angle)]);
      m.marker.setLatLng(map.unproject(p, zoom));
    });
  }
}

function drawMarkers(events) {
  markerLayer.clearLayers();
  state.markers.clear();
  const located = events.filter((e) => e.latitude !== null && e.longitude !== null);
  for (const ev of located) {
    const marker = L.circleMarker([ev.latitude, ev.longitude], {
      radius: radiusOf(ev.fatalities), color: "#222", weight: 1, fillColor: colourOf(ev.event_type), fillOpacity: 0.85,
    });
    // A node, not a string: Leaflet would parse a string tooltip as HTML.
    marker.bindTooltip(h("span", {}, `${ev.event_type} — ${ev.location || ""} ${ev.event_date || ""}`));
    marker.on("click", () => { location.hash = `#/events/${encodeURIComponent(ev.id)}`; });
    marker.addTo(markerLayer);
    const el = marker.getElement();
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "button");
    el.setAttribute("aria-label", `${ev.event_type}: ${ev.notes || ev.location || ev.id}`);
    el.dataset.eventId = ev.id;
    el.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); location.hash = `#/events/${encodeURIComponent(ev.id)}`; }
    });
    state.markers.set(ev.id, { marker, base: L.latLng(ev.latitude, ev.longitude) });
  }
  if (located.length) {
    map.fitBounds(L.latLngBounds(located.map((e) => [e.latitude, e.longitude])).pad(0.3), { maxZoom: 7 });
  }
  spreadMarkers();
}

function highlightMarker(id) {
  for (const [eid, m] of state.markers) {
    const el = m.marker.getElement();
    if (el) el.classList.toggle("marker-selected", eid === id);
    if (eid === id) m.marker.bringToFront();
  }
}

// ---------------------------------------------------------------- timeline (d3 histogram + brush)

function initTimeline() {
  const svg = d3.select("#timeline");
  const margin = { top: 6, right: 28, bottom: 20, left: 28 };
  const g = svg.append("g");
  const bars = g.append("g");
  const axis = g.append("g");
  const brushG = g.append("g").attr("class", "brush");
  let x = null;
  let days = [];
  let width = 0;
  const height = 110 - margin.top - margin.bottom;

  const brush = d3.brushX().on("end", (event) => {
    if (!event.sourceEvent) return;  // moved by code, not by the analyst
    if (!event.selection) { applyRange(null); return; }
    const [a, b] = event.selection.map(x.invert).map(d3.utcDay.round);
    applyRange(b > a ? [a, d3.utcDay.offset(b, -1)] : [a, a]);
  });

  function draw() {
    width = svg.node().clientWidth - margin.left - margin.right;
    g.attr("transform", `translate(${margin.left},${margin.top})`);
    if (!days.length || width <= 0) { bars.selectAll("*").remove(); axis.selectAll("*").remove(); return; }
    const first = d3.utcDay.offset(d3.min(days, (d) => d.date), -1);
    const last = d3.utcDay.offset(d3.max(days, (d) => d.date), 2);
    x = d3.scaleUtc().domain([first, last]).range([0, width]);
    const y = d3.scaleLinear().domain([0, d3.max(days, (d) => d.count)]).nice().range([height, 0]);
    const bw = Math.max(2, x(d3.utcDay.offset(first, 1)) - x(first) - 1);
    bars.selectAll("rect").data(days, (d) => d.day).join("rect")
      .attr("class", (d) => `bar${inRange(d.date) ? " in" : ""}`)
      .attr("x", (d) => x(d.date)).attr("width", bw)
      .attr("y", (d) => y(d.count)).attr("height", (d) => height - y(d.count))
      .selectAll("title").data((d) => [d]).join("title").text((d) => `${d.day}: ${d.count} event(s)`);
    axis.attr("transform", `translate(0,${height})`).call(d3.axisBottom(x).ticks(Math.max(2, width / 90)).tickFormat(d3.utcFormat("%b %-d")));
    brushG.call(brush.extent([[0, 0], [width, height]]));
    brushG.call(brush.move, state.range ? [x(state.range[0]), x(d3.utcDay.offset(state.range[1], 1))] : null);
  }

  const inRange = (date) => !state.range || (date >= state.range[0] && date <= state.range[1]);

  new ResizeObserver(draw).observe(svg.node());
  return {
    set(counts) {
      days = counts.map((c) => ({ day: c.date, date: parseDay(c.date), count: c.count }));
      draw();
    },
    redraw: draw,
  };
}

const parseDay = (iso) => new Date(`${iso}T00:00:00Z`);
const isoDay = (date) => date.toISOString().slice(0, 10);

function applyRange(range) {
  state.range = range;
  const form = $("#range");
  form.elements.start.value = range ? isoDay(range[0]) : "";
  form.elements.end.value = range ? isoDay(range[1]) : "";
  state.offset = 0;
  timeline.redraw();
  loadEvents();
}

// ---------------------------------------------------------------- events list and panel

function eventParams() {
  const p = { ...state.filters };
  if (state.range) { p.start = isoDay(state.range[0]); p.end = isoDay(state.range[1]); }
  return p;
}

let loadSeq = 0;
async function loadEvents() {
  const seq = ++loadSeq;  // a slow, stale answer must not overwrite a newer one
  try {
    const [page, all] = await Promise.all([
      api("/events", { ...eventParams(), limit: PAGE, offset: state.offset }),
      api("/events", { ...eventParams(), limit: MAP_LIMIT }),
    ]);
    if (seq !== loadSeq) return;
    setStatus("");
    renderList(page);
    drawMarkers(all.items);
    highlightMarker(state.selected);
  } catch (err) { setStatus(err.message); }
}

async function loadTimeline() {
  try { timeline.set((await api("/events/timeline", state.filters)).days); } catch (err) { setStatus(err.message); }
}

function eventTitle(ev) {
  return h("span", { class: "title" },
    h("span", { class: "swatch", "aria-hidden": "true", dataset: { type: ev.event_type } }),
    ev.sub_event_type || ev.event_type);
}

function renderList(page) {
  $("#event-count").textContent = page.total;
  const list = $("#event-list");
  list.replaceChildren(...page.items.map((ev) => h("li", {},
    h("a", { class: `event-item${ev.id === state.selected ? " active" : ""}`, href: `#/events/${encodeURIComponent(ev.id)}`,
             dataset: { eventId: ev.id } },
      eventTitle(ev),
      h("span", { class: "meta" }, [ev.event_date, ev.location, ev.country].filter(Boolean).join(" · ")),
      h("span", { class: "meta" }, [ev.actor1, ev.actor2].filter(Boolean).join(" vs ")),
    ))));
  paintSwatches(list);
  $("#prev").disabled = page.offset === 0;
  $("#next").disabled = page.offset + page.items.length >= page.total;
  $("#page-info").textContent = page.total
    ? `${page.offset + 1}–${page.offset + page.items.length} of ${page.total}` : "no events match";
}

/** Swatch colours are set through the CSSOM (allowed by the CSP), not through style attributes. */
function paintSwatches(root) {
  for (const s of root.querySelectorAll(".swatch[data-type]")) s.style.background = colourOf(s.dataset.type);
}

/** One source of an event: its document and, in document order, the passages of its text that
 * are the evidence, highlighted. (The store keeps records, not full texts.) */
function sourceBlock(src) {
  const spans = (src.evidence || []).slice().sort((a, b) => a.start - b.start);
  const label = `Evidence from ${docLabel(src.document)}, highlighted`;
  const body = spans.flatMap((s, i) => [i ? " … " : "… ", h("mark", { class: "evidence" }, s.text.trim()), " …"]);
  return h("section", { class: "source" },
    h("h4", {}, docLink(src.document)),
    h("p", { class: "claim-src" }, [src.event_date, src.location,
      src.fatalities !== null && src.fatalities !== undefined ? `${src.fatalities} killed` : null].filter(Boolean).join(" · ")),
    h("blockquote", { class: "doc-text", tabindex: "0", "aria-label": label }, body));
}

async function showEvent(id) {
  state.selected = id;
  const panel = $("#event-panel");
  highlightMarker(id);
  for (const a of document.querySelectorAll(".event-item")) a.classList.toggle("active", a.dataset.eventId === id);
  let ev;
  try { ev = await api(`/events/${encodeURIComponent(id)}`); } catch (err) { setStatus(err.message); return; }
  const row = (k, v) => (v === null || v === undefined || v === "" ? [] : [h("dt", {}, k), h("dd", {}, v)]);
  panel.replaceChildren(
    h("button", { type: "button", class: "back", onclick: () => { location.hash = "#/"; } }, "← All events"),
    h("h3", {}, eventTitle(ev)),
    h("p", {}, ev.notes || ""),
    h("dl", {},
      row("Type", ev.event_type), row("Date", ev.event_date), row("Where", [ev.location, ev.admin1, ev.country].filter(Boolean).join(", ")),
      row("Actor 1", ev.actor1), row("Actor 2", ev.actor2), row("Associated", (ev.assoc_actors || []).join(", ")),
      row("Fatalities", ev.fatalities_range ? `${ev.fatalities} (reports: ${ev.fatalities_range.join("–")})` : ev.fatalities),
      row("Confidence", ev.confidence !== undefined ? ev.confidence.toFixed(2) : null),
      row("Sources", `${ev.sources.length} document(s)`), row("CAMEO / PLOVER", [ev.cameo, ev.plover].filter(Boolean).join(" / "))),
    h("h4", {}, `Evidence in ${ev.sources.length} source(s)`),
    ...ev.sources.map(sourceBlock),
  );
  paintSwatches(panel);
  $("#event-list-wrap").hidden = true;
  panel.hidden = false;
  for (const box of panel.querySelectorAll(".doc-text")) {
    const mark = box.querySelector("mark");
    if (mark) box.scrollTop = mark.offsetTop - box.offsetTop - 40;
  }
  panel.querySelector("h3").setAttribute("tabindex", "-1");
  panel.querySelector("h3").focus({ preventScroll: true });
}

function hideEvent() {
  state.selected = null;
  highlightMarker(null);
  $("#event-panel").hidden = true;
  $("#event-list-wrap").hidden = false;
}

// ---------------------------------------------------------------- claims

function claimBlock(c) {
  return [
    h("div", {}, badge(c.status), c.contradiction ? [" ", h("span", { class: "badge denied" }, "contradicted")] : ""),
    h("div", {},
      h("div", {}, c.text),
      h("div", { class: "claim-src" }, docLink(c.document))),
  ];
}

async function loadClaims() {
  const params = formValues($("#claim-filters"));
  let data, groups;
  try {
    [data, groups] = await Promise.all([
      api("/claims", { ...params, limit: MAP_LIMIT }),
      api("/claims/groups", { contradictions: "true", status: params.status, limit: MAP_LIMIT }),
    ]);
  } catch (err) { setStatus(err.message); return; }
  setStatus("");
  $("#contradictions").replaceChildren(...groups.items.map((group) => h("section", { class: "contradiction" },
    h("h3", {}, `Contradiction: “${group.text}” — ${group.sources} sources`),
    ...group.members.map((c) => h("div", { class: "side-claim" },
      h("p", {}, badge(c.status), " ", c.claimant || "unnamed source"),
      h("blockquote", { class: "doc-text" }, (c.evidence || []).map((s) => h("mark", { class: "evidence" }, s.text))),
      h("p", { class: "claim-src" }, docLink(c.document)))))));
  // One group per claimant, whatever the case a report wrote the name in ("police" / "Police").
  const byClaimant = d3.group(data.items, (c) => (c.claimant || "").toLowerCase());
  const ledger = [...byClaimant.values()].sort((a, b) => b.length - a.length);
  $("#ledger").replaceChildren(...ledger.map((claims) => h("section", { class: "ledger-group" },
    h("h3", {}, claims[0].claimant || "Unattributed", " ", h("span", { class: "badge count" }, `${claims.length}`)),
    h("ul", {}, claims.map((c) => h("li", {}, claimBlock(c)))))));
  if (!data.items.length) $("#ledger").replaceChildren(h("p", {}, "No claims match."));
}

// ---------------------------------------------------------------- entities and documents

async function loadEntities() {
  let data;
  try { data = await api("/entities", { ...formValues($("#entity-filters")), limit: MAP_LIMIT }); }
  catch (err) { setStatus(err.message); return; }
  setStatus("");
  $("#entity-list").replaceChildren(...data.items.map((e) => h("li", {},
    h("a", { href: `#/entities/${encodeURIComponent(e.id)}` }, e.name,
      h("span", { class: "etype" }, `${e.type} · ${e.mentions} mention(s) in ${e.documents} document(s)`)))));
}

/** Names that differ only in case or surrounding space are shown once. */
const uniqueNames = (names) => [...new Map(names.map((n) => [n.trim().toLowerCase(), n.trim()])).values()];

function showEventsOf(actor) {
  const form = $("#filters");
  form.elements.actor.value = actor;
  location.hash = "#/";
  form.requestSubmit();
}

async function showEntity(id) {
  const view = $("#view-entity");
  let e;
  try { e = await api(`/entities/${encodeURIComponent(id)}`); } catch (err) { setStatus(err.message); return; }
  view.replaceChildren(
    h("p", {}, h("a", { href: "#/entities" }, "← All entities")),
    h("h2", {}, e.name, " ", h("span", { class: "badge count" }, e.type)),
    h("p", {}, "Also called: ", uniqueNames(e.aliases || []).join(", ") || "—", " ",
      h("button", { type: "button", onclick: () => showEventsOf(e.name) }, "Show this actor's events")),
    h("h3", {}, "Relations"),
    e.relations.length ? h("table", { class: "plain" },
      h("thead", {}, h("tr", {}, h("th", {}, "Subject"), h("th", {}, "Relation"), h("th", {}, "Object"),
        h("th", {}, "Status"), h("th", {}, "Evidence"))),
      h("tbody", {}, e.relations.map((r) => h("tr", {},
        h("td", {}, entityLink(r.subject_id, r.subject)), h("td", {}, r.predicate.replaceAll("_", " ")),
        h("td", {}, entityLink(r.object_id, r.object)), h("td", {}, badge(r.status)),
        h("td", {}, (r.evidence || []).map((s) => s.text).join(" … "), " ", r.document ? docLink(r.document) : ""))))) :
      h("p", {}, "No relations recorded."),
    h("h3", {}, `Mentioned in ${e.mentions.length} document(s)`),
    h("ul", { class: "snippets" }, e.mentions.map((m) => h("li", {},
      docLink(m.document), ` — ${m.spans.length} mention(s) as “${m.name}”`))),
  );
}

/** A document's sitrep/1 record: its events (with evidence), claims, quotes and entities. */
async function showDocument(id) {
  const view = $("#view-document");
  let rec;
  try { rec = await api(`/documents/${encodeURIComponent(id)}`); } catch (err) { setStatus(err.message); return; }
  const doc = rec.document;
  const evidence = (spans) => (spans || []).map((s) => h("mark", { class: "evidence" }, s.text));
  view.replaceChildren(
    h("h2", {}, doc.title || doc.id),
    h("p", {}, [doc.source, doc.published, `${doc.chars} characters`].filter(Boolean).join(" · "), " ",
      doc.url ? h("a", { href: doc.url, rel: "noopener noreferrer nofollow" }, "original") : "", " ",
      h("a", { href: `/documents/${encodeURIComponent(doc.id)}` }, "sitrep/1 record (JSON)")),
    h("h3", {}, `Events (${rec.events.length})`),
    h("ul", { class: "snippets" }, rec.events.map((ev) => h("li", {},
      h("a", { href: `#/events/${encodeURIComponent(`${doc.id}#${ev.id}`)}` }, eventTitle(ev)),
      h("p", { class: "claim-src" }, [ev.event_date, ev.location, ev.actor1, ev.actor2].filter(Boolean).join(" · ")),
      h("blockquote", { class: "doc-text" }, evidence(ev.evidence))))),
    h("h3", {}, `Claims (${rec.claims.length})`),
    h("ul", { class: "snippets" }, rec.claims.map((c) => h("li", {},
      badge(c.status), " ", c.claimant ? `${c.claimant}: ` : "", c.text))),
    h("h3", {}, `Quotes (${rec.quotes.length})`),
    h("ul", { class: "snippets" }, rec.quotes.map((qt) => h("li", {},
      h("q", {}, qt.text), " — ", qt.speaker || "unidentified speaker"))),
    h("h3", {}, `Entities (${rec.entities.length})`),
    h("p", {}, rec.entities.map((e) => `${e.name} (${e.type})`).join(" · ")),
  );
  paintSwatches(view);
}

// ---------------------------------------------------------------- router

const VIEWS = ["events", "claims", "entities", "entity", "document"];

function show(view) {
  for (const v of VIEWS) $(`#view-${v}`).hidden = v !== view;
  const tab = { entity: "entities", document: null }[view] ?? view;
  for (const a of document.querySelectorAll(".tabs a[data-view]")) {
    if (a.dataset.view === tab) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
  if (view === "events") { map.invalidateSize(); timeline.redraw(); }
}

async function route() {
  const [, kind, rawId] = location.hash.match(/^#\/?([^/]*)\/?(.*)$/) || [];
  const id = rawId ? decodeURIComponent(rawId) : "";
  if (kind === "claims") { show("claims"); loadClaims(); }
  else if (kind === "entities" && id) { show("entity"); showEntity(id); }
  else if (kind === "entities") { show("entities"); loadEntities(); }
  else if (kind === "documents" && id) { show("document"); showDocument(id); }
  else if (kind === "events" && id) { show("events"); showEvent(id); }
  else { show("events"); hideEvent(); }
}

async function main() {
  $("#legend").replaceChildren(...Object.keys(EVENT_COLOURS).map((t) => h("li", {},
    h("span", { class: "swatch", dataset: { type: t }, "aria-hidden": "true" }), t)));
  paintSwatches($("#legend"));
  timeline = initTimeline();
  await initMap();

  const filters = $("#filters");
  state.filters = formValues(filters);
  filters.addEventListener("submit", (e) => {
    e.preventDefault();
    state.filters = formValues(filters);
    state.offset = 0;
    loadTimeline();
    loadEvents();
  });
  $("#range").addEventListener("submit", (e) => {
    e.preventDefault();
    const { start, end } = formValues(e.target);
    applyRange(start || end ? [parseDay(start || end), parseDay(end || start)] : null);
  });
  $("#clear-range").addEventListener("click", () => applyRange(null));
  $("#prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); loadEvents(); });
  $("#next").addEventListener("click", () => { state.offset += PAGE; loadEvents(); });
  $("#claim-filters").addEventListener("submit", (e) => { e.preventDefault(); loadClaims(); });
  $("#entity-filters").addEventListener("submit", (e) => { e.preventDefault(); loadEntities(); });
  $("#token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    sessionStorage.setItem("sitrep-token", $("#token").value);
    $("#token-form").hidden = true;
    loadTimeline(); loadEvents(); route();
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && state.selected) location.hash = "#/";
  });
  window.addEventListener("hashchange", route);
  await Promise.all([loadTimeline(), loadEvents()]);
  await route();
  document.body.dataset.ready = "true";  // the browser tests wait for this
}

main();
