// Small SVG charts drawn from the stats endpoint: no library, no inline styles (strict CSP).
// Each is one image to assistive technology, named by a one-line summary of what it shows.

const SVG = "http://www.w3.org/2000/svg";
const PALETTE = ["#e8384f", "#fd612c", "#fd9a00", "#eec300", "#a4cf30", "#37c5ab", "#20aaea",
  "#4186e0", "#7a6ff0", "#aa62e3", "#e362e3", "#ea4e9d", "#8da3a6", "#5a7896", "#b36b00", "#2b8a3e"];

function el(name, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

function svg(width, height, label) {
  return el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label });
}

function plural(n, word) {
  return `${n.toLocaleString()} ${word}${n === 1 ? "" : "s"}`;
}

function text(parent, x, y, content, anchor = "start") {
  const node = el("text", { x, y, "text-anchor": anchor }, parent);
  node.textContent = content;
  return node;
}

function titled(node, label) {
  el("title", {}, node).textContent = label;
  return node;
}

// Past the palette, hues a golden angle apart in two lightnesses: no two types share a colour.
export function colorOf(types, type) {
  const i = Math.max(0, types.indexOf(type));
  if (i < PALETTE.length) return PALETTE[i];
  const k = i - PALETTE.length;
  return `hsl(${Math.round((k * 137.508 + 15) % 360)}, 62%, ${k % 2 ? 38 : 58}%)`;
}

// Every calendar day from the first to the last (YYYY-MM-DD): a day without events is a gap
// on the axis (a weekend, a holiday), not left out.
export function calendarDays(first, last) {
  const days = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86400000) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

// Weekday (rows) × hour (columns), darker = busier.
export function heatmap(target, heat) {
  const cell = 14, left = 30, top = 14;
  const max = Math.max(1, ...heat.counts.flat());
  let busiest = [0, 0, 0]; // count, weekday, hour
  heat.counts.forEach((row, d) => row.forEach((n, h) => { if (n > busiest[0]) busiest = [n, d, h]; }));
  const label = busiest[0]
    ? `Events by weekday and hour, local time; busiest: ${heat.weekdays[busiest[1]]} ${busiest[2]}:00 with ${plural(busiest[0], "event")}`
    : "Events by weekday and hour, local time: none yet";
  const root = svg(left + 24 * cell + 4, top + 7 * cell + 4, label);
  for (let h = 0; h < 24; h += 3) text(root, left + h * cell + cell / 2, 10, String(h), "middle");
  heat.counts.forEach((row, d) => {
    text(root, 0, top + d * cell + cell - 3, heat.weekdays[d]);
    row.forEach((count, h) => {
      const shade = count ? 0.12 + 0.88 * (count / max) : 0.04;
      const rect = el("rect", { x: left + h * cell, y: top + d * cell, width: cell - 1, height: cell - 1,
        fill: "#e8384f", "fill-opacity": shade.toFixed(3), class: "cell" }, root);
      titled(rect, `${heat.weekdays[d]} ${h}:00: ${count} events`);
    });
  });
  target.replaceChildren(root);
}

// Stacked bars: events per day, split by type, over `range` (the days the run covers so far,
// from the server: days without events at either end are days too) and any day with events.
export function perDay(target, rows, allTypes, range) {
  // Colours follow the server's list of types; without it (its options could not be loaded),
  // the types in these rows.
  const types = allTypes.length ? allTypes : [...new Set(rows.map((r) => r.type))].sort();
  const seen = [...new Set(rows.map((r) => r.day))];
  if (range) seen.push(range.first, range.last);
  seen.sort();
  const days = seen.length ? calendarDays(seen[0], seen[seen.length - 1]) : [];
  const byDay = new Map(days.map((d) => [d, []]));
  for (const r of rows) byDay.get(r.day).push(r);
  const width = 420, height = 150, left = 30, bottom = 16;
  const max = Math.max(1, ...days.map((d) => byDay.get(d).reduce((s, r) => s + r.events, 0)));
  const step = Math.min(40, (width - left) / Math.max(1, days.length));
  const totals = days.map((d) => [d, byDay.get(d).reduce((s, r) => s + r.events, 0)]);
  const top = totals.reduce((a, b) => (b[1] > a[1] ? b : a), ["", 0]);
  const label = days.length
    ? `Events per day by type: ${plural(days.length, "day")} from ${days[0]} to ${days[days.length - 1]}; most on ${top[0]} with ${plural(top[1], "event")}`
    : "Events per day by type: none yet";
  const root = svg(width, height + bottom, label);
  text(root, 0, 10, String(max));
  // More than a year: the same month and day come round again, so the axis says the month
  // and year ("2026-03"), fewer of them; else the month and day ("03-19").
  const long = days.length > 366;
  const every = Math.ceil(days.length / (long ? 8 : 10));
  days.forEach((day, i) => {
    let y = height;
    for (const r of byDay.get(day)) {
      const h = (r.events / max) * (height - 14);
      y -= h;
      const rect = el("rect", { x: left + i * step, y, width: Math.max(1, step - 1), height: h,
        fill: colorOf(types, r.type), class: "bar" }, root);
      titled(rect, `${day} ${r.type}: ${r.events}`);
    }
    if (days.length <= 14 || i % every === 0) {
      text(root, left + i * step + step / 2, height + 12, long ? day.slice(0, 7) : day.slice(5), "middle");
    }
  });
  const legend = document.createElement("div");
  legend.className = "legend";
  for (const type of [...new Set(rows.map((r) => r.type))]) {
    const item = document.createElement("span");
    const swatch = document.createElement("i");
    swatch.style.background = colorOf(types, type);
    item.append(swatch, type);
    legend.appendChild(item);
  }
  target.replaceChildren(root, legend);
}

// Horizontal bars: events per person.
export function perPerson(target, people) {
  const rowH = 14, left = 110, width = 420;
  const max = Math.max(1, ...people.map((p) => p.events));
  const most = people.slice(0, 5).map((p) => `${p.name || p.person} ${p.events}`).join(", ");
  const label = people.length
    ? `Events per person, ${people.length === 1 ? "1 person" : `${people.length} people`}${people.length > 5 ? "; the top five" : ""}: ${most}`
    : "Events per person: none yet";
  const root = svg(width, Math.max(1, people.length) * rowH + 4, label);
  people.forEach((p, i) => {
    const name = p.name || p.person;
    text(root, 0, i * rowH + 10, name.length > 18 ? `${name.slice(0, 17)}…` : name);
    const rect = el("rect", { x: left, y: i * rowH + 2, height: rowH - 3, fill: "#4186e0", class: "bar",
      width: Math.max(1, ((width - left - 40) * p.events) / max) }, root);
    titled(rect, `${name}: ${p.events}`);
    text(root, left + ((width - left - 40) * p.events) / max + 4, i * rowH + 10, String(p.events));
  });
  target.replaceChildren(root);
}
