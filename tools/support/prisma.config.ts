import { definePrismaConfig } from '@autoverify/database/prisma-config';

export default definePrismaConfig();
