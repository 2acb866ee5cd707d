// Service output goes to a file, not the console: point at it whenever a test fails.
import { afterEach, inject } from 'vitest';

afterEach(({ task }) => {
  if (task.result?.state === 'fail') console.error(`service output of this run: ${inject('e2e').logFile}`);
});
