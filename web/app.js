// The analysts' page: screen a party, read why it matched, work the alert queue, see the
// lists in service. Plain JavaScript against the server's own API (docs/api.md); nothing is
// loaded from anywhere else. Text from the server is always set with textContent, never as
// HTML. The API key, when the server needs one, is kept for the browser tab only.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const state = { key: sessionStorage.getItem("embargo-key") || "", result: null, selected: -1 };

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function setStatus(id, text, isError = false) {
  const p = document.getElementById(id);
  p.textContent = text;
  p.classList.toggle("error", isError);
}

// Calls the API; answers {status, body}. A 401 asks for a key.
async function api(method, path, body) {
  const headers = {};
  if (state.key) headers["X-API-Key"] = state.key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let resp;
  try {
    resp = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    return { status: 0, body: { error: { code: "network", message: "the server cannot be reached: " + err.message } } };
  }
  let json = null;
  try { json = await resp.json(); } catch (e) { json = null; }
  if (resp.status === 401) askForKey(json && json.error ? json.error.message : "this server needs an API key");
  return { status: resp.status, body: json };
}

function errorText(r) {
  return r.body && r.body.error ? r.body.error.message + " (" + r.body.error.code + ")" : "HTTP " + r.status;
}

function askForKey(message) {
  const form = $("#key-form");
  form.hidden = false;
  $("#key-message").textContent = message;
  $("#api-key").focus();
}

// ---- sections ---------------------------------------------------------------------------

const tabs = ["screen", "alerts", "lists"];

function show(name) {
  for (const t of tabs) {
    const on = t === name;
    document.getElementById(t).hidden = !on;
    document.getElementById("tab-" + t).setAttribute("aria-selected", on ? "true" : "false");
  }
  if (name === "alerts") loadAlerts();
  if (name === "lists") loadLists();
  if (name === "screen") $("#q-name").focus();
}

// ---- screening --------------------------------------------------------------------------

function normalize(word) {
  return word.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

// The matched name with the words the explanation aligned with query tokens marked.
function highlighted(name, tokens) {
  const listed = new Set();
  for (const t of tokens || [])
    if (t.listed && t.query && t.how !== "unmatched") for (const w of t.listed.split(/\s+/)) listed.add(normalize(w));
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const m of name.matchAll(/[\p{L}\p{N}]+/gu)) {
    frag.append(name.slice(last, m.index));
    const word = m[0];
    if (listed.has(normalize(word))) frag.append(el("mark", { class: "hit" }, word));
    else frag.append(word);
    last = m.index + word.length;
  }
  frag.append(name.slice(last));
  return frag;
}

function queryFromForm() {
  const f = $("#screen-form");
  const q = { name: f.name.value.trim() };
  if (f.type.value) q.type = f.type.value;
  if (f.dob.value.trim()) q.dob = f.dob.value.trim();
  if (f.country.value.trim()) q.country = f.country.value.trim();
  const ids = f.ids.value.split(",").map((s) => s.trim()).filter(Boolean);
  if (ids.length) q.ids = ids;
  if (f.customer_ref.value.trim()) q.customer_ref = f.customer_ref.value.trim();
  if (f.threshold.value) q.threshold = Number(f.threshold.value);
  return q;
}

async function screen(event) {
  event.preventDefault();
  const q = queryFromForm();
  if (!q.name) {
    setStatus("screen-status", "Type a name to screen.", true);
    $("#q-name").focus();
    return;
  }
  $("#screen-button").disabled = true;
  setStatus("screen-status", "Screening…");
  const r = await api("POST", "/v1/screen", q);
  $("#screen-button").disabled = false;
  if (r.status !== 200) {
    setStatus("screen-status", "Not screened: " + errorText(r), true);
    return;
  }
  state.result = r.body;
  state.selected = -1;
  renderResults();
  loadAlertCount();
}

