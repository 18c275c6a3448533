/* Live notifications: the unread badge in the header follows the WebSocket (PRODUCT §7).
   The session cookie authenticates; the highest id seen is kept so a reconnect replays what was
   missed, and only that (the server sends ids above it once each). Any close but 4401 (logged
   out) reconnects: 4503 is the server saying its channel layer lost this socket (Redis restarted
   or is away, issue 15). Reconnects back off from 1 s up to 30 s, with jitter so the sockets a
   restart closed together do not all come back at once; a socket that stayed up a minute starts
   again from 1 s. No library, no external URL.

   The count is never kept by adding up frames: every (re)connect ends with the server's own
   {"type": "unread"} count, and live frames carry the count too, so after a dropped socket the
   badge shows what the database says. On the notification page (issue 16) a count that no
   longer matches the one the list was rendered with offers to reload the list. */
(function () {
  var badge = document.getElementById("unread-count");
  if (!badge || !window.WebSocket) return;
  var key = "zeren.lastNotification";
  var delay = 1000;
  var socket = null;
  var HEALTHY = 60000; /* ms a socket must stay open before the backoff starts again from 1 s */
  var listed = document.getElementById("notifications-unread");
  var stale = document.getElementById("notifications-stale");
  function show(count) {
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.hidden = count === 0;
    badge.title = badge.dataset.label + ": " + count;
    badge.dataset.count = String(count);
    if (listed && stale && String(count) !== listed.dataset.unread) stale.hidden = false;
  }
  function connect() {
    var since = window.localStorage.getItem(key) || "";
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/notifications/" + (since ? "?since=" + since : ""));
    var opened = 0;
    /* Not a reset of the backoff: during an outage the server accepts, replays and closes (4503). */
    socket.onopen = function () { opened = Date.now(); };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "unread") show(message.count);
      if (message.type === "notification") {
        var last = Number(window.localStorage.getItem(key) || 0);
        if (message.id > last) window.localStorage.setItem(key, String(message.id));
        /* A live notification carries the unread count in the same frame (a replayed one does not:
           the {"type": "unread"} frame after the replay does). */
        if (typeof message.unread === "number") show(message.unread);
      }
    };
    socket.onclose = function (event) {
      socket = null;
      if (event.code === 4401) return; /* logged out */
      if (opened && Date.now() - opened >= HEALTHY) delay = 1000;
      setTimeout(connect, delay / 2 + Math.random() * delay / 2);
      delay = Math.min(delay * 2, 30000);
    };
  }
  /* A page restored by Back from the browser's cache shows the badge it had when left: ask again. */
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    if (socket && socket.readyState === WebSocket.OPEN) socket.close(1000);
    else if (!socket) connect();
  });
  connect();
})();
