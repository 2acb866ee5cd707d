import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { bearerAuth } from './bearer.ts';
import type { HttpServer } from './http.ts';

export interface AdminScopeOptions {
  /** `<service> admin`, named in WWW-Authenticate. */
  realm: string;
  /** ADMIN_TOKEN and ADMIN_TOKEN_PREVIOUS; none set = no routes. */
  tokens: readonly (string | undefined)[];
}

/**
 * Registers a service's generic admin routes behind its bearer token. Without a token the routes do not
 * exist (404) rather than being open.
 */
export async function adminScope(
  app: HttpServer,
  options: AdminScopeOptions,
  routes: (scope: HttpServer) => void,
): Promise<void> {
  const tokens = options.tokens.filter((t): t is string => typeof t === 'string' && t !== '');
  if (tokens.length === 0) return;
  await app.register(async (plainScope) => {
    const scope = plainScope.withTypeProvider<TypeBoxTypeProvider>();
    scope.addHook('onRequest', bearerAuth({ tokens, realm: options.realm }));
    routes(scope);
  });
}
