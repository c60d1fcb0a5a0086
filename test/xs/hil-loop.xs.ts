/**
 * What test/hil-xs.test.ts runs inside lvxs besides the agent: the XS host's event loop
 * (hal/xs/hil-loop.ts over native/host/loop.c) and the bad inputs of its UDP and serial transports
 * (native/host/udp.c, serial.c). One line `LOOP {json}`.
 */
import { LoopError, XsHilLoop } from '../../hal/xs/hil-loop.ts';
import { XsSerialHilTransport, XsUdpHilTransport } from '../../hal/xs/hil-transport.ts';

const errorOf = (f: () => unknown): string => {
  try { f(); return 'none'; } catch (e) { return `${(e as Error).name}: ${(e as Error).message}`; }
};
const loop = new XsHilLoop();

// Timers fire in due order, a cancelled one never; the run returns the promise's value.
const fired: string[] = [];
const value = loop.run(new Promise<string>((resolve) => {
  loop.setTimer(30, () => { fired.push('30'); resolve('done'); });
  loop.setTimer(10, () => fired.push('10'));
  const cancel = loop.setTimer(20, () => fired.push('20'));
  loop.setTimer(0, () => fired.push('0'));
  cancel();
}));
// An awaited chain of promise jobs settles inside one run; a rejection comes out as the throw.
const chain = loop.run((async () => { let n = 0; for (let i = 0; i < 100; i++) n += await Promise.resolve(i); return n; })());
const rejected = errorOf(() => loop.run(new Promise((_, reject) => loop.setTimer(1, () => reject(new RangeError('rig said no'))))));
// Draining from inside a promise job is refused (the engine's job list is not re-entrant).
const nested = errorOf(() => loop.run(Promise.resolve().then(() => (native('xs_lv_loop_drain') as () => void)())));
// Nothing left to wait for, a promise that never settles: a LoopError, not a hang.
const stuck = errorOf(() => loop.run(new Promise(() => {})));
const limited = errorOf(() => { loop.setTimer(10_000, () => {}); loop.run(new Promise(() => {}), 50); });
const inRun = errorOf(() => loop.run(Promise.resolve().then(() => loop.run(Promise.resolve(1)))));

// UDP: a connected socket keeps strangers out; bad addresses and ports are refused by name.
const a = new XsUdpHilTransport({ peer: { address: '127.0.0.1', port: 9 } });
const b = new XsUdpHilTransport({ peer: { address: '127.0.0.1', port: a.port } });
let heard = 0;
a.onData(() => heard++);
b.send(Uint8Array.of(1, 2, 0));
const strangerKept = !a.pump(50) && heard === 0;
const udp = {
  strangerKept,
  badAddress: errorOf(() => new XsUdpHilTransport({ peer: { address: 'rig.local', port: 9 } })),
  badPort: errorOf(() => new XsUdpHilTransport({ peer: { address: '127.0.0.1', port: 70_000 } })),
  badLocal: errorOf(() => new XsUdpHilTransport({ port: -1, peer: { address: '127.0.0.1', port: 9 } })),
  notBytes: errorOf(() => b.send('hello' as unknown as Uint8Array)),
};
a.close(); b.close();
const afterClose = { port: errorOf(() => a.port), send: errorOf(() => b.send(Uint8Array.of(0))), pump: a.pump(0) };

const serial = {
  notATty: errorOf(() => new XsSerialHilTransport({ path: '/dev/null' })),
  missing: errorOf(() => new XsSerialHilTransport({ path: '/nonexistent/tty' })),
  badBaud: errorOf(() => new XsSerialHilTransport({ path: '/dev/null', baud: 12_345 })),
  noPath: errorOf(() => new XsSerialHilTransport({} as never)),
};

print(`LOOP ${JSON.stringify({ value, fired, chain, rejected, nested, stuck, limited, inRun, loopError: new LoopError('x') instanceof Error, udp, afterClose, serial })}`);
