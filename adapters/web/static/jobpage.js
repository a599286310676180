// One job's page: status and controls, problems first (failed, deleted, unknown), progress of
// the simulation and of the replay, replay counts, charts and the live feed.

import { api } from "./api.js";
import { heatmap, perDay, perPerson } from "./charts.js";
import { clearFeedErrors, Feed } from "./feed.js";
import { actionsFor, duration, keepFocus } from "./jobs.js";

const $ = (id) => document.getElementById(id);
const STATS_EVERY_MS = 5000;
const CONTROLS = ["start", "pause", "resume", "stop", "delete"];
const COUNTS = [["applied", "applied"], ["failed", "failed"], ["skipped", "skipped"],
  ["parked", "parked"], ["requests", "API requests"], ["retries", "retries"],
  ["rate_limited", "rate limited"]];
const FINAL = ["stopped", "completed", "failed"];

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function percent(share) {
  return `${Math.floor(share * 1000) / 10}%`; // 99.96% shows as 99.9%, never a premature 100%
}

// Events of the log the replay has dealt with, counted as the share below counts them: with
// the server's figure, what it counts (settled includes what the checkpoint held before a
// restart); else applied + failed + skipped + parked.
export function replayDone(view) {
  const r = view.replay;
  if (typeof view.replay_progress === "number") {
    return Math.min(view.events, Math.max(r.settled || 0, r.applied + r.failed + r.skipped));
  }
  return r.applied + r.failed + r.skipped + r.parked;
}

// Share of the log the replay has dealt with: the server's figure when it sends one, else
// replayDone over the events written so far.
export function replayShare(view) {
  if (typeof view.replay_progress === "number") return view.replay_progress;
  return view.events ? Math.min(1, replayDone(view) / view.events) : 0;
}

// Resets the page's static parts, so one job's leftovers never show on the next.
function resetPage() {
  $("job-section").hidden = false;
  $("job-title").textContent = "";
  $("job-status").textContent = "";
  $("job-status").className = "status";
  $("job-actions").hidden = false;
  $("job-body").hidden = false;
  for (const id of ["job-alert", "job-warnings", "sim-meter", "replay-meter", "replay-counts"]) {
    $(id).hidden = true;
  }
  $("job-alert").replaceChildren();
  $("job-summary").replaceChildren();
  $("feed").replaceChildren();
  for (const field of $("feed-filters").elements) { // one job's filters mean nothing on another
    if (field.name) field.value = "";
  }
  clearFeedErrors();
  $("feed-live").textContent = "";
  $("feed-empty").hidden = true;
  $("feed-more").hidden = true;
  $("charts-status").textContent = "";
  $("feed-people").replaceChildren();
  ["chart-heatmap", "chart-days", "chart-people"].forEach((c) => $(c).replaceChildren());
  for (const action of CONTROLS) $(`job-${action}`).disabled = false;
}

export class JobPage {
  constructor(id, eventTypes) {
    this.id = id;
    this.eventTypes = eventTypes;
    this.view = null;
    this.state = "loading"; // loading | open | gone | unknown | closed
    this.feed = null;
    this.statsTimer = null;
    this.statsMark = 0; // the newest seq the charts show
    this.statsClock = ""; // the status and simulated time they show: their days grow with it
    this.statsBusy = false;
    this.warningsKey = "";
  }

  async open() {
    resetPage();
    let view;
    try {
      view = await api("GET", `/jobs/${encodeURIComponent(this.id)}`);
    } catch (error) {
      if (this.state === "closed") return;
      if (error.status === 404) this.unknown();
      else this.problem(`Could not load job “${this.id}”: ${error.message}`);
      return;
    }
    if (this.state === "closed") return;
    this.state = "open";
    this.show(view);
    this.feed = new Feed(this.id, {
      onJob: (v) => this.show(v),
      onGone: () => this.gone(),
      onEnded: () => this.reload(),
    });
    this.feed.setJobStatus(this.view.status);
    await this.feed.load();
    this.loadStats();
    this.statsTimer = setInterval(() => this.loadStats(), STATS_EVERY_MS);
  }

  // The stream ended (its run folder went, say) perhaps before it sent the job's last status:
  // ask for the job once, so the page shows how it ended.
  async reload() {
    let view;
    try {
      view = await api("GET", `/jobs/${encodeURIComponent(this.id)}`);
    } catch (error) {
      if (error.status === 404) this.gone();
      return;
    }
    if (this.state === "open") this.show(view);
  }

  close() {
    this.state = "closed";
    this.stopWatching();
    $("job-section").hidden = true;
  }

  stopWatching() {
    if (this.feed) this.feed.close();
    clearInterval(this.statsTimer);
    this.statsTimer = null;
  }

  // The job is unknown to the server: say so plainly; nothing here can act on it.
  unknown() {
    this.state = "unknown";
    $("job-title").textContent = "No such job";
    $("job-actions").hidden = true;
    $("job-body").hidden = true;
    this.problem(`There is no job “${this.id}” on this server (it may have been deleted).`, true);
  }

  // The job was deleted while this page showed it (in another tab, or by another client).
  gone() {
    if (this.state !== "open") return;
    this.state = "gone";
    this.stopWatching();
    for (const action of CONTROLS) $(`job-${action}`).disabled = true;
    $("job-status").textContent = "deleted";
    $("job-status").className = "status deleted";
    $("feed-live").textContent = "";
    this.problem("This job was deleted (from another tab or by another client). What it showed last stays below.", true);
  }

