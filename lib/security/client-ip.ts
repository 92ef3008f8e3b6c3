/**
 * The client's address: the socket peer, unless `trustedHops` proxies sit in
 * front of us, in which case the entry that many hops from the right of
 * X-Forwarded-For (what our own proxies appended). Anything further left is
 * client-supplied and never trusted.
 */
export function clientIp(socketAddress: string | undefined, forwardedFor: string | undefined, trustedHops: number): string | null {
  const peer = normalise(socketAddress);
  if (trustedHops <= 0) return peer;
  const chain = (forwardedFor ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  return normalise(chain[chain.length - trustedHops]) ?? peer;
}

function normalise(address: string | undefined): string | null {
  if (!address) return null;
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

/** The header our server sets on every request (any inbound copy is overwritten). */
export const CLIENT_IP_HEADER = "x-harambee-client-ip";
