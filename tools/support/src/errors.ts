/** The console's refusals; the admin API turns each into its problem (http/problems.ts). */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

export class ConflictError extends Error {
  override name = 'ConflictError';
}
