/* Live notifications: the unread badge in the header follows the WebSocket (PRODUCT §7).
   The session cookie authenticates; the last id seen is kept so a reconnect replays what was
   missed. Reconnects back off up to 30 s. No library, no external URL.

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
      socket = null;
      if (event.code === 4401) return; /* logged out */
      setTimeout(connect, delay);
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
