/* halb_sys watchdog functions (halb_wdt.c), registered by halb_sys.c. */
#ifndef HALB_WDT_H
#define HALB_WDT_H
#include <node_api.h>
napi_value halb_wdt_open(napi_env env, napi_callback_info info);
napi_value halb_wdt_set_timeout(napi_env env, napi_callback_info info);
napi_value halb_wdt_get_timeout(napi_env env, napi_callback_info info);
napi_value halb_wdt_keepalive(napi_env env, napi_callback_info info);
napi_value halb_wdt_boot_status(napi_env env, napi_callback_info info);
napi_value halb_wdt_identity(napi_env env, napi_callback_info info);
napi_value halb_wdt_close(napi_env env, napi_callback_info info);
#endif
