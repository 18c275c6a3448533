/* Live notifications: the unread badge in the header follows the WebSocket (PRODUCT §7).
   The session cookie authenticates; the highest id seen is kept so a reconnect replays what was
   missed, and only that (the server sends ids above it once each). Any close but 4401 (logged
   out) reconnects: 4503 is the server saying its channel layer lost this socket (Redis restarted
   or is away, issue 15). Reconnects back off from 1 s up to 30 s, with jitter so the sockets a
   restart closed together do not all come back at once; a socket that stayed up a minute starts
   again from 1 s. No library, no external URL. */
(function () {
  var badge = document.getElementById("unread-count");
  if (!badge || !window.WebSocket) return;
  var key = "zeren.lastNotification";
  var delay = 1000;
  var HEALTHY = 60000; /* ms a socket must stay open before the backoff starts again from 1 s */
  function show(count) {
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.hidden = count === 0;
    badge.title = badge.dataset.label + ": " + count;
  }
  function connect() {
    var since = window.localStorage.getItem(key) || "";
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/notifications/" + (since ? "?since=" + since : ""));
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
      if (event.code === 4401) return; /* logged out */
      if (opened && Date.now() - opened >= HEALTHY) delay = 1000;
      setTimeout(connect, delay / 2 + Math.random() * delay / 2);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
