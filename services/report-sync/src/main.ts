import { runService } from '@autoverify/service-kit';
import { reportSyncService } from './service.ts';

runService(reportSyncService);
