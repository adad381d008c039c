/**
 * The appliance the memory benches run (bench/appliance-memory.ts on the
 * host's netns lab, bench/appliance-memory-vm.ts in the firmware VM): 250 VRRP
 * instances at advert_int 1 and 20 virtual servers x 5 real servers checked
 * by TCP_CHECK every second.
 */
export const INSTANCES = 250;
export const RS_PORTS = [8000, 8001, 8002, 8003, 8004];

export function vrrpConf(): string {
  let s = '';
  for (let i = 1; i <= INSTANCES; i++)
    s += `vrrp_instance VI_${i} {\n    state BACKUP\n    interface eth0\n    virtual_router_id ${i}\n    priority 200\n    advert_int 1\n    virtual_ipaddress {\n        198.51.100.${i}/24\n    }\n}\n`;
  return s;
}

export function lvsConf(rs: string): string {
  let s = '';
  for (let v = 1; v <= 20; v++) {
    s += `virtual_server 203.0.113.${v} 80 {\n    delay_loop 1\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n`;
    for (const port of RS_PORTS)
      s += `    real_server ${rs} ${port} {\n        weight 1\n        TCP_CHECK {\n            connect_timeout 1\n        }\n    }\n`;
    s += '}\n';
  }
  return s;
}
