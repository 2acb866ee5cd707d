import type { Drill } from '../drill.ts';
import { kafkaOutage } from './kafka-outage.ts';
import { killServices } from './kill-services.ts';
import { postgresRestart } from './postgres-restart.ts';
import { entrataFaults, messagingFaults, platformFaults } from './provider-faults.ts';

/** Every drill `make drills` runs, in order. */
export const allDrills = (): Drill[] => [
  killServices(),
  kafkaOutage(),
  postgresRestart(),
  entrataFaults(),
  platformFaults(),
  messagingFaults(),
];

export { entrataFaults, kafkaOutage, killServices, messagingFaults, platformFaults, postgresRestart };
