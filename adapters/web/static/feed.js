// A job's activity feed: the newest page, older pages on demand, then live items over SSE.

import { api, openStream, withParam } from "./api.js";

const $ = (id) => document.getElementById(id);
const FEED_MAX = 500;
const PAGE = 100;

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

export class Feed {
  // hooks: onJob(view) for the stream's job updates, onGone() when the job no longer exists.
  constructor(jobId, hooks) {
    this.jobId = jobId;
    this.hooks = hooks;
    this.before = null;
    this.topSeq = 0; // the newest seq seen, filtered or not
    this.ticket = 0; // the latest load wins when filters change quickly
    this.closeStream = null;
    this.closed = false;
  }

  path(kind) {
    return `/jobs/${encodeURIComponent(this.jobId)}/${kind}${filterQuery()}`;
  }

  async load() {
    const ticket = ++this.ticket;
    const filtered = filterQuery() !== "";
    let page;
    try {
      page = await api("GET", withParam(this.path("activity"), "limit", PAGE));
    } catch (error) {
      if (ticket !== this.ticket || this.closed) return;
      if (error.status === 404) this.hooks.onGone();
      else this.showEmpty(`Could not load the activity: ${error.message}`);
      return;
    }
    if (ticket !== this.ticket || this.closed) return;
    $("feed").replaceChildren(...page.items.map((item) => feedItem(item, false)));
    this.topSeq = Math.max(this.topSeq, page.last_seq || 0);
    this.before = page.next_before;
    $("feed-more").hidden = !page.next_before;
    this.showEmpty(page.items.length ? "" : filtered ? "No activity matches these filters." : "No activity yet.");
    if (this.closeStream) this.closeStream();
    const stream = withParam(this.path("stream"), "after", page.last_seq);
    this.closeStream = openStream(stream, (type, data) => this.onStream(type, data), (state) => {
      if (state === "gone") { this.hooks.onGone(); return; }
      $("feed-live").textContent = state === "live" ? "● live" : "reconnecting…";
    });
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
    const path = withParam(withParam(this.path("activity"), "limit", PAGE), "before", this.before);
    const page = await api("GET", path);
    if (this.closed) return;
    $("feed").append(...page.items.map((item) => feedItem(item, false)));
    this.before = page.next_before;
    $("feed-more").hidden = !page.next_before;
  }

  close() {
    this.closed = true;
    if (this.closeStream) this.closeStream();
    this.closeStream = null;
  }
}
