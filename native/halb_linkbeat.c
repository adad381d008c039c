/*
 * halb_sys, linkProbe(ifname, kind): keepalived's linkbeat probes, for
 * interfaces whose driver does not report carrier changes over netlink
 * (linkbeat_use_polling, linkbeat_interfaces). kind 'mii': the PHY's basic
 * status register (SIOCGMIIPHY, SIOCGMIIREG, BMSR link bit); 'ethtool':
 * ETHTOOL_GLINK; 'ioctl': SIOCGIFFLAGS, up and running. Returns 1 (link),
 * 0 (no link) or -1 (the driver does not support that probe).
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <linux/ethtool.h>
#include <linux/mii.h>
#include <linux/sockios.h>

#include "halb_net.h"

static int probe_socket = -1;

/* An ifreq for the name (the caller checked it fits: at most IFNAMSIZ - 1). */
static void named(struct ifreq *ifr, const char *ifname) {
  memset(ifr, 0, sizeof *ifr);
  memcpy(ifr->ifr_name, ifname, strnlen(ifname, IFNAMSIZ - 1));
}

static int mii_probe(int fd, const char *ifname) {
  struct ifreq ifr;
  named(&ifr, ifname);
  if (ioctl(fd, SIOCGMIIPHY, &ifr) < 0) return -1;
  struct mii_ioctl_data *mii = (struct mii_ioctl_data *)&ifr.ifr_data;
  // The link bit latches low: read twice, as keepalived does, for the state now.
  int status = 0;
  for (int i = 0; i < 2; i++) {
    mii->reg_num = MII_BMSR;
    if (ioctl(fd, SIOCGMIIREG, &ifr) < 0) return -1;
    status = mii->val_out;
  }
  return (status & BMSR_LSTATUS) ? 1 : 0;
}

static int ethtool_probe(int fd, const char *ifname) {
  struct ifreq ifr;
  struct ethtool_value edata;
  named(&ifr, ifname);
  memset(&edata, 0, sizeof edata);
  edata.cmd = ETHTOOL_GLINK;
  ifr.ifr_data = (char *)&edata;
  if (ioctl(fd, SIOCETHTOOL, &ifr) < 0) return -1;
  return edata.data ? 1 : 0;
}

static int ioctl_flags(int fd, const char *ifname) {
  struct ifreq ifr;
  named(&ifr, ifname);
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) return errno == ENODEV ? 0 : -1;
  return (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING) ? 1 : 0;
}

napi_value halb_link_probe(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  char ifname[IFNAMSIZ] = {0}, kind[16] = {0};
  size_t len = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      napi_get_value_string_utf8(env, argv[0], ifname, sizeof ifname, &len) != napi_ok || len == 0 ||
      napi_get_value_string_utf8(env, argv[1], kind, sizeof kind, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "linkProbe(ifname, 'mii' | 'ethtool' | 'ioctl')");
    return NULL;
  }
  if (probe_socket < 0) {
    probe_socket = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (probe_socket < 0) return halb_errno_error(env, "socket", errno);
  }
  int r = strcmp(kind, "mii") == 0       ? mii_probe(probe_socket, ifname)
          : strcmp(kind, "ethtool") == 0 ? ethtool_probe(probe_socket, ifname)
                                         : ioctl_flags(probe_socket, ifname);
  napi_create_int32(env, r, &out);
  return out;
}
