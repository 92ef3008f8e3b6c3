/**
 * An optional second check on a provider's webhook (the first is its token
 * or signature): the sender's address must be on the allow-list, e.g.
 * MPESA_CALLBACK_IPS="196.201.214.200,196.201.214.206". The address is the
 * one lib/security/client-ip.ts established (the socket peer, or the entry
 * our own trusted proxies appended), never the client-supplied first
 * X-Forwarded-For. An unset or empty list allows any sender.
 */
export function webhookSourceAllowed(clientIp: string | null, allowList: string | undefined): boolean {
  const allowed = (allowList ?? "")
    .split(",")
    .map((address) => address.trim())
    .filter(Boolean);
  if (allowed.length === 0) return true;
  return clientIp !== null && allowed.includes(clientIp);
}
