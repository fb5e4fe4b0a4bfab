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
 * The caller's address: the socket's peer, unless that peer is a trusted proxy, in which case the right-most
 * X-Forwarded-For hop that is not itself a trusted proxy (the left-most entries are whatever the client claimed).
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  isTrustedProxy: (address: string) => boolean,
): string | null {
  if (peer === undefined) return null;
  let address = normalizeAddress(peer);
  if (!isTrustedProxy(address) || forwardedFor === undefined) return address;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((hop) => normalizeAddress(hop.trim()))
    .filter((hop) => isIP(hop) !== 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    address = hops[i] as string;
    if (!isTrustedProxy(address)) return address;
  }
  return address;
}