  // A prominent message at the top of the page (role="alert": read out as it appears).
  problem(text, withLink = false) {
    const box = $("job-alert");
    const message = document.createElement("p");
    message.textContent = text;
    const parts = [message];
    if (withLink) {
      const back = document.createElement("a");
      back.href = "#";
      back.textContent = "Back to the job list";
      parts.push(back);
    }
    box.replaceChildren(...parts);
    box.hidden = false;
  }

  show(view) {
    if (this.state !== "open") return;
    this.view = view;
    setText($("job-title"), view.name);
    const badge = $("job-status");
    setText(badge, view.status);
    badge.className = `status ${view.status}`;
    this.showControls(view.status, view.resumable);
    if (this.feed) this.feed.setJobStatus(view.status);
    if (view.status === "failed") {
      const text = `This job failed: ${view.error || "no reason was recorded"}`;
      if ($("job-alert").textContent !== text) this.problem(text);
    } else {
      $("job-alert").hidden = true;
    }
    this.showWarnings(view.warnings);
    this.showSummary(view);
    this.showProgress(view);
    if (!this.statsMark && view.events > 0) this.loadStats(); // the first charts need not wait
    if (!this.statsMark) {
      setText($("charts-status"), view.events ? "" : "The charts appear with the first events.");
    }
  }

  showControls(status, resumable) {
    const focused = document.activeElement;
    const offered = actionsFor(status, resumable);
    for (const action of CONTROLS) $(`job-${action}`).disabled = !offered[action];
    $("job-start").hidden = status !== "pending"; // only a job never started can start
    keepFocus($("job-actions"), focused);
  }

  showWarnings(warnings) {
    const key = JSON.stringify(warnings);
    if (key === this.warningsKey) return;
    this.warningsKey = key;
    const box = $("job-warnings");
    box.querySelector("ul").replaceChildren(...warnings.map((w) => {
      const li = document.createElement("li");
      li.textContent = w;
      return li;
    }));
    box.hidden = warnings.length === 0;
  }

  showSummary(view) {
    const parts = [`${view.events.toLocaleString()} events`, `up ${duration(view.uptime_seconds)}`];
    const ended = FINAL.includes(view.status);
    if (view.simulated_now && !(ended && view.events === 0)) {
      const at = view.simulated_now.replace("T", " ").slice(0, 16);
      parts.push(`${ended ? "simulated up to" : "simulated now"} ${at} UTC`);
    }
    const nodes = [parts.join(" · ")];
    if (view.replay && view.replay.browse_url) {
      const link = document.createElement("a");
      link.href = view.replay.browse_url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = "browse the sandbox";
      nodes.push(" · ", link);
    }
    const summary = $("job-summary");
    const text = nodes.map((n) => (typeof n === "string" ? n : n.textContent)).join("");
    if (summary.textContent !== text) summary.replaceChildren(...nodes);
  }

  showProgress(view) {
    const sim = view.progress !== null && !(view.status === "failed" && view.events === 0);
    $("sim-meter").hidden = !sim;
    if (sim) {
      $("sim-progress").value = view.progress;
      setText($("sim-text"), `${percent(view.progress)} of the days`);
    }
    const replay = view.replay;
    $("replay-meter").hidden = !replay;
    $("replay-counts").hidden = !replay;
    if (!replay) return;
    const share = replayShare(view);
    const done = replayDone(view);
    $("replay-progress").value = share;
    setText($("replay-text"),
      `${percent(share)}: ${done.toLocaleString()} of ${view.events.toLocaleString()} events`);
    const counts = $("replay-counts");
    if (!counts.children.length) {
      for (const [key, label] of COUNTS) {
        const dt = document.createElement("dt");
        dt.textContent = label;
        const dd = document.createElement("dd");
        dd.dataset.count = key;
        const pair = document.createElement("div"); // a <dl> may group its pairs in divs
        pair.append(dt, dd);
        counts.append(pair);
      }
    }
    for (const dd of counts.querySelectorAll("dd")) {
      const n = replay[dd.dataset.count] || 0;
      setText(dd, n.toLocaleString());
      const bad = ["failed", "parked", "rate_limited"].includes(dd.dataset.count) && n > 0;
      dd.classList.toggle("bad", bad);
    }
  }

  // Charts need at least one event in the log: the job's count or the feed's newest seq says so
  // (a job file may count 0 for a run that has events). Redrawn only when there is more.
  async loadStats() {
    if (this.state !== "open") return;
    const mark = Math.max(this.view ? this.view.events : 0, this.feed ? this.feed.topSeq : 0);
    const clock = this.view ? `${this.view.status} ${this.view.simulated_now}` : "";
    if (mark === 0 || (mark === this.statsMark && clock === this.statsClock) || this.statsBusy) return;
    let stats;
    this.statsBusy = true;
    try {
      stats = await api("GET", `/jobs/${encodeURIComponent(this.id)}/stats`);
    } catch (error) {
      if (this.state !== "open") return;
      if (error.status === 404) this.gone();
      else if (error.status !== 409) $("charts-status").textContent = `charts: ${error.message}`;
      return; // 409: no events written yet
    } finally {
      this.statsBusy = false;
    }
    if (this.state !== "open") return;
    this.statsMark = mark;
    this.statsClock = clock;
    $("charts-status").textContent = "";
    heatmap($("chart-heatmap"), stats.heatmap);
    perDay($("chart-days"), stats.day_type, this.eventTypes, stats.day_range);
    perPerson($("chart-people"), stats.by_person);
    $("feed-people").replaceChildren(...stats.by_person.filter((p) => p.name)
      .map((p) => new Option("", p.name)));
  }
}
