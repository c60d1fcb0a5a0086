/** QSP figures inside lvxs (noble backend); prints `BENCH {json}` for bench/qsp.ts. scriptArgs = rekeys messages1k messages64k handshakes */
import { XsClock } from '../hal/xs/clock.ts';
import { nobleCrypto } from '../src/crypto/noble.ts';
import { benchHandshake, benchRekey, benchThroughput } from './qsp-core.ts';

const [rekeys, m1k, m64k, hs] = scriptArgs.map(Number);
const now = new XsClock().monotonicMs;
print(`BENCH ${JSON.stringify({
  rekey: benchRekey(now, nobleCrypto, rekeys!, 5),
  t1k: benchThroughput(now, nobleCrypto, 1024, m1k!),
  t64k: benchThroughput(now, nobleCrypto, 65536, m64k!),
  handshake: benchHandshake(now, nobleCrypto, hs!),
})}`);
