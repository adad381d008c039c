/**
 * glibc's random() (TYPE_3: an additive feedback generator of 31 words,
 * separation 3, seeded by srandom() with the Park-Miller sequence, the first
 * 310 results thrown away), which keepalived's ${_RANDOM} uses: with
 * `random_seed` a config expands to the same values here as in keepalived.
 */
const DEG = 31;
const SEP = 3;

export class GlibcRandom {
  private readonly r = new Int32Array(DEG);
  private f = SEP;
  private b = 0;

  constructor(seed: number) {
    let word = seed >>> 0 || 1;
    this.r[0] = word | 0;
    for (let i = 1; i < DEG; i++) {
      // 16807 * word % 2147483647 without overflow (Schrage), as glibc does it.
      const hi = Math.trunc((this.r[i - 1] as number) / 127773);
      const lo = (this.r[i - 1] as number) % 127773;
      word = 16807 * lo - 2836 * hi;
      if (word < 0) word += 2147483647;
      this.r[i] = word;
    }
    for (let i = 0; i < DEG * 10; i++) this.next();
  }

  /** The next value, 0 .. 2^31 - 1. */
  next(): number {
    const v = ((this.r[this.f] as number) + (this.r[this.b] as number)) | 0;
    this.r[this.f] = v;
    this.f = (this.f + 1) % DEG;
    this.b = (this.b + 1) % DEG;
    return (v >>> 1) & 0x7fffffff;
  }
}
