/** The parts of the Dockerfile the tests hold it to (single-line instructions, as it is written). */
export interface Dockerfile {
  /** ARG defaults, by name. */
  args: Record<string, string>;
  /** RUN commands in order. */
  runs: string[];
  /** Stage names (FROM ... AS name). */
  stages: string[];
  /** The final stage's CMD (JSON form) and USER. */
  cmd: string[];
  user: string | undefined;
}

export function parseDockerfile(text: string): Dockerfile {
  const result: Dockerfile = { args: {}, runs: [], stages: [], cmd: [], user: undefined };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [instruction = '', ...rest] = line.split(/\s+/);
    const value = rest.join(' ');
    switch (instruction.toUpperCase()) {
      case 'ARG': {
        const [name = '', fallback] = value.split('=');
        if (fallback !== undefined) result.args[name] = fallback;
        break;
      }
      case 'RUN':
        result.runs.push(value);
        break;
      case 'FROM': {
        const stage = /\sAS\s+(\S+)$/i.exec(value)?.[1];
        if (stage) result.stages.push(stage);
        result.user = undefined;
        break;
      }
      case 'CMD':
        result.cmd = JSON.parse(value) as string[];
        break;
      case 'USER':
        result.user = value;
        break;
    }
  }
  return result;
}
