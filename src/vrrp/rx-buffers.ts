/**
 * The receive buffer of each VRRP socket, as keepalived sizes it
 * (vrrp_scheduler.c): the sum, over the instances sharing the socket, of the
 * instance's kernel_rx_buf_size, else what the global vrrp_rx_bufs_policy
 * gives: a SIZE, or vrrp_rx_bufs_multiplier (3) times the instance's advert
 * length (ADVERT) or its interface's MTU (MTU). Without either, the kernel's
 * default. Many instances on one socket, with a master sending all their
 * adverts in one burst, can overflow the default buffer. Pure.
 */
export interface RxBufsPolicy {
  readonly kind: 'mtu' | 'advert' | 'size' | undefined;
  readonly size?: number;
  readonly multiplier: number;
}

/** vrrp_rx_bufs_policy words: SIZE wins over MTU / ADVERT, MTU over ADVERT (keepalived's order). */
export function rxBufsPolicy(
  words: readonly string[] | undefined,
  multiplier: number | undefined,
): RxBufsPolicy {
  const m = multiplier && multiplier >= 1 ? multiplier : 3;
  let mtu = false;
  let advert = false;
  let size: number | undefined;
  for (const w of words ?? []) {
    if (w.toUpperCase() === 'MTU') mtu = true;
    else if (w.toUpperCase() === 'ADVERT') advert = true;
    else if (/^\d+$/.test(w)) size = Number(w);
  }
  if (size !== undefined) return { kind: 'size', size, multiplier: m };
  if (mtu) return { kind: 'mtu', multiplier: m };
  if (advert) return { kind: 'advert', multiplier: m };
  return { kind: undefined, multiplier: m };
}

export interface RxBufInstance {
  readonly family: 4 | 6;
  readonly version: 2 | 3;
  readonly vipCount: number;
  readonly ah: boolean;
  readonly kernelRxBufSize: number | undefined;
}

/** keepalived's vrrp_adv_len: the VRRP packet, with the IPv4 header (and AH) for IPv4. */
export function advertLength(i: RxBufInstance): number {
  let len = 8;
  if (i.family === 4) {
    if (i.version === 2) len += 8;
    len += 4 * i.vipCount + 20;
    if (i.ah) len += 24;
  } else len += 16 * i.vipCount;
  return len;
}

/** What one instance adds to its socket's buffer; 0: nothing (the kernel's default if all say so). */
export function rxBufShare(p: RxBufsPolicy, i: RxBufInstance, mtu: number): number {
  if (i.kernelRxBufSize) return i.kernelRxBufSize;
  switch (p.kind) {
    case 'size':
      return p.size ?? 0;
    case 'advert':
      return p.multiplier * advertLength(i);
    case 'mtu':
      return p.multiplier * mtu;
    default:
      return 0;
  }
}