function renderResults() {
  const res = state.result;
  const list = $("#results");
  list.replaceChildren();
  $("#detail").hidden = true;
  const lists = res.lists.map((l) => l.source + (l.version_id ? " v" + l.version_id : "")).join(", ");
  const opened = res.alerts.filter((a) => a.outcome === "opened").length;
  setStatus("screen-status",
    (res.matches.length ? res.matches.length + (res.matches.length === 1 ? " match" : " matches") : "No match") +
    " for “" + res.query + "” against " + lists + " at threshold " + res.threshold +
    " (screening #" + res.screening_id + (opened ? ", " + opened + " alert" + (opened > 1 ? "s" : "") + " opened" : "") + ")");
  const tpl = $("#result-template");
  res.matches.forEach((m, i) => {
    const li = tpl.content.firstElementChild.cloneNode(true);
    const b = $(".result-button", li);
    b.dataset.index = String(i);
    b.setAttribute("aria-pressed", "false");
    $(".bar", li).style.width = Math.round(m.score * 100) + "%";
    $(".score-text", li).textContent = m.score.toFixed(3);
    $(".matched", li).append(highlighted(m.matched_name, m.explanation && m.explanation.tokens));
    if (m.name !== m.matched_name) $(".primary", li).textContent = "listed as " + m.name;
    $(".source", li).textContent = m.source + " " + m.source_id + " · " + m.type;
    $(".programs", li).textContent = (m.programs || []).join(", ");
    const alert = res.alerts.find((a) => a.match === i);
    if (alert) $(".alert-badge", li).textContent = "alert #" + alert.alert_id + " " + alert.outcome;
    b.addEventListener("click", () => openResult(i));
    b.addEventListener("keydown", resultKeys);
    list.append(li);
  });
}

function resultKeys(event) {
  const buttons = [...document.querySelectorAll(".result-button")];
  const i = buttons.indexOf(event.currentTarget);
  if (event.key === "ArrowDown" && i + 1 < buttons.length) { buttons[i + 1].focus(); event.preventDefault(); }
  if (event.key === "ArrowUp" && i > 0) { buttons[i - 1].focus(); event.preventDefault(); }
}

function dl(pairs) {
  const d = el("dl");
  for (const [k, v] of pairs) {
    if (v === undefined || v === null || v === "" || (Array.isArray(v) && !v.length)) continue;
    d.append(el("dt", {}, k));
    if (Array.isArray(v)) d.append(el("dd", {}, el("ul", {}, ...v.map((x) => el("li", {}, x)))));
    else d.append(el("dd", {}, v));
  }
  return d;
}

async function openResult(i) {
  const m = state.result.matches[i];
  state.selected = i;
  for (const b of document.querySelectorAll(".result-button"))
    b.setAttribute("aria-pressed", b.dataset.index === String(i) ? "true" : "false");
  const detail = $("#detail");
  detail.hidden = false;
  detail.replaceChildren(el("p", { class: "muted" }, "Loading " + m.source + " " + m.source_id + "…"));
  const r = await api("GET", "/v1/entities/" + encodeURIComponent(m.source) + "/" + encodeURIComponent(m.source_id));
  if (r.status !== 200) {
    detail.replaceChildren(el("p", { class: "status error" }, "The entity could not be read: " + errorText(r)));
    return;
  }
  const e = r.body.entity;
  const names = (e.names || []).map((n) => n.name + (n.kind !== "primary" ? " (" + n.kind.replace("_", " ") + ")" : ""));
  const ids = (e.ids || []).map((x) => x.label + ": " + x.value + (x.country ? " (" + x.country + ")" : "") + (x.note ? ", " + x.note : ""));
  const ex = m.explanation || { tokens: [], adjustments: [] };
  const tokenRows = ex.tokens.map((t) => el("tr", {},
    el("td", {}, t.query || "—"), el("td", {}, t.listed || "—"), el("td", {}, t.how),
    el("td", { class: "num" }, t.similarity.toFixed(2)), el("td", { class: "num" }, t.weight.toFixed(2))));
  const adjustments = (ex.adjustments || []).map((a) => (a.effect >= 0 ? "+" : "") + a.effect.toFixed(2) + " " + a.field + ": " + a.reason);
  detail.replaceChildren(
    el("h3", { id: "detail-title" }, e.names && e.names.length ? e.names[0].name : m.name),
    el("p", { class: "muted" }, e.source + " " + e.id + " · " + e.type + " · list version " +
      (r.body.version_id === null ? "(file)" : r.body.version_id) + " · score " + m.score.toFixed(3)),
    dl([
      ["Programs", e.programs || []],
      ["Matched name", m.matched_name + " (" + ex.matched_name_kind.replace("_", " ") + ")"],
      ["Names", names],
      ["Born", (e.birth_dates || []).map((d) => d.text)],
      ["Birthplace", e.birth_places || []],
      ["Nationality", e.nationalities || []],
      ["Citizenship", e.citizenships || []],
      ["Identifiers", ids],
      ["Addresses", (e.addresses || []).map((a) => a.full)],
      ["Linked to", (e.relations || []).map((x) => x.relation + ": " + x.target)],
      ["Listed on", e.listed_on],
      ["Remarks", e.remarks],
    ]),
    el("h4", {}, "Why it matched: name score " + ex.name_score.toFixed(3) +
      " (query covered " + Math.round(ex.query_coverage * 100) + "%, name covered " + Math.round(ex.name_coverage * 100) + "%)"),
    el("table", { class: "tokens" },
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "query token"), el("th", { scope: "col" }, "listed token"),
        el("th", { scope: "col" }, "how"), el("th", { scope: "col" }, "similarity"), el("th", { scope: "col" }, "weight"))),
      el("tbody", {}, ...tokenRows)),
    dl([["Adjustments", adjustments]]));
  detail.focus();
}

