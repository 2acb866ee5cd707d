export { PrismaClient } from './generated/prisma/client.ts';

import type { Prisma } from './generated/prisma/client.ts';

/** The interactive-transaction client handlers and jobs write with. */
export type Tx = Prisma.TransactionClient;
