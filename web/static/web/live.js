/* Live notifications: the unread badge in the header follows the WebSocket (PRODUCT §7).
   The session cookie authenticates; the last id seen is kept so a reconnect replays what was
   missed. Reconnects back off up to 30 s. No library, no external URL. */
(function () {
  var badge = document.getElementById("unread-count");
  if (!badge || !window.WebSocket) return;
  var key = "zeren.lastNotification";
  var delay = 1000;
  function show(count) {
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.hidden = count === 0;
    badge.title = badge.dataset.label + ": " + count;
  }
  function connect() {
    var since = window.localStorage.getItem(key) || "";
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/notifications/" + (since ? "?since=" + since : ""));
    socket.onopen = function () { delay = 1000; };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "unread") show(message.count);
      if (message.type === "notification") {
        window.localStorage.setItem(key, String(message.id));
        /* A live notification carries the unread count in the same frame (a replayed one does not:
           the {"type": "unread"} frame after the replay does). */
        if (typeof message.unread === "number") show(message.unread);
      }
    };
    socket.onclose = function (event) {
      if (event.code === 4401) return; /* logged out */
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