// ---- alerts -------------------------------------------------------------------------------

async function loadAlertCount() {
  const r = await api("GET", "/v1/alerts?status=open&limit=1");
  $("#open-count").textContent = r.status === 200 && r.body.counts.open ? String(r.body.counts.open) : "";
}

async function decide(alert, decision, reasonInput) {
  const reason = reasonInput.value.trim();
  if (decision === "false_positive" && !reason) {
    setStatus("alerts-status", "A false positive needs a reason: say why this customer is not the listed party.", true);
    reasonInput.focus();
    return;
  }
  const body = { decision };
  if (reason) body.reason = reason;
  const r = await api("POST", "/v1/alerts/" + alert.id + "/decision", body);
  if (r.status !== 200) {
    setStatus("alerts-status", "Alert #" + alert.id + " not decided: " + errorText(r), true);
    return;
  }
  setStatus("alerts-status", "Alert #" + alert.id + " decided: " + decision.replace("_", " ") + ".");
  await loadAlerts();
  const next = document.querySelector("#alert-table .decide input");
  if (next) next.focus();
  else $("#alert-status").focus();
}

async function loadAlerts() {
  const status = $("#alert-status").value;
  const r = await api("GET", "/v1/alerts?limit=200&status=" + encodeURIComponent(status));
  const body = $("#alert-table tbody");
  if (r.status !== 200) {
    setStatus("alerts-status", "Alerts cannot be shown: " + errorText(r), true);
    body.replaceChildren();
    return;
  }
  const c = r.body.counts;
  $("#alert-counts").textContent = c.open + " open, " + c.false_positive + " false positives, " + c.true_match + " true matches";
  $("#open-count").textContent = c.open ? String(c.open) : "";
  if (!r.body.alerts.length) {
    const none = "No " + (status === "all" ? "" : status.replace("_", " ") + " ") + "alerts.";
    body.replaceChildren(el("tr", {}, el("td", { colspan: "8", class: "muted" }, none)));
    return;
  }
  body.replaceChildren(...r.body.alerts.map((a) => {
    const cell = el("div", { class: "decide" });
    if (a.status === "open") {
      const reason = el("input", { type: "text", "aria-label": "Reason for alert " + a.id, placeholder: "reason (needed for a false positive)" });
      reason.addEventListener("keydown", (ev) => { if (ev.key === "Enter") decide(a, "false_positive", reason); });
      cell.append(reason,
        el("button", { type: "button", class: "danger", onclick: () => decide(a, "true_match", reason) }, "True match"),
        el("button", { type: "button", class: "good", onclick: () => decide(a, "false_positive", reason) }, "False positive"));
    } else {
      cell.append((a.decided_by || "") + (a.reason ? ": " + a.reason : ""));
    }
    return el("tr", { "data-alert": String(a.id) },
      el("td", { class: "num" }, String(a.id)),
      el("td", {}, a.opened_at.replace("T", " ").slice(0, 19)),
      el("td", {}, a.customer_ref || "—"),
      el("td", {}, a.query_name),
      el("td", {}, a.entity_name, el("br"), el("span", { class: "muted" }, a.source + " " + a.source_id)),
      el("td", { class: "num" }, a.score.toFixed(3)),
      el("td", {}, el("span", { class: "tag " + a.status }, a.status.replace("_", " "))),
      el("td", {}, cell));
  }));
}

