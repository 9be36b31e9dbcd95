/**
 * Where a webhook may be delivered: the SSRF rules. A subscription's URL is checked when it is
 * registered and every address its host resolves to is checked again at each delivery (at connect
 * time, so a DNS answer that changes between the check and the connection cannot slip a private
 * address in: DNS rebinding). Refused: anything but https; user info in the URL; and addresses
 * that are not public unicast, IPv4 and IPv6, including IPv4-mapped IPv6 (::ffff:10.0.0.1), the
 * NAT64 prefix and 6to4 (which embed IPv4 addresses). Only the local cloud allows plain http and
 * loopback targets (`WEBHOOK_ALLOW_LOOPBACK_TARGETS`, off in AWS), so tests can run a receiver.
 */
import { BlockList, isIP } from 'node:net';
import { type Problem, problem } from './problems.ts';

export interface TargetPolicy {
  /** Local cloud only: http:// and loopback addresses (127.0.0.0/8, ::1) are allowed. */
  allowLoopback: boolean;
}

/** Ranges that are never a webhook receiver (IANA special-purpose registries, RFC 6890), by reason. */
const forbiddenRanges: ReadonlyArray<{ reason: string; subnets: ReadonlyArray<[string, number, 'ipv4' | 'ipv6']> }> = [
  {
    reason: 'a private address',
    subnets: [
      ['10.0.0.0', 8, 'ipv4'],
      ['172.16.0.0', 12, 'ipv4'],
      ['192.168.0.0', 16, 'ipv4'],
      ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT (RFC 6598)
      ['fc00::', 7, 'ipv6'], // unique local (RFC 4193)
      ['fec0::', 10, 'ipv6'], // site-local, deprecated (RFC 3879) but still routed by some stacks
    ],
  },
  {
    reason: 'a link-local address (cloud instance metadata lives there)',
    subnets: [
      ['169.254.0.0', 16, 'ipv4'],
      ['fe80::', 10, 'ipv6'],
    ],
  },
  {
    reason: 'a special-purpose address (unspecified, documentation, benchmarking, multicast, reserved or protocol-assigned)',
    subnets: [
      ['0.0.0.0', 8, 'ipv4'],
      ['192.0.0.0', 24, 'ipv4'],
      ['192.0.2.0', 24, 'ipv4'],
      ['198.18.0.0', 15, 'ipv4'],
      ['198.51.100.0', 24, 'ipv4'],
      ['203.0.113.0', 24, 'ipv4'],
      ['224.0.0.0', 4, 'ipv4'],
      ['240.0.0.0', 4, 'ipv4'],
      // The unspecified address and IPv4-compatible addresses (`::a.b.c.d`, deprecated by RFC 4291 2.5.5.1).
      ['::', 96, 'ipv6'],
      ['100::', 64, 'ipv6'], // discard-only (RFC 6666)
      ['2001:db8::', 32, 'ipv6'],
      ['ff00::', 8, 'ipv6'],
      // Prefixes that embed an IPv4 address a gateway would reach: NAT64 (RFC 6052), 6to4 (RFC 3056), Teredo (RFC 4380).
      ['64:ff9b::', 96, 'ipv6'],
      ['64:ff9b:1::', 48, 'ipv6'],
      ['2002::', 16, 'ipv6'],
      ['2001::', 32, 'ipv6'],
    ],
  },
];

const loopback: ReadonlyArray<[string, number, 'ipv4' | 'ipv6']> = [
  ['127.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
];

const blockLists = forbiddenRanges.map(({ reason, subnets }) => {
  const list = new BlockList();
  for (const [network, prefix, type] of subnets) list.addSubnet(network, prefix, type);
  return { reason, list };
});
const loopbackList = new BlockList();
for (const [network, prefix, type] of loopback) loopbackList.addSubnet(network, prefix, type);

/**
 * Why `address` (an IP literal, as DNS answers it) may not receive webhooks, or undefined when it
 * may. IPv4-mapped IPv6 addresses are checked as the IPv4 address they carry (BlockList does this).
 */
export function forbiddenAddressReason(address: string, policy: TargetPolicy): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (loopbackList.check(address, type)) return policy.allowLoopback ? undefined : 'a loopback address';
  return blockLists.find(({ list }) => list.check(address, type))?.reason;
}

/** A URL that passed the checks that need no DNS: its host, and whether that host is an IP literal. */
export interface CheckedTarget {
  url: URL;
  /** The host without IPv6 brackets. */
  host: string;
  isAddress: boolean;
}

const targetProblem = (code: string, message: string): Problem => problem('/url', code, message);

/**
 * Checks a webhook URL before any DNS lookup: scheme, credentials, and an IP-literal host (in any
 * form the URL parser accepts: 0x7f.1 and 2130706433 are 127.0.0.1). A problem at `/url`, or the target.
 */
export function checkTargetUrl(raw: string, policy: TargetPolicy): CheckedTarget | Problem {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return targetProblem('INVALID_URL', 'must be an absolute URL such as https://hooks.example.com/customs');
  }
  const schemes = policy.allowLoopback ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) return targetProblem('TARGET_NOT_HTTPS', 'webhooks are delivered over https only');
  if (url.username !== '' || url.password !== '') {
    return targetProblem('TARGET_CREDENTIALS', 'must not carry a user name or password: the signature authenticates the platform');
  }
  if (url.hash !== '') return targetProblem('TARGET_FRAGMENT', 'must not have a fragment (#...)');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(host) !== 0) {
    const reason = forbiddenAddressReason(host, policy);
    if (reason) return targetProblem('TARGET_FORBIDDEN', `${host} is ${reason}: webhooks go to public addresses only`);
    return { url, host, isAddress: true };
  }
  if (url.protocol === 'http:' && !/^localhost$/i.test(host)) {
    // Plain http is for a receiver on this machine (local cloud), never for a name on the network.
    return targetProblem('TARGET_NOT_HTTPS', 'plain http is allowed for loopback receivers of the local cloud only');
  }
  return { url, host, isAddress: false };
}

/** The first address of a host's DNS answer that may not receive webhooks, as a problem at `/url`. */
export function checkResolvedAddresses(host: string, addresses: readonly string[], policy: TargetPolicy): Problem | undefined {
  if (addresses.length === 0) return targetProblem('TARGET_UNRESOLVABLE', `${host} does not resolve to any address`);
  for (const address of addresses) {
    const reason = forbiddenAddressReason(address, policy);
    if (reason) return targetProblem('TARGET_FORBIDDEN', `${host} resolves to ${address}, ${reason}: webhooks go to public addresses only`);
  }
  return undefined;
}

export const isProblem = (value: CheckedTarget | Problem): value is Problem => 'code' in value;
