// Loaded with `node --import @autoverify/telemetry/register dist/main.js` (or src/main.ts): the SDK and the
// ESM loader hook must be in place before the application imports http, undici or pg, or those modules stay
// uninstrumented.
import { startTelemetry } from './sdk.ts';

await startTelemetry();
