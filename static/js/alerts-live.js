// The Alerts badge and inbox, kept current over ws/alerts/. The socket takes an access token in its
// first message; the page asks its own session for a short-lived one (POST with the CSRF token).
(function () {
  "use strict";

  const RETRY_MS = 5000;

  function start() {
    const nav = document.querySelector("[data-alerts-nav][data-organization]");
    if (!nav || !window.WebSocket) return;
    const organization = nav.dataset.organization;
    const inbox = document.querySelector("[data-alerts-inbox]");

    function show(count) {
      document.querySelectorAll("[data-alerts-unread]").forEach(function (badge) {
        badge.textContent = String(count);
        if (badge.classList.contains("nav-count")) {
          badge.hidden = count === 0;
          badge.setAttribute("aria-label", count + " unread");
        }
      });
    }

    function refreshInbox() {
      // The same list, filters and buttons the server renders: fetched again rather than built here.
      if (inbox && window.htmx) {
        window.htmx.ajax("GET", window.location.pathname + window.location.search, {
          target: "#alert-rows",
          swap: "outerHTML",
        });
      }
    }

    function connect() {
      fetch(nav.dataset.socketTokenUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": nav.dataset.csrf },
      })
        .then(function (response) {
          if (!response.ok) throw new Error("no token");
          return response.json();
        })
        .then(function (answer) {
          const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
          const socket = new WebSocket(scheme + "//" + window.location.host + "/ws/alerts/");
          socket.addEventListener("open", function () {
            socket.send(JSON.stringify({ type: "auth", token: answer.token }));
          });
          socket.addEventListener("message", function (message) {
            const event = JSON.parse(message.data);
            if (event.type === "authenticated" && organization in event.unread_counts) {
              show(event.unread_counts[organization]);
            } else if ((event.type === "alert.created" || event.type === "alert.updated") && event.organization_id === organization) {
              show(event.unread_count);
              refreshInbox();
            }
          });
          socket.addEventListener("close", function (closed) {
            // 4401: signed out or revoked; a new token is asked for only while the session lasts.
            window.setTimeout(connect, closed.code === 4401 ? RETRY_MS * 6 : RETRY_MS);
          });
        })
        .catch(function () {
          window.setTimeout(connect, RETRY_MS * 6);
        });
    }

    connect();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
