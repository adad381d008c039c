/** Small statistics for benchmarks: medians over repeated runs, ratios. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export function ratio(a: number, b: number): number {
  return Math.round((a / b) * 100) / 100;
}
