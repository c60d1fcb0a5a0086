/**
 * `npm run rig -- [options]`: the rig emulator as its own process (sim/rig/emulator.ts).
 *   --udp <port>          listen on UDP 127.0.0.1:<port> (0: any free port); prints `RIG udp <port>`
 *   --serial <path>       open a serial device (e.g. one end of a socat pty pair); prints `RIG serial <path>`
 *   --seed <n>            channel seed (default 1)
 *   --loss-db <dB>        channel loss (default 0; the small-block link of sim/qkd-small.ts)
 *   --drop p --corrupt p --delay p --delay-ms ms --drop-in p     random faults
 *   --script kind@n       misbehave once after n EMITs: garbage, version, timestamp, crc, unhealthy, silence
 * Prints `RIG stats {json}` on SIGTERM/SIGINT and exits.
 */
import { parseArgs } from 'node:util';
import { nodeHilHost, SerialHilTransport, UdpHilTransport } from '../../hal/hil/node.ts';
import type { HilTransport } from '../../hal/hil/bridge.ts';
import { RigEmulator, type RigScript } from './emulator.ts';

const { values } = parseArgs({
  options: {
    udp: { type: 'string' }, serial: { type: 'string' }, seed: { type: 'string', default: '1' }, 'loss-db': { type: 'string', default: '0' },
    drop: { type: 'string' }, corrupt: { type: 'string' }, delay: { type: 'string' }, 'delay-ms': { type: 'string' }, 'drop-in': { type: 'string' },
    script: { type: 'string' },
  },
});
const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));

let transport: HilTransport;
if (values.udp !== undefined) {
  const t = await UdpHilTransport.open({ port: Number(values.udp) });
  transport = t;
  console.log(`RIG udp ${t.port}`);
} else if (values.serial !== undefined) {
  transport = await SerialHilTransport.open(values.serial);
  console.log(`RIG serial ${values.serial}`);
} else {
  console.error('rig: give --udp <port> or --serial <path>');
  process.exit(2);
}

let script: { kind: RigScript; afterEmits: number } | undefined;
if (values.script) {
  const [kind, n] = values.script.split('@');
  script = { kind: kind as RigScript, afterEmits: Number(n ?? 0) };
}
const rig = new RigEmulator({
  transport, host: nodeHilHost, seed: Number(values.seed),
  photonics: { lossDb: Number(values['loss-db']), detectorEfficiency: 0.9, darkCountProbability: 1e-7, misalignment: 0.003, meanPhotonNumbers: [0.5, 0.15, 0.0002] },
  faults: { drop: num(values.drop), corrupt: num(values.corrupt), delay: num(values.delay), delayMs: num(values['delay-ms']), dropIncoming: num(values['drop-in']), script },
});
const stop = () => {
  rig.stop();
  // the line's last error too (a serial write or read that failed): a test that fails says why
  const lineError = transport instanceof SerialHilTransport ? transport.lastError?.message : undefined;
  console.log(`RIG stats ${JSON.stringify({ ...rig.stats, lineError })}`);
  transport.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
