// Socket.IO's own floor: a bare Socket.IO server (the version ours uses, websocket only) that relays
// {to, type, data} to the socket of that id. No authentication, validation, presence or records: the
// difference between this and ours is what our server adds; between this and ws, what Socket.IO costs.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { serveClient: false, transports: ['websocket'] });
const byId = new Map();
io.on('connection', (socket) => {
  const id = String(socket.handshake.auth.id ?? '');
  byId.set(id, socket);
  socket.emit('session', { sessionId: socket.id });
  socket.on('signal', (s, ack) => {
    byId.get(s?.to)?.emit('signal', { from: id, type: s.type, data: s.data });
    if (typeof ack === 'function') ack({ ok: true });
  });
  socket.on('disconnect', () => byId.delete(id));
});
http.listen(0, '127.0.0.1', () => console.log(`READY ${http.address().port}`));
