// The chat page's live side, over ws/chat/<id>/ (docs/CHAT.md). Every tab of the chat's owner hears
// the same events: the stored question, the guardrails' verdict, the answer token by token, then done
// or error. The socket takes an access token in its first message; the page asks its own session for
// a short-lived one (POST with the CSRF token), as the alerts badge does.
(function () {
  "use strict";

  const RETRY_MS = 3000;
  const CLOSED_FOR_GOOD = {
    4403: "Your role no longer allows chats",
    4404: "This chat is no longer available",
  };

  function start() {
    const thread = document.querySelector("[data-chat]");
    const composer = thread && thread.querySelector("[data-chat-composer]");
    // An archived chat has no composer: nothing is sent, so nothing streams.
    if (!composer || !window.WebSocket) return;
    const list = thread.querySelector("[data-chat-messages]");
    const empty = thread.querySelector("[data-chat-empty]");
    const status = thread.querySelector("[data-chat-status]");
    const input = composer.querySelector("textarea");
    const sendButton = composer.querySelector("[data-chat-send]");
    const errorLine = composer.querySelector("[data-chat-error]");
    const model = composer.querySelector("select[name=model]");
    const rag = composer.querySelector("input[name=use_rag]");
    const collection = composer.querySelector("[data-chat-collection]");
    const template = document.getElementById("chat-message-template");
    const wording = JSON.parse(document.getElementById("chat-guardrail-wording").textContent);
    let socket = null;
    let live = false;
    let waiting = false;
    let lastSent = "";

    function setStatus(text, kind) {
      status.textContent = text;
      status.classList.toggle("chat-status-live", kind === "live");
      status.classList.toggle("chat-status-down", kind === "down");
    }

    function refreshSend() {
      sendButton.disabled = !live || waiting;
    }

    function showError(text) {
      errorLine.textContent = text;
      errorLine.hidden = !text;
    }

    function scrollDown() {
      list.scrollTop = list.scrollHeight;
    }

    function shortTime(iso) {
      const when = iso ? new Date(iso) : new Date();
      // As the server writes it ("4 Dec, 18:51").
      return when.toLocaleString("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
    }

    function newItem(role, iso) {
      const item = template.content.firstElementChild.cloneNode(true);
      item.classList.add("chat-message-" + role);
      item.querySelector(".chat-role").textContent = role === "user" ? "You" : "Assistant";
      const time = item.querySelector("time");
      time.textContent = shortTime(iso);
      if (iso) time.setAttribute("datetime", iso);
      list.appendChild(item);
      empty.hidden = true;
      return item;
    }

    function question(id) {
      return id ? list.querySelector('[data-message-id="' + id + '"]') : null;
    }

    function answer(replyTo, create) {
      let item = list.querySelector('[data-reply-to="' + replyTo + '"]');
      if (!item && create) {
        item = newItem("assistant");
        item.dataset.replyTo = replyTo;
        item.classList.add("chat-message-streaming");
      }
      return item;
    }

    function labels(names) {
      return (names || []).map(function (name) {
        return wording.categories[name] || name;
      });
    }

    // The same words and markup as templates/chats/_guardrail.html.
    function guardrailNote(item, guardrail, role) {
      let action = guardrail.action || "allow";
      let redacted = Object.keys(guardrail.redacted || {});
      // A category whose values were replaced is named once, among the replaced.
      let categories = labels((guardrail.categories || []).filter(function (name) { return redacted.indexOf(name) < 0; }));
      if (role === "assistant") {
        redacted = Object.keys(guardrail.redacted_answer || {});
        action = redacted.length ? "redact_answer" : "allow";
        categories = [];
      } else if (action === "allow" && redacted.length) {
        action = "redact";
      }
      const old = item.querySelector("[data-guardrail]");
      if (old) old.remove();
      if (!wording.notes[action]) return;
      const note = document.createElement("p");
      note.className = "chat-guardrail chat-guardrail-" + action;
      note.dataset.guardrail = "";
      const strong = document.createElement("strong");
      strong.textContent = wording.notes[action];
      note.appendChild(strong);
      let rest = categories.length ? ": " + categories.join(", ") : "";
      if (redacted.length) rest += (categories.length ? " · " : ": ") + labels(redacted).sort().join(", ") + " replaced";
      note.appendChild(document.createTextNode(rest));
      item.appendChild(note);
      item.classList.toggle("chat-message-blocked", role === "user" && action === "block");
    }

    function partialNote(item, text) {
      item.classList.remove("chat-message-streaming");
      if (item.querySelector("[data-partial]")) return;
      const note = document.createElement("p");
      note.className = "chat-partial";
      note.dataset.partial = "";
      note.textContent = text;
      item.appendChild(note);
    }

    function finished() {
      waiting = false;
      refreshSend();
    }

    const handlers = {
      authenticated: function () {
        live = true;
        setStatus("Live", "live");
        refreshSend();
      },
      message: function (event) {
        if (question(event.id)) return;
        const item = newItem(event.role, event.created_at);
        item.dataset.messageId = event.id;
        item.querySelector("[data-message-body]").textContent = event.content;
        guardrailNote(item, event.guardrail || {}, event.role);
      },
      guardrail: function (event) {
        const item = question(event.reply_to);
        if (item) guardrailNote(item, event, "user");
      },
      token: function (event) {
        answer(event.reply_to, true).querySelector("[data-message-body]").textContent += event.content;
      },
      done: function (event) {
        const item = answer(event.reply_to, true);
        item.classList.remove("chat-message-streaming");
        item.querySelector("[data-message-body]").textContent = event.message.content;
        const badge = document.createElement("span");
        badge.className = "badge badge-muted";
        badge.textContent = event.model;
        item.querySelector(".chat-role").after(badge);
        guardrailNote(item, event.guardrail || {}, "assistant");
        if (event.is_partial) partialNote(item, "Partial answer: the model stopped midway.");
        finished();
      },
      error: function (event) {
        if (!event.reply_to) {
          // About this tab's own message, which was not taken: it goes back in the box.
          if (!input.value) input.value = lastSent;
          const fields = event.errors ? Object.values(event.errors).flat().join(" ") : "";
          showError(event.detail + (fields ? " " + fields : ""));
          finished();
          return;
        }
        const item = answer(event.reply_to, false);
        if (item) partialNote(item, "Partial answer: " + event.detail);
        else if (event.error_code !== "PROMPT_BLOCKED") showError(event.detail);
        finished();
      },
    };

    function receive(message) {
      const event = JSON.parse(message.data);
      const handler = handlers[event.type];
      if (handler) {
        handler(event);
        scrollDown();
      }
    }

    function closed(event) {
      live = false;
      list.querySelectorAll(".chat-message-streaming").forEach(function (item) {
        partialNote(item, "Partial answer: the connection closed.");
      });
      finished();
      if (CLOSED_FOR_GOOD[event.code]) {
        setStatus(CLOSED_FOR_GOOD[event.code], "down");
        return;
      }
      setStatus(event.code === 4429 ? "Paused: too many messages" : "Reconnecting…", "down");
      // 4429 and 4401 (signed out or revoked) wait longer: asking again at once would be refused again.
      window.setTimeout(connect, event.code === 4429 || event.code === 4401 ? RETRY_MS * 20 : RETRY_MS);
    }

    function connect() {
      fetch(thread.dataset.socketTokenUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": thread.dataset.csrf },
      })
        .then(function (response) {
          if (!response.ok) throw new Error("no token");
          return response.json();
        })
        .then(function (answer) {
          const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
          socket = new WebSocket(scheme + "//" + window.location.host + "/ws/chat/" + thread.dataset.chat + "/");
          socket.addEventListener("open", function () {
            socket.send(JSON.stringify({ type: "auth", token: answer.token }));
          });
          socket.addEventListener("message", receive);
          socket.addEventListener("close", closed);
        })
        .catch(function () {
          setStatus("Offline", "down");
          window.setTimeout(connect, RETRY_MS * 10);
        });
    }

    composer.addEventListener("submit", function (submitted) {
      submitted.preventDefault();
      const content = input.value;
      if (!content.trim() || !live || waiting) return;
      showError("");
      lastSent = content;
      waiting = true;
      refreshSend();
      const message = { type: "message", content: content, model: model.value, use_rag: rag.checked };
      if (rag.checked && collection && collection.value) message.collection_ids = [collection.value];
      socket.send(JSON.stringify(message));
      input.value = "";
    });

    input.addEventListener("keydown", function (pressed) {
      if (pressed.key === "Enter" && !pressed.shiftKey && !pressed.isComposing) {
        pressed.preventDefault();
        composer.requestSubmit();
      }
    });

    scrollDown();
    connect();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
