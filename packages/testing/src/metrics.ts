/** One sample of a Prometheus text scrape. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** A Prometheus text exposition, by metric name (histograms as their _bucket/_sum/_count series). */
export function parseScrape(text: string): Map<string, Sample[]> {
  const metrics = new Map<string, Sample[]>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || line.startsWith('#')) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[key as string] = value as string;
    const samples = metrics.get(match[1] as string) ?? [];
    samples.push({ labels, value: Number(match[3]) });
    metrics.set(match[1] as string, samples);
  }
  return metrics;
}
