import { describe, expect, it } from 'vitest';
import { applicationKey, byApplication, planWebhookSyncs } from './webhook-sync-plan.ts';

const webhook = (id: string, tenantId: string, entrataApplicationId: string) => ({
  id,
  tenantId,
  entrataApplicationId,
});
const ids = (list: { id: string }[]) => list.map((w) => w.id);

describe('planWebhookSyncs', () => {
  it('queues one sync per application, for its oldest webhook; the others wait for it', () => {
    const taken = [webhook('1', 'acme', '10'), webhook('2', 'acme', '10'), webhook('3', 'beta', '20')];
    const plan = planWebhookSyncs(taken, new Set());
    expect(ids(plan.queue)).toEqual(['1', '3']);
    expect(plan.release).toEqual([]);
  });

  it('queues nothing for an application whose queued sync has not started: that read answers them', () => {
    const taken = [webhook('1', 'acme', '10'), webhook('2', 'acme', '11')];
    const plan = planWebhookSyncs(
      taken,
      new Set([applicationKey({ tenantId: 'acme', entrataApplicationId: '10' })]),
    );
    expect(ids(plan.queue)).toEqual(['2']);
    expect(plan.release).toEqual([]);
  });

  it("queues at most one sync per tenant and releases the tenant's other applications' webhooks", () => {
    const taken = [
      webhook('1', 'acme', '10'),
      webhook('2', 'acme', '11'),
      webhook('3', 'beta', '20'),
      webhook('4', 'acme', '11'),
      webhook('5', 'acme', '10'),
      webhook('6', 'acme', '12'),
    ];
    const plan = planWebhookSyncs(taken, new Set());
    expect(ids(plan.queue)).toEqual(['1', '3']);
    expect(ids(plan.release)).toEqual(['2', '4', '6']);
  });

  it('tells one tenant from another with the same application id', () => {
    const plan = planWebhookSyncs(
      [webhook('1', 'acme', '10'), webhook('2', 'beta', '10')],
      new Set([applicationKey({ tenantId: 'acme', entrataApplicationId: '10' })]),
    );
    expect(ids(plan.queue)).toEqual(['2']);
  });
});

describe('byApplication', () => {
  it('orders by tenant, then application id, in code-unit order', () => {
    const refs = [
      { tenantId: 'b', entrataApplicationId: '1' },
      { tenantId: 'a', entrataApplicationId: '9' },
      { tenantId: 'a', entrataApplicationId: '10' },
    ];
    expect([...refs].sort(byApplication)).toEqual([refs[2], refs[1], refs[0]]);
  });
});
