// The floor: a bare `ws` relay. A client connects with ?id=…, sends {to, data}; the relay forwards
// {from, data} to that id. No authentication, no validation, no presence.
import { WebSocketServer } from 'ws';

const clients = new Map();
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('connection', (socket, req) => {
  const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? '';
  clients.set(id, socket);
  socket.on('message', (raw) => {
    let m;
    try {
      m = JSON.parse(raw.toString());
    } catch {
      return;
    }
    clients.get(m.to)?.send(JSON.stringify({ from: id, data: m.data }));
  });
  socket.on('close', () => clients.delete(id));
});
wss.on('listening', () => console.log(`READY ${wss.address().port}`));
