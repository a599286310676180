// The dashboard: job list (polled), job page (live feed over SSE, charts, controls), new-job form.

import { api, openStream, withParam } from "./api.js";
import { heatmap, perDay, perPerson } from "./charts.js";
import { setUpForm } from "./form.js";

const $ = (id) => document.getElementById(id);
const FEED_MAX = 500;
let eventTypes = [];
let current = null; // { id, close, statsTimer, before }

function duration(seconds) {
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

function cell(row, content) {
  const td = row.insertCell();
  if (content instanceof Node) td.appendChild(content); else td.textContent = content;
  return td;
}

function button(label, onClick, cls = "secondary") {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.className = cls;
  b.addEventListener("click", onClick);
  return b;
}

async function act(id, action) {
  try {
    if (action === "delete") {
      const removeRun = window.confirm("Also delete its run folder (the event log)?");
      await api("DELETE", `/jobs/${encodeURIComponent(id)}?remove_run=${removeRun}`);
      if (current && current.id === id) location.hash = "";
    } else {
      await api("POST", `/jobs/${encodeURIComponent(id)}/${action}`);
    }
  } catch (error) {
    window.alert(error.message);
  }
  refreshJobs();
}

async function refreshJobs() {
  let jobs;
  try {
    jobs = await api("GET", "/jobs");
    $("server-status").textContent = "";
  } catch (error) {
    $("server-status").textContent = `server: ${error.message}`;
    return;
  }
  const body = document.querySelector("#jobs tbody");
  body.replaceChildren();
  $("no-jobs").hidden = jobs.length > 0;
  for (const job of jobs) {
    const row = body.insertRow();
    row.dataset.job = job.id;
    const link = document.createElement("a");
    link.href = `#job=${encodeURIComponent(job.id)}`;
    link.className = "job-link";
    link.textContent = job.name;
    cell(row, link);
    const status = document.createElement("span");
    status.className = `status ${job.status}`;
    status.textContent = job.status;
    cell(row, status);
    cell(row, `${job.mode.replace("_", " ")} → ${job.target} @ ${speedText(job.speed)}`);
    cell(row, duration(job.uptime_seconds));
    cell(row, String(job.today_events));
    cell(row, job.events.toLocaleString());
    cell(row, job.replay ? job.replay.requests.toLocaleString() : "–");
    cell(row, job.llm_calls ? `${job.llm_calls} / $${(job.llm_cost_usd || 0).toFixed(2)}` : "–");
    const warnings = [...job.warnings, ...(job.error ? [job.error] : [])];
    cell(row, warnings.join("; ")).className = "warn";
    const actions = document.createElement("div");
    actions.className = "actions";
    if (job.status === "running") actions.append(button("Pause", () => act(job.id, "pause")));
    if (job.status === "paused") actions.append(button("Resume", () => act(job.id, "resume")));
    if (job.status === "pending") actions.append(button("Start", () => act(job.id, "start")));
    if (["pending", "running", "paused"].includes(job.status)) actions.append(button("Stop", () => act(job.id, "stop")));
    actions.append(button("Delete", () => act(job.id, "delete"), "danger"));
    cell(row, actions);
  }
}

// -- the job page ------------------------------------------------------------------------------

function speedText(speed) {
  return Number.isNaN(Number(speed)) ? speed : `${Number(speed).toLocaleString()}×`;
}

function showJob(view) {
  if (current && current.id === view.id) {
    const first = !current.events && view.events > 0;
    current.events = view.events;
    if (first) loadStats(); // the charts need not wait for the next refresh
  }
  $("job-title").textContent = view.name;
  const status = $("job-status");
  status.textContent = view.status;
  status.className = `status ${view.status}`;
  $("job-pause").disabled = view.status !== "running";
  $("job-resume").disabled = view.status !== "paused";
  $("job-stop").disabled = !["pending", "running", "paused"].includes(view.status);
  const parts = [`${view.events.toLocaleString()} events`, `up ${duration(view.uptime_seconds)}`];
  if (view.simulated_now) parts.push(`simulated now ${view.simulated_now.replace("T", " ").slice(0, 16)} UTC`);
  if (view.progress !== null) parts.push(`${Math.round(view.progress * 100)}% of the days`);
  if (view.replay && view.replay.browse_url) parts.push(`sandbox: ${view.replay.browse_url}`);
  if (view.error) parts.push(`error: ${view.error}`);
  $("job-summary").textContent = parts.join(" · ");
}

function feedItem(item, fresh) {
  const li = document.createElement("li");
  li.dataset.seq = item.seq;
  if (fresh) li.className = "fresh";
  const type = document.createElement("span");
  type.className = "type";
  type.textContent = item.type;
  li.append(type, item.line);
  return li;
}

function filterQuery() {
  const f = $("feed-filters");
  let query = "";
  for (const key of ["type", "person", "project", "q"]) {
    if (f[key].value.trim()) query = withParam(query, key, f[key].value.trim());
  }
  return query;
}

async function loadFeed() {
  const id = current.id;
  const page = await api("GET", withParam(`/jobs/${encodeURIComponent(id)}/activity${filterQuery()}`, "limit", 100));
  if (!current || current.id !== id) return;
  $("feed").replaceChildren(...page.items.map((item) => feedItem(item, false)));
  current.before = page.next_before;
  $("feed-more").hidden = !page.next_before;
  if (current.close) current.close();
  const stream = withParam(`/jobs/${encodeURIComponent(id)}/stream${filterQuery()}`, "after", page.last_seq);
  current.close = openStream(stream, (type, data) => {
    if (type === "job") showJob(data);
    if (type === "activity") {
      const feed = $("feed");
      feed.prepend(feedItem(data, true));
      while (feed.children.length > FEED_MAX) feed.lastChild.remove();
    }
  }, (state) => { $("feed-live").textContent = state === "live" ? "● live" : "reconnecting…"; });
}

async function olderFeed() {
  const id = current.id;
  const path = withParam(withParam(`/jobs/${encodeURIComponent(id)}/activity${filterQuery()}`, "limit", 100), "before", current.before);
  const page = await api("GET", path);
  $("feed").append(...page.items.map((item) => feedItem(item, false)));
  current.before = page.next_before;
  $("feed-more").hidden = !page.next_before;
}

async function loadStats() {
  if (!current || !current.events) return; // nothing to chart yet
  const id = current.id;
  try {
    const stats = await api("GET", `/jobs/${encodeURIComponent(id)}/stats`);
    if (!current || current.id !== id) return;
    heatmap($("chart-heatmap"), stats.heatmap);
    perDay($("chart-days"), stats.day_type, eventTypes);
    perPerson($("chart-people"), stats.by_person);
  } catch (error) {
    if (error.status !== 409) $("job-summary").textContent = error.message; // 409: no events yet
  }
}

async function openJob(id) {
  closeJob();
  current = { id, close: null, statsTimer: null, before: null, events: 0 };
  $("job-section").hidden = false;
  $("form-section").hidden = true;
  try {
    showJob(await api("GET", `/jobs/${encodeURIComponent(id)}`));
  } catch (error) {
    $("job-title").textContent = error.message;
    return;
  }
  ["chart-heatmap", "chart-days", "chart-people"].forEach((c) => $(c).replaceChildren());
  await loadFeed();
  loadStats();
  current.statsTimer = setInterval(loadStats, 5000);
}

function closeJob() {
  if (!current) return;
  if (current.close) current.close();
  clearInterval(current.statsTimer);
  current = null;
  $("job-section").hidden = true;
}

function route() {
  const match = /^#job=(.+)$/.exec(location.hash);
  if (match) openJob(decodeURIComponent(match[1])); else closeJob();
}

async function main() {
  const options = await api("GET", "/options");
  eventTypes = options.event_types;
  const typeSelect = $("feed-filters").type;
  for (const type of eventTypes) typeSelect.add(new Option(type, type));
  await setUpForm((job) => {
    $("form-section").hidden = true;
    refreshJobs();
    location.hash = `#job=${encodeURIComponent(job.id)}`;
  });
  $("show-form").addEventListener("click", () => { $("form-section").hidden = false; });
  $("cancel-form").addEventListener("click", () => { $("form-section").hidden = true; });
  for (const action of ["pause", "resume", "stop", "delete"]) {
    $(`job-${action}`).addEventListener("click", () => current && act(current.id, action));
  }
  $("feed-filters").addEventListener("change", () => current && loadFeed());
  $("feed-filters").addEventListener("submit", (event) => { event.preventDefault(); if (current) loadFeed(); });
  $("feed-more").addEventListener("click", olderFeed);
  window.addEventListener("hashchange", route);
  route();
  refreshJobs();
  setInterval(refreshJobs, 2000);
  document.body.dataset.ready = "1";
}

main();
