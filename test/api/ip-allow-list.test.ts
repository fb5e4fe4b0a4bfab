// Who the webhook route believes is calling: the socket's peer, or X-Forwarded-For behind a trusted proxy.
import { clientAddress, forwardedHop, ipMatcher, parseIpList } from '../../src/api/ip-allow-list';

const trusted = ipMatcher(['10.0.0.0/8', '::1']);

test.each([
  ['a direct caller', '203.0.113.7', undefined, '203.0.113.7'],
  ['an IPv4-mapped peer', '::ffff:203.0.113.7', undefined, '203.0.113.7'],
  ['an untrusted peer claiming another address', '203.0.113.7', '198.51.100.1', '203.0.113.7'],
  ['behind one trusted proxy', '10.1.2.3', '198.51.100.1', '198.51.100.1'],
  ['a client spoofing the left-most hop', '10.1.2.3', '1.2.3.4, 198.51.100.1', '198.51.100.1'],
  ['a trusted proxy without the header', '::1', undefined, '::1'],
  ['the header twice (Node keeps them in order)', '10.1.2.3', ['1.2.3.4', '198.51.100.1'], '198.51.100.1'],
  // Issue 12, finding 5: these used to drop the hop they could not read and believe the client's own claim.
  ['a hop with a port', '10.1.2.3', '203.0.113.9, 198.51.100.1:5555', '198.51.100.1'],
  ['an IPv6 hop with a port', '10.1.2.3', '203.0.113.9, [2001:db8::1]:443', '2001:db8::1'],
  ['a bracketed IPv6 hop', '10.1.2.3', '203.0.113.9, [2001:db8::1]', '2001:db8::1'],
  ['an IPv4-mapped hop', '10.1.2.3', '::ffff:198.51.100.1', '198.51.100.1'],
  ['an unknown hop', '10.1.2.3', '203.0.113.9, unknown', null],
  ['an empty hop', '10.1.2.3', '203.0.113.9,', null],
  ['a hop that is a name', '10.1.2.3', '203.0.113.9, proxy.internal', null],
  ['a port out of range', '10.1.2.3', '203.0.113.9, 198.51.100.1:99999', null],
  // The client itself in a trusted range (10/8 here): its own claim to the left is never believed.
  ['a client inside the trusted range', '10.1.2.3', '203.0.113.9, 10.2.2.2', '10.2.2.2'],
  ['garbage left of the client', '10.1.2.3', 'unknown, <script>, 198.51.100.1', '198.51.100.1'],
])('%s', (_name, peer, forwarded, expected) => {
  expect(clientAddress(peer, forwarded, trusted, 1)).toBe(expected);
});

describe('API_TRUSTED_PROXY_HOPS: the client is the hop right before that many proxies, counted from the right', () => {
  test.each([
    ['two proxies', '198.51.100.1, 10.9.9.9', '198.51.100.1'],
    ['two proxies and a spoofed claim', '1.2.3.4, 198.51.100.1, 10.9.9.9', '198.51.100.1'],
    ['a second proxy on any address', '198.51.100.1, 192.0.2.50', '198.51.100.1'],
    ['fewer hops than proxies', '198.51.100.1', null],
    ['a proxy hop that does not parse', '198.51.100.1, unknown', null],
    ['a client hop that does not parse', 'unknown, 10.9.9.9', null],
  ])('%s', (_name, forwarded, expected) => {
    expect(clientAddress('10.1.2.3', forwarded, trusted, 2)).toBe(expected);
  });

  test('the peer must be a trusted proxy, whatever the count', () => {
    expect(clientAddress('203.0.113.7', '198.51.100.1, 10.9.9.9', trusted, 2)).toBe('203.0.113.7');
  });
});

test.each([
  ['198.51.100.1', '198.51.100.1'],
  ['198.51.100.1:80', '198.51.100.1'],
  [' 198.51.100.1 ', '198.51.100.1'],
  ['2001:db8::1', '2001:db8::1'],
  ['[2001:db8::1]:8080', '2001:db8::1'],
  ['[::ffff:198.51.100.1]:1', '198.51.100.1'],
  ['unknown', null],
  ['', null],
  ['198.51.100.1:', null],
  ['198.51.100.1:0x50', null],
  ['[2001:db8::1', null],
  ['2001:db8::1:80]', null],
  ['_hidden', null],
])('forwardedHop(%j) = %j', (hop, expected) => {
  expect(forwardedHop(hop)).toBe(expected);
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
