"""WebSocket routes. The notification consumer arrives with the notifications issue; until then
the route list is empty and every handshake is refused by the router."""

websocket_urlpatterns: list = []
