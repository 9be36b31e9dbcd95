/** DNS as the operating system resolves it (getaddrinfo, as the delivery's connection will). */
import { lookup } from 'node:dns/promises';
import type { HostResolver } from '#shared/ports/webhooks.ts';

export const dnsHostResolver: HostResolver = {
  async resolve(host) {
    return (await lookup(host, { all: true })).map((answer) => answer.address);
  },
};
