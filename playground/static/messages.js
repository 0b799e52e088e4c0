// Drawing what the bot and people posted: messages with their blocks, files, reactions and
// threads; the thread pane; modals; App Home. Everything a person clicks goes back through
// `Play.api` to the playground, which sends it to the bot as Slack would.
"use strict";

(function () {
  const { el, render, collect, check } = window.Blocks;
  const { mrkdwn, emoji } = window.Mrkdwn;
  const Play = (window.Play = window.Play || {});

  const COLORS = ["#e8912d", "#2bac76", "#1d9bd1", "#cd2553", "#7c3085", "#4a6b8a"];

  function person(id) {
    return (Play.data.people || []).find((p) => p.id === id);
  }

  Play.names = {
    person,
    channel: (id) => (Play.data.all_channels || []).find((c) => c.id === id)
      || (Play.data.channels || []).find((c) => c.id === id),
  };

  function ui(extra) {
    return {
      names: Play.names,
      people: Play.data.people || [],
      channels: Play.data.all_channels || [],
      ...extra,
    };
  }

  function avatar(user) {
    const p = person(user);
    if (p && p.bot) return el("div", { class: "avatar bot", "aria-hidden": "true" }, "nb");
    const name = p ? p.real_name : user;
    const color = COLORS[[...user].reduce((a, c) => a + c.charCodeAt(0), 0) % COLORS.length];
    const initials = name.split(" ").map((w) => w[0]).join("").slice(0, 2);
    return el("div", { class: "avatar", style: `background:${color}`, "aria-hidden": "true" }, initials);
  }

  function clock(ts) {
    const d = new Date(Number(ts) * 1000);
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function dayOf(ts) {
    const d = new Date(Number(ts) * 1000);
    return d.toLocaleDateString([], { weekday: "long", month: "long", day: "numeric" });
  }

  function files(list) {
    return el("div", { class: "files" }, (list || []).map((f) =>
      f.mimetype && f.mimetype.startsWith("image/")
        ? el("figure", { class: "file-image" },
          el("img", { src: f.url_private, alt: f.alt || f.title, title: f.title }),
          el("figcaption", {}, f.title))
        : el("a", { class: "file-card", href: f.url_private, download: f.name },
          el("span", { class: "file-icon" }, "📄"),
          el("span", {}, el("b", {}, f.title || f.name), el("br"),
            `${f.title && f.title !== f.name ? `${f.name} · ` : ""}${f.mimetype} · ${Math.ceil((f.size || 0) / 1024)} KB`))));
  }

  function reactions(list) {
    if (!list || !list.length) return null;
    return el("div", { class: "reactions" }, list.map((r) => el("span", {
      class: "reaction",
      title: r.users.map((u) => (person(u) || { real_name: u }).real_name).join(", ") + ` reacted with :${r.name}:`,
    }, emoji(r.name) || `:${r.name}:`, " ", String(r.users.length))));
  }

  // One message; `inThread` draws a reply in the thread pane.
  function message(msg, inThread) {
    const who = person(msg.user);
    const body = msg.blocks && msg.blocks.length
      ? render(msg.blocks, ui({ act: (action) => Play.click({ action, message_ts: msg.ts }) }))
      : el("div", { class: "b-text", html: mrkdwn(msg.text, Play.names) });
    const replies = msg.replies || [];
    const node = el("div", {
      class: "message" + (msg.ephemeral ? " ephemeral" : "") + (msg.bot ? " from-bot" : ""),
      "data-ts": msg.ts,
    },
    avatar(msg.user),
    el("div", { class: "content" },
      el("div", { class: "meta" },
        el("span", { class: "name" }, who ? who.real_name : msg.user),
        msg.bot ? el("span", { class: "app-badge" }, "APP") : null,
        el("time", { title: new Date(Number(msg.ts) * 1000).toLocaleString() }, clock(msg.ts)),
        msg.edited ? el("span", { class: "edited" }, "(edited)") : null),
      msg.ephemeral ? el("div", { class: "only-you" }, "👁 Only visible to you") : null,
      msg.broadcast && !inThread ? el("div", { class: "broadcast" }, "replied to a thread") : null,
      msg.broadcast && inThread ? el("div", { class: "broadcast" }, "also sent to the channel") : null,
      body,
      files(msg.files),
      reactions(msg.reactions),
      !inThread && replies.length
        ? el("button", { class: "thread-link", type: "button", onclick: () => Play.openThread(msg.ts) },
          `${replies.length} ${replies.length === 1 ? "reply" : "replies"}`)
        : null),
    !inThread && !msg.ephemeral
      ? el("div", { class: "hover-actions" },
        el("button", { type: "button", class: "reply-button", title: "Reply in thread",
          onclick: () => Play.openThread(msg.ts) }, "💬 Reply"))
      : null);
    return node;
  }

  Play.drawMessages = function (box, list) {
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    const top = box.scrollTop;
    box.replaceChildren();
    if (!list.length) {
      box.append(el("div", { class: "empty" },
        el("h2", {}, "Nothing here yet"),
        el("p", {}, "Type a command below, or pick one from “Try” on the left.")));
    }
    let day = null;
    for (const msg of list) {
      if (dayOf(msg.ts) !== day) {
        day = dayOf(msg.ts);
        box.append(el("div", { class: "day" }, el("span", {}, day)));
      }
      box.append(message(msg, false));
    }
    box.scrollTop = atBottom || Play.scrollDown ? box.scrollHeight : top;
    Play.scrollDown = false;
  };

  Play.drawThread = function (pane, list) {
    const parent = Play.thread && list.find((m) => m.ts === Play.thread);
    pane.hidden = !parent;
    if (!parent) return;
    const box = pane.querySelector("#thread-messages");
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    box.replaceChildren(message(parent, true),
      el("div", { class: "thread-count" }, `${parent.replies.length} ${parent.replies.length === 1 ? "reply" : "replies"}`),
      ...parent.replies.map((r) => message(r, true)));
    if (atBottom) box.scrollTop = box.scrollHeight;
  };

  // -- modals ----------------------------------------------------------------------------

  Play.drawModal = function (backdrop, view) {
    const key = view ? `${view.id}:${view.hash}` : null;
    if (key === Play.modalKey) return;
    Play.modalKey = key;
    backdrop.hidden = !view;
    if (!view) return;
    const box = backdrop.querySelector("#modal");
    const act = (action) => Play.click({ action, view_id: view.id });
    const body = el("div", { class: "modal-body" }, render(view.blocks, ui({ inModal: true, act })));
    const status = el("div", { class: "modal-status", role: "status" });
    const submit = view.submit
      ? el("button", { class: "btn btn-primary", type: "submit" }, view.submit.text) : null;
    const form = el("form", { class: "modal-form", novalidate: true },
      el("header", {},
        el("h2", { id: "modal-title" }, view.title ? view.title.text : ""),
        el("button", { class: "close", type: "button", "aria-label": "Close", onclick: () => Play.closeModal(view.id) }, "×")),
      body,
      el("footer", {}, status,
        el("button", { class: "btn", type: "button", onclick: () => Play.closeModal(view.id) },
          view.close ? view.close.text : "Cancel"),
        submit));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const errors = check(body);
      showErrors(body, errors);
      if (Object.keys(errors).length) return;
      submit.disabled = true;
      status.textContent = "Sending…";
      const answer = await Play.api("submit", { view_id: view.id, values: collect(body) });
      submit.disabled = false;
      status.textContent = answer.ok ? "" : answer.error;
      if (answer.ok) showErrors(body, answer.errors || {});
      Play.refresh();
    });
    box.replaceChildren(form);
    box.setAttribute("aria-labelledby", "modal-title");
    const first = body.querySelector("input, textarea, select, .chip");
    if (first) first.focus();
  };

  function showErrors(body, errors) {
    for (const block of body.querySelectorAll(".b-input")) {
      const why = errors[block.dataset.blockId];
      block.classList.toggle("has-error", !!why);
      block.querySelector(".b-error").textContent = why || "";
    }
  }

  // -- App Home --------------------------------------------------------------------------

  Play.drawHome = function (box, view) {
    const key = view ? `${view.id}:${view.hash}` : "none";
    if (key === Play.homeKey) return;
    Play.homeKey = key;
    if (!view) {
      box.replaceChildren(el("div", { class: "empty" }, el("p", {}, "Opening App Home…")));
      return;
    }
    const act = (action) => Play.click({ action, view_id: view.id });
    box.replaceChildren(render(view.blocks, ui({ act })));
  };
})();
