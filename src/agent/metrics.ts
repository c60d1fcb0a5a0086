/**
 * Prometheus text exposition format 0.0.4 with seed 002's metric names (qkd_*), plus the key
 * service's own (lightvibes_*): hand-offs, consumption, expiry, refusals, guard denials and the
 * explicit PQC fallback counter (seed 000 "Fallback ratio (PQC/QMK)").
 */
import { LinkStatus } from '../policy/link-state.ts';
import type { KeyService } from './service.ts';

type Sample = readonly [labels: Record<string, string>, value: number];

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function family(name: string, type: 'counter' | 'gauge' | 'summary', help: string, samples: readonly Sample[]): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const [labels, value] of samples) {
    const l = Object.entries(labels).map(([k, v]) => `${k}="${esc(v)}"`).join(',');
    lines.push(`${name}${l ? `{${l}}` : ''} ${Number.isFinite(value) ? value : 0}`);
  }
  return lines.join('\n');
}

export function prometheusText(service: KeyService): string {
  const links = service.linkIds().map((id) => service.link(id)!);
  const per = (f: (v: (typeof links)[number]) => number, extra: Record<string, string> = {}) =>
    links.map((v): Sample => [{ link_id: v.linkId, ...extra }, f(v)]);
  const c = service.counters;
  const out = [
    family('qkd_keys_generated_total', 'counter', 'Key blocks accepted into the key pool.',
      links.map((v): Sample => [{ link_id: v.linkId, protocol: v.protocol }, v.counters.blocksAccepted])),
    family('qkd_key_bits_generated_total', 'counter', 'Secret key bits accepted into the key pool.', per((v) => v.counters.bitsAccepted)),
    family('qkd_secure_key_rate_bps', 'gauge', 'Secure key rate after error correction and privacy amplification.', per((v) => v.reading.secureKeyRateBps)),
    family('qkd_raw_key_rate_bps', 'gauge', 'Raw key rate before sifting.', per((v) => v.reading.rawKeyRateBps)),
    family('qkd_qber', 'gauge', 'Current quantum bit error rate.', per((v) => v.reading.qber)),
    family('qkd_channel_loss_db', 'gauge', 'Channel loss in dB.', per((v) => v.reading.lossDb)),
    family('qkd_photon_rate_hz', 'gauge', 'Detected photon rate.', per((v) => v.reading.photonRateHz)),
    family('qkd_visibility', 'gauge', 'Optical visibility (0-1).', per((v) => v.reading.visibility)),
    family('qkd_qber_threshold_exceeded_total', 'counter', 'QBER entered the warning or critical band.', [
      ...per((v) => v.counters.thresholdWarning, { severity: 'warning' }), ...per((v) => v.counters.thresholdCritical, { severity: 'critical' }),
    ]),
    family('qkd_key_generation_halted_total', 'counter', 'Key generation suspended or the channel quarantined.', per((v) => v.counters.halted)),
    family('qkd_device_temperature_celsius', 'gauge', 'Device temperature.', per((v) => v.reading.temperatureC)),
    family('qkd_device_uptime_seconds', 'gauge', 'Device uptime.', per((v) => v.reading.uptimeS)),
    family('qkd_kms_key_push_total', 'counter', 'Key hand-offs to consumers (sessions and ETSI enc_keys).', [
      [{ status: 'success' }, c.handoffs], [{ status: 'failure' }, c.handoffFailures],
    ]),
    family('qkd_kms_key_push_latency_seconds', 'summary', 'Time to hand a key off, including the durable commit.', []),
    `qkd_kms_key_push_latency_seconds_sum ${c.handoffLatencySumS}\nqkd_kms_key_push_latency_seconds_count ${c.handoffs}`,
    family('lightvibes_link_degraded', 'gauge', '1 while the link is DEGRADED (quarantined, PQC fallback only).', per((v) => (v.policy.status === LinkStatus.DEGRADED ? 1 : 0))),
    family('lightvibes_link_quarantine_total', 'counter', 'Times the channel was quarantined.', per((v) => v.counters.quarantines)),
    family('lightvibes_key_blocks_refused_total', 'counter', 'Key blocks refused by the link policy.', per((v) => v.counters.blocksRefused)),
    family('lightvibes_pool_bits', 'gauge', 'Unissued sealed key bits in the pool.', per((v) => service.keystore.poolBytes(v.linkId) * 8)),
    family('lightvibes_sessions_total', 'counter', 'Sessions created.', [[{}, c.sessions]]),
    family('lightvibes_pqc_fallback_total', 'counter', 'Sessions served by the explicit PQC-only fallback (ML-KEM-768 + X25519).', [[{}, c.pqcFallbacks]]),
    family('lightvibes_keys_consumed_total', 'counter', 'Keys taken by their one reader.', [[{}, c.consumed]]),
    family('lightvibes_keys_expired_total', 'counter', 'Keys retired unread at the end of their TTL.', [[{}, c.expired]]),
    family('lightvibes_keys_stored', 'gauge', 'Issued keys waiting to be taken.', [[{}, service.keystore.storedKeyCount()]]),
    family('lightvibes_key_requests_refused_total', 'counter', 'Key fetches refused, by reason.', Object.entries(c.refused).map(([reason, n]): Sample => [{ reason }, n])),
    family('lightvibes_guard_denied_total', 'counter', 'Requests refused by the mission guard.', [[{}, c.guardDenied]]),
    family('lightvibes_evidence_records', 'gauge', 'Records in the evidence log.', [[{}, service.evidence.headSeq + 1]]),
  ];
  return out.join('\n') + '\n';
}
