import { runService } from '@autoverify/service-kit';
import { ingestService } from './service.ts';

runService(ingestService);
