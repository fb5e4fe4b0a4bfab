// Which addresses may call the webhook route (WEBHOOK_ALLOWED_IPS), and which peers are proxies whose
// X-Forwarded-For we believe (API_TRUSTED_PROXIES): lists of IPs and CIDR blocks.
import { BlockList, isIP } from 'node:net';

export class IpListError extends Error {
  override readonly name = 'IpListError';
}

/** 'a.b.c.d, 10.0.0.0/8, ::1' → the entries, each checked; an empty or blank text is an empty list. */
export function parseIpList(text: string | undefined): string[] {
  if (text === undefined || text.trim() === '') return [];
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) checkEntry(entry);
  return entries;
}

function checkEntry(entry: string): void {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  const bits = family === 4 ? 32 : 128;
  const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
  if (family === 0 || !prefixOk || rest.length > 0) {
    throw new IpListError(`'${entry}' is not an IP address or CIDR block (e.g. 203.0.113.7 or 10.0.0.0/8)`);
  }
}

/** '::ffff:127.0.0.1' (how a dual-stack socket reports IPv4 peers) → '127.0.0.1'. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

/** A membership test over parsed entries; an unparseable address is never a member. */
export function ipMatcher(entries: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    const normalized = normalizeAddress(address);
    const family = isIP(normalized);
    return family !== 0 && list.check(normalized, family === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * One X-Forwarded-For hop as an address: a bare IP, or one with a port (`198.51.100.1:80`, `[2001:db8::1]:443`,
 * `[2001:db8::1]`); null for anything else (`unknown`, a name, an empty hop, a port that is not one).
 */
export function forwardedHop(hop: string): string | null {
  const text = hop.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
  const withPort = bracketed ? null : /^(\d+\.\d+\.\d+\.\d+):(\d{1,5})$/.exec(text);
  const address = bracketed?.[1] ?? withPort?.[1] ?? text;
  const port = bracketed?.[2] ?? withPort?.[2];
  if (port !== undefined && Number(port) > 65_535) return null;
  const normalized = normalizeAddress(address);
  if (isIP(normalized) === 0) return null;
  // A bracket holds IPv6 only; `[198.51.100.1]` is not how anyone writes an IPv4 hop.
  if (bracketed && isIP(address) !== 6) return null;
  return normalized;
}

/**
 * The caller's address. The socket's peer, unless that peer is a trusted proxy (API_TRUSTED_PROXIES): then the
 * X-Forwarded-For hop right before the `trustedHops` proxies in front of the API (API_TRUSTED_PROXY_HOPS, the
 * peer included), counted from the right. Hops further left are whatever the client claimed and are never read.
 * Fails closed (null) when the chain is shorter than that or a hop it reads does not parse.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  isTrustedProxy: (address: string) => boolean,
  trustedHops: number,
): string | null {
  if (peer === undefined) return null;
  const address = normalizeAddress(peer);
  if (!isTrustedProxy(address) || forwardedFor === undefined) return address;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
  // The peer is the last proxy; the other trusted proxies each appended the address they heard from.
  const read = hops.slice(-trustedHops);
  if (read.length < trustedHops) return null;
  const parsed = read.map(forwardedHop);
  return parsed.every((hop) => hop !== null) ? (parsed[0] as string) : null;
}
