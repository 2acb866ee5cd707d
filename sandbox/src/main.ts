import { ConfigError, optionsFromEnv } from './config.ts';
import { startSandbox } from './index.ts';

try {
  const sandbox = await startSandbox(optionsFromEnv());
  const stop = async () => {
    await sandbox.stop();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (error) {
  console.error(error instanceof ConfigError ? `sandbox: ${error.message}` : error);
  process.exit(1);
}
