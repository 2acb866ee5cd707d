import { runService } from '@autoverify/service-kit';
import { inviteService } from './service.ts';

runService(inviteService);
