export { Prisma, PrismaClient } from './generated/prisma/client.ts';

import type { Prisma } from './generated/prisma/client.ts';

/** The interactive-transaction client the projection writes with. */
export type Tx = Prisma.TransactionClient;
