/**
 * QSP figures inside lvxs; prints `BENCH {json}` for bench/qsp.ts. scriptArgs = rekeys messages1k messages64k handshakes.
 * noble always; the host's libcrypto backend (hal/xs/crypto.ts) too when this lvxs has it; the
 * handshake also with the host's PQClean AsymmetricCrypto backend (hal/xs/pqc-native.ts) when it has that.
 */
import { XsClock } from '../hal/xs/clock.ts';
import { xsCrypto, xsCryptoAvailable } from '../hal/xs/crypto.ts';
import { xsPqc, xsPqcAvailable } from '../hal/xs/pqc-native.ts';
import { nobleCrypto } from '../src/crypto/noble.ts';
import { benchHandshake, benchRekey, benchThroughput } from './qsp-core.ts';

const [rekeys, m1k, m64k, hs] = scriptArgs.map(Number);
const now = new XsClock().monotonicMs;
const lib = xsCryptoAvailable() ? xsCrypto() : undefined;
const pqc = xsPqcAvailable() ? xsPqc() : undefined;
print(`BENCH ${JSON.stringify({
  rekey: benchRekey(now, nobleCrypto, rekeys!, 5),
  t1k: benchThroughput(now, nobleCrypto, 1024, m1k!),
  t64k: benchThroughput(now, nobleCrypto, 65536, m64k!),
  handshake: benchHandshake(now, nobleCrypto, hs!),
  // PQClean in the host: milliseconds, not seconds, so more runs for a steady median
  ...(pqc ? { pqcHandshake: benchHandshake(now, nobleCrypto, hs! * 5, pqc) } : {}),
  ...(pqc && lib ? { libPqcHandshake: benchHandshake(now, lib, hs! * 5, pqc) } : {}),
  ...(lib ? {
    lib: lib.name,
    libRekey: benchRekey(now, lib, rekeys! * 5, 20),
    // libcrypto is ~2,000× noble here: more messages, so a run lasts tens of ms, not a clock tick
    libT1k: benchThroughput(now, lib, 1024, m1k! * 20),
    libT64k: benchThroughput(now, lib, 65536, m64k! * 50),
  } : {}),
})}`);
