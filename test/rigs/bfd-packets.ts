/** BFD control packets for tests: a Down packet at the idle rate, with what a test changes. */
import type { ControlPacket } from '../../src/bfd/packet';

export function controlPacket(over: Partial<ControlPacket> = {}): ControlPacket {
  return {
    diag: 0,
    state: 'Down',
    poll: false,
    final: false,
    controlPlaneIndependent: false,
    authPresent: false,
    demand: false,
    multipoint: false,
    detectMult: 3,
    myDiscr: 77,
    yourDiscr: 0,
    desiredMinTxUs: 1_000_000,
    requiredMinRxUs: 100_000,
    requiredMinEchoRxUs: 0,
    ...over,
  };
}
