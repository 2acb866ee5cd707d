/** Start-up configuration is wrong: the message lists every problem, one per line, so it can be fixed in one go. */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(summary: string, problems: string[]) {
    super(problems.length ? `${summary}:\n${problems.map((p) => `  - ${p}`).join('\n')}` : summary);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export class UnknownTenantError extends Error {
  readonly tenantId: string;

  constructor(tenantId: string) {
    super(`Unknown tenant "${tenantId}": it is not in the tenants file`);
    this.name = 'UnknownTenantError';
    this.tenantId = tenantId;
  }
}
