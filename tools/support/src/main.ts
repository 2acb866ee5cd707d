import { runService } from '@autoverify/service-kit';
import { supportService } from './service.ts';

runService(supportService);
