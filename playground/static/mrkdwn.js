// Slack's mrkdwn as HTML: *bold*, _italic_, ~strike~, `code`, ```code blocks```, > quotes,
// • lists, <url|links>, <@U..> and <#C..> as names, <!date^...|fallback> in local time, and
// :emoji: shortcodes. Slack text arrives with &, < and > escaped; everything else is escaped
// here before it becomes HTML.
"use strict";

const EMOJI = {
  "+1": "👍", "100": "💯", ballot_box_with_check: "☑️", bar_chart: "📊", books: "📚",
  bulb: "💡", busts_in_silhouette: "👥", calendar: "📅", clap: "👏", compass: "🧭",
  confetti_ball: "🎊", dart: "🎯", double_vertical_bar: "⏸️", emoji: "🙂", eyes: "👀",
  fire: "🔥", hammer_and_wrench: "🛠️", handshake: "🤝", heart: "❤️", hourglass: "⌛",
  hourglass_flowing_sand: "⏳", inbox_tray: "📥", incoming_envelope: "📨",
  information_source: "ℹ️", joy: "😂", label: "🏷️", leaves: "🍃", lock: "🔒",
  loudspeaker: "📢", mag: "🔍", memo: "📝", muscle: "💪", newspaper: "📰", ok_hand: "👌",
  pause_button: "⏸️", point_right: "👉", pray: "🙏", raised_hand: "✋", raised_hands: "🙌",
  rocket: "🚀", scroll: "📜", seedling: "🌱", smile: "😄", sparkles: "✨",
  speech_balloon: "💬", star: "⭐", star2: "🌟", sunrise: "🌅", tada: "🎉",
  telescope: "🔭", test_tube: "🧪", thinking_face: "🤔", thought_balloon: "💭",
  thumbsup: "👍", trophy: "🏆", warning: "⚠️", wave: "👋", white_check_mark: "✅",
  x: "❌", zap: "⚡", chart_with_upwards_trend: "📈", calendar_spiral: "🗓️",
  alarm_clock: "⏰", bell: "🔔", mailbox: "📫", heavy_check_mark: "✔️",
};

function emoji(name) {
  return EMOJI[name] || null;
}

function escapeHtml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

