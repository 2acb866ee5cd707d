/** The parts of a tenant's settings that name its senders. */
export interface SenderSource {
  defaults: { sender: { brandName: string; smsFrom: string } };
  properties: Record<string, { sender?: { brandName: string; smsFrom: string } | undefined }>;
}

/**
 * The brand to answer in when someone texts one of our numbers: the brand of every customer/property that
 * sends from it, when they agree; undefined when the number is unknown or shared by several brands.
 */
export function brandForSenderNumber(tenants: readonly SenderSource[], number: string): string | undefined {
  const brands = new Set<string>();
  for (const tenant of tenants) {
    for (const sender of [tenant.defaults.sender, ...Object.values(tenant.properties).map((p) => p.sender)]) {
      if (sender && sender.smsFrom === number) brands.add(sender.brandName);
    }
  }
  return brands.size === 1 ? [...brands][0] : undefined;
}