// ---- lists --------------------------------------------------------------------------------

async function loadLists() {
  const r = await api("GET", "/v1/lists");
  if (r.status !== 200) {
    setStatus("lists-status", "Lists cannot be shown: " + errorText(r), true);
    return;
  }
  const b = r.body;
  const newest = b.lists.map((l) => l.imported_at || l.retrieved_at).filter(Boolean).sort().pop();
  $("#lists-summary").textContent = b.lists.length
    ? b.lists.map((l) => l.source + (l.version_id ? " v" + l.version_id : "")).join(", ") + " · " +
      b.entities.toLocaleString("en") + " entities · last update " + (newest || "unknown")
    : "No list loaded";
  setStatus("lists-status", "Generation " + b.generation + ", loaded " + (b.loaded_at || "never") + ".");
  $("#list-table tbody").replaceChildren(...b.lists.map((l) => el("tr", {},
    el("td", {}, l.source + " (" + l.format + ")"),
    el("td", {}, l.version_id === null ? "file" : String(l.version_id)),
    el("td", { class: "num" }, l.entity_count.toLocaleString("en")),
    el("td", {}, l.published || "—"),
    el("td", {}, l.retrieved_at || "—"),
    el("td", {}, l.imported_at || "—"),
    el("td", { class: "hash" }, l.sha256))));
}

async function loadWho() {
  const r = await api("GET", "/v1/me");
  if (r.status === 200) {
    $("#who").textContent = r.body.auth === "open" ? "open server (no API keys)" : "signed in as " + r.body.name + " (" + r.body.role + ")";
    $("#key-form").hidden = true;
    document.getElementById("tab-alerts").disabled = r.body.role === "screen";
    return true;
  }
  return false;
}

// ---- start ----------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", async () => {
  for (const t of tabs) document.getElementById("tab-" + t).addEventListener("click", () => show(t));
  $("nav").addEventListener("keydown", (ev) => {
    const i = tabs.findIndex((t) => document.getElementById("tab-" + t) === document.activeElement);
    if (i < 0) return;
    const j = ev.key === "ArrowRight" ? (i + 1) % tabs.length : ev.key === "ArrowLeft" ? (i + tabs.length - 1) % tabs.length : -1;
    if (j >= 0) { document.getElementById("tab-" + tabs[j]).focus(); ev.preventDefault(); }
  });
  document.addEventListener("keydown", (ev) => {
    const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement.tagName);
    if (ev.key === "/" && !typing) { show("screen"); ev.preventDefault(); }
    if (ev.key === "Escape" && !$("#detail").hidden) {
      $("#detail").hidden = true;
      const b = document.querySelector('.result-button[aria-pressed="true"]');
      if (b) b.focus();
    }
  });
  $("#screen-form").addEventListener("submit", screen);
  $("#alert-status").addEventListener("change", loadAlerts);
  $("#alerts-refresh").addEventListener("click", loadAlerts);
  $("#key-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    state.key = $("#api-key").value.trim();
    sessionStorage.setItem("embargo-key", state.key);
    if (await loadWho()) { loadLists(); loadAlertCount(); $("#q-name").focus(); }
  });
  if (await loadWho()) {
    loadLists();
    loadAlertCount();
    $("#q-name").focus();
  }
});
