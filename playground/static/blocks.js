// Block Kit as HTML: header, section (text, fields, accessory), context, divider, image,
// actions (buttons, selects, date and time pickers), input blocks (plain text, selects,
// people, dates, times, checkboxes, radio buttons) and a little rich_text. Interactive
// elements call `ui.act(action, blockId)`; `collect(root)` reads a modal's state as Slack's
// view.state.values.
"use strict";

(function () {
  const { mrkdwn, plain, escapeHtml } = window.Mrkdwn;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "html") node.innerHTML = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  function text(obj, ui) {
    if (!obj) return "";
    return obj.type === "mrkdwn" ? mrkdwn(obj.text, ui.names) : plain(obj, ui.names);
  }

  function optionText(option) {
    return (option.text && option.text.text) || option.value || "";
  }

  function options(element) {
    if (element.option_groups) return element.option_groups.flatMap((g) => g.options || []);
    return element.options || [];
  }

  // -- elements that act at once (messages, App Home) ------------------------------------

  function button(element, blockId, ui) {
    const cls = "btn" + (element.style ? ` btn-${element.style}` : "");
    return el("button", {
      class: cls,
      type: "button",
      "data-action": element.action_id,
      html: plain(element.text, ui.names),
      onclick: () => {
        if (element.url) window.open(element.url, "_blank", "noopener");
        ui.act({
          action_id: element.action_id, block_id: blockId, type: "button",
          value: element.value, text: element.text, style: element.style,
        });
      },
    });
  }

  function selectNow(element, blockId, ui) {
    const node = el("select", { class: "select", "data-action": element.action_id },
      el("option", { value: "" }, element.placeholder ? element.placeholder.text : "Choose…"));
    for (const option of options(element)) {
      node.append(el("option", { value: option.value }, optionText(option)));
    }
    if (element.initial_option) node.value = element.initial_option.value;
    node.addEventListener("change", () => {
      const chosen = options(element).find((o) => o.value === node.value);
      if (!chosen) return;
      ui.act({
        action_id: element.action_id, block_id: blockId, type: element.type,
        selected_option: { text: chosen.text, value: chosen.value },
      });
    });
    return node;
  }

  function pickerNow(element, blockId, ui) {
    const date = element.type === "datepicker";
    const node = el("input", {
      class: "input", type: date ? "date" : "time", "data-action": element.action_id,
      value: date ? element.initial_date : element.initial_time,
    });
    node.addEventListener("change", () => ui.act({
      action_id: element.action_id, block_id: blockId, type: element.type,
      [date ? "selected_date" : "selected_time"]: node.value,
    }));
    return node;
  }

  function overflow(element, blockId, ui) {
    const node = selectNow({ ...element, placeholder: { text: "⋯" } }, blockId, ui);
    node.classList.add("overflow");
    return node;
  }

  function interactive(element, blockId, ui) {
    switch (element.type) {
      case "button": return button(element, blockId, ui);
      case "static_select": return selectNow(element, blockId, ui);
      case "overflow": return overflow(element, blockId, ui);
      case "datepicker":
      case "timepicker": return pickerNow(element, blockId, ui);
      case "image": return el("img", { class: "accessory-image", src: element.image_url, alt: element.alt_text || "" });
      default:
        if (ui.inModal) return input(element, blockId, ui);
        return el("span", { class: "unsupported" }, `[${element.type}]`);
    }
  }

  // -- input elements (modals) -----------------------------------------------------------

  function input(element, blockId, ui) {
    const id = element.action_id;
    const attrs = { "data-block": blockId, "data-action": id, "data-type": element.type };
    const placeholder = element.placeholder ? element.placeholder.text : "";
    switch (element.type) {
      case "plain_text_input":
      case "email_text_input":
      case "url_text_input":
      case "number_input": {
        const multiline = element.multiline;
        const node = el(multiline ? "textarea" : "input", {
          ...attrs, class: "input", placeholder, rows: multiline ? 4 : undefined,
          type: multiline ? undefined : element.type === "number_input" ? "number" : "text",
          maxlength: element.max_length, "data-min": element.min_length,
        });
        node.value = element.initial_value || "";
        return node;
      }
      case "static_select":
      case "multi_static_select":
      case "users_select":
      case "conversations_select":
      case "channels_select": {
        const multi = element.type === "multi_static_select";
        const node = el("select", { ...attrs, class: "select", multiple: multi });
        if (!multi) node.append(el("option", { value: "" }, placeholder || "Choose…"));
        for (const [value, label] of choices(element, ui)) node.append(el("option", { value }, label));
        const initial = element.initial_option ? element.initial_option.value
          : element.initial_user || element.initial_conversation || element.initial_channel;
        if (initial) node.value = initial;
        return node;
      }
      case "multi_users_select": {
        const chosen = new Set(element.initial_users || []);
        const node = el("div", { ...attrs, class: "chips", role: "group", "aria-label": placeholder });
        for (const person of ui.people.filter((p) => !p.bot)) {
          const chip = el("button", {
            type: "button", class: "chip", "data-user": person.id,
            "aria-pressed": String(chosen.has(person.id)),
          }, person.real_name);
          chip.addEventListener("click", () => {
            chip.setAttribute("aria-pressed", String(chip.getAttribute("aria-pressed") !== "true"));
          });
          node.append(chip);
        }
        return node;
      }
      case "datepicker":
      case "timepicker": {
        const date = element.type === "datepicker";
        return el("input", { ...attrs, class: "input", type: date ? "date" : "time",
          value: date ? element.initial_date : element.initial_time });
      }
      case "checkboxes":
      case "radio_buttons": {
        const radio = element.type === "radio_buttons";
        const initial = new Set(radio
          ? [element.initial_option && element.initial_option.value]
          : (element.initial_options || []).map((o) => o.value));
        const node = el("div", { ...attrs, class: "choices" });
        for (const option of element.options || []) {
          node.append(el("label", { class: "choice" },
            el("input", { type: radio ? "radio" : "checkbox", name: `${blockId}.${id}`,
              value: option.value, checked: initial.has(option.value) }),
            el("span", { html: text(option.text, ui) })));
        }
        return node;
      }
      default:
        return el("span", { class: "unsupported" }, `[${element.type}]`);
    }
  }

  function choices(element, ui) {
    if (element.type === "users_select") {
      return ui.people.filter((p) => !p.bot).map((p) => [p.id, p.real_name]);
    }
    if (element.type.endsWith("_select") && !element.type.includes("static")) {
      return ui.channels.map((c) => [c.id, `#${c.name}`]);
    }
    return options(element).map((o) => [o.value, optionText(o)]);
  }

  function optionOf(node, value) {
    const element = node._element;
    const found = element ? options(element).find((o) => o.value === value) : null;
    return found ? { text: found.text, value: found.value } : { text: { type: "plain_text", text: value }, value };
  }

  // The modal's state, as Slack sends it in view_submission: values[block][action].
  function collect(root) {
    const values = {};
    for (const node of root.querySelectorAll("[data-block][data-action]")) {
      const type = node.dataset.type;
      const put = (value) => {
        values[node.dataset.block] = values[node.dataset.block] || {};
        values[node.dataset.block][node.dataset.action] = { type, ...value };
      };
      if (/text_input$|number_input$/.test(type)) put({ value: node.value === "" ? null : node.value });
      else if (type === "multi_users_select") {
        put({ selected_users: [...node.querySelectorAll('.chip[aria-pressed="true"]')].map((c) => c.dataset.user) });
      } else if (type === "users_select") put({ selected_user: node.value || null });
      else if (type === "conversations_select") put({ selected_conversation: node.value || null });
      else if (type === "channels_select") put({ selected_channel: node.value || null });
      else if (type === "static_select") put({ selected_option: node.value ? optionOf(node, node.value) : null });
      else if (type === "multi_static_select") {
        put({ selected_options: [...node.selectedOptions].map((o) => optionOf(node, o.value)) });
      } else if (type === "datepicker") put({ selected_date: node.value || null });
      else if (type === "timepicker") put({ selected_time: node.value || null });
      else if (type === "checkboxes") {
        put({ selected_options: [...node.querySelectorAll("input:checked")].map((i) => optionOf(node, i.value)) });
      } else if (type === "radio_buttons") {
        const on = node.querySelector("input:checked");
        put({ selected_option: on ? optionOf(node, on.value) : null });
      }
    }
    return values;
  }

  // What Slack itself refuses before sending: empty required fields, too short answers.
  function check(root) {
    const errors = {};
    for (const block of root.querySelectorAll(".b-input")) {
      const node = block.querySelector("[data-block][data-action]");
      if (!node || block.dataset.optional === "true") continue;
      const values = collect(block)[node.dataset.block][node.dataset.action];
      const given = Object.entries(values).find(([k]) => k !== "type")[1];
      const empty = given === null || given === "" || (Array.isArray(given) && !given.length);
      const min = Number(node.dataset.min || 0);
      if (empty) errors[node.dataset.block] = "Please complete this required field.";
      else if (min && typeof given === "string" && given.length < min) {
        errors[node.dataset.block] = `Please enter at least ${min} characters.`;
      }
    }
    return errors;
  }

  // -- blocks ----------------------------------------------------------------------------

  function block(b, ui) {
    const blockId = b.block_id || `b${Math.random().toString(36).slice(2, 8)}`;
    switch (b.type) {
      case "header":
        return el("div", { class: "b-header", html: plain(b.text, ui.names) });
      case "divider":
        return el("hr", { class: "b-divider" });
      case "section": {
        const body = el("div", { class: "b-section-body" });
        if (b.text) body.append(el("div", { class: "b-text", html: text(b.text, ui) }));
        if (b.fields) {
          body.append(el("div", { class: "b-fields" },
            b.fields.map((f) => el("div", { class: "b-field", html: text(f, ui) }))));
        }
        const accessory = b.accessory ? interactive(b.accessory, blockId, ui) : null;
        if (accessory && b.accessory.type !== "image") attach(accessory, b.accessory);
        return el("div", { class: "b-section" }, body, accessory && el("div", { class: "b-accessory" }, accessory));
      }
      case "context":
        return el("div", { class: "b-context" }, (b.elements || []).map((e) =>
          e.type === "image"
            ? el("img", { class: "b-context-image", src: e.image_url, alt: e.alt_text || "" })
            : el("span", { html: text(e, ui) })));
      case "image":
        return el("figure", { class: "b-image" },
          b.title && el("figcaption", { html: plain(b.title, ui.names) }),
          el("img", { src: b.image_url || (b.slack_file && b.slack_file.url), alt: b.alt_text || "" }));
      case "actions":
        return el("div", { class: "b-actions" }, (b.elements || []).map((e) => attach(interactive(e, blockId, ui), e)));
      case "input": {
        const node = input(b.element, blockId, ui);
        attach(node, b.element);
        return el("div", { class: "b-input", "data-block-id": blockId, "data-optional": String(!!b.optional) },
          el("label", { class: "b-label" }, plain(b.label, ui.names),
            b.optional ? el("span", { class: "optional" }, " (optional)") : null),
          node,
          b.hint && el("div", { class: "b-hint", html: plain(b.hint, ui.names) }),
          el("div", { class: "b-error", role: "alert" }));
      }
      case "rich_text":
        return el("div", { class: "b-text", html: richText(b, ui) });
      default:
        return el("div", { class: "unsupported" }, `[${b.type} block]`);
    }
  }

  function attach(node, element) {
    node._element = element;
    node.querySelectorAll && node.querySelectorAll("[data-action]").forEach((n) => { n._element = element; });
    return node;
  }

  function richText(b, ui) {
    const part = (e) => {
      if (e.type === "text") return escapeHtml(e.text);
      if (e.type === "user") return mrkdwn(`<@${e.user_id}>`, ui.names);
      if (e.type === "channel") return mrkdwn(`<#${e.channel_id}>`, ui.names);
      if (e.type === "link") return mrkdwn(`<${e.url}|${e.text || e.url}>`, ui.names);
      if (e.type === "emoji") return Mrkdwn.emoji(e.name) || `:${e.name}:`;
      return (e.elements || []).map(part).join("");
    };
    return (b.elements || []).map(part).join("<br>");
  }

  function render(blocks, ui) {
    return el("div", { class: "blocks" }, (blocks || []).map((b) => block(b, ui)));
  }

  window.Blocks = { render, collect, check, el };
})();
