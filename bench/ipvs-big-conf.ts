/** The config of the IPVS benches: 100 virtual servers x 100 real servers, no checkers. */
export const VS = 100;
export const RS = 100;

export function bigConf(): string {
  let s = '';
  for (let v = 1; v <= VS; v++) {
    s += `virtual_server 192.0.2.${v} 80 {\n  lb_algo wlc\n  lb_kind NAT\n  protocol TCP\n`;
    for (let r = 1; r <= RS; r++)
      s += `  real_server 198.51.100.${r} ${8000 + v} {\n    weight 1\n  }\n`;
    s += '}\n';
  }
  return s;
}
