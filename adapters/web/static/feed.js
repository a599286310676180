// A job's activity feed: the newest page, older pages on demand, then live items over SSE.

import { api, openStream, withParam } from "./api.js";

const $ = (id) => document.getElementById(id);
const FEED_MAX = 500;
const PAGE = 100;
// What the feed says instead of "● live" while its job adds nothing, though its stream stays
// open: one not started yet (until started), an ended job (a restart may yet add what its log
// holds), a paused one (until resumed). Only a running job's feed is live.
const ENDED = "job ended: no new activity will come";
const QUIET = {
  pending: "not started: no activity until it is started",
  stopped: ENDED,
  completed: ENDED,
  failed: ENDED,
  paused: "paused: no new activity until resumed",
};

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
  const form = $("feed-filters");
  let query = "";
  for (const key of ["type", "person", "project", "q"]) {
    if (form[key].value.trim()) query = withParam(query, key, form[key].value.trim());
  }
  return query;
}

const FILTER_LABELS = { type: "Type", person: "Person", project: "Project", q: "Search" };

// The API's check of a filter ("q: 'aaa…'; expected `str` of length <= 200") in the form's words.
function filterProblem(error) {
  const label = FILTER_LABELS[error.field];
  if (!label) return `Could not load the activity: ${error.message}`;
  const tooLong = /length <= (\d+)/.exec(error.message);
  if (tooLong) return `${label} is too long: at most ${tooLong[1]} characters.`;
  return `${label}: ${error.message.replace(/^\w+: /, "")}`;
}

// A filter the server rejected is marked for sight and for screen readers (as in the job form).
function markFilter(name) {
  const field = name && $("feed-filters").elements.namedItem(name);
  if (!field) return;
  field.classList.add("invalid");
  field.setAttribute("aria-invalid", "true");
  field.setAttribute("aria-describedby", "feed-error");
}

export function clearFeedErrors() {
  $("feed-error").textContent = "";
  $("feed-more-error").textContent = "";
  for (const field of $("feed-filters").querySelectorAll("[aria-invalid]")) {
    field.classList.remove("invalid");
    field.removeAttribute("aria-invalid");
    field.removeAttribute("aria-describedby");
  }
}

export class Feed {
  // hooks: onJob(view) for the stream's job updates, onGone() when the job no longer exists,
  // onEnded() when the stream ends for good (the job's last update may not have come through it).
  constructor(jobId, hooks) {
    this.jobId = jobId;
    this.hooks = hooks;
    this.before = null;
    this.topSeq = 0; // the newest seq seen, filtered or not
    this.ticket = 0; // the latest load wins when filters change quickly
    this.closeStream = null;
    this.closed = false;
    this.olderBusy = false; // one "Older" page at a time, or a double click shows it twice
    this.query = ""; // the filters of the items shown; "Older" keeps to them, not to new typing
    this.streamState = ""; // live | reconnecting, as "● live" or "reconnecting…" says
    this.quiet = ""; // why the job adds nothing now (see QUIET), "" while it runs
  }

  path(kind, query) {
    return `/jobs/${encodeURIComponent(this.jobId)}/${kind}${query}`;
  }

  async load() {
    const ticket = ++this.ticket;
    const query = filterQuery();
    let page;
    try {
      page = await api("GET", withParam(this.path("activity", query), "limit", PAGE));
    } catch (error) {
      if (ticket !== this.ticket || this.closed) return;
      if (error.status === 404) this.hooks.onGone();
      else this.failed(error);
      return;
    }
    if (ticket !== this.ticket || this.closed) return;
    clearFeedErrors();
    this.query = query;
    $("feed").replaceChildren(...page.items.map((item) => feedItem(item, false)));
    this.topSeq = Math.max(this.topSeq, page.last_seq || 0);
    this.before = page.next_before;
    $("feed-more").hidden = !page.next_before;
    this.showEmpty(page.items.length ? "" : query ? "No activity matches these filters." : "No activity yet.");
    this.stopStream();
    const stream = withParam(this.path("stream", query), "after", page.last_seq);
    this.closeStream = openStream(stream, (type, data) => this.onStream(type, data), (state, why) => {
      if (state === "gone") { this.hooks.onGone(); return; }
      if (state === "ended") { // what it showed stays; why no more comes is said below it
        this.streamState = "";
        this.showLive();
        $("feed-error").textContent = `The live feed ended: ${why}`;
        if (this.hooks.onEnded) this.hooks.onEnded();
        return;
      }
      this.streamState = state;
      this.showLive();
    });
  }

  // The job's status: one not running (not started, paused, ended) keeps its stream open, but
  // nothing new is coming, which "● live" would promise.
  setJobStatus(status) {
    this.quiet = status === "running" ? "" : QUIET[status] || `${status}: no new activity`;
    this.showLive();
  }

  showLive() {
    const live = this.quiet || "● live";
    const text = { live, reconnecting: "reconnecting…" }[this.streamState] || "";
    if ($("feed-live").textContent !== text) $("feed-live").textContent = text;
  }

  // The filters shown were refused (or the server failed): what the feed showed, and its live
  // stream, belong to the filters before; stop them and say why.
  failed(error) {
    this.stopStream();
    clearFeedErrors();
    $("feed").replaceChildren();
    this.before = null;
    $("feed-more").hidden = true;
    this.streamState = "";
    this.showLive();
    this.showEmpty("");
    $("feed-error").textContent = filterProblem(error);
    markFilter(error.field);
  }

  stopStream() {
    if (this.closeStream) this.closeStream();
    this.closeStream = null;
  }

  onStream(type, data) {
    if (this.closed) return;
    if (type === "job") this.hooks.onJob(data);
    if (type === "activity") {
      const feed = $("feed");
      feed.prepend(feedItem(data, true));
      this.topSeq = Math.max(this.topSeq, data.seq);
      this.showEmpty("");
      while (feed.children.length > FEED_MAX) feed.lastChild.remove();
    }
  }

  showEmpty(text) {
    $("feed-empty").textContent = text;
    $("feed-empty").hidden = !text;
  }

  async older() {
    if (this.olderBusy || !this.before) return;
    const ticket = this.ticket; // new filters make this page meaningless
    const newest = withParam(this.path("activity", this.query), "limit", PAGE);
    const path = withParam(newest, "before", this.before);
    let page;
    this.olderBusy = true;
    try {
      page = await api("GET", path);
    } catch (error) {
      if (ticket !== this.ticket || this.closed) return;
      if (error.status === 404) this.hooks.onGone();
      else $("feed-more-error").textContent = `Could not load older activity: ${error.message}`;
      return;
    } finally {
      this.olderBusy = false;
    }
    if (ticket !== this.ticket || this.closed) return;
    $("feed-more-error").textContent = "";
    $("feed").append(...page.items.map((item) => feedItem(item, false)));
    this.before = page.next_before;
    $("feed-more").hidden = !page.next_before;
  }

  close() {
    this.closed = true;
    this.stopStream();
  }
}
