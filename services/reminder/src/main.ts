import { runService } from '@autoverify/service-kit';
import { reminderService } from './service.ts';

runService(reminderService);
