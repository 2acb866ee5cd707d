import { runService } from '@autoverify/service-kit';
import { notifyService } from './service.ts';

runService(notifyService);
