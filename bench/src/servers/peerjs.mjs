// The PeerJS server (`peer` from npm), as its users run it: PeerServer on its own port, default options.
import { PeerServer } from 'peer';

const server = PeerServer({ host: '127.0.0.1', port: Number(process.env.PORT), path: '/' });
server.on('connection', () => undefined);
// PeerServer listens at once on the given port.
setTimeout(() => console.log(`READY ${process.env.PORT}`), 300);
