// The page: who you are, the channels, the composer (slash commands, messages, thread
// replies, @ # / suggestions), "Run it now", and polling the playground for what changed.
"use strict";

(function () {
  const { el } = window.Blocks;
  const Play = (window.Play = window.Play || {});
  const $ = (id) => document.getElementById(id);

  const COMMANDS = [
    ["/kudos", "@ana [@ben …] for what they did [#practice]"],
    ["/win", "what went well [#practice]"],
    ["/vision", "show the vision, or: set <the vision>"],
    ["/nudge", "help · now · progress [chart] · digest · commit … by … · schedule … · hope|idea|fear …"],
  ];
  const TRY = [
    "/kudos @ben for pairing on the migration #enable",
    "/win the beta went live a day early",
    "/nudge now",
    "/nudge progress 30d chart",
    "/nudge digest",
    "/vision",
    "/nudge commit write the release notes by fri",
    "/nudge schedule add rotate weekdays 09:00",
    "/nudge fear we are spread too thin",
    "/nudge help",
  ];

  Play.me = localStorage.getItem("playground.me") || "U0ANA";
  Play.channel = localStorage.getItem("playground.channel") || null;
  Play.tab = "messages";
  Play.version = null;
  Play.data = { people: [], channels: [], messages: [] };

  Play.api = async function (path, body) {
    try {
      const response = await fetch(`/play/api/${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Playground": "1" },
        body: JSON.stringify({ as: Play.me, ...body }),
      });
      const answer = await response.json();
      if (!answer.ok && answer.error) toast(answer.error);
      return answer;
    } catch (err) {
      toast("The playground isn't answering. Is it still running?");
      return { ok: false, error: String(err) };
    }
  };

  Play.click = async function (what) {
    await Play.api("click", { channel: Play.data.channel, ...what });
    Play.refresh();
  };

  Play.closeModal = async function (viewId) {
    await Play.api("close", { view_id: viewId });
    Play.refresh();
  };

  Play.openThread = function (ts) {
    const box = $("messages");
    Play.scrollDown = box.scrollHeight - box.scrollTop - box.clientHeight < 40; // stays there
    Play.thread = ts;
    draw();
    $("thread-input").focus();
  };

  function toast(text) {
    const box = $("toast");
    box.textContent = text;
    box.classList.add("shown");
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => box.classList.remove("shown"), 6000);
  }

  // -- polling ---------------------------------------------------------------------------

  let polling = null;
  Play.refresh = function () {
    Play.version = null;
    clearTimeout(polling);
    poll();
  };

  async function poll() {
    clearTimeout(polling);
    const query = new URLSearchParams({ as: Play.me, since: Play.version ?? "" });
    if (Play.channel) query.set("channel", Play.channel);
    try {
      const response = await fetch(`/play/api/state?${query}`);
      const data = await response.json();
      if (data.people) {
        Play.data = data;
        Play.version = data.version;
        Play.channel = data.channel;
        draw();
      }
      document.body.classList.remove("offline");
    } catch (err) {
      document.body.classList.add("offline");
    }
    polling = setTimeout(poll, 700);
  }

  // -- drawing ---------------------------------------------------------------------------

  function draw() {
    const data = Play.data;
    const me = data.people.find((p) => p.id === Play.me);
    const select = $("person");
    if (select.options.length !== data.people.filter((p) => !p.bot).length) {
      select.replaceChildren(...data.people.filter((p) => !p.bot).map((p) =>
        el("option", { value: p.id }, `${p.real_name}${p.admin ? " (admin)" : ""}`)));
    }
    select.value = Play.me;
    $("person-title").textContent = me ? me.title : "";
    const channel = data.channels.find((c) => c.id === data.channel) || {};
    const im = channel.kind === "im";
    const row = (c) => el("li", {}, el("button", {
      type: "button", class: "nav-item" + (c.id === data.channel ? " active" : ""),
      "data-channel": c.id, onclick: () => switchTo(c.id),
    }, c.kind === "im" ? el("span", { class: "app-dot" }, "nb") : el("span", { class: "hash" }, "#"),
    c.kind === "im" ? "nudgebot" : c.name));
    $("channels").replaceChildren(...data.channels.filter((c) => c.kind === "channel").map(row));
    $("apps").replaceChildren(...data.channels.filter((c) => c.kind === "im").map(row));
    $("channel-title").textContent = im ? "nudgebot" : `# ${channel.name || ""}`;
    $("channel-topic").textContent = im ? "The app's Home and your direct messages with it"
      : channel.topic || "";
    $("tabs").hidden = !im;
    const home = im && Play.tab === "home";
    for (const button of $("tabs").querySelectorAll("button")) {
      button.setAttribute("aria-selected", String(button.dataset.tab === (home ? "home" : "messages")));
    }
    $("home").hidden = !home;
    $("messages").hidden = home;
    $("composer").hidden = home;
    $("compose").placeholder = im ? "Message nudgebot (try /nudge help)"
      : `Message #${channel.name || ""}: try /kudos @ben for …`;
    Play.drawThread($("thread"), data.messages); // first: it narrows the channel
    if (home) Play.drawHome($("home"), data.home);
    else Play.drawMessages($("messages"), data.messages);
    Play.drawModal($("modal-backdrop"), data.modal);
    drawNext(data.next);
  }

  function drawNext(next) {
    $("run-next").disabled = !next;
    if (!next) {
      $("next-due").textContent = "Nothing scheduled yet. Try /nudge schedule add rotate daily 09:00 or /nudge digest on mon 09:00.";
      return;
    }
    const at = new Date(next.at * 1000).toLocaleString([], {
      weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
    });
    $("next-due").replaceChildren(el("b", {}, `Next, ${at}:`), " ", next.what);
  }

  function switchTo(channel) {
    Play.channel = channel;
    Play.thread = null;
    Play.scrollDown = true;
    localStorage.setItem("playground.channel", channel);
    const im = (Play.data.channels.find((c) => c.id === channel) || {}).kind === "im";
    if (im) setTab("home");
    else Play.refresh();
  }

  function setTab(tab) {
    Play.tab = tab;
    Play.homeKey = null;
    Play.scrollDown = true;
    if (tab === "home") Play.api("home", {});
    Play.refresh();
  }

  // -- composing -------------------------------------------------------------------------

  async function send(input, threadTs) {
    const text = input.value.trim();
    if (!text) return;
    input.disabled = true;
    const answer = await Play.api("send", { channel: Play.channel, text, thread_ts: threadTs });
    input.disabled = false;
    if (answer.ok) input.value = "";
    input.focus();
    Play.scrollDown = !threadTs;
    Play.refresh();
  }

  function suggestions(input, list) {
    let shown = [];
    let chosen = 0;
    const word = () => {
      const before = input.value.slice(0, input.selectionStart);
      const match = before.match(/(^|\s)([@#][\w.-]*)$/) || before.match(/^(\s*)(\/[\w-]*)$/);
      return match ? match[2] : null;
    };
    const close = () => { shown = []; list.hidden = true; };
    const pick = (item) => {
      const before = input.value.slice(0, input.selectionStart);
      const after = input.value.slice(input.selectionStart);
      const start = before.length - word().length;
      input.value = before.slice(0, start) + item.insert + " " + after.replace(/^\s+/, "");
      const caret = start + item.insert.length + 1;
      input.setSelectionRange(caret, caret);
      close();
      input.focus();
    };
    const open = () => {
      const typed = word();
      if (typed === null) return close();
      const q = typed.slice(1).toLowerCase();
      if (typed[0] === "@") {
        shown = Play.data.people.filter((p) => !p.bot && (p.name.startsWith(q) || p.real_name.toLowerCase().startsWith(q)))
          .map((p) => ({ insert: `@${p.name}`, label: p.real_name, hint: `@${p.name}${p.admin ? " · admin" : ""}` }));
      } else if (typed[0] === "#") {
        shown = (Play.data.all_channels || []).filter((c) => c.name.startsWith(q))
          .map((c) => ({ insert: `#${c.name}`, label: `#${c.name}`, hint: "channel" }));
      } else {
        shown = COMMANDS.filter(([c]) => c.startsWith(typed)).map(([c, hint]) => ({ insert: c, label: c, hint }));
      }
      chosen = 0;
      list.hidden = !shown.length;
      list.replaceChildren(...shown.map((item, i) => el("li", {
        role: "option", class: "suggestion", "aria-selected": String(i === chosen),
        onmousedown: (event) => { event.preventDefault(); pick(item); },
      }, el("b", {}, item.label), " ", el("span", {}, item.hint))));
    };
    input.addEventListener("input", open);
    input.addEventListener("blur", () => setTimeout(close, 150));
    input.addEventListener("keydown", (event) => {
      if (!list.hidden && shown.length) {
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          event.preventDefault();
          chosen = (chosen + (event.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
          [...list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === chosen)));
          return;
        }
        if (event.key === "Enter" || event.key === "Tab") {
          event.preventDefault();
          pick(shown[chosen]);
          return;
        }
        if (event.key === "Escape") return close();
      }
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        input.form.requestSubmit();
      }
    });
  }

  // -- start -----------------------------------------------------------------------------

  window.addEventListener("DOMContentLoaded", () => {
    $("person").addEventListener("change", (event) => {
      Play.me = event.target.value;
      localStorage.setItem("playground.me", Play.me);
      Play.thread = null;
      Play.homeKey = null;
      Play.modalKey = null;
      if (Play.tab === "home" && (Play.data.channels.find((c) => c.id === Play.channel) || {}).kind === "im") {
        Play.channel = null; // their own DM with the bot
        Play.tab = "messages";
      }
      Play.refresh();
      toast(`You are ${event.target.selectedOptions[0].textContent} now.`);
    });
    for (const button of $("tabs").querySelectorAll("button")) {
      button.addEventListener("click", () => setTab(button.dataset.tab));
    }
    $("composer").addEventListener("submit", (event) => { event.preventDefault(); send($("compose")); });
    $("thread-composer").addEventListener("submit", (event) => {
      event.preventDefault();
      send($("thread-input"), Play.thread);
    });
    $("close-thread").addEventListener("click", () => { Play.thread = null; draw(); });
    suggestions($("compose"), $("suggest"));
    suggestions($("thread-input"), $("thread-suggest"));
    $("run-next").addEventListener("click", async () => {
      $("run-next").disabled = true;
      const answer = await Play.api("next", {});
      if (answer.ok) {
        const ran = answer.ran[0].toUpperCase() + answer.ran.slice(1);
        toast(answer.result === "posted" ? `Posted now: ${ran}.` : `${ran}: ${answer.result}.`);
      }
      Play.scrollDown = true;
      Play.refresh();
    });
    $("try").replaceChildren(...TRY.map((text) => el("li", {}, el("button", {
      type: "button", class: "try-item",
      onclick: () => {
        if ((Play.data.channels.find((c) => c.id === Play.channel) || {}).kind === "im" && Play.tab === "home") setTab("messages");
        $("compose").value = text;
        $("compose").focus();
      },
    }, text))));
    poll();
  });
})();
