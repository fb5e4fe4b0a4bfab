// Who the webhook route believes is calling: the socket's peer, or X-Forwarded-For behind a trusted proxy.
import { clientAddress, ipMatcher, parseIpList } from '../../src/api/ip-allow-list';

const trusted = ipMatcher(['10.0.0.0/8', '::1']);

test.each([
  ['a direct caller', '203.0.113.7', undefined, '203.0.113.7'],
  ['an IPv4-mapped peer', '::ffff:203.0.113.7', undefined, '203.0.113.7'],
  ['an untrusted peer claiming another address', '203.0.113.7', '198.51.100.1', '203.0.113.7'],
  ['behind one trusted proxy', '10.1.2.3', '198.51.100.1', '198.51.100.1'],
  ['behind two trusted proxies', '10.1.2.3', '198.51.100.1, 10.9.9.9', '198.51.100.1'],
  ['a client spoofing the left-most hop', '10.1.2.3', '1.2.3.4, 198.51.100.1', '198.51.100.1'],
  ['a trusted proxy without the header', '::1', undefined, '::1'],
])('%s', (_name, peer, forwarded, expected) => {
  expect(clientAddress(peer, forwarded, trusted)).toBe(expected);
});

test('an allow-list of addresses and blocks, IPv4 and IPv6', () => {
  const allowed = ipMatcher(parseIpList('203.0.113.7, 198.51.100.0/24, 2001:db8::/32'));
  expect(['203.0.113.7', '198.51.100.200', '::ffff:198.51.100.1', '2001:db8::1'].map(allowed)).toEqual([
    true,
    true,
    true,
    true,
  ]);
  expect(['203.0.113.8', '192.0.2.1', '2001:db9::1', 'not-an-ip'].map(allowed)).toEqual([
    false,
    false,
    false,
    false,
  ]);
});

test.each(['example.com', '10.0.0.0/33', '10.0.0.1/8/8', '::1/129'])('parseIpList refuses %j', (entry) => {
  expect(() => parseIpList(`127.0.0.1, ${entry}`)).toThrow(expect.objectContaining({ name: 'IpListError' }));
});
