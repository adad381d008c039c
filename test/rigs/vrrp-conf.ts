/** The lab's usual one instance: MASTER on eth0, VRID 51, priority 150, VIP 192.0.2.100/24; `extra` lines go inside. */
export function masterInstance(extra = ''): string {
  return `vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 150
    advert_int 1
${extra}    virtual_ipaddress {
        192.0.2.100/24
    }
}
`;
}