// Slack's own escapes back to characters (before escaping again for HTML).
function unescapeSlack(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function ordinal(n) {
  const s = ["th", "st", "nd", "rd"], v = n % 100;
  return n + (s[(v - 20) % 10] || s[v] || s[0]);
}

function pretty(d, fallback) {
  const today = new Date();
  const day = (x) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  const diff = Math.round((day(d) - day(today)) / 86400000);
  return diff === 0 ? "Today" : diff === -1 ? "Yesterday" : diff === 1 ? "Tomorrow" : fallback;
}

// <!date^1700000000^{date_short} at {time}|fallback>, in the reader's own time zone.
function slackDate(seconds, format) {
  const d = new Date(seconds * 1000);
  const two = (n) => String(n).padStart(2, "0");
  const short = `${MONTHS[d.getMonth()].slice(0, 3)} ${d.getDate()}, ${d.getFullYear()}`;
  const long = `${MONTHS[d.getMonth()]} ${ordinal(d.getDate())}, ${d.getFullYear()}`;
  const full = `${DAYS[d.getDay()]}, ${long}`;
  const tokens = {
    date_num: `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`,
    date: long,
    date_short: short,
    date_long: full,
    date_pretty: pretty(d, long),
    date_short_pretty: pretty(d, short),
    date_long_pretty: pretty(d, full),
    time: `${two(d.getHours())}:${two(d.getMinutes())}`,
    time_secs: `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`,
    day_divider_pretty: pretty(d, full),
  };
  return format.replace(/\{(\w+)\}/g, (m, key) => tokens[key] || m);
}

// One <...> of Slack markup as HTML.
function markup(inner, names) {
  const [target, label] = splitOnce(inner, "|");
  if (target.startsWith("@")) {
    const person = names.person(target.slice(1));
    const shown = person ? person.real_name : (label || target.slice(1));
    return `<span class="mention" title="@${escapeHtml(person ? person.name : shown)}">@${escapeHtml(shown)}</span>`;
  }
  if (target.startsWith("#")) {
    const channel = names.channel(target.slice(1));
    return `<span class="mention channel">#${escapeHtml(channel ? channel.name : (label || target.slice(1)))}</span>`;
  }
  if (target.startsWith("!date^")) {
    const parts = target.split("^");
    const shown = slackDate(Number(parts[1]), unescapeSlack(parts[2] || "{date_short}"));
    return `<time title="${escapeHtml(unescapeSlack(label || ""))}">${escapeHtml(shown)}</time>`;
  }
  if (target.startsWith("!")) {
    const word = target.slice(1).split("^")[0];
    return `<span class="mention">@${escapeHtml(label || word)}</span>`;
  }
  if (/^(https?:|mailto:)/.test(target)) {
    const url = unescapeSlack(target);
    const text = unescapeSlack(label || target);
    return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(text)}</a>`;
  }
  return escapeHtml(unescapeSlack(label || target));
}

function splitOnce(text, sep) {
  const at = text.indexOf(sep);
  return at < 0 ? [text, null] : [text.slice(0, at), text.slice(at + 1)];
}

// Bold, italic, strike and emoji in a run of escaped text without code or markup.
function inline(text) {
  const edge = "(^|[\\s(\\[{\"'\\u0001]|&gt;)";
  const end = "(?=$|[\\s.,!?;:)\\]}\"'\\u0001-])";
  const style = (mark, tag) => (out) =>
    out.replace(new RegExp(`${edge}\\${mark}(?!\\s)([^${mark}\\n]+?)\\${mark}${end}`, "g"),
      (m, before, body) => `${before}<${tag}>${body}</${tag}>`);
  let out = style("*", "b")(text);
  out = style("_", "i")(out);
  out = style("~", "s")(out);
  return out.replace(/:([a-z0-9_+-]+):/g, (m, name) => {
    const found = emoji(name);
    return found ? `<span class="emoji" title=":${name}:">${found}</span>` : m;
  });
}

// Quotes and lists, line by line.
function lines(html) {
  const rows = html.split("\n");
  const out = [];
  let quote = [];
  let list = [];
  const flush = () => {
    if (quote.length) out.push(`<blockquote>${quote.join("<br>")}</blockquote>`);
    if (list.length) out.push(`<ul>${list.map((li) => `<li>${li}</li>`).join("")}</ul>`);
    quote = [];
    list = [];
  };
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row.startsWith("&gt;&gt;&gt;")) {
      flush();
      out.push(`<blockquote>${[row.slice(12), ...rows.slice(i + 1)].join("<br>")}</blockquote>`);
      return out.join("");
    }
    const quoted = row.match(/^&gt; ?(.*)$/);
    const item = row.match(/^\s*(?:•|-|◦|▪) (.*)$/);
    if (quoted) {
      if (list.length) flush();
      quote.push(quoted[1]);
    } else if (item) {
      if (quote.length) flush();
      list.push(item[1]);
    } else {
      flush();
      out.push(row + (i < rows.length - 1 ? "<br>" : ""));
    }
  }
  flush();
  return out.join("");
}

// Slack mrkdwn to HTML. `names` has person(id) and channel(id).
function mrkdwn(text, names) {
  const kept = [];
  const keep = (html) => `\u0001${kept.push(html) - 1}\u0001`;
  let out = String(text || "");
  out = out.replace(/```([\s\S]*?)```/g, (m, code) =>
    keep(`<pre>${escapeHtml(unescapeSlack(code.replace(/^\n/, "")))}</pre>`));
  out = out.replace(/`([^`\n]+)`/g, (m, code) => keep(`<code>${escapeHtml(unescapeSlack(code))}</code>`));
  out = out.replace(/<([^<>\n]+)>/g, (m, inner) => keep(markup(inner, names)));
  out = escapeHtml(unescapeSlack(out));
  out = lines(inline(out));
  return out.replace(/\u0001(\d+)\u0001/g, (m, n) => kept[Number(n)]);
}

// Plain text objects are shown as written, with emoji when they ask for it.
function plain(textObject, names) {
  if (!textObject) return "";
  if (typeof textObject === "string") return escapeHtml(textObject);
  if (textObject.type === "mrkdwn") return mrkdwn(textObject.text, names);
  return escapeHtml(textObject.text || "").replace(/:([a-z0-9_+-]+):/g, (m, name) => emoji(name) || m);
}

window.Mrkdwn = { mrkdwn, plain, escapeHtml, emoji, slackDate };
